"""``/health/`` for load balancers and monitoring (django-health-check): the database, the cache, the default file
storage and the background-task backlog. Anonymous, and it says nothing about people: only which check failed."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class TaskBacklog(HealthCheck):
    """Fails when background tasks queued in the database (django-tasks-db) wait longer than they should.

    A task that has been due for more than ``HEALTH_TASK_BACKLOG_MINUTES`` means no worker is taking work (or the
    workers cannot keep up); ``HEALTH_TASK_BACKLOG_LIMIT`` such tasks make the check fail. With the inline backend
    (local use, tests) nothing is queued and the check passes.
    """

    def run(self) -> None:
        overdue = overdue_task_count(minutes=settings.HEALTH_TASK_BACKLOG_MINUTES)
        if overdue >= settings.HEALTH_TASK_BACKLOG_LIMIT:
            raise ServiceUnavailable(
                f"{overdue} queued tasks have waited more than {settings.HEALTH_TASK_BACKLOG_MINUTES} minutes"
            )


def overdue_task_count(*, minutes: int) -> int:
    """Tasks ready to run that have been due for more than ``minutes`` (scheduled tasks count from their time)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    unscheduled = get_date_max()
    return (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .filter(Q(run_after=unscheduled, enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff))
        .count()
    )


class HealthView(HealthCheckView):
    """200 when every check passes, 500 otherwise; JSON for ``Accept: application/json``, plain text or HTML."""

    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        TaskBacklog,
    )
