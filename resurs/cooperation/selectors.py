"""Reads of the cooperation app, for its own views and for other apps (reviews, research, registry profiles).

Functions named ``*_for_user`` return querysets already filtered to what the user may see; the others are
unrestricted reads used by services and by other apps' own access-checked code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from resurs.accounts.access import is_admin, is_centre_staff, represented_organisation_ids
from resurs.cooperation.choices import ADVICE_REQUESTER_KINDS, OPEN_ADVICE_STATUSES
from resurs.cooperation.models import (
    AdviceRequest,
    AdvisoryBody,
    CorporateVolunteering,
    GovernanceSeat,
    Partnership,
)
from resurs.registry.choices import TieRole
from resurs.registry.models import Tie

GOVERNANCE_ROLES = (TieRole.BOARD_MEMBER, TieRole.ADVISORY_MEMBER)


# --- for other apps -------------------------------------------------------------------------------------------


def partner_organisation_ids(organisation_id: int, *, since: dt.date | None = None) -> set[int]:
    """The organisations in a recorded partnership with ``organisation_id`` (either side), counting only
    partnerships still active at or after ``since`` (ongoing ones, or ended on/after that day) when given."""
    rows = Partnership.objects.filter(
        Q(organisation_a_id=organisation_id) | Q(organisation_b_id=organisation_id)
    )
    if since is not None:
        rows = rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    ids: set[int] = set()
    for a, b in rows.values_list("organisation_a_id", "organisation_b_id"):
        ids.add(b if a == organisation_id else a)
    ids.discard(organisation_id)
    return ids


def partnership_edges(
    *, since: dt.date | None = None, partnerships: QuerySet | None = None
) -> Iterator[tuple[int, int, str, float | None]]:
    """Every partnership as ``(organisation_a_id, organisation_b_id, type, value_in_roubles_or_None)``."""
    rows = Partnership.objects.all() if partnerships is None else partnerships
    if since is not None:
        rows = rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    for a, b, kind, value in rows.values_list(
        "organisation_a_id", "organisation_b_id", "type", "value"
    ).iterator(chunk_size=2000):
        yield a, b, kind, (float(value) if value is not None else None)


def governance_edges(*, since: dt.date | None = None) -> Iterator[tuple[int, int, str, int]]:
    """Board and advisory-body seats whose holder has a main affiliation, as organisation-to-organisation ties:
    ``(main_affiliation_id, organisation_id, role, person_id)`` — e.g. a company tied to the NGO on whose board
    its director sits."""
    rows = GovernanceSeat.objects.filter(main_affiliation__isnull=False)
    if since is not None:
        rows = rows.filter(Q(tie__ended_on__isnull=True) | Q(tie__ended_on__gte=since))
    for affiliation, organisation, role, person in rows.values_list(
        "main_affiliation_id", "tie__organisation_id", "tie__role", "tie__person_id"
    ).iterator(chunk_size=2000):
        if affiliation != organisation:
            yield affiliation, organisation, role, person


# --- visibility -----------------------------------------------------------------------------------------------


def can_see_all_cooperation(user) -> bool:
    """Centre staff of any centre and administrators see every partnership (docs/decisions/cooperation-0002)."""
    return is_admin(user) or is_centre_staff(user)


def partnership_list_for_user(user) -> QuerySet[Partnership]:
    rows = Partnership.objects.select_related(
        "centre__organisation", "organisation_a__region", "organisation_b__region"
    )
    if can_see_all_cooperation(user):
        return rows
    own = represented_organisation_ids(user)
    if not own:
        return rows.none()
    return rows.filter(Q(organisation_a_id__in=own) | Q(organisation_b_id__in=own))


def advice_request_list_for_user(user) -> QuerySet[AdviceRequest]:
    """Requests for advice are the centre's correspondence: only its staff (and administrators) see them."""
    from resurs.accounts.access import centre_ids_for

    rows = AdviceRequest.objects.select_related(
        "centre__organisation", "requester__region", "contact_person", "assignee"
    )
    if is_admin(user):
        return rows
    return rows.filter(centre_id__in=centre_ids_for(user))


def advice_request_list_for_requester(user) -> QuerySet[AdviceRequest]:
    """The requests of the organisations the user acts for (a company's or a ministry's own correspondence)."""
    return (
        AdviceRequest.objects.filter(requester_id__in=represented_organisation_ids(user))
        .select_related("centre__organisation", "requester")
        .order_by("-received_on", "-pk")
    )


