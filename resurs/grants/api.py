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
from ninja import Router, Schema
from pydantic import Field as SchemaField

from resurs.accounts.access import represented_organisation_ids
from resurs.accounts.api_auth import OptionalAuth
from resurs.grants import opendata, selectors, services
from resurs.grants.access import get_application_for_user, get_call_for_applicant, get_call_for_user
from resurs.grants.choices import CallStatus
from resurs.grants.models import Application
from resurs.registry.models import Organisation

router = Router(tags=["grants"])
MAX_PAGE_SIZE = 100


class DirectionOut(Schema):
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
    directions: list[DirectionOut]
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


class SubmissionIn(Schema):
    organisation_id: int
    idempotency_key: uuid.UUID = SchemaField(description="A fresh UUID per application; reuse it on retries.")
    title: str
    summary: str = ""
    direction_id: int | None = None
    project_starts_on: dt.date | None = None
    project_ends_on: dt.date | None = None
    declarations: list[str] = []
    answers: dict = {}
    timezone: str | None = SchemaField(
        None, description="The applicant's IANA time zone, for deadline messages."
    )


class SubmissionOut(Schema):
    id: int
    number: str
    status: str
    created: bool
    submitted_at: dt.datetime


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


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


def _page(queryset, page: int, size: int):
    paginator = Paginator(queryset, min(max(size, 1), MAX_PAGE_SIZE))
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "results": list(current.object_list)}


@router.get("/calls", response=CallPage, auth=None, summary="Public calls")
def call_list(request, status: str | None = None, page: int = 1, page_size: int = 20):
    calls = selectors.call_list_public()
    if status:
        calls = calls.filter(status=status)
    return _page(calls, page, page_size)


@router.get("/calls/{slug}", response=CallDetailOut, auth=OptionalAuth(), summary="A call with its form")
def call_detail(request, slug: str):
    return get_call_for_user(request.user, slug)


@router.get("/calls/{slug}/results", response=ResultsOut, auth=None, summary="Results of a published call")
def call_results(request, slug: str):
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
def call_results_360(request, slug: str):
    call = get_call_for_user(request.user, slug)
    if call.status != CallStatus.RESULTS_PUBLISHED:
        raise Http404
    return opendata.package_for_calls([call])


@router.get("/applications", response=ApplicationPage, summary="Applications the caller may see")
def application_list(
    request, call: str | None = None, status: str | None = None, page: int = 1, page_size: int = 20
):
    user = request.user
    own = Q(organisation_id__in=represented_organisation_ids(user))
    staff = selectors.application_list_for_staff(user).values("pk")
    applications = (
        Application.objects.filter(own | Q(pk__in=staff))
        .select_related("call", "organisation")
        .order_by("-pk")
    )
    if call:
        applications = applications.filter(call__slug=call)
    if status:
        applications = applications.filter(status=status)
    return _page(applications, page, page_size)


@router.get("/applications/{int:pk}", response=ApplicationOut, summary="One application")
def application_detail(request, pk: int):
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
def submission_create(request, slug: str, payload: SubmissionIn):
    call = get_call_for_applicant(request.user, slug)
    if payload.organisation_id not in represented_organisation_ids(request.user):
        return 403, {"detail": "You do not represent this organisation."}
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
        return 400, {"detail": detail, "errors": errors}
    body = {
        "id": application.pk,
        "number": application.number,
        "status": application.status,
        "created": created,
        "submitted_at": application.submitted_at,
    }
    return (201 if created else 200), body
