"""What every router of the JSON API shares, and the core router (a health check).

* ``ResursAPI``: the NinjaAPI that every refusal leaves as JSON in one shape (``ErrorOut``): a bad parameter or
  body is a 422 naming each field, a missing or hidden object a 404, a forbidden action a 403, a missing login
  a 401, an unreadable body a 400 — never an HTML page or a 500. Its schema declares those responses.
* Parameter types with the bounds of the database behind them: ``Id`` and ``StrictId`` (a positive bigint),
  ``Text`` and ``ColumnText`` (a length limit, no NUL), ``choice`` (a TextChoices as an enum), ``Year``,
  ``Date``, ``Slug``, ``JsonObject``.
* ``FilterIn``, the base of every list's query filters, and ``LimitOffsetPagination`` with bounded limit/offset.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.db import connection
from django.db.models import TextChoices
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination
from pydantic import AfterValidator, StringConstraints, ValidationInfo, field_validator

from resurs.core.filters import EARLIEST_YEAR, LATEST_YEAR

# --- Bounds -------------------------------------------------------------------------------------------------

# Every primary key is a bigint (BigAutoField): a larger id must not reach the database.
BIGINT_MAX = 2**63 - 1
MAX_LIMIT = 200  # rows in one page of a limit/offset list
MAX_PAGE_SIZE = 100  # rows in one page of a numbered list
# The largest offset or page number one may ask for: far past any list, far below an overflow.
MAX_POSITION = 2**31 - 1
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)  # dates that a person may enter
LONG_TEXT = 100_000  # characters of free text (a TextField) in one field: some fifty pages
SEARCH_TEXT = 200  # characters of a search query


# --- Parameter types ----------------------------------------------------------------------------------------

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
"""A database id in a path or a query string: a positive bigint."""

StrictId = Annotated[int, Field(strict=True, ge=1, le=BIGINT_MAX)]
"""A database id in a JSON body: a JSON integer, never ``true`` or ``"5"`` (pydantic would coerce both)."""

Date = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]
"""A calendar date in a JSON body, within the years a person may enter."""


def _storable(value: str) -> str:
    """Text the database can store: PostgreSQL refuses NUL characters, UTF-8 refuses lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _storable_json(value: Any) -> Any:
    """Every string of a JSON value, keys included, storable (PostgreSQL's jsonb refuses ``\\u0000`` too)."""
    if isinstance(value, str):
        _storable(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable_json(item)
    elif isinstance(value, list):
        for item in value:
            _storable_json(item)
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_storable_json)]
"""A JSON object stored as it is (answers to a form): any shape, text the database can store."""


def Text(max_length: int, *, min_length: int = 0) -> Any:
    """A string of at most ``max_length`` characters (the column's length) that the database can store."""
    return Annotated[
        str, StringConstraints(min_length=min_length, max_length=max_length), AfterValidator(_storable)
    ]


def ColumnText(model, field: str, *, min_length: int = 0) -> Any:
    """A string for ``model.field``: at most the column's length (free text: ``LONG_TEXT``)."""
    return Text(model._meta.get_field(field).max_length or LONG_TEXT, min_length=min_length)


Search = Text(SEARCH_TEXT)
"""A search query."""

Slug = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[-a-zA-Z0-9_]+$")]
"""A slug in a path: letters, digits, hyphens and underscores."""


def choice(choices: type[TextChoices]) -> Any:
    """The values of a TextChoices as an enum of the schema (an unknown value is a 422)."""
    return Literal[tuple(choices.values)]


def Year(earliest: int = EARLIEST_YEAR, latest: int = LATEST_YEAR) -> Any:
    return Annotated[int, Field(ge=earliest, le=latest)]


class FilterIn(Schema):
    """The query filters of a list. An empty parameter means no filter, as an HTML form sends it."""

    @field_validator("*", mode="before")
    @classmethod
    def _empty_means_absent(cls, value: Any, info: ValidationInfo) -> Any:
        if value == "":
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value


def filtered(filterset):
    """The FilterSet's queryset, or a 422 naming each filter its form refuses (a page may ignore a bad filter;
    the API says so)."""
    if filterset.is_bound and not filterset.form.is_valid():
        errors = filterset.form.errors.get_json_data()
        raise ValidationError({name: [item["message"] for item in items] for name, items in errors.items()})
    return filterset.qs


