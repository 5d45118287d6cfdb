"""Self sign-up: the form with consent, the verification e-mail in the person's language, signing in only after
verifying, then finding the organisation and asking to represent it."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from resurs.accounts.choices import Role
from resurs.accounts.models import Representation, RoleAssignment, User
from resurs.accounts.services import PERSONAL_DATA_POLICY_VERSION
from resurs.core.audit import audit_history

pytestmark = pytest.mark.django_db
PASSWORD = "Lesnaya-polyana-1828"


def signup_data(**overrides):
    return {
        "last_name": "Петрова",
        "first_name": "Ирина",
        "email": "irina@fond-rodnik.ru",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        **overrides,
    }


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_signup_page_shows_consent_with_a_link_to_the_policy(client):
    response = client.get(reverse("account_signup"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="consent"' in content and reverse("accounts:privacy") in content
    assert client.get(reverse("accounts:privacy")).status_code == 200


def test_signup_without_consent_is_refused_and_keeps_the_input(client):
    response = client.post(reverse("account_signup"), signup_data(consent=""))
    assert response.status_code == 200
    assert not User.objects.filter(email="irina@fond-rodnik.ru").exists()
    form = response.context["form"]
    assert form.errors["consent"] == [
        "Чтобы создать учётную запись, дайте согласие на обработку персональных данных."
    ]
    assert 'value="irina@fond-rodnik.ru"' in response.content.decode()
    assert mail.outbox == []


def test_signup_verify_login_and_request_to_represent(client, personas):
    response = client.post(reverse("account_signup"), signup_data(), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="irina@fond-rodnik.ru")
    assert (user.first_name, user.last_name, user.preferred_language) == ("Ирина", "Петрова", "ru")
    assert user.personal_data_consent_at is not None
    assert user.personal_data_consent_version == PERSONAL_DATA_POLICY_VERSION
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.NGO_REPRESENTATIVE]
    assert "signup" in [entry.additional_data["event"] for entry in audit_history(user)]

    # The verification e-mail: in the person's language, with the installation's name.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["irina@fond-rodnik.ru"]
    assert message.subject.startswith("[Ресурс] ")
    assert message.subject == "[Ресурс] Пожалуйста, подтвердите Ваш адрес электронной почты"
    assert "Ирина Петрова" in message.body and "127.0.0.1:8000" in message.body
    link = confirmation_link(message)

    # Not verified yet: signing in from another browser only resends the link.
    other = client.__class__()
    response = other.post(reverse("account_login"), {"login": "irina@fond-rodnik.ru", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in other.session

    # Verify (the link's page asks to confirm with a button: mail scanners that open links confirm nothing).
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    # Signed in by the confirmation (same browser) and sent to find the organisation first.
    assert response.status_code == 302 and response["Location"].startswith(reverse("registry:represent"))
    assert int(client.session["_auth_user_id"]) == user.pk

    # Find the organisation by its INN and ask to represent it.
    organisation = personas.ngo
    response = client.get(reverse("registry:represent"), {"q": organisation.inn})
    assert [row[0].pk for row in response.context["results"]] == [organisation.pk]
    response = client.post(
        reverse("registry:representation-request", args=[organisation.pk]),
        {"position": "Директор", "next": reverse("registry:represent")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("registry:represent")
    representation = Representation.objects.get(user=user)
    assert (representation.organisation, representation.status, representation.position) == (
        organisation,
        Representation.Status.PENDING,
        "Директор",
    )
    assert user.pk not in set(
        Representation.objects.filter(status=Representation.Status.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )


def test_verified_representative_signs_in_by_email_and_lands_on_the_organisation_search(client):
    client.post(reverse("account_signup"), signup_data())
    EmailAddress.objects.filter(email="irina@fond-rodnik.ru").update(verified=True)
    fresh = client.__class__()
    response = fresh.post(reverse("account_login"), {"login": "IRINA@fond-rodnik.ru", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("registry:represent")
    # With a destination, the organisation search comes first and offers to continue there.
    fresh.logout()
    response = fresh.post(
        reverse("account_login") + "?next=/grants/calls/",
        {"login": "irina@fond-rodnik.ru", "password": PASSWORD, "next": "/grants/calls/"},
    )
    assert response["Location"] == reverse("registry:represent") + "?next=%2Fgrants%2Fcalls%2F"


def test_signup_in_english_gets_the_english_email(client):
    client.post(reverse("account_signup"), signup_data(), HTTP_ACCEPT_LANGUAGE="en")
    user = User.objects.get(email="irina@fond-rodnik.ru")
    assert user.preferred_language == "en"
    assert mail.outbox[0].subject.startswith("[Resurs] ")
    assert "confirm" in mail.outbox[0].body.lower()


def test_signup_with_a_taken_email_creates_nothing_and_tells_nobody(client, personas):
    before = User.objects.count()
    response = client.post(reverse("account_signup"), signup_data(email=personas.staff.email))
    # Same answer as a fresh sign-up (no account enumeration); the owner gets an e-mail about it.
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == before
    assert [m.to for m in mail.outbox] == [[personas.staff.email]]


def test_demo_style_logins_by_username_still_work(client, personas):
    response = client.post(
        reverse("accounts:login"), {"login": personas.staff.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    assert int(client.session["_auth_user_id"]) == personas.staff.pk
    assert RoleAssignment.objects.filter(user=personas.staff, role=Role.NGO_REPRESENTATIVE).count() == 0


def test_logout_is_a_post(client, personas):
    client.force_login(personas.staff)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
