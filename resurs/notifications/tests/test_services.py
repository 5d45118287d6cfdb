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
