import datetime as dt

import pytest
from icalendar import Calendar

from resurs.events.choices import EventStatus
from resurs.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_event_ics_parses_with_time_zone(client, reference_data):
    event = EventFactory(
        title="Форум НКО Сибири",
        time_zone="Asia/Novosibirsk",
        starts_at=dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC),  # 10:00 in Novosibirsk
        ends_at=dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC),
    )
    response = client.get(f"/events/{event.pk}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Форум НКО Сибири"
    start = vevent.decoded("DTSTART")
    assert start.hour == 10 and str(start.tzinfo) == "Asia/Novosibirsk"
    assert start == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Novosibirsk"]
    assert str(vevent["UID"]).startswith(f"event-{event.pk}@")


def test_feeds_list_public_events_only(client, reference_data):
    public = EventFactory(title="Публичное")
    EventFactory(title="Черновик", status=EventStatus.DRAFT)
    other = EventFactory(title="Другой центр")
    calendar = Calendar.from_ical(client.get("/events/calendar.ics").content)
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == ["Другой центр", "Публичное"]
    calendar = Calendar.from_ical(client.get(f"/events/centres/{public.centre.slug}/calendar.ics").content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Публичное"]
    assert client.get("/events/centres/no-such-centre/calendar.ics").status_code == 404
    del other


def test_feed_holds_half_a_year_of_past_events_and_shows_an_edit_at_once(client, reference_data):
    from django.utils import timezone

    now = timezone.now()
    recent = EventFactory(
        title="Недавний", starts_at=now - dt.timedelta(days=100), ends_at=now - dt.timedelta(days=99)
    )
    EventFactory(title="Давний", starts_at=now - dt.timedelta(days=400), ends_at=now - dt.timedelta(days=399))
    upcoming = EventFactory(
        title="Будущий", starts_at=now + dt.timedelta(days=30), ends_at=now + dt.timedelta(days=31)
    )

    def summaries():
        calendar = Calendar.from_ical(client.get("/events/calendar.ics").content)
        return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]

    assert summaries() == ["Недавний", "Будущий"]
    upcoming.title = "Будущий форум"
    upcoming.save()
    assert summaries() == ["Недавний", "Будущий форум"]  # the cached feed is not served after a change
    recent.delete()
    assert summaries() == ["Будущий форум"]


def test_draft_ics_is_hidden_from_the_public(client, reference_data):
    draft = EventFactory(status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.pk}/event.ics").status_code == 404
