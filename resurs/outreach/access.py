"""One door per object for the information space."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from resurs.accounts.access import can_manage_centre_work
from resurs.outreach import selectors
from resurs.outreach.models import MediaContact, PressAnnouncement, Publication, SocialChallenge


def can_manage(user, obj) -> bool:
    return can_manage_centre_work(user, obj.centre)


def _get(queryset, user, pk: int, need: str):
    obj = queryset.select_related("centre__organisation").filter(pk=pk).first()
    if obj is None:
        raise Http404
    if need == "manage" and not can_manage(user, obj):
        raise PermissionDenied
    return obj


def get_publication_for_user(user, pk: int, *, need: str = "view") -> Publication:
    return _get(selectors.publication_list_visible(user), user, pk, need)


def get_challenge_for_user(user, pk: int, *, need: str = "view") -> SocialChallenge:
    return _get(selectors.challenge_list_visible(user), user, pk, need)


def get_media_contact_for_user(user, pk: int) -> MediaContact:
    """Journalists' details are personal data: only the staff of the centre see them (404 for everyone else)."""
    return _get(selectors.media_contact_list_for_manager(user), user, pk, "manage")


def get_announcement_for_user(user, pk: int) -> PressAnnouncement:
    return _get(selectors.announcement_list_for_manager(user), user, pk, "manage")
