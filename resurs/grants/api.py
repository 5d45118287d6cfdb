"""API router of the grants app (mounted under /api/v1/grants/).

Public: calls (list, detail) and the results of published calls. Signed in: applications — applicants see their
own organisations' only, staff their centres' (never other applicants' drafts); an applicant may submit a complete
application in one request with an idempotency key (a retry with the same key returns the same application).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import Field as SchemaField

from resurs.accounts.access import represented_organisation_ids
from resurs.accounts.api_auth import OptionalAuth
from resurs.core.api import (
    MAX_PAGE_SIZE,
    ColumnText,
    Date,
    ErrorOut,
    Id,
    JsonObject,
    PageIn,
    Slug,
    StrictId,
    Text,
    choice,
)
from resurs.grants import opendata, selectors, services
from resurs.grants.access import get_application_for_user, get_call_for_applicant, get_call_for_user
from resurs.grants.choices import ApplicationStatus, CallStatus
from resurs.grants.models import Application
from resurs.registry.models import Organisation

router = Router(tags=["grants"])
MAX_DECLARATIONS = 100


class CallDirectionOut(Schema):
    id: int
    name: str
    name_ru: str
    name_en: str
    budget: Decimal


class CallOut(Schema):
    id: int
    slug: str
    title: str
    status: str
    programme: str
    centre: str
    opens_at: dt.datetime | None
    deadline: dt.datetime | None
    deadline_timezone: str
    budget: Decimal
    min_request: Decimal
    max_request: Decimal
    cofinancing_share: Decimal
    url: str

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.title

    @staticmethod
    def resolve_centre(obj) -> str:
        return str(obj.centre)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class CallDetailOut(CallOut):
    description: str
    directions: list[CallDirectionOut]
    form: dict
    required_documents: list[str]
    min_organisation_age_years: int

    @staticmethod
    def resolve_directions(obj) -> list:
        return list(obj.directions.all())

    @staticmethod
    def resolve_form(obj) -> dict:
        version = services.form_current(obj)
        return {"version": version.number, **version.schema} if version else {}


class CallPage(Schema):
    count: int
    page: int
    results: list[CallOut]


class ApplicationOut(Schema):
    id: int
    number: str
    call: str
    organisation_id: int
    organisation: str
    direction_id: int | None
    title: str
    summary: str
    status: str
    requested_amount: Decimal
    total_cost: Decimal
    cofinancing_amount: Decimal
    project_starts_on: dt.date | None
    project_ends_on: dt.date | None
    submitted_at: dt.datetime | None
    answers: dict

    @staticmethod
    def resolve_call(obj) -> str:
        return obj.call.slug

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name


class ApplicationPage(Schema):
    count: int
    page: int
    results: list[ApplicationOut]


class CallFilterIn(PageIn):
    status: choice(CallStatus) | None = None
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class ApplicationFilterIn(CallFilterIn):
    call: Slug | None = None
    status: choice(ApplicationStatus) | None = None


class SubmissionIn(Schema):
    organisation_id: StrictId
    idempotency_key: uuid.UUID = SchemaField(description="A fresh UUID per application; reuse it on retries.")
    title: ColumnText(Application, "title")
    summary: Text(3000) = ""  # the limit of the application form
    direction_id: StrictId | None = None
    project_starts_on: Date | None = None
    project_ends_on: Date | None = None
    declarations: list[Text(300)] = SchemaField([], max_length=MAX_DECLARATIONS)
    answers: JsonObject = {}
    timezone: Text(64) | None = SchemaField(
        None, description="The applicant's IANA time zone, for deadline messages."
    )


class SubmissionOut(Schema):
    id: int
    number: str
    status: str
    created: bool
    submitted_at: dt.datetime


class WinnerOut(Schema):
    number: str
    organisation: str
    ogrn: str
    inn: str
    region: str
    title: str
    direction: str
    awarded_amount: Decimal


class ResultsOut(Schema):
    call: str
    applications: int
    winners_count: int
    awarded: Decimal
    winners: list[WinnerOut]


def _page(queryset, filters: PageIn):
    paginator = Paginator(queryset, filters.page_size)
    current = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": current.number, "results": list(current.object_list)}


@router.get("/calls", response=CallPage, auth=None, summary="Public calls")
def call_list(request, filters: Query[CallFilterIn]):
    calls = selectors.call_list_public()
    if filters.status:
        calls = calls.filter(status=filters.status)
    return _page(calls, filters)


@router.get("/calls/{slug}", response=CallDetailOut, auth=OptionalAuth(), summary="A call with its form")
def call_detail(request, slug: Slug):
    return get_call_for_user(request.user, slug)


@router.get("/calls/{slug}/results", response=ResultsOut, auth=None, summary="Results of a published call")
def call_results(request, slug: Slug):
    call = get_call_for_user(request.user, slug)
    if call.status != CallStatus.RESULTS_PUBLISHED:
        raise Http404
    summary = selectors.results_summary(call)
    winners = [
        {
            "number": a.number,
            "organisation": a.organisation.name,
            "ogrn": a.organisation.ogrn,
            "inn": a.organisation.inn,
            "region": a.organisation.region.name_ru if a.organisation.region_id else "",
            "title": a.title,
            "direction": a.direction.name_ru if a.direction_id else "",
            "awarded_amount": a.decision.awarded_amount,
        }
        for a in selectors.winners(call)
    ]
    return {
        "call": call.slug,
        "applications": summary["applications"],
        "winners_count": summary["winners"],
        "awarded": summary["awarded"],
        "winners": winners,
    }


@router.get("/calls/{slug}/results/360giving", auth=None, summary="Results as a 360Giving data package")
def call_results_360(request, slug: Slug):
    call = get_call_for_user(request.user, slug)
    if call.status != CallStatus.RESULTS_PUBLISHED:
        raise Http404
    package = opendata.package_for_calls([call])
    if package is None:  # no awards: a valid result; the standard has no empty package
        raise Http404(_("This call awarded no grants, so there is no 360Giving data to publish."))
    return package


@router.get("/applications", response=ApplicationPage, summary="Applications the caller may see")
def application_list(request, filters: Query[ApplicationFilterIn]):
    user = request.user
    own = Q(organisation_id__in=represented_organisation_ids(user))
    staff = selectors.application_list_for_staff(user).values("pk")
    applications = (
        Application.objects.filter(own | Q(pk__in=staff))
        .select_related("call", "organisation")
        .order_by("-pk")
    )
    if filters.call:
        applications = applications.filter(call__slug=filters.call)
    if filters.status:
        applications = applications.filter(status=filters.status)
    return _page(applications, filters)


@router.get("/applications/{pk}", response=ApplicationOut, summary="One application")
def application_detail(request, pk: Id):
    return get_application_for_user(request.user, pk)


def _submit(**kwargs):
    """The service, and once more after a lost race on a unique constraint (a key reused for another
    organisation): the retry finds the winner or refuses with a clear message."""
    try:
        return services.application_submit_payload(**kwargs)
    except IntegrityError:
        winner = Application.objects.filter(submission_token=kwargs["token"]).first()
        if winner is not None and winner.organisation_id == kwargs["organisation"].pk:
            return winner, False
        raise ValidationError(_("This submission key was already used for another application.")) from None


@router.post(
    "/calls/{slug}/submissions",
    response={201: SubmissionOut, 200: SubmissionOut, 400: ErrorOut, 403: ErrorOut},
    summary="Submit a complete application in one request (idempotent by key)",
)
def submission_create(request, slug: Slug, payload: SubmissionIn):
    call = get_call_for_applicant(request.user, slug)
    if payload.organisation_id not in represented_organisation_ids(request.user):
        return Status(403, {"detail": _("You do not represent this organisation.")})
    organisation = Organisation(pk=payload.organisation_id)  # the service reads it under a row lock
    data = {
        "title": payload.title,
        "summary": payload.summary,
        "direction": payload.direction_id,
        "project_starts_on": payload.project_starts_on,
        "project_ends_on": payload.project_ends_on,
        "declarations": payload.declarations,
        "answers": payload.answers,
    }
    try:
        application, created = _submit(
            call=call,
            organisation=organisation,
            actor=request.user,
            token=payload.idempotency_key,
            data=data,
            tz_name=payload.timezone,
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {}
        detail = "; ".join(error.messages) if not errors else "The application has errors."
        return Status(400, {"detail": detail, "errors": errors})
    body = {
        "id": application.pk,
        "number": application.number,
        "status": application.status,
        "created": created,
        "submitted_at": application.submitted_at,
    }
    return Status(201 if created else 200, body)
