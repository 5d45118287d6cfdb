"""Who may see and change events: one door per object."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from resurs.accounts.access import can_manage_centre_work
from resurs.events.models import Event, Material, Registration
from resurs.events.selectors import event_list_visible


def can_manage_event(user, event: Event) -> bool:
    return can_manage_centre_work(user, event.centre)


def get_event_for_user(user, pk: int, *, need: str = "view") -> Event:
    """The event if ``user`` may see it (404 otherwise); with ``need="manage"``, 403 unless they may change it."""
    event = event_list_visible(user).select_related("centre__organisation", "region").filter(pk=pk).first()
    if event is None:
        raise Http404
    if need == "manage" and not can_manage_event(user, event):
        raise PermissionDenied
    return event


def get_material_for_user(user, event_pk: int, pk: int) -> Material:
    """A material of an event the user may see (404 otherwise)."""
    event = get_event_for_user(user, event_pk)
    material = event.materials.filter(pk=pk).first()
    if material is None:
        raise Http404
    return material


def get_registration_for_manager(user, event: Event, pk: int) -> Registration:
    """A registration of an event the user manages (the event has already been through get_event_for_user)."""
    if not can_manage_event(user, event):
        raise PermissionDenied
    registration = event.registrations.filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration
