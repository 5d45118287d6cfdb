"""API router of the registry app (mounted under /api/v1/registry/).

The same FilterSet, selectors, access rules and services as the pages: every signed-in caller reads the
registry; staff create and update organisations; a person's contacts are shown as on the person page.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field as SchemaField

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
from resurs.registry import selectors, services
from resurs.registry.access import (
    can_edit_registry,
    can_see_person_contacts,
    get_organisation_for_user,
    get_person_for_user,
)
from resurs.registry.choices import OrganisationKind, OrganisationStatus
from resurs.registry.filters import EARLIEST_FOUNDING_YEAR, SORTS, organisation_filter
from resurs.registry.models import Field, LegalForm, Organisation, Region

router = Router(tags=["registry"])

FIELDS_PER_ORGANISATION = 100


# --- Schemas ----------------------------------------------------------------------------------------------


class RegionOut(Schema):
    id: int
    fns_code: str
    iso_code: str
    name: str
    name_ru: str
    name_en: str
    federal_district_id: int


class FederalDistrictOut(Schema):
    id: int
    code: str
    name: str


class FieldOut(Schema):
    id: int
    slug: str
    name: str
    name_ru: str
    name_en: str


class LegalFormOut(Schema):
    id: int
    code: str
    name: str
    is_non_commercial: bool


class OrganisationRowOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    inn: str
    ogrn: str
    region_id: int | None
    region: str | None
    city: str
    founded_on: dt.date | None
    status: str
    url: str


class TieOut(Schema):
    id: int
    person_id: int
    person: str
    organisation_id: int
    organisation: str
    role: str
    title: str
    started_on: dt.date | None
    ended_on: dt.date | None
    is_current: bool

    @staticmethod
    def resolve_person(obj) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_organisation(obj) -> str:
        return str(obj.organisation)


class OrganisationOut(OrganisationRowOut):
    legal_form_id: int | None
    kpp: str
    address: str
    liquidated_on: dt.date | None
    email: str
    phone: str
    website: str
    description: str
    fields: list[str]
    is_centre: bool
    ties: list[TieOut]


ROW_FIELDS = ("id", "name", "short_name", "kind", "inn", "ogrn", "region_id", "city", "founded_on", "status")
DETAIL_FIELDS = (
    "legal_form_id",
    "kpp",
    "address",
    "liquidated_on",
    "email",
    "phone",
    "website",
    "description",
)


class OrganisationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[OrganisationRowOut]


FoundingYear = Year(EARLIEST_FOUNDING_YEAR)
FieldSlugs = list[ColumnText(Field, "slug")]


class OrganisationFilterIn(PageIn):
    q: Search | None = None
    kind: choice(OrganisationKind) | None = None
    region: Id | None = None
    federal_district: Id | None = None
    field: Id | None = None
    founded_from: FoundingYear | None = None
    founded_to: FoundingYear | None = None
    status: choice(OrganisationStatus) | None = None
    sort: Literal[tuple(SORTS)] | None = None


def _column(name: str):
    return ColumnText(Organisation, name)


class OrganisationIn(Schema):
    """An organisation to create; on update (PATCH) every field is optional."""

    name: _column("name")
    short_name: _column("short_name") = ""
    kind: choice(OrganisationKind) = OrganisationKind.NGO.value
    legal_form_id: StrictId | None = None
    inn: _column("inn") = ""
    ogrn: _column("ogrn") = ""
    kpp: _column("kpp") = ""
    region_id: StrictId | None = None
    city: _column("city") = ""
    address: _column("address") = ""
    founded_on: Date | None = None
    liquidated_on: Date | None = None
    status: choice(OrganisationStatus) = OrganisationStatus.ACTIVE.value
    email: _column("email") = ""
    phone: _column("phone") = ""
    website: _column("website") = ""
    description: _column("description") = ""
    fields: FieldSlugs = SchemaField(
        default_factory=list, max_length=FIELDS_PER_ORGANISATION, description="Slugs of fields of activity"
    )


class OrganisationPatch(Schema):
    name: _column("name") | None = None
    short_name: _column("short_name") | None = None
    kind: choice(OrganisationKind) | None = None
    legal_form_id: StrictId | None = None
    inn: _column("inn") | None = None
    ogrn: _column("ogrn") | None = None
    kpp: _column("kpp") | None = None
    region_id: StrictId | None = None
    city: _column("city") | None = None
    address: _column("address") | None = None
    founded_on: Date | None = None
    liquidated_on: Date | None = None
    status: choice(OrganisationStatus) | None = None
    email: _column("email") | None = None
    phone: _column("phone") | None = None
    website: _column("website") | None = None
    description: _column("description") | None = None
    fields: FieldSlugs | None = SchemaField(None, max_length=FIELDS_PER_ORGANISATION)


class PersonOut(Schema):
    id: int
    full_name: str
    last_name: str
    first_name: str
    patronymic: str
    region_id: int | None
    city: str
    email: str | None = None
    phone: str | None = None
    has_consent: bool
    ties: list[TieOut] = []


class PersonPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PersonOut]


class PersonFilterIn(PageIn):
    q: Search = ""


# --- Helpers ----------------------------------------------------------------------------------------------


def _require_staff(request) -> None:
    if not can_edit_registry(request.user):
        raise PermissionDenied(_("Only centre staff may change the registry."))


def _organisation_row(organisation: Organisation) -> dict:
    return {
        **{name: getattr(organisation, name) for name in ROW_FIELDS},
        "region": organisation.region.name if organisation.region_id else None,
        "url": organisation.get_absolute_url(),
    }


def _organisation_out(organisation: Organisation) -> dict:
    current, past = selectors.organisation_ties(organisation)
    return {
        **_organisation_row(organisation),
        **{name: getattr(organisation, name) for name in DETAIL_FIELDS},
        "fields": [field.slug for field in organisation.fields.all()],
        "is_centre": selectors.organisation_centre(organisation) is not None,
        "ties": current + past,
    }


def _person_out(request, person, *, ties: bool = False) -> dict:
    show = can_see_person_contacts(request.user, person)
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "patronymic": person.patronymic,
        "region_id": person.region_id,
        "city": person.city,
        "email": person.email if show else None,
        "phone": person.phone if show else None,
        "has_consent": person.has_consent,
        "ties": selectors.person_ties(person) if ties else [],
    }


def _write_data(payload: Schema, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    for key in ("legal_form_id", "region_id"):
        if key in data:
            value = data.pop(key)
            model = LegalForm if key == "legal_form_id" else Region
            target = key.removesuffix("_id")
            if value is None:
                data[target] = None
            else:
                found = model.objects.filter(pk=value).first()
                if found is None:
                    raise ValidationError({target: [_("Unknown id.")]})
                data[target] = found
    if "fields" in data:
        slugs = data["fields"] or []
        found = list(Field.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {field.slug for field in found})
        if unknown:
            raise ValidationError(
                {"fields": [_("Unknown fields of activity: %(slugs)s.") % {"slugs": ", ".join(unknown)}]}
            )
        data["fields"] = found
    for key, value in list(data.items()):
        if value is None and key not in ("founded_on", "liquidated_on", "legal_form", "region"):
            data[key] = ""
    return data


# --- Organisations ----------------------------------------------------------------------------------------


@router.get("/organisations", response=OrganisationPage, summary="List organisations")
def organisation_list(request, filters: Query[OrganisationFilterIn]):
    """Organisations filtered like the registry page (search, kind, region, district, field, years, status)."""
    data = filters.dict(exclude_none=True)
    page, page_size = data.pop("page"), data.pop("page_size")
    paginator = Paginator(filtered(organisation_filter(data, selectors.organisation_list())), page_size)
    page_obj = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": page_obj.number,
        "pages": paginator.num_pages,
        "results": [_organisation_row(organisation) for organisation in page_obj.object_list],
    }


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="An organisation")
def organisation_detail(request, organisation_id: Id):
    return _organisation_out(get_organisation_for_user(request.user, organisation_id))


@router.post(
    "/organisations",
    response={201: OrganisationOut, 403: ErrorOut},
    summary="Create an organisation (staff)",
)
def organisation_create(request, payload: OrganisationIn):
    _require_staff(request)
    organisation = services.organisation_create(actor=request.user, data=_write_data(payload, partial=False))
    return Status(201, _organisation_out(organisation))


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 403: ErrorOut},
    summary="Update an organisation (staff)",
)
def organisation_update(request, organisation_id: Id, payload: OrganisationPatch):
    organisation = get_organisation_for_user(request.user, organisation_id)
    _require_staff(request)
    organisation = services.organisation_update(
        organisation=organisation, actor=request.user, data=_write_data(payload, partial=True)
    )
    return _organisation_out(organisation)


# --- People -----------------------------------------------------------------------------------------------


@router.get("/people", response=PersonPage, summary="List people")
def person_list(request, filters: Query[PersonFilterIn]):
    """People of the registry (erased people excluded); contacts only where the caller may see them."""
    queryset = selectors.person_search(selectors.person_list().filter(erased_at=None), filters.q)
    paginator = Paginator(queryset, filters.page_size)
    page_obj = paginator.get_page(filters.page)
    return {
        "count": paginator.count,
        "page": page_obj.number,
        "pages": paginator.num_pages,
        "results": [_person_out(request, person) for person in page_obj.object_list],
    }


@router.get("/people/{person_id}", response=PersonOut, summary="A person")
def person_detail(request, person_id: Id):
    return _person_out(request, get_person_for_user(request.user, person_id), ties=True)


# --- Reference lists --------------------------------------------------------------------------------------


@router.get("/regions", response=list[RegionOut], summary="Regions (federal subjects)")
def region_list(request):
    return list(Region.objects.all())


@router.get("/federal-districts", response=list[FederalDistrictOut], summary="Federal districts")
def federal_district_list(request):
    return list(selectors.reference_lists()["federal_districts"])


@router.get("/fields", response=list[FieldOut], summary="Fields of activity")
def field_list(request):
    return list(Field.objects.all())


@router.get("/legal-forms", response=list[LegalFormOut], summary="Legal forms (OKOPF)")
def legal_form_list(request):
    return list(LegalForm.objects.all())