class PageIn(FilterIn):
    """A numbered page of a list."""

    page: int = Field(1, ge=1, le=MAX_POSITION)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class LimitOffsetIn(FilterIn):
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_POSITION)


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    """django-ninja's limit/offset pagination with bounded values (an offset past a bigint was a 500)."""

    Input = LimitOffsetIn

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


# --- Errors -------------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every refusal of the API: what went wrong and, for invalid input, the messages per field."""

    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Messages per parameter or field of the body; `__all__` for the input as a whole.",
    )


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors=None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def _field_name(loc: tuple) -> str:
    """``("query", "limit")`` → ``limit``; ``("body", "payload", "fields", 0)`` → ``fields.0``: where the
    value was (query, path, body) and the name of the body parameter are not part of the field's name."""
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _invalid_request(api, request, exc: RequestValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(tuple(error.get("loc", ()))), []).append(error["msg"])
    return error_response(api, request, 422, _("The request has invalid parameters."), errors)


def _invalid_data(api, request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return error_response(api, request, 422, _("The data has errors."), exc.message_dict)
    return error_response(api, request, 422, " ".join(exc.messages))


def _http_error(api, request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        return error_response(api, request, 401, _("Sign in or send a valid API token."))
    if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):  # django-ninja's words
        return _bad_request(api, request, exc)
    return error_response(api, request, exc.status_code, exc.message)


def _permission_denied(api, request, exc: PermissionDenied):
    return error_response(api, request, 403, str(exc) or _("You may not do this."))


def _not_found(api, request, exc: Exception):
    return error_response(api, request, 404, _("Not found."))


def _bad_request(api, request, exc: Exception):
    return error_response(api, request, 400, _("The request cannot be read."))


CSRF_FAILED = gettext_lazy("The CSRF token is missing or wrong: reload the page and try again.")

# The responses the API itself may give to an operation, by what the operation is: (status, description).
AUTHENTICATED = (401, "Not signed in, or the API token is not valid")
CSRF = (403, "Signed in through the browser without the CSRF token")
NOT_FOUND = (404, "No such object, or not visible to the caller")
UNREADABLE = (400, "The body is not valid JSON")
INVALID = (422, "Invalid parameters or body: messages per field")
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}


class ResursAPI(NinjaAPI):
    """The NinjaAPI of Resurs: every refusal is JSON in the shape of ``ErrorOut`` (exception handlers for
    django-ninja's and Django's exceptions), and the schema declares, for every operation, the refusals that the
    API itself may give: 401 when the operation needs a signed-in caller (403 for a missing CSRF token on a
    browser session's write), 404 when it has a path parameter, 422 when it takes parameters or a body, 400 when
    the body cannot be read. Refusals of the operation's own logic (400, 403) are declared on it."""

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        handlers = {
            RequestValidationError: _invalid_request,
            ValidationError: _invalid_data,
            HttpError: _http_error,
            PermissionDenied: _permission_denied,
            Http404: _not_found,
            ObjectDoesNotExist: _not_found,
            SuspiciousOperation: _bad_request,
            BadRequest: _bad_request,
        }
        for exc_class, handler in handlers.items():
            self.add_exception_handler(
                exc_class, lambda request, exc, handler=handler: handler(self, request, exc)
            )

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema["components"]["schemas"]
        components.setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                refusals = []
                if operation.get("security"):
                    refusals.append(AUTHENTICATED)
                    if method in ("post", "put", "patch", "delete"):
                        refusals.append(CSRF)
                if "{" in path:
                    refusals.append(NOT_FOUND)
                if "requestBody" in operation:
                    refusals.append(UNREADABLE)
                if operation.get("parameters") or "requestBody" in operation:
                    refusals.append(INVALID)
                for status, description in refusals:
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ERROR_SCHEMA}},
                        },
                    )
        return schema


def fallback_router() -> Router:
    """A router mounted last: a path under /api/ that no operation has answers a JSON 404, not an HTML page."""
    fallback = Router()

    @fallback.api_operation(
        ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
    )
    def no_such_operation(request, rest: str):
        raise Http404

    return fallback


# --- The core router ----------------------------------------------------------------------------------------

router = Router(tags=["core"])


class HealthOut(Schema):
    status: str
    database: str


@router.get("/health", response=HealthOut, auth=None, summary="Health check")
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}
