"""Background work of the grants app: thin wrappers that call one service."""

from django_tasks import task

from resurs.grants.services import reports_remind_overdue


@task()
def remind_overdue_reports_task() -> int:
    return reports_remind_overdue()
