"""Account services: API tokens, roles, representations, deactivation."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resurs.accounts.choices import CENTRE_ROLES, Role
from resurs.accounts.models import ApiToken, Representation, RoleAssignment, User
from resurs.core.audit import audit_event

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear text, which is never stored and shown only once."""
    clear = ApiToken.new_token()
    token = ApiToken(user=user, name=name, digest=ApiToken.digest_of(clear), prefix=clear[:8])
    token.full_clean()
    token.save()
    return token, clear


def api_token_revoke(*, user: User, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def role_grant(*, user: User, role: str, centre=None, actor) -> RoleAssignment:
    """Give ``user`` a role; centre roles (staff, manager, trainer, researcher) need a centre, others none."""
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    if role in CENTRE_ROLES and centre is None:
        raise ValidationError({"centre": [_("This role is held for a centre: choose the centre.")]})
    if role not in CENTRE_ROLES:
        centre = None
    existing = RoleAssignment.objects.filter(user=user, role=role, centre=centre).first()
    if existing is not None:
        raise ValidationError({"role": [_("The user already holds this role.")]})
    assignment = RoleAssignment(user=user, role=role, centre=centre)
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    audit_event(
        actor=actor,
        obj=user,
        action="role_granted",
        changes={"role": (None, assignment.get_role_display())},
        data={"role": role, "centre": getattr(centre, "pk", None)},
    )
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor) -> None:
    """Take a role away. The last administrator cannot lose the role (someone must manage the installation)."""
    if assignment.role == Role.ADMIN:
        others = (
            RoleAssignment.objects.filter(role=Role.ADMIN, user__is_active=True)
            .exclude(pk=assignment.pk)
            .exists()
        )
        if not others and not User.objects.filter(is_superuser=True, is_active=True).exists():
            raise ValidationError(_("This is the last administrator: grant the role to someone else first."))
    audit_event(
        actor=actor,
        obj=assignment.user,
        action="role_revoked",
        changes={"role": (assignment.get_role_display(), None)},
        data={"role": assignment.role, "centre": assignment.centre_id},
    )
    assignment.delete()


@transaction.atomic
def representation_set_status(*, representation: Representation, status: str, actor) -> Representation:
    """Confirm or revoke a user's right to act for an organisation."""
    if status not in Representation.Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    current = Representation.objects.select_for_update().get(pk=representation.pk)
    if current.status == status:
        return current
    old = current.get_status_display()
    current.status = status
    current.save(update_fields=["status", "updated_at"])
    audit_event(
        actor=actor,
        obj=current.user,
        action="representation_status",
        changes={"representation": (old, current.get_status_display())},
        data={"organisation": current.organisation_id},
    )
    return current


@transaction.atomic
def user_deactivate(*, user: User, actor, anonymise: bool = False) -> User:
    """Stop a user from signing in (tokens deleted). With ``anonymise``, names and e-mail are replaced too."""
    current = User.objects.select_for_update().get(pk=user.pk)
    current.is_active = False
    fields = ["is_active"]
    if anonymise:
        current.first_name = ""
        current.last_name = ""
        current.email = f"erased-{current.pk}@invalid.example"
        current.username = f"erased-{current.pk}"
        current.set_unusable_password()
        fields += ["first_name", "last_name", "email", "username", "password"]
    current.save(update_fields=fields)
    ApiToken.objects.filter(user=current).delete()
    audit_event(actor=actor, obj=current, action="deactivated", data={"anonymised": anonymise})
    return current


@transaction.atomic
def representation_request(*, user: User, organisation, position: str = "") -> Representation:
    """A user asks to act for an organisation; an administrator confirms it (the request waits as "pending")."""
    current = Representation.objects.select_for_update().filter(user=user, organisation=organisation).first()
    if current is not None and current.status != Representation.Status.REVOKED:
        raise ValidationError(_("You have already asked to act for this organisation."))
    if current is None:
        current = Representation(user=user, organisation=organisation)
    current.status = Representation.Status.PENDING
    current.position = position.strip()
    current.full_clean(validate_constraints=False)
    current.save()
    audit_event(
        actor=user, obj=user, action="representation_requested", data={"organisation": organisation.pk}
    )
    return current


# --- Signing up and signing in ------------------------------------------------------------------------------

# The version of the personal-data policy (accounts/privacy_policy.html) a person agrees to when signing up.
PERSONAL_DATA_POLICY_VERSION = "2026-01"


@transaction.atomic
def account_signup_complete(*, user: User, language: str) -> User:
    """A person has signed up themselves (an NGO representative): record their consent to the processing of
    personal data with its time and the policy version, remember their language (e-mails follow it) and give them
    the NGO representative's role. Which organisation they act for is a separate request staff confirm."""
    current = User.objects.select_for_update().get(pk=user.pk)
    current.personal_data_consent_at = timezone.now()
    current.personal_data_consent_version = PERSONAL_DATA_POLICY_VERSION
    current.preferred_language = language if language in {"ru", "en"} else "ru"
    current.save(
        update_fields=["personal_data_consent_at", "personal_data_consent_version", "preferred_language"]
    )
    RoleAssignment.objects.get_or_create(user=current, role=Role.NGO_REPRESENTATIVE, centre=None)
    audit_event(
        actor=current,
        obj=current,
        action="signup",
        data={"consent_version": PERSONAL_DATA_POLICY_VERSION, "language": current.preferred_language},
    )
    user.personal_data_consent_at = current.personal_data_consent_at
    user.personal_data_consent_version = current.personal_data_consent_version
    user.preferred_language = current.preferred_language
    return current


def signin_record(*, user: User | None, event: str, actor=None, data: dict | None = None) -> None:
    """Put a sign-in event (login, login_failed, login_locked, mfa_...) in ``user``'s audit trail. Attempts at
    logins that name no account have nobody to attach to and are only logged."""
    if user is None:
        logger.info("sign-in event %s for an unknown login", event)
        return
    audit_event(actor=actor, obj=user, action=event, data=data)


def login_unlock(*, user: User, actor, request) -> None:
    """Clear the failed-sign-in count that locks ``user``'s account (an administrator's "unlock" button)."""
    from allauth.core.ratelimit import clear

    from resurs.accounts.selectors import login_lock_keys

    for key in login_lock_keys(user):
        clear(request, action="login_failed", key=key)
    audit_event(actor=actor, obj=user, action="login_unlocked")


@transaction.atomic
def two_factor_reset(*, user: User, actor) -> int:
    """Remove every second factor of ``user`` (lost phone and recovery codes): an administrator's action. A user
    whose role requires two factors must set one up again at the next sign-in. Returns how many were removed."""
    from allauth.mfa.models import Authenticator

    removed, _ = Authenticator.objects.filter(user=user).delete()
    audit_event(
        actor=actor, obj=user, action="mfa_removed", data={"by_administrator": True, "count": removed}
    )
    return removed
