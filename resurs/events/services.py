"""Writing events: create and change events, register and cancel (with the waiting list), check in, remind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resurs.core.audit import audit_event
from resurs.events.choices import EventStatus, RegistrationStatus
from resurs.events.models import Event, Material, Registration, Session
from resurs.notifications.services import email_send

REGISTRATION_TOKEN_SALT = "resurs.events.registration"

EVENT_FIELDS = {
    "kind",
    "status",
    "title",
    "summary",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "region",
    "venue",
    "address",
    "online_url",
    "capacity",
    "registration_open",
    "outcomes",
}


class RegistrationError(Exception):
    """A registration that cannot be made, with a message for the person."""

    def __init__(self, message: str, *, registration: Registration | None = None):
        super().__init__(message)
        self.message = message
        self.registration = registration


def registration_token(registration: Registration) -> str:
    """A signed token for links in e-mails (cancel, calendar) that works without signing in."""
    return signing.dumps(registration.pk, salt=REGISTRATION_TOKEN_SALT)


def registration_from_token(token: str) -> Registration | None:
    try:
        pk = signing.loads(token, salt=REGISTRATION_TOKEN_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("event", "event__centre__organisation").filter(pk=pk).first()


def _validate_time_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"time_zone": _("Unknown time zone: %(name)s.") % {"name": name}}) from None


@transaction.atomic
def event_create(*, centre, actor, organisers=(), partners=(), **fields) -> Event:
    """Create an event of ``centre`` (a draft unless ``status`` says otherwise)."""
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    event = Event(centre=centre, created_by=actor, **fields)
    _validate_time_zone(event.time_zone)
    event.full_clean()
    event.save()
    if organisers:
        event.organisers.set(organisers)
    if partners:
        event.partners.set(partners)
    audit_event(actor=actor, obj=event, action="event_create", data={"title": event.title})
    return event


@transaction.atomic
def event_update(*, event: Event, actor, organisers=None, partners=None, **fields) -> Event:
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    changes = {}
    for name, value in fields.items():
        old = getattr(event, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(event, name, value)
    _validate_time_zone(event.time_zone)
    event.full_clean()
    event.save()
    if organisers is not None:
        event.organisers.set(organisers)
    if partners is not None:
        event.partners.set(partners)
    if changes:
        audit_event(actor=actor, obj=event, action="event_update", changes=changes)
    if "status" in changes and event.status == EventStatus.CANCELLED and not event.is_past:
        _notify_cancellation(event)
    return event


def _notify_cancellation(event: Event) -> None:
    """Tell everyone holding or awaiting a place that the event will not take place."""
    for registration in event.registrations.exclude(status=RegistrationStatus.CANCELLED):
        _notify(registration, "event_cancelled")


@transaction.atomic
def session_create(
    *, event: Event, title: str, starts_at, ends_at, room: str = "", description: str = "", speakers=()
) -> Session:
    """Add a session to the programme; it must fall within the event."""
    session = Session(
        event=event, title=title, starts_at=starts_at, ends_at=ends_at, room=room, description=description
    )
    session.full_clean()
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise ValidationError({"starts_at": _("A session must take place within the dates of the event.")})
    session.save()
    if speakers:
        session.speakers.set(speakers)
    return session


@transaction.atomic
def session_delete(*, session: Session) -> None:
    session.delete()


@transaction.atomic
def material_add(*, event: Event, title: str, kind: str, file=None, url: str = "") -> Material:
    material = Material(
        event=event,
        title=title,
        kind=kind,
        file=file or "",
        original_name=file.name[:255] if file else "",
        url=url,
    )
    if not file and not url:
        raise ValidationError({"file": _("Attach a file or give a link.")})
    material.full_clean()
    material.save()
    return material


@transaction.atomic
def event_outcomes_save(*, event: Event, actor, outcomes: str) -> Event:
    return event_update(event=event, actor=actor, outcomes=outcomes)


def _confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


@transaction.atomic
def registration_create(
    *,
    event: Event,
    name: str,
    email: str,
    user=None,
    organisation_name: str = "",
    consent: bool = False,
    language: str | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a person: confirmed while there are places, else on the waiting list.

    Raises ``RegistrationError`` for an event that is not open, has passed, or where this e-mail already
    holds a place. A confirmation (or waiting-list) e-mail goes out on commit."""
    now = now or timezone.now()
    # Lock the event row: two people racing for the last place are served one after the other.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.PUBLISHED:
        raise RegistrationError(_("This event is not open for registration."))
    if event.starts_at <= now:
        raise RegistrationError(_("This event has already started or taken place; registration is closed."))
    if not event.registration_open:
        raise RegistrationError(_("Registration for this event is closed."))
    if user is None and not consent:
        raise RegistrationError(_("Please agree to the processing of your personal data to register."))
    email = email.strip()
    existing = event.registrations.filter(
        ~Q(status=RegistrationStatus.CANCELLED), email__iexact=email
    ).first()
    if existing is None and user is not None:
        existing = event.registrations.filter(~Q(status=RegistrationStatus.CANCELLED), user=user).first()
    if existing is not None:
        raise RegistrationError(
            _("You are already registered for this event (code %(code)s).") % {"code": existing.code},
            registration=existing,
        )
    full = event.capacity is not None and _confirmed_count(event) >= event.capacity
    registration = Registration(
        event=event,
        user=user,
        name=name.strip(),
        email=email,
        organisation_name=organisation_name.strip(),
        status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED,
        language=language or translation.get_language() or "ru",
        consent_given_at=now if consent or user is not None else None,
    )
    registration.full_clean(exclude=["code"])
    for _attempt in range(5):  # a code collision is rare; draw again
        try:
            with transaction.atomic():
                registration.save()
            break
        except IntegrityError:
            if Registration.objects.filter(code=registration.code).exists():
                registration.pk = None
                registration.code = Registration._meta.get_field("code").default()
                continue
            raise RegistrationError(_("You are already registered for this event.")) from None
    _notify(registration, "waitlisted" if full else "confirmed")
    return registration


