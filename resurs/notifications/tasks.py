"""Background work of the notifications app."""

from django_tasks import task

from resurs.notifications.services import email_deliver


@task()
def deliver_email_task(message_id: int) -> bool:
    return email_deliver(message_id)


@task()
def deliver_emails_task(message_ids: list[int]) -> int:
    """Send a batch of queued messages (``emails_send_bulk``); returns how many went out."""
    return sum(email_deliver(pk) for pk in message_ids)
