"""Who may see and change expert evaluation: one door per object (404 when missing or hidden, 403 when visible
but not allowed). An expert reaches an application only through an active, non-conflicted assignment."""

from __future__ import annotations

from django.http import Http404

from resurs.accounts.access import can_manage_centre_work
from resurs.grants.access import get_call_for_user
from resurs.reviews import selectors
from resurs.reviews.models import Assignment, CallExpert


def can_manage_reviews(user, call) -> bool:
    return can_manage_centre_work(user, call.centre)


def get_review_call_for_user(user, slug: str):
    """A call whose evaluation the user runs: 404 when hidden, 403 when visible but not theirs to manage."""
    return get_call_for_user(user, slug, need="manage")


def get_assignment_for_expert(user, pk: int) -> Assignment:
    assignment = selectors.assignments_for_expert(user).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment


def get_invitation_for_expert(user, pk: int) -> CallExpert:
    invitation = selectors.invitations_for_expert(user).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def get_call_application(call, pk: int):
    application = selectors.grants_selectors.applications_for_review(call).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def get_call_assignment(call, pk: int) -> Assignment:
    assignment = selectors.active_assignments(call).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment


def get_call_evaluation(call, pk: int):
    evaluation = selectors.evaluations_for_call(call).filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    return evaluation


def is_expert(user) -> bool:
    return selectors.expert_for_user(user) is not None
