"""Reading events: querysets already limited to what a user may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from resurs.accounts.access import centre_ids_for, is_admin
from resurs.core.search import search_filter
from resurs.events.choices import EventStatus, RegistrationStatus
from resurs.events.models import Event, Registration


def _with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waitlist_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )


def event_list_public() -> QuerySet[Event]:
    """Published (and publicly cancelled) events of every centre."""
    return Event.objects.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED]).select_related(
        "centre__organisation", "region"
    )


def event_list_upcoming(*, limit: int | None = None) -> QuerySet[Event]:
    queryset = event_list_public().filter(status=EventStatus.PUBLISHED, ends_at__gte=timezone.now())
    return queryset[:limit] if limit else queryset


def event_list_for_manager(user) -> QuerySet[Event]:
    """Events of the centres the user works for (all for administrators), drafts included."""
    queryset = Event.objects.select_related("centre__organisation", "region")
    if not is_admin(user):
        queryset = queryset.filter(centre_id__in=centre_ids_for(user))
    return _with_counts(queryset).order_by("-starts_at")


def event_list_visible(user) -> QuerySet[Event]:
    """Everything ``user`` may open: public events plus the drafts of centres they manage."""
    if is_admin(user):
        return Event.objects.all()
    return Event.objects.filter(
        Q(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED]) | Q(centre_id__in=centre_ids_for(user))
    )


def event_stats(event: Event) -> dict[str, int]:
    counts = dict(
        event.registrations.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    return {
        "confirmed": confirmed,
        "waitlisted": counts.get(RegistrationStatus.WAITLISTED, 0),
        "cancelled": counts.get(RegistrationStatus.CANCELLED, 0),
        "checked_in": event.registrations.filter(checked_in_at__isnull=False).count(),
        "places_left": max(event.capacity - confirmed, 0) if event.capacity is not None else None,
    }


def registration_search(event: Event, query: str = "") -> QuerySet[Registration]:
    """The event's active registrations whose name, e-mail or organisation holds every word of ``query``
    (``resurs.core.search``; on PostgreSQL through the trigram indexes of those folded fields, events 0005), or
    whose ticket code is ``query`` in any letter case (codes are upper case: the code's unique index answers)."""
    queryset = event.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related("user")
    query = query.strip()
    if query:
        by_code = queryset.filter(code=query.upper())
        queryset = search_filter(queryset, query, ["name", "email", "organisation_name"]) | by_code
    return queryset.order_by("name", "pk")


def registration_list_for_user(user) -> QuerySet[Registration]:
    if not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email or "-"))
        .select_related("event__centre__organisation")
        .order_by("-event__starts_at")
    )


def registration_for_user(event: Event, user) -> Registration | None:
    """The user's active registration for ``event``, if any."""
    if not user.is_authenticated:
        return None
    return (
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .filter(Q(user=user) | Q(email__iexact=user.email or "-"))
        .first()
    )


def registrations_today(user) -> QuerySet[Event]:
    """Events of the user's centres that take place today, with their counts (for the check-in desk)."""
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timezone.timedelta(days=1)
    return (
        event_list_for_manager(user)
        .filter(status=EventStatus.PUBLISHED, starts_at__lt=end, ends_at__gte=start)
        .annotate(
            checked_in_count=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False))
        )
    )
