"""API router of the cooperation app (mounted under /api/v1/cooperation/). Staff only: partnerships, board and
advisory memberships, requests for advice — list, detail and create — through the same selectors, access rules
and services as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field as SchemaField

from resurs.accounts.access import can_manage_centre_work, is_centre_staff
from resurs.cooperation import access, selectors, services
from resurs.cooperation.choices import AdviceStatus, PartnershipType, Sector
from resurs.cooperation.filters import AdviceRequestFilter, PartnershipFilter
from resurs.cooperation.models import AdviceRequest, GovernanceSeat, Partnership
from resurs.core.api import (
    ColumnText,
    Date,
    ErrorOut,
    Id,
    PageIn,
    Search,
    StrictId,
    Year,
    choice,
    filtered,
)
from resurs.registry.models import Centre, Organisation, Person, Tie

router = Router(tags=["cooperation"])

GovernanceRole = Literal[tuple(role.value for role in services.GOVERNANCE_ROLES)]


# --- Schemas --------------------------------------------------------------------------------------------------


class PartnershipOut(Schema):
    id: int
    centre_id: int
    organisation_a_id: int
    organisation_a: str
    sector_a: str
    organisation_b_id: int
    organisation_b: str
    sector_b: str
    type: str
    title: str
    started_on: dt.date
    ended_on: dt.date | None
    value: Decimal | None
    outcomes: str
    description: str

    @staticmethod
    def resolve_organisation_a(obj) -> str:
        return obj.organisation_a.display_name

    @staticmethod
    def resolve_organisation_b(obj) -> str:
        return obj.organisation_b.display_name


class PartnershipPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PartnershipOut]


class PartnershipFilterIn(PageIn):
    q: Search | None = None
    sector: choice(Sector) | None = None
    type: choice(PartnershipType) | None = None
    region: Id | None = None
    year: Year() | None = None


class PartnershipIn(Schema):
    centre_id: StrictId
    organisation_a_id: StrictId
    organisation_b_id: StrictId
    type: choice(PartnershipType)
    title: ColumnText(Partnership, "title")
    started_on: Date
    ended_on: Date | None = None
    # Not negative: the service says so together with the other errors of the partnership.
    value: Decimal | None = SchemaField(
        None,
        max_digits=Partnership._meta.get_field("value").max_digits,
        decimal_places=Partnership._meta.get_field("value").decimal_places,
        description="Roubles; not negative",
    )
    outcomes: ColumnText(Partnership, "outcomes") = ""
    description: ColumnText(Partnership, "description") = ""


class MembershipOut(Schema):
    id: int
    person_id: int
    person: str
    organisation_id: int
    organisation: str
    role: str
    title: str
    started_on: dt.date | None
    ended_on: dt.date | None
    main_affiliation_id: int | None
    main_affiliation: str | None
    centre_id: int | None


class MembershipPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MembershipOut]


class MembershipFilterIn(PageIn):
    role: GovernanceRole | None = None


class MembershipIn(Schema):
    centre_id: StrictId
    person_id: StrictId
    organisation_id: StrictId
    role: GovernanceRole
    title: ColumnText(Tie, "title") = ""
    started_on: Date
    ended_on: Date | None = None
    main_affiliation_id: StrictId | None = None
    note: ColumnText(GovernanceSeat, "note") = ""


class AdviceRequestOut(Schema):
    id: int
    centre_id: int
    topic: str
    question: str
    requester_id: int
    requester: str
    contact_person_id: int | None
    contact_name: str
    contact_email: str
    contact_phone: str
    received_on: dt.date
    due_on: dt.date
    status: str
    is_overdue: bool
    response: str
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_requester(obj) -> str:
        return obj.requester.display_name


class AdviceRequestPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AdviceRequestOut]


class AdviceFilterIn(PageIn):
    status: choice(AdviceStatus) | None = None
    open: bool | None = None
    overdue: bool | None = None
    q: Search | None = None


def _advice_column(name: str):
    return ColumnText(AdviceRequest, name)


class AdviceRequestIn(Schema):
    centre_id: StrictId
    topic: _advice_column("topic")
    requester_id: StrictId | None = SchemaField(
        None, description="Required; a missing requester is a 422 with a message"
    )
    question: _advice_column("question") = ""
    contact_person_id: StrictId | None = None
    contact_name: _advice_column("contact_name") = ""
    contact_email: _advice_column("contact_email") = ""
    contact_phone: _advice_column("contact_phone") = ""
    received_on: Date
    due_on: Date


# --- Helpers --------------------------------------------------------------------------------------------------


def _require_staff(request) -> None:
    if not is_centre_staff(request.user):
        raise PermissionDenied(_("Only centre staff may use the cooperation API."))


def _page(queryset, page: int, page_size: int) -> tuple[dict, list]:
    paginator = Paginator(queryset, page_size)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages}, list(
        current.object_list
    )


def _centre_for(request, centre_id: int) -> Centre:
    centre = Centre.objects.filter(pk=centre_id).first()
    if centre is None or not can_manage_centre_work(request.user, centre):
        raise PermissionDenied(_("You do not work for this centre."))
    return centre


def _lookup(model, pk: int | None, field: str, errors: dict):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        errors[field] = [_("No such record: %(id)s.") % {"id": pk}]
    return obj


def _membership_out(tie) -> dict:
    seat = getattr(tie, "governance_seat", None)
    affiliation = seat.main_affiliation if seat else None
    return {
        "id": tie.pk,
        "person_id": tie.person_id,
        "person": tie.person.full_name,
        "organisation_id": tie.organisation_id,
        "organisation": tie.organisation.display_name,
        "role": tie.role,
        "title": tie.title,
        "started_on": tie.started_on,
        "ended_on": tie.ended_on,
        "main_affiliation_id": affiliation.pk if affiliation else None,
        "main_affiliation": affiliation.display_name if affiliation else None,
        "centre_id": seat.centre_id if seat else None,
    }


# --- Partnerships ---------------------------------------------------------------------------------------------


@router.get("/partnerships", response={200: PartnershipPage, 403: ErrorOut}, summary="List partnerships")
def partnership_list(request, filters: Query[PartnershipFilterIn]):
    _require_staff(request)
    data = filters.dict(exclude={"page", "page_size"}, exclude_none=True)
    filterset = PartnershipFilter(data, selectors.partnership_list_for_user(request.user))
    meta, rows = _page(filtered(filterset), filters.page, filters.page_size)
    return {**meta, "results": rows}


@router.get(
    "/partnerships/{partnership_id}",
    response={200: PartnershipOut, 403: ErrorOut},
    summary="A partnership",
)
def partnership_detail(request, partnership_id: Id):
    _require_staff(request)
    return access.get_partnership_for_user(request.user, partnership_id)


@router.post(
    "/partnerships",
    response={201: PartnershipOut, 403: ErrorOut},
    summary="Record a partnership",
)
def partnership_create(request, payload: PartnershipIn):
    _require_staff(request)
    centre = _centre_for(request, payload.centre_id)
    errors: dict = {}
    organisation_a = _lookup(Organisation, payload.organisation_a_id, "organisation_a_id", errors)
    organisation_b = _lookup(Organisation, payload.organisation_b_id, "organisation_b_id", errors)
    if errors:
        raise ValidationError(errors)
    fields = payload.dict(exclude={"centre_id", "organisation_a_id", "organisation_b_id"})
    partnership = services.partnership_create(
        centre=centre,
        actor=request.user,
        organisation_a=organisation_a,
        organisation_b=organisation_b,
        **fields,
    )
    return Status(201, partnership)


# --- Memberships ----------------------------------------------------------------------------------------------


@router.get(
    "/memberships", response={200: MembershipPage, 403: ErrorOut}, summary="List board and council seats"
)
def membership_list(request, filters: Query[MembershipFilterIn]):
    _require_staff(request)
    rows = selectors.membership_list()
    if filters.role:
        rows = rows.filter(role=filters.role)
    meta, items = _page(rows, filters.page, filters.page_size)
    return {**meta, "results": [_membership_out(tie) for tie in items]}


@router.get(
    "/memberships/{membership_id}",
    response={200: MembershipOut, 403: ErrorOut},
    summary="A board or council seat",
)
def membership_detail(request, membership_id: Id):
    _require_staff(request)
    return _membership_out(access.get_membership_for_user(request.user, membership_id))


@router.post(
    "/memberships",
    response={201: MembershipOut, 403: ErrorOut},
    summary="Record a board or advisory-body membership",
)
def membership_create(request, payload: MembershipIn):
    _require_staff(request)
    centre = _centre_for(request, payload.centre_id)
    errors: dict = {}
    person = _lookup(Person, payload.person_id, "person_id", errors)
    organisation = _lookup(Organisation, payload.organisation_id, "organisation_id", errors)
    affiliation = _lookup(Organisation, payload.main_affiliation_id, "main_affiliation_id", errors)
    if errors:
        raise ValidationError(errors)
    tie = services.membership_create(
        centre=centre,
        actor=request.user,
        person=person,
        organisation=organisation,
        role=payload.role,
        title=payload.title,
        started_on=payload.started_on,
        ended_on=payload.ended_on,
        main_affiliation=affiliation,
        note=payload.note,
    )
    return Status(201, _membership_out(selectors.membership_list().get(pk=tie.pk)))


# --- Requests for advice --------------------------------------------------------------------------------------


@router.get(
    "/advice-requests", response={200: AdviceRequestPage, 403: ErrorOut}, summary="List requests for advice"
)
def advice_list(request, filters: Query[AdviceFilterIn]):
    _require_staff(request)
    data = filters.dict(exclude={"page", "page_size"}, exclude_none=True)
    filterset = AdviceRequestFilter(data, selectors.advice_request_list_for_user(request.user))
    meta, rows = _page(filtered(filterset), filters.page, filters.page_size)
    return {**meta, "results": rows}


@router.get(
    "/advice-requests/{request_id}",
    response={200: AdviceRequestOut, 403: ErrorOut},
    summary="A request for advice",
)
def advice_detail(request, request_id: Id):
    _require_staff(request)
    return access.get_advice_request_for_user(request.user, request_id)


@router.post(
    "/advice-requests",
    response={201: AdviceRequestOut, 403: ErrorOut},
    summary="Register a request for advice",
)
def advice_create(request, payload: AdviceRequestIn):
    _require_staff(request)
    centre = _centre_for(request, payload.centre_id)
    errors: dict = {}
    requester = _lookup(Organisation, payload.requester_id, "requester_id", errors)
    contact = _lookup(Person, payload.contact_person_id, "contact_person_id", errors)
    if errors:
        raise ValidationError(errors)
    fields = payload.dict(exclude={"centre_id", "requester_id", "contact_person_id"})
    advice = services.advice_request_create(
        centre=centre, actor=request.user, requester=requester, contact_person=contact, **fields
    )
    return Status(201, advice)
