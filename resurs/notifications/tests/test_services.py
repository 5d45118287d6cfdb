import pytest
from django.core import mail

from resurs.notifications.models import EmailMessage
from resurs.notifications.services import email_send


@pytest.mark.django_db(transaction=True)
def test_email_is_rendered_in_the_recipients_language_logged_and_sent_once():
    first = email_send(
        to="a@example.org",
        template="notifications/email/test",
        context={"name": "Анна"},
        language="en",
        key="k1",
    )
    again = email_send(
        to="a@example.org",
        template="notifications/email/test",
        context={"name": "Анна"},
        language="en",
        key="k1",
    )
    assert again is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Test letter"
    assert "Hello, Анна" in mail.outbox[0].body
    first.refresh_from_db()
    assert first.status == EmailMessage.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_no_mail_when_the_transaction_rolls_back():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        email_send(to="b@example.org", template="notifications/email/test", context={"name": "Б"})
        raise RuntimeError
    assert mail.outbox == []
    assert not EmailMessage.objects.exists()


def _rows():
    return sorted(
        EmailMessage.objects.values_list(
            "key", "to", "subject", "body", "html_body", "language", "template", "content_type", "object_id"
        ),
        key=str,
    )


@pytest.mark.django_db(transaction=True)
def test_bulk_send_logs_and_delivers_what_sending_one_by_one_does():
    from django.contrib.auth import get_user_model

    from resurs.notifications.services import emails_send_bulk

    related = get_user_model().objects.create(username="someone")
    specs = [
        {
            "to": "a@example.org",
            "context": {"name": "Анна"},
            "language": "en",
            "key": "k1",
            "related": related,
        },
        {"to": "b@example.org", "context": {"name": "Борис"}, "language": "ru", "key": "k2"},
        {"to": "c@example.org", "context": {"name": "Вера"}},
        {"to": "", "context": {"name": "Никто"}, "key": "k3"},  # no address: no message
    ]
    for spec in specs:
        email_send(template="notifications/email/test", **spec)
    one_by_one, outbox = _rows(), sorted((m.to[0], m.subject, m.body) for m in mail.outbox)
    EmailMessage.objects.all().delete()
    mail.outbox.clear()

    queued = emails_send_bulk(template="notifications/email/test", messages=specs)
    assert len(queued) == 3
    assert _rows() == one_by_one
    assert sorted((m.to[0], m.subject, m.body) for m in mail.outbox) == outbox
    assert set(EmailMessage.objects.values_list("status", flat=True)) == {EmailMessage.Status.SENT}
    # A key already logged (a retry) or repeated in the list is skipped, as email_send skips it.
    again = emails_send_bulk(template="notifications/email/test", messages=[specs[0], specs[2], specs[2]])
    assert [m.to for m in again] == ["c@example.org", "c@example.org"]
    assert EmailMessage.objects.filter(key="k1").count() == 1 and len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_no_bulk_mail_when_the_transaction_rolls_back():
    from django.db import transaction

    from resurs.notifications.services import emails_send_bulk

    with pytest.raises(RuntimeError), transaction.atomic():
        emails_send_bulk(
            template="notifications/email/test", messages=[{"to": "b@example.org", "context": {}}]
        )
        raise RuntimeError
    assert mail.outbox == []
    assert not EmailMessage.objects.exists()
