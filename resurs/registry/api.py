"""API router of the registry app (mounted under /api/v1/registry/).

The same FilterSet, selectors, access rules and services as the pages: every signed-in caller reads the
registry; staff create and update organisations; a person's contacts are shown as on the person page.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field as SchemaField

from resurs.registry import selectors, services
from resurs.registry.access import (
    can_edit_registry,
    can_see_person_contacts,
    get_organisation_for_user,
    get_person_for_user,
)
from resurs.registry.filters import organisation_filter
from resurs.registry.models import Field, LegalForm, Organisation, Region

router = Router(tags=["registry"])

MAX_PAGE_SIZE = 100


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


class OrganisationFilterIn(Schema):
    q: str | None = None
    kind: str | None = None
    region: int | None = None
    federal_district: int | None = None
    field: int | None = None
    founded_from: int | None = None
    founded_to: int | None = None
    status: str | None = None
    sort: str | None = None
    page: int = SchemaField(1, ge=1)
    page_size: int = SchemaField(25, ge=1, le=MAX_PAGE_SIZE)


class OrganisationIn(Schema):
    """An organisation to create; on update (PATCH) every field is optional."""

    name: str
    short_name: str = ""
    kind: str = "ngo"
    legal_form_id: int | None = None
    inn: str = ""
    ogrn: str = ""
    kpp: str = ""
    region_id: int | None = None
    city: str = ""
    address: str = ""
    founded_on: dt.date | None = None
    liquidated_on: dt.date | None = None
    status: str = "active"
    email: str = ""
    phone: str = ""
    website: str = ""
    description: str = ""
    fields: list[str] = SchemaField(default_factory=list, description="Slugs of fields of activity")


class OrganisationPatch(Schema):
    name: str | None = None
    short_name: str | None = None
    kind: str | None = None
    legal_form_id: int | None = None
    inn: str | None = None
    ogrn: str | None = None
    kpp: str | None = None
    region_id: int | None = None
    city: str | None = None
    address: str | None = None
    founded_on: dt.date | None = None
    liquidated_on: dt.date | None = None
    status: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    description: str | None = None
    fields: list[str] | None = None


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


class ErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


# --- Helpers ----------------------------------------------------------------------------------------------


def _require_staff(request) -> None:
    if not can_edit_registry(request.user):
        raise HttpError(403, _("Only centre staff may change the registry."))


def _organisation_or_404(request, organisation_id: int) -> Organisation:
    try:
        return get_organisation_for_user(request.user, organisation_id)
    except Http404:
        raise HttpError(404, _("Not found.")) from None


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


def _errors(error: ValidationError) -> dict:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return {"detail": "Validation failed.", "errors": {key: list(value) for key, value in errors.items()}}


# --- Organisations ----------------------------------------------------------------------------------------


@router.get("/organisations", response={200: OrganisationPage, 422: ErrorsOut}, summary="List organisations")
def organisation_list(request, filters: Query[OrganisationFilterIn]):
    """Organisations filtered like the registry page (search, kind, region, district, field, years, status)."""
    data = filters.dict(exclude_none=True)
    page, page_size = data.pop("page"), data.pop("page_size")
    filterset = organisation_filter(data, selectors.organisation_list())
    if filterset.is_bound and not filterset.form.is_valid():
        errors = {
            key: [item["message"] for item in value]
            for key, value in filterset.form.errors.get_json_data().items()
        }
        return 422, {"detail": "Invalid filter.", "errors": errors}
    paginator = Paginator(filterset.qs, page_size)
    page_obj = paginator.get_page(page)
    return 200, {
        "count": paginator.count,
        "page": page_obj.number,
        "pages": paginator.num_pages,
        "results": [_organisation_row(organisation) for organisation in page_obj.object_list],
    }


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="An organisation")
def organisation_detail(request, organisation_id: int):
    return _organisation_out(_organisation_or_404(request, organisation_id))


@router.post(
    "/organisations",
    response={201: OrganisationOut, 403: ErrorsOut, 422: ErrorsOut},
    summary="Create an organisation (staff)",
)
def organisation_create(request, payload: OrganisationIn):
    _require_staff(request)
    try:
        organisation = services.organisation_create(
            actor=request.user, data=_write_data(payload, partial=False)
        )
    except ValidationError as error:
        return 422, _errors(error)
    return 201, _organisation_out(organisation)


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 403: ErrorsOut, 404: ErrorsOut, 422: ErrorsOut},
    summary="Update an organisation (staff)",
)
def organisation_update(request, organisation_id: int, payload: OrganisationPatch):
    organisation = _organisation_or_404(request, organisation_id)
    _require_staff(request)
    try:
        organisation = services.organisation_update(
            organisation=organisation, actor=request.user, data=_write_data(payload, partial=True)
        )
    except ValidationError as error:
        return 422, _errors(error)
    return 200, _organisation_out(organisation)


# --- People -----------------------------------------------------------------------------------------------


@router.get("/people", response=PersonPage, summary="List people")
def person_list(
    request,
    q: str = "",
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=MAX_PAGE_SIZE),
):
    """People of the registry (erased people excluded); contacts only where the caller may see them."""
    queryset = selectors.person_search(selectors.person_list().filter(erased_at=None), q)
    paginator = Paginator(queryset, page_size)
    page_obj = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": page_obj.number,
        "pages": paginator.num_pages,
        "results": [_person_out(request, person) for person in page_obj.object_list],
    }


@router.get("/people/{person_id}", response=PersonOut, summary="A person")
def person_detail(request, person_id: int):
    try:
        person = get_person_for_user(request.user, person_id)
    except Http404:
        raise HttpError(404, _("Not found.")) from None
    return _person_out(request, person, ties=True)


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
