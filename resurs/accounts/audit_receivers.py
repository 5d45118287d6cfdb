"""allauth's two-factor events in the audit trail. Its signals are the library's extension point for these
events (sign-in itself is recorded by the account adapter)."""

from __future__ import annotations

from allauth.mfa import signals
from django.dispatch import receiver

from resurs.accounts.services import signin_record


@receiver(signals.authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    signin_record(user=user, event="mfa_enrolled", actor=user, data={"type": authenticator.type})


@receiver(signals.authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    signin_record(user=user, event="mfa_removed", actor=user, data={"type": authenticator.type})


@receiver(signals.authenticator_reset)
def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    signin_record(
        user=user, event="mfa_recovery_codes_generated", actor=user, data={"type": authenticator.type}
    )


@receiver(signals.authentication_failed)
def _authentication_failed(sender, request, user, authenticator=None, **kwargs):
    signin_record(user=user, event="mfa_failed", data={"type": getattr(authenticator, "type", "")})
