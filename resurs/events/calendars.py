"""iCalendar (RFC 5545) output: one file per event and feeds of many events, with proper time zones."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from icalendar import Calendar, vText
from icalendar import Event as ICalEvent

from resurs.events.choices import EventStatus
from resurs.events.models import Event

PRODID = "-//Resurs//Events//RU"


def _location(event: Event) -> str:
    parts = [part for part in (event.venue, event.address) if part]
    if not parts and event.online_url:
        return event.online_url
    return ", ".join(parts)


def _component(event: Event) -> ICalEvent:
    item = ICalEvent()
    host = settings.SITE_URL.split("://", 1)[-1]
    item.add("uid", f"event-{event.pk}@{host}")
    item.add("dtstamp", timezone.now())
    # Local wall-clock times with a TZID: calendars show the venue's time, and the VTIMEZONE makes it exact.
    item.add("dtstart", event.local_starts_at)
    item.add("dtend", event.local_ends_at)
    item.add("summary", event.title)
    description = event.summary or event.description
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    item.add("description", f"{description}\n\n{url}".strip())
    item.add("url", url)
    location = _location(event)
    if location:
        item.add("location", vText(location))
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    item.add("categories", [event.get_kind_display()])
    item.add("last-modified", event.updated_at)
    return item


FEED_PAST_DAYS = 180  # a feed holds the events that ended in the last half year and every upcoming one


def feed(events: QuerySet[Event], *, name: str) -> bytes:
    """A subscription feed of ``events`` (the public ones of the whole network or of one centre): the events that
    ended in the last ``FEED_PAST_DAYS`` days and every later one, in time order. The file is kept in the cache
    under a version of exactly those rows (their count and last change), the window's first day and the
    language, so that a calendar app's hourly poll costs one small query and an edited event shows at once."""
    since = timezone.localdate() - timedelta(days=FEED_PAST_DAYS)
    events = events.filter(ends_at__date__gte=since).order_by("starts_at")
    figures = events.order_by().aggregate(count=Count("pk"), last=Max("updated_at"))
    version = f"{figures['count']}:{figures['last'].isoformat() if figures['last'] else ''}"
    key = (
        "events:feed:"
        + hashlib.sha1(
            f"{events.query}|{since}|{get_language()}|{name}|{version}".encode(), usedforsecurity=False
        ).hexdigest()
    )
    payload = cache.get(key)
    if payload is None:
        payload = calendar_for(events, name=name)
        cache.set(key, payload, 24 * 3600)
    return payload


def calendar_for(events: Iterable[Event], *, name: str) -> bytes:
    """A calendar of ``events`` as bytes (text/calendar)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
