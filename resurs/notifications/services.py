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
from django.template.loader import get_template, render_to_string
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


DELIVERY_BATCH = 200  # messages per delivery task of ``emails_send_bulk``


def emails_send_bulk(*, template: str, messages: list[dict]) -> list[EmailMessage]:
    """Queue many e-mails of one template: what ``email_send`` does per message, in a few queries.

    ``messages`` holds dicts with ``to``, ``context`` and optionally ``language``, ``related`` and ``key``. The
    templates are loaded once and rendered per message; messages whose key is already logged (or repeated in
    the list) are skipped, as ``email_send`` skips them; the rest are written with one ``bulk_create`` and
    delivered on commit by one task per ``DELIVERY_BATCH`` messages. Returns the messages queued.
    """
    from resurs.core.site import site_name

    subject_t, text_t = get_template(f"{template}_subject.txt"), get_template(f"{template}.txt")
    try:
        html_t = get_template(f"{template}.html")
    except TemplateDoesNotExist:
        html_t = None
    keys = [m["key"] for m in messages if m.get("key")]
    seen = set(EmailMessage.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    content_types: dict[type, ContentType] = {}
    bases: dict[str, dict] = {}  # the site's name in each language
    queued = []
    for spec in messages:
        key = spec.get("key")
        if not spec["to"] or (key and key in seen):
            continue
        if key:
            seen.add(key)
        language = spec.get("language") or "ru"
        with translation.override(language):
            if language not in bases:
                bases[language] = {"site_name": site_name(), "site_url": settings.SITE_URL}
            full = {**bases[language], **spec["context"]}
            subject = " ".join(subject_t.render(full).split())
            message = EmailMessage(
                key=key,
                to=spec["to"],
                subject=subject[:300],
                body=text_t.render(full),
                html_body=html_t.render(full) if html_t else "",
                language=language,
                template=template,
                headers={},
                attachments=[],
            )
        related = spec.get("related")
        if related is not None:
            model = type(related)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(related)
            message.content_type = content_types[model]
            message.object_id = str(related.pk)
        queued.append(message)
    EmailMessage.objects.bulk_create(queued, batch_size=1000)
    from resurs.notifications.tasks import deliver_emails_task

    for start in range(0, len(queued), DELIVERY_BATCH):
        ids = [m.pk for m in queued[start : start + DELIVERY_BATCH]]
        transaction.on_commit(lambda ids=ids: deliver_emails_task.enqueue(ids))
    return queued


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
