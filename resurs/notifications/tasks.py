"""Background work of the notifications app."""

from django_tasks import task

from resurs.notifications.services import email_deliver


@task()
def deliver_email_task(message_id: int) -> bool:
    return email_deliver(message_id)
