"""The month grid of the public calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from resurs.events.choices import EventStatus
from resurs.events.months import month_grid, parse_month
from resurs.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")


def _at(day: int, hour: int = 10, month: int = 3) -> dt.datetime:
    return dt.datetime(2030, month, day, hour, tzinfo=MSK)


def test_week_starts_on_monday_in_russian_and_sunday_in_english():
    first = dt.date(2030, 3, 1)  # a Friday
    with translation.override("ru"):
        grid = month_grid(first, today=dt.date(2030, 3, 15))
    assert grid.weeks[0][0].date == dt.date(2030, 2, 25) and grid.weeks[0][0].date.weekday() == 0
    assert [short for short, _ in grid.weekdays][0] in ("пн", "Пн", "пн.")
    with translation.override("en"):
        grid = month_grid(first, today=dt.date(2030, 3, 15))
    assert grid.weeks[0][0].date == dt.date(2030, 2, 24) and grid.weeks[0][0].date.weekday() == 6
    assert sum(day.is_today for week in grid.weeks for day in week) == 1


def test_events_fall_on_their_local_days_and_drafts_stay_hidden():
    forum = EventFactory(title="Форум", starts_at=_at(10), ends_at=_at(12, 18))  # three days
    evening = EventFactory(
        title="Вебинар из Владивостока",
        time_zone="Asia/Vladivostok",
        starts_at=dt.datetime(2030, 3, 20, 18, tzinfo=MSK),  # 01:00 on 21 March in Vladivostok
        ends_at=dt.datetime(2030, 3, 20, 19, tzinfo=MSK),
    )
    EventFactory(title="Черновик", status=EventStatus.DRAFT, starts_at=_at(5), ends_at=_at(5, 12))
    grid = month_grid(dt.date(2030, 3, 1), today=dt.date(2030, 3, 1))
    days = {
        day.date.day: [e.title for e in day.events] for week in grid.weeks for day in week if day.in_month
    }
    assert days[10] == days[11] == days[12] == ["Форум"] and days[13] == []
    assert days[21] == [evening.title] and days[20] == []
    assert days[5] == []
    assert grid.event_count == 2 and forum in grid.days_with_events[0].events


def test_parse_month_falls_back_to_this_month():
    today = dt.date(2030, 3, 15)
    assert parse_month("2031-02", today) == dt.date(2031, 2, 1)
    for bad in ("", "2031-13", "x", "0-1", "2031-02-03"):
        assert parse_month(bad, today) == dt.date(2030, 3, 1)


def test_month_page_links_events_and_neighbours(client, django_assert_max_num_queries):
    EventFactory(title="Форум НКО Сибири", starts_at=_at(10), ends_at=_at(10, 18))
    for day in range(1, 28):
        EventFactory(starts_at=_at(day), ends_at=_at(day, 12))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("events:event-month"), {"month": "2030-03"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="month-grid"' in body
    assert "Форум НКО Сибири" in body and '?month=2030-02"' in body and '?month=2030-04"' in body
    assert client.get(reverse("events:event-month"), {"month": "garbage"}).status_code == 200
