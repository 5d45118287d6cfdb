"""API router of the events app (mounted under /api/v1/events/): public events with their programme."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from resurs.core.api import ErrorOut, FilterIn, Id, LimitOffsetPagination, Search, choice, filtered
from resurs.events import selectors, services
from resurs.events.access import get_event_for_user, get_registration_for_manager
from resurs.events.choices import EventKind
from resurs.events.filters import EventFilter

router = Router(tags=["events"])


class SpeakerOut(Schema):
    id: int
    name: str


class EventSessionOut(Schema):
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    speakers: list[SpeakerOut]

    @staticmethod
    def resolve_speakers(obj) -> list[dict]:
        return [{"id": person.pk, "name": person.full_name} for person in obj.speakers.all()]


class EventOut(Schema):
    id: int
    kind: str
    status: str
    title: str
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    venue: str
    address: str
    online: bool
    region: str | None
    centre: str
    capacity: int | None
    url: str
    ics_url: str

    @staticmethod
    def resolve_online(obj) -> bool:
        return bool(obj.online_url)

    @staticmethod
    def resolve_region(obj) -> str | None:
        return str(obj.region) if obj.region else None

    @staticmethod
    def resolve_centre(obj) -> str:
        return str(obj.centre)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_ics_url(obj) -> str:
        return f"{obj.get_absolute_url()}event.ics"


class EventDetailOut(EventOut):
    description: str
    outcomes: str
    sessions: list[EventSessionOut]

    @staticmethod
    def resolve_sessions(obj):
        return obj.sessions.prefetch_related("speakers")


class EventFilterIn(FilterIn):
    when: Literal["upcoming", "past"] = "upcoming"
    kind: choice(EventKind) | None = None
    region: Id | None = None
    q: Search | None = None


class RegistrationFilterIn(FilterIn):
    q: Search = ""


@router.get("/events/", response=list[EventOut], auth=None, summary="Public events")
@paginate(LimitOffsetPagination)
def list_events(request, filters: Query[EventFilterIn]):
    data = filters.dict(exclude_none=True)
    return filtered(EventFilter(data, queryset=selectors.event_list_public()))


@router.get("/events/{event_id}/", response=EventDetailOut, auth=None, summary="A public event")
def get_event(request, event_id: Id):
    event = get_event_for_user(request.user, event_id)
    if not event.is_public:
        raise Http404
    return event


# --- Staff: the door list (token or session) -------------------------------------------------------------------


class RegistrationOut(Schema):
    id: int
    name: str
    email: str
    organisation_name: str
    code: str
    status: str
    checked_in_at: dt.datetime | None


def _managed_event(request, event_id: int):
    try:
        return get_event_for_user(request.user, event_id, need="manage")
    except PermissionDenied:
        raise PermissionDenied(_("You do not manage this event.")) from None


@router.get(
    "/events/{event_id}/registrations/",
    response={200: list[RegistrationOut], 403: ErrorOut},
    summary="Registrations of an event (staff)",
)
@paginate(LimitOffsetPagination)
def list_registrations(request, event_id: Id, filters: Query[RegistrationFilterIn]):
    event = _managed_event(request, event_id)
    return selectors.registration_search(event, filters.q)


@router.post(
    "/events/{event_id}/registrations/{registration_id}/check-in/",
    response={200: RegistrationOut, 400: ErrorOut, 403: ErrorOut},
    summary="Check a participant in (staff)",
)
def check_in(request, event_id: Id, registration_id: Id):
    event = _managed_event(request, event_id)
    registration = get_registration_for_manager(request.user, event, registration_id)
    try:
        return services.registration_check_in(registration=registration, actor=request.user)
    except services.RegistrationError as exc:
        return Status(400, {"detail": exc.message})
