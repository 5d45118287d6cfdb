"""Desk sections of the reviews app: an expert's reviews due, and invitations awaiting an answer."""

from __future__ import annotations

from resurs.reviews import selectors
from resurs.reviews.choices import InvitationStatus


def desk(request) -> list[dict]:
    user = request.user
    if selectors.expert_for_user(user) is None:
        return []
    assignments = list(selectors.assignments_for_expert(user))
    evaluations = selectors.my_evaluation_map(user, assignments)
    due = [
        a for a in assignments if getattr(evaluations.get(a.application_id), "status", None) != "submitted"
    ]
    invitations = [i for i in selectors.invitations_for_expert(user) if i.status == InvitationStatus.INVITED]
    if not due and not invitations:
        return []
    return [
        {
            "template": "reviews/partials/_desk_reviews.html",
            "order": 15,
            "due": due[:8],
            "due_count": len(due),
            "invitations": invitations,
        }
    ]
