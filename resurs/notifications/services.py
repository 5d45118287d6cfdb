"""Sending e-mail: render a template in the recipient's language, log it, and send it as background work.

Templates: ``<app>/email/<name>_subject.txt``, ``<app>/email/<name>.txt`` and optionally ``<app>/email/<name>.html``.
The context gets ``site_name`` and ``site_url``. Call ``email_send`` inside the transaction that caused the mail:
the send is queued on commit, so a rolled-back change never mails anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from resurs.notifications.models import EmailMessage


def render_email(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``template`` rendered in ``language``."""
    from resurs.core.site import site_name

    with translation.override(language):
        full = {"site_name": site_name(), "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
        text = render_to_string(f"{template}.txt", full)
        try:
            html = render_to_string(f"{template}.html", full)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def email_send(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "ru",
    related=None,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[dict] | None = None,
) -> EmailMessage | None:
    """Queue one e-mail. With ``key``, a second call with the same key does nothing and returns None."""
    if not to:
        return None
    subject, text, html = render_email(template, context, language)
    message = EmailMessage(
        key=key,
        to=to,
        subject=subject[:300],
        body=text,
        html_body=html,
        language=language,
        template=template,
        headers=headers or {},
        attachments=attachments or [],
    )
    if related is not None:
        message.content_type = ContentType.objects.get_for_model(related)
        message.object_id = str(related.pk)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if key and EmailMessage.objects.filter(key=key).exists():
            return None
        raise
    from resurs.notifications.tasks import deliver_email_task

    transaction.on_commit(lambda: deliver_email_task.enqueue(message.pk))
    return message


def email_deliver(message_id: int) -> bool:
    """Send a queued message (idempotent: a message already sent is not sent again)."""
    message = EmailMessage.objects.filter(pk=message_id, status=EmailMessage.Status.QUEUED).first()
    if message is None:
        return False
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=message.headers or None,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        with open(attachment["path"], "rb") as handle:
            email.attach(attachment["name"], handle.read(), attachment.get("mimetype"))
    try:
        email.send()
    except Exception as exc:  # the log must say why a mail did not go out
        EmailMessage.objects.filter(pk=message.pk).update(
            status=EmailMessage.Status.FAILED, error=str(exc)[:2000]
        )
        return False
    EmailMessage.objects.filter(pk=message.pk).update(status=EmailMessage.Status.SENT, sent_at=timezone.now())
    return True


def emails_for(obj):
    """The e-mails sent about ``obj``."""
    return EmailMessage.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-created_at")