def advice_requester_organisations(user):
    """The organisations the user acts for that may ask a centre for advice (government, advisory bodies,
    businesses and media)."""
    from resurs.registry.models import Organisation

    return Organisation.objects.filter(
        pk__in=represented_organisation_ids(user), kind__in=ADVICE_REQUESTER_KINDS
    ).order_by("name")


def advice_queue(user) -> QuerySet[AdviceRequest]:
    """Open requests, soonest deadline first."""
    return advice_request_list_for_user(user).filter(status__in=OPEN_ADVICE_STATUSES).order_by("due_on", "pk")


def corporate_volunteering_list() -> QuerySet[CorporateVolunteering]:
    return CorporateVolunteering.objects.select_related("company__region", "centre__organisation")


def _current_advisory_seats(prefix: str = "") -> Q:
    """Advisory-body seats held today (``prefix`` reaches the ties from another model)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}role": TieRole.ADVISORY_MEMBER}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": today})
    )


def advisory_bodies() -> QuerySet[AdvisoryBody]:
    """Advisory bodies with what their lists show, by level and name (no member counts: see
    ``with_current_members``)."""
    return AdvisoryBody.objects.select_related(
        "organisation__region", "government_body", "centre__organisation"
    ).order_by("level", "organisation__name", "pk")


def advisory_body_list() -> QuerySet[AdvisoryBody]:
    """Advisory bodies annotated with their current members (for one body or a few: the count is per row)."""
    return advisory_bodies().annotate(
        current_members=Count("organisation__ties", filter=_current_advisory_seats("organisation__ties__"))
    )


def advisory_body_page(ids: list[int]) -> list[AdvisoryBody]:
    """The bodies of a page, given their ids in order, with ``current_members`` counted in one query.

    A list pages over the ordered ids (``advisory_bodies().values_list("pk", flat=True)``: a thousand or so): with
    LIMIT, PostgreSQL would walk the registry's organisation-name index for the few advisory bodies among
    250,000 organisations."""
    bodies = in_order(advisory_bodies(), ids)
    counts = dict(
        Tie.objects.filter(_current_advisory_seats(), organisation_id__in={b.organisation_id for b in bodies})
        .values_list("organisation_id")
        .annotate(count=Count("pk"))
        .values_list("organisation_id", "count")
    )
    for body in bodies:
        body.current_members = counts.get(body.organisation_id, 0)
    return bodies


def membership_list() -> QuerySet[Tie]:
    """Board and advisory-body memberships (registry ties), with their cooperation details when recorded."""
    return (
        Tie.objects.filter(role__in=GOVERNANCE_ROLES)
        .select_related(
            "person", "organisation__region", "governance_seat__main_affiliation", "governance_seat__centre"
        )
        .order_by("-started_on", "pk")
    )


def in_order(rows: QuerySet, ids: Iterable[int]) -> list:
    """The rows with these ids, in the order of ``ids`` (a page of ids read first: PostgreSQL skips a deep page's
    offset in an index, not through the joins of every row before it)."""
    ids = list(ids)
    by_id = rows.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


# --- profiles -------------------------------------------------------------------------------------------------


def organisation_cooperation(organisation, user) -> dict:
    """What the organisation-profile partial shows: its partnerships (as the user may see them), its board and
    advisory members, the seats its people hold elsewhere, its corporate volunteering and advisory-body details."""
    partnerships = list(
        partnership_list_for_user(user)
        .filter(Q(organisation_a=organisation) | Q(organisation_b=organisation))
        .order_by("-started_on", "pk")[:50]
    )
    members = list(membership_list().filter(organisation=organisation)[:100])
    seats_elsewhere = list(membership_list().filter(governance_seat__main_affiliation=organisation)[:100])
    volunteering = list(CorporateVolunteering.objects.filter(company=organisation).order_by("-year"))
    advisory_body = (
        AdvisoryBody.objects.filter(organisation=organisation).select_related("government_body").first()
    )
    totals = Partnership.objects.filter(
        Q(organisation_a=organisation) | Q(organisation_b=organisation)
    ).aggregate(count=Count("pk"), value=Sum("value"))
    return {
        "organisation": organisation,
        "partnerships": partnerships,
        "members": members,
        "seats_elsewhere": seats_elsewhere,
        "volunteering": volunteering,
        "advisory_body": advisory_body,
        "totals": totals,
        "can_see_values": can_see_all_cooperation(user),
    }


def person_cooperation(person) -> dict:
    """What the person-profile partial shows: the person's board and advisory-body memberships over time."""
    return {"person": person, "memberships": list(membership_list().filter(person=person))}


def organisations_by_id(ids: Iterable[int]) -> dict[int, object]:
    from resurs.registry.models import Organisation

    return Organisation.objects.select_related("region").in_bulk(list(ids))
