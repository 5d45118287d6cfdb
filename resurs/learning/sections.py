"""Blocks of the learning app on the public home page and on the signed-in user's desk."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from resurs.accounts.access import has_role, is_centre_staff, represented_organisation_ids
from resurs.accounts.choices import Role
from resurs.learning import selectors


def home(request) -> list[dict]:
    sessions = selectors.home_sessions(6)
    if not sessions:
        return []
    return [{"template": "learning/partials/_home_sessions.html", "order": 30, "sessions": sessions}]


def desk(request) -> list[dict]:
    user = request.user
    blocks = []
    if represented_organisation_ids(user) or user.enrolments.exists():
        enrolments = list(selectors.my_enrolments(user)[:5])
        blocks.append(
            {
                "template": "learning/partials/_desk_learning.html",
                "order": 30,
                "title": _("My learning"),
                "url": reverse("learning:my-learning"),
                "link": _("All"),
                "empty": _("You have no enrolments yet. Find a course in the catalogue."),
                "items": [
                    {
                        "url": e.get_absolute_url(),
                        "label": e.session.course.title,
                        "note": e.session.starts_on.strftime("%d.%m.%Y"),
                        "badge": e.get_status_display(),
                        "badge_class": "text-bg-success" if e.completed_at else "text-bg-light border",
                    }
                    for e in enrolments
                ],
            }
        )
    if is_centre_staff(user):
        pending = list(selectors.applications_to_decide(user)[:8])
        blocks.append(
            {
                "template": "learning/partials/_desk_learning.html",
                "order": 32,
                "title": _("Applications to decide"),
                "url": reverse("learning:catalogue"),
                "link": _("Catalogue"),
                "empty": _("No applications are waiting for a decision."),
                "items": [
                    {
                        "url": e.session.get_absolute_url(),
                        "label": f"{e.user} → {e.session.course.title}",
                        "note": e.session.starts_on.strftime("%d.%m.%Y"),
                        "badge": e.get_status_display(),
                        "badge_class": "text-bg-warning",
                    }
                    for e in pending
                ],
            }
        )
    if is_centre_staff(user) or has_role(user, Role.TRAINER):
        queue = list(selectors.consultation_queue(user)[:8])
        blocks.append(
            {
                "template": "learning/partials/_desk_learning.html",
                "order": 31,
                "title": _("Consultation queue"),
                "url": reverse("learning:consultation-list"),
                "link": _("Open the queue"),
                "empty": _("No open consultations."),
                "items": [
                    {
                        "url": c.get_absolute_url(),
                        "label": c.subject,
                        "note": c.get_status_display(),
                        "badge": pgettext("consultation", "overdue") if c.is_overdue else "",
                        "badge_class": "text-bg-danger",
                    }
                    for c in queue
                ],
            }
        )
    return blocks


def organisation_profile(request, organisation) -> list[dict]:
    """Every service the organisation received from the network's centres, on its registry profile."""
    from resurs.learning.selectors import services_for_organisation

    return [
        {
            "template": "learning/partials/_organisation_services.html",
            "order": 40,
            "services": services_for_organisation(organisation),
        }
    ]
