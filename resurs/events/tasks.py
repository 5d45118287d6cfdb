"""Background work of the events app (thin wrappers around services)."""

from django_tasks import task

from resurs.events.services import event_reminders_send


@task()
def send_event_reminders_task() -> int:
    return event_reminders_send()
