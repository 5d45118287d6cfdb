"""Background work of the learning app: thin wrappers around services."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def remind_follow_ups_task(day: str | None = None) -> int:
    """Daily: remind consultants of the follow-ups due today (schedule once a day; safe to repeat)."""
    from resurs.learning.services import consultation_follow_up_reminders

    return consultation_follow_up_reminders(on=dt.date.fromisoformat(day) if day else None)
