"""GET /api/v1/accounts/me with a token and with the session, for every persona."""

from __future__ import annotations

import pytest

from resurs.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401(client, db):
    assert client.get("/api/v1/accounts/me").status_code == 401
    assert client.get("/api/v1/accounts/me", headers={"Authorization": "Bearer rs_wrong"}).status_code == 401


def test_me_for_every_persona(personas, client, client_for):
    for name, user in personas.all().items():
        _token, clear = api_token_create(user=user, name="tests")
        body = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {clear}"}).json()
        assert body["username"] == user.username, name
        assert body["is_admin"] is (name == "admin")
        assert {role["role"] for role in body["roles"]} == set(
            user.role_assignments.values_list("role", flat=True)
        )
        expected = [personas.ngo.pk] if name == "ngo_rep" else []
        assert body["represented_organisation_ids"] == expected
    session = client_for(personas.staff).get("/api/v1/accounts/me").json()
    assert session["roles"][0]["centre_id"] == personas.centre.pk


def test_inactive_user_token_is_refused(personas, client):
    _token, clear = api_token_create(user=personas.outsider, name="tests")
    personas.outsider.is_active = False
    personas.outsider.save(update_fields=["is_active"])
    assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 401
