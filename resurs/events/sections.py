"""Blocks for the home page (upcoming events) and the desk (today's check-in for staff, my registrations)."""

from __future__ import annotations

from resurs.accounts.access import is_centre_staff
from resurs.events import selectors


def home(request) -> list[dict]:
    events = list(selectors.event_list_upcoming(limit=5))
    return [{"template": "events/partials/_home_upcoming.html", "order": 30, "events": events}]


def desk(request) -> list[dict]:
    blocks = []
    if is_centre_staff(request.user):
        blocks.append(
            {
                "template": "events/partials/_desk_today.html",
                "order": 25,
                "events": list(selectors.registrations_today(request.user)),
            }
        )
    registrations = list(selectors.registration_list_for_user(request.user).exclude(status="cancelled")[:5])
    if registrations:
        blocks.append(
            {
                "template": "events/partials/_desk_registrations.html",
                "order": 45,
                "registrations": registrations,
            }
        )
    return blocks
