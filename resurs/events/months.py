"""The month grid of the public calendar: weeks of days, each with the events that take place on it (in the
event's own time zone), starting the week on the locale's first day (Monday in Russian)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import get_format

from resurs.events import selectors
from resurs.events.models import Event


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    events: list[Event] = field(default_factory=list)


@dataclass
class Month:
    first: dt.date
    weeks: list[list[Day]]
    weekdays: list[tuple[str, str]]  # (abbreviation, full name) in the order of the grid's columns

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)

    @property
    def days_with_events(self) -> list[Day]:
        return [day for week in self.weeks for day in week if day.in_month and day.events]

    @property
    def event_count(self) -> int:
        return len({event.pk for day in self.days_with_events for event in day.events})


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """``YYYY-MM`` to the first of that month; anything else is this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1) if 1 <= year <= 9998 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def month_grid(first: dt.date, *, today: dt.date | None = None) -> Month:
    """The weeks that cover the month of ``first``, with the public events of each day (one query)."""
    today = today or timezone.localdate()
    python_first_weekday = (
        int(get_format("FIRST_DAY_OF_WEEK")) - 1
    ) % 7  # Django: 0 is Sunday; Python: Monday
    weeks_of_dates = calendar.Calendar(python_first_weekday).monthdatescalendar(first.year, first.month)
    start, end = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    margin = dt.timedelta(days=1)  # an event's own time zone may put it on the next or previous day
    tz = timezone.get_current_timezone()
    events = selectors.event_list_public().filter(
        starts_at__lt=dt.datetime.combine(end + margin * 2, dt.time.min, tzinfo=tz),
        ends_at__gte=dt.datetime.combine(start - margin, dt.time.min, tzinfo=tz),
    )
    by_day: dict[dt.date, list[Event]] = {}
    for event in events.order_by("starts_at"):
        day, last = event.local_starts_at.date(), event.local_ends_at.date()
        while day <= last:
            if start <= day <= end:
                by_day.setdefault(day, []).append(event)
            day += dt.timedelta(days=1)
    weeks = [
        [Day(day, day.month == first.month, day == today, by_day.get(day, [])) for day in week]
        for week in weeks_of_dates
    ]
    order = [(python_first_weekday + i) % 7 for i in range(7)]
    return Month(first, weeks, [(WEEKDAYS_ABBR[i], WEEKDAYS[i]) for i in order])