def _notify(registration: Registration, what: str) -> None:
    from django.conf import settings

    email_send(
        to=registration.email,
        template=f"events/email/registration_{what}",
        context={
            "registration": registration,
            "event": registration.event,
            "cancel_url": f"{settings.SITE_URL}/events/registrations/{registration_token(registration)}/",
        },
        language=registration.language,
        related=registration,
        key=f"events:registration:{registration.pk}:{what}",
    )


@transaction.atomic
def registration_cancel(*, registration: Registration, now: dt.datetime | None = None) -> Registration | None:
    """Cancel a registration. If it held a place, the first person on the waiting list gets it (returned)."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return None
    held_place = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now or timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if not held_place or event.is_past:
        return None
    return _promote_waitlist(event)


def _promote_waitlist(event: Event) -> Registration | None:
    if event.capacity is not None and _confirmed_count(event) >= event.capacity:
        return None
    promoted = (
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if promoted is None:
        return None
    promoted.status = RegistrationStatus.CONFIRMED
    promoted.save(update_fields=["status", "updated_at"])
    _notify(promoted, "promoted")
    return promoted


@transaction.atomic
def registration_check_in(*, registration: Registration, actor, undo: bool = False) -> Registration:
    """Mark a confirmed participant as arrived (or undo it)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise RegistrationError(_("Only confirmed participants can be checked in."))
    registration.checked_in_at = None if undo else (registration.checked_in_at or timezone.now())
    registration.save(update_fields=["checked_in_at", "updated_at"])
    audit_event(
        actor=actor,
        obj=registration.event,
        action="check_in_undo" if undo else "check_in",
        data={"registration": registration.pk, "code": registration.code},
    )
    return registration


def event_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail a reminder to every confirmed participant of events that start tomorrow (in the event's time
    zone). Idempotent: a participant is reminded once. Returns the number of reminders queued."""
    now = now or timezone.now()
    window_start = now
    window_end = now + dt.timedelta(days=2)
    sent = 0
    events = Event.objects.filter(
        status=EventStatus.PUBLISHED, starts_at__gte=window_start, starts_at__lt=window_end
    )
    for event in events:
        tomorrow = (timezone.localtime(now, event.tz) + dt.timedelta(days=1)).date()
        if event.local_starts_at.date() != tomorrow:
            continue
        for registration in event.registrations.filter(
            status=RegistrationStatus.CONFIRMED, reminder_sent_at__isnull=True
        ):
            with transaction.atomic():
                _notify(registration, "reminder")
                Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=now)
            sent += 1
    return sent


@dataclass(frozen=True)
class ScanResult:
    """What a scan at the door found: ``outcome`` is one of ``ScanResult.OUTCOMES``; ``registration`` is set
    whenever the ticket is ours (even another event's), ``checked_in_at`` for "already" and "checked_in"."""

    OUTCOMES = ("checked_in", "already", "unknown", "other_event", "not_confirmed")
    outcome: str
    registration: Registration | None = None
    checked_in_at: dt.datetime | None = None


@transaction.atomic
def registration_scan(*, event: Event, text: str, actor) -> ScanResult:
    """Check in whoever holds the scanned ticket (a QR token) or the typed short code, at ``event``.

    Another event's ticket, a waitlisted or cancelled place, and a second scan change nothing."""
    from resurs.events.tickets import ticket_registration_id

    text = (text or "").strip()
    registration_id = ticket_registration_id(text)
    queryset = Registration.objects.select_for_update().select_related("event")
    if registration_id is not None:
        registration = queryset.filter(pk=registration_id).first()
    elif text and len(text) <= 12:
        registration = queryset.filter(code=text.upper().replace(" ", "")).first()
    else:
        registration = None
    if registration is None:
        return ScanResult("unknown")
    if registration.event_id != event.pk:
        return ScanResult("other_event", registration)
    if registration.status != RegistrationStatus.CONFIRMED:
        return ScanResult("not_confirmed", registration)
    if registration.checked_in_at is not None:
        return ScanResult("already", registration, registration.checked_in_at)
    registration_check_in(registration=registration, actor=actor)
    return ScanResult("checked_in", registration, registration.checked_in_at)
