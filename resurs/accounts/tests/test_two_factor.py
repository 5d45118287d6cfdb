"""Two factors: enrolling an authenticator app (TOTP), signing in with its code or with a recovery code (each
works once), and roles that cannot reach their pages before enrolling (MFA_REQUIRED_ROLES)."""

from __future__ import annotations

import datetime

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.checks import run_checks
from django.urls import reverse

from resurs.accounts.models import ApiToken
from resurs.accounts.services import api_token_create
from resurs.accounts.tests.factories import PASSWORD
from resurs.core.audit import audit_history

pytestmark = pytest.mark.django_db
REQUIRED = ["admin", "staff", "programme_manager", "expert"]


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})


def enrol(client, on_commit) -> str:
    """Turn on the authenticator app as a person would: confirm the password again (allauth asks before any
    change of factors), open the page, read the key, type the app's code."""
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    assert secret in response.content.decode()  # the key for typing in by hand is on the page
    with on_commit(execute=True):  # allauth announces the new authenticator once the transaction commits
        response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    return secret


def events(user) -> list[str]:
    return [entry.additional_data.get("event") for entry in audit_history(user)]


def test_enrol_then_sign_in_with_a_code(client, personas, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        sign_in(client, personas.expert)
        secret = enrol(client, django_capture_on_commit_callbacks)
        assert Authenticator.objects.filter(user=personas.expert, type=Authenticator.Type.TOTP).count() == 1
        assert "mfa_enrolled" in events(personas.expert)
        client.post(reverse("account_logout"))

    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 5, tzinfo=datetime.UTC), tick=False):
        response = sign_in(client, personas.expert)
        # The password alone does not sign in: the second step asks for the code.
        assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
        assert "mfa_failed" in events(personas.expert)
        response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
        assert int(client.session["_auth_user_id"]) == personas.expert.pk


def test_recovery_codes_each_work_once(client, personas, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        sign_in(client, personas.staff)
        enrol(client, django_capture_on_commit_callbacks)
        page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
        codes = RecoveryCodes(
            Authenticator.objects.get(user=personas.staff, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
        assert len(codes) == 10 and all(code in page for code in codes)
        client.post(reverse("account_logout"))

        first, second = codes[0], codes[1]
        sign_in(client, personas.staff)
        response = client.post(reverse("mfa_authenticate"), {"code": first})
        assert response.status_code == 302 and int(client.session["_auth_user_id"]) == personas.staff.pk
        client.post(reverse("account_logout"))

        sign_in(client, personas.staff)
        response = client.post(reverse("mfa_authenticate"), {"code": first})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
        response = client.post(reverse("mfa_authenticate"), {"code": second})
        assert response.status_code == 302 and int(client.session["_auth_user_id"]) == personas.staff.pk
        assert (
            len(
                RecoveryCodes(
                    Authenticator.objects.get(user=personas.staff, type=Authenticator.Type.RECOVERY_CODES)
                ).get_unused_codes()
            )
            == 8
        )


@pytest.mark.parametrize("persona", ["admin", "staff", "manager", "expert"])
def test_required_role_reaches_nothing_before_enrolling(
    client, personas, settings, persona, django_capture_on_commit_callbacks
):
    settings.MFA_REQUIRED_ROLES = REQUIRED
    user = getattr(personas, persona)
    response = sign_in(client, user)
    for url in (
        reverse("core:dashboard"),
        reverse("accounts:profile"),
        "/grants/calls/",
        "/registry/organisations/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url
    # What stays open: the two-factor pages, signing out, the language switch.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    # HTMX requests are redirected by header.
    response = client.get(reverse("core:dashboard"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("mfa_activate_totp")

    enrol(client, django_capture_on_commit_callbacks)
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize("persona", ["ngo_rep", "trainer", "researcher", "partner", "outsider"])
def test_other_roles_are_not_asked(client, personas, settings, persona):
    settings.MFA_REQUIRED_ROLES = REQUIRED
    sign_in(client, getattr(personas, persona))
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_api_with_a_token_is_not_blocked(client, personas, settings):
    settings.MFA_REQUIRED_ROLES = REQUIRED
    _token, clear = api_token_create(user=personas.staff, name="script")
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert response.status_code == 200 and response.json()["username"] == personas.staff.username
    assert ApiToken.objects.filter(user=personas.staff).count() == 1
    # The browser session of a password-only sign-in does not reach the API.
    sign_in(client, personas.staff)
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 403
    assert response.json() == {"detail": "Для вашей роли нужен двухфакторный вход: сначала подключите его."}


def test_none_required_in_the_demo_settings(client, personas, settings):
    settings.MFA_REQUIRED_ROLES = []
    sign_in(client, personas.admin)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_misspelt_role_is_a_configuration_error(settings):
    settings.MFA_REQUIRED_ROLES = ["staff", "stuff"]
    errors = [error for error in run_checks() if error.id == "resurs.accounts.E001"]
    assert [error.msg for error in errors] == ["MFA_REQUIRED_ROLES names unknown roles: stuff"]


def test_administrator_turns_off_a_lost_factor(
    client, personas, client_for, django_capture_on_commit_callbacks
):
    sign_in(client, personas.expert)
    enrol(client, django_capture_on_commit_callbacks)
    for persona in ("staff", "manager", "expert", "ngo_rep", "outsider"):
        other = client_for(getattr(personas, persona))
        url = reverse("accounts:user-two-factor-reset", args=[personas.expert.pk])
        assert other.post(url).status_code == 403
    assert Authenticator.objects.filter(user=personas.expert).count() == 2
    admin = client_for(personas.admin)
    response = admin.post(reverse("accounts:user-two-factor-reset", args=[personas.expert.pk]))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=personas.expert).exists()
    assert events(personas.expert)[0] == "mfa_removed"
