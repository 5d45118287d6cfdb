"""Home and desk sections of the grants app."""

from __future__ import annotations

from resurs.grants import selectors
from resurs.grants.access import is_grants_staff, is_ngo_representative
from resurs.grants.choices import ApplicationStatus


def home(request) -> list[dict]:
    calls = list(selectors.call_list_open()[:5])
    return [{"template": "grants/partials/_home_calls.html", "order": 20, "calls": calls}]


def desk(request) -> list[dict]:
    user = request.user
    sections = []
    if is_grants_staff(user):
        calls = [
            c
            for c in selectors.with_application_counts(selectors.call_list_for_staff(user)[:20])
            if c.to_screen_count
        ]
        sections.append({"template": "grants/partials/_desk_staff.html", "order": 20, "calls": calls})
    if is_ngo_representative(user):
        applications = list(
            selectors.application_list_for_applicant(user).filter(
                status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]
            )[:10]
        )
        reports = [r for r in selectors.reports_for_grantee(user).filter(status__in=["due", "returned"])[:10]]
        sections.append(
            {
                "template": "grants/partials/_desk_applicant.html",
                "order": 21,
                "applications": applications,
                "reports": reports,
                "open_calls": list(selectors.call_list_open()[:3]),
            }
        )
    return sections
