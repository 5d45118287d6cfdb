"""Account services: roles, representations and deactivation, each recorded in the audit trail."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from resurs.accounts.choices import Role
from resurs.accounts.models import ApiToken, Representation
from resurs.accounts.services import (
    api_token_create,
    representation_set_status,
    role_grant,
    role_revoke,
    user_deactivate,
)

pytestmark = pytest.mark.django_db


def test_role_grant_rules_and_audit(personas):
    with pytest.raises(ValidationError):
        role_grant(user=personas.outsider, role=Role.TRAINER, actor=personas.admin)
    with pytest.raises(ValidationError):
        role_grant(user=personas.outsider, role="wizard", actor=personas.admin)
    assignment = role_grant(
        user=personas.outsider, role=Role.TRAINER, centre=personas.centre, actor=personas.admin
    )
    with pytest.raises(ValidationError):
        role_grant(user=personas.outsider, role=Role.TRAINER, centre=personas.centre, actor=personas.admin)
    entry = LogEntry.objects.get_for_object(personas.outsider).first()
    assert entry.actor == personas.admin and entry.additional_data["event"] == "role_granted"
    role_revoke(assignment=assignment, actor=personas.admin)
    assert not personas.outsider.role_assignments.exists()


def test_representation_status(personas):
    representation = Representation.objects.get(user=personas.ngo_rep)
    representation_set_status(representation=representation, status="revoked", actor=personas.admin)
    representation.refresh_from_db()
    assert representation.status == Representation.Status.REVOKED
    with pytest.raises(ValidationError):
        representation_set_status(representation=representation, status="bogus", actor=personas.admin)


def test_deactivate_with_anonymisation_removes_tokens(personas):
    api_token_create(user=personas.outsider, name="x")
    user = user_deactivate(user=personas.outsider, actor=personas.outsider, anonymise=True)
    assert not user.is_active and user.first_name == "" and not user.has_usable_password()
    assert not ApiToken.objects.filter(user=user).exists()
