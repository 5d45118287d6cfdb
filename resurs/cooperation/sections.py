"""Home and desk sections of the cooperation app."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils import timezone

from resurs.cooperation import access, selectors
from resurs.cooperation.models import AdvisoryBody, GovernanceSeat, Partnership
from resurs.core import precomputed


def _home_figures(today) -> dict:
    totals = Partnership.objects.aggregate(
        count=Count("pk"),
        value=Sum("value"),
        business=Count("organisation_a", filter=Q(sector_a="business"), distinct=True),
    )
    seats = GovernanceSeat.objects.filter(Q(tie__ended_on__isnull=True) | Q(tie__ended_on__gte=today)).count()
    return {"totals": totals, "seats": seats}


def home(request) -> list[dict]:
    """Public figures of cross-sector cooperation (totals only, no organisation names or amounts per partner).
    Partnerships and current board seats are counted once per change of the sector network (the services that
    write partnerships, memberships and ties mark it changed) and day: counting the seats joins 12,000 of them
    with the registry's ties, 200 ms nationally."""
    today = timezone.localdate()
    figures = precomputed.cached(
        precomputed.SECTOR_NETWORK, f"home-cooperation:{today.isoformat()}", lambda: _home_figures(today)
    )
    if not figures["totals"]["count"]:
        return []
    return [
        {
            "template": "cooperation/partials/_home_cooperation.html",
            "order": 70,
            "totals": figures["totals"],
            "seats": figures["seats"],
            "advisory_bodies": AdvisoryBody.objects.count(),
            "can_see_overview": access.can_see_overview(request.user),
        }
    ]


def desk(request) -> list[dict]:
    """Staff: the requests for advice that are due soonest. Partners and officials: their own requests, first."""
    user = request.user
    if access.can_file_advice_request(user):
        mine = selectors.advice_request_list_for_requester(user)
        return [
            {
                "template": "cooperation/partials/_desk_my_advice.html",
                "order": 1,
                "requests": list(mine[:6]),
                "total": mine.count(),
                "organisations": list(selectors.advice_requester_organisations(user)),
            }
        ]
    if not access.can_record_cooperation(user):
        return []
    queue = selectors.advice_queue(user)
    today = timezone.localdate()
    return [
        {
            "template": "cooperation/partials/_desk_advice.html",
            "order": 40,
            "requests": list(queue[:8]),
            "open_count": queue.count(),
            "overdue_count": queue.filter(due_on__lt=today).count(),
        }
    ]


def organisation_profile(request, organisation) -> list[dict]:
    """Partnerships, board and council members and volunteering on the organisation's registry profile."""
    from resurs.cooperation import selectors

    coop = selectors.organisation_cooperation(organisation, request.user)
    return [{"template": "cooperation/partials/_organisation_cooperation.html", "order": 30, "coop": coop}]


def person_profile(request, person) -> list[dict]:
    """Board and advisory-body seats on the person's registry profile."""
    from resurs.cooperation import selectors

    return [
        {
            "template": "cooperation/partials/_person_cooperation.html",
            "order": 30,
            "coop": selectors.person_cooperation(person),
        }
    ]
