"""Throttling: failed sign-ins lock an account (by username and e-mail alike) until time passes or an
administrator unlocks it; token creation has its own limit; every attempt is in the audit trail."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from resurs.accounts.models import ApiToken
from resurs.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOCKED = (
    "Слишком много неудачных попыток войти в эту учётную запись: вход заблокирован на 15 минут. "
    "Попробуйте позже, восстановите пароль или попросите администратора центра снять блокировку."
)
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def attempt(client, login: str, password: str):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def events(user) -> list[str]:
    """The user's audit events in the order they happened."""
    return [
        entry.additional_data.get("event") for entry in LogEntry.objects.get_for_object(user).order_by("pk")
    ]


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, personas):
    user = personas.expert
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(30):
            attempt(client, user.username, "wrong-password")
        # The 31st attempt in a minute from one address: refused outright, with a page that says why.
        response = attempt(client, user.username, PASSWORD)
        assert response.status_code == 429 and not signed_in(client)
        assert "Слишком много попыток" in response.content.decode()
        # A minute later the address may try again, but the account itself is still locked.
        clock.shift(datetime.timedelta(minutes=1, seconds=1))
        response = attempt(client, user.username, PASSWORD)
        assert response.status_code == 200 and not signed_in(client)
        assert response.context["form"].non_field_errors() == [LOCKED]


def test_lock_after_five_failures_and_unlock_by_time(client, personas):
    user = personas.expert
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            response = attempt(client, user.username, "wrong-password")
            assert response.status_code == 200 and not signed_in(client)
            assert LOCKED not in response.content.decode()
        # Locked: the right password is refused, with a message that says why and what to do.
        response = attempt(client, user.username, PASSWORD)
        assert response.status_code == 200 and not signed_in(client)
        assert response.context["form"].non_field_errors() == [LOCKED]
        # The e-mail address names the same account: locked too.
        response = attempt(client, user.email, PASSWORD)
        assert not signed_in(client) and LOCKED in response.content.decode()
        assert events(user) == ["login_failed"] * 5 + ["login_locked"] * 2

        clock.shift(datetime.timedelta(minutes=14))
        assert not signed_in(client) and LOCKED in attempt(client, user.username, PASSWORD).content.decode()
        clock.shift(datetime.timedelta(minutes=2))
        response = attempt(client, user.username, PASSWORD)
        assert response.status_code == 302 and signed_in(client)
        assert events(user)[-1] == "login"


def test_username_and_email_share_one_count(client, personas):
    user = personas.staff
    for login in (user.username, user.email, user.username.upper(), user.email, user.username):
        attempt(client, login, "wrong-password")
    assert LOCKED in attempt(client, user.email, PASSWORD).content.decode()
    assert not signed_in(client)


def test_administrator_sees_the_lock_and_unlocks(personas, client_for):
    client = Client()
    user = personas.expert
    for _ in range(5):
        attempt(client, user.username, "wrong-password")
    admin = client_for(personas.admin)
    page = admin.get(reverse("accounts:user-detail", args=[user.pk]))
    assert page.context["locked_until"] is not None
    assert 'data-testid="login-locked"' in page.content.decode()
    assert [entry.additional_data["event"] for entry in page.context["signins"]] == ["login_failed"] * 5

    response = admin.post(reverse("accounts:user-unlock", args=[user.pk]))
    assert response.status_code == 302
    page = admin.get(reverse("accounts:user-detail", args=[user.pk]))
    assert page.context["locked_until"] is None
    assert page.context["signins"][0].additional_data["event"] == "login_unlocked"
    assert page.context["signins"][0].actor == personas.admin

    person = Client()
    response = attempt(person, user.username, PASSWORD)
    assert response.status_code == 302 and signed_in(person)


@pytest.mark.parametrize(
    "persona", ["staff", "manager", "expert", "ngo_rep", "trainer", "researcher", "partner", "outsider"]
)
def test_only_administrators_unlock(personas, client_for, persona):
    client = Client()  # the person trying to sign in (client_for signs its own client in)
    user = personas.other_staff
    for _ in range(5):
        attempt(client, user.username, "wrong-password")
    other = client_for(getattr(personas, persona))
    assert other.post(reverse("accounts:user-unlock", args=[user.pk])).status_code == 403
    assert LOCKED in attempt(client, user.username, PASSWORD).content.decode()
    assert "login_unlocked" not in events(user)


def test_anonymous_unlock_goes_to_login_and_unknown_user_is_404(client_for, personas):
    response = client_for(None).post(reverse("accounts:user-unlock", args=[personas.expert.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client_for(personas.admin).post(reverse("accounts:user-unlock", args=[999999])).status_code == 404
    assert (
        client_for(personas.admin).get(reverse("accounts:user-unlock", args=[personas.expert.pk])).status_code
        == 405
    )


def test_audit_trail_records_success_and_failure(client, personas):
    attempt(client, personas.partner.username, "wrong-password")
    attempt(client, personas.partner.email, PASSWORD)
    entries = list(LogEntry.objects.get_for_object(personas.partner).order_by("pk"))
    assert [entry.additional_data["event"] for entry in entries] == ["login_failed", "login"]
    assert entries[0].actor is None and entries[1].actor == personas.partner
    assert entries[1].remote_addr == "127.0.0.1"


def test_token_creation_is_limited(client_for, personas):
    client = client_for(personas.researcher)
    for number in range(10):
        client.post(reverse("accounts:token-create"), {"name": f"script {number}"})
    response = client.post(reverse("accounts:token-create"), {"name": "one too many"}, follow=True)
    assert ApiToken.objects.filter(user=personas.researcher).count() == 10
    assert [str(m) for m in response.context["messages"]][-1:] == [
        "За последний час вы создали слишком много токенов. Попробуйте позже или используйте уже созданный токен."
    ]


def test_password_reset_is_limited_per_address(client, personas):
    from django.core import mail

    for _ in range(8):
        client.post(reverse("account_reset_password"), {"email": personas.staff.email})
    assert len(mail.outbox) == 5
