"""How allauth fits Resurs: the site's name and the recipient's language in its e-mails, sign-in events in the
audit trail, one failed-sign-in count per account, and a newly signed-up representative's first stop."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from resurs.accounts import services
from resurs.accounts.selectors import login_lock_keys, user_for_login


@dataclass(frozen=True)
class InstallationSite:
    """What allauth's e-mails call "the site": the installation's name and address (not the request's host)."""

    name: str
    domain: str


def installation_site() -> InstallationSite:
    from resurs.core.site import site_name

    return InstallationSite(name=site_name(), domain=urlsplit(settings.SITE_URL).netloc)


def user_display(user) -> str:
    """How allauth's pages and e-mails name a person: their full name, else the username."""
    return str(user)


class AccountAdapter(DefaultAccountAdapter):
    # --- e-mail: in the recipient's language, with the installation's name ---------------------------------
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user") or user_for_login(email)
        language = (
            getattr(user, "preferred_language", "") or translation.get_language() or settings.LANGUAGE_CODE
        )
        with translation.override(language):
            super().send_mail(template_prefix, email, {**context, "current_site": installation_site()})

    def format_email_subject(self, subject: str) -> str:
        return f"[{installation_site().name}] {subject}"

    # --- signing in: one count per account, events in the audit trail --------------------------------------
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failed sign-ins per typed login; count per account so that the username and the e-mail
        # address share one limit (and an administrator can clear it).
        login = credentials.get("email", credentials.get("username", ""))
        user = user_for_login(login)
        return login_lock_keys(user)[0] if user else f"login:{login.strip().lower()}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            user = user_for_login(credentials.get("email", credentials.get("username", "")))
            services.signin_record(user=user, event="login_locked")
            raise forms.ValidationError(
                _(
                    "Too many failed attempts to sign in to this account: it is locked for 15 minutes. "
                    "Try again later, reset your password, or ask the centre's administrator to unlock it."
                ),
                code="too_many_login_attempts",
            ) from None

    def authentication_failed(self, request, **credentials) -> None:
        user = user_for_login(credentials.get("email", credentials.get("username", "")))
        services.signin_record(user=user, event="login_failed")

    def login(self, request, user) -> None:
        super().login(request, user)
        services.signin_record(user=user, event="login", actor=user)

    # --- where people go -----------------------------------------------------------------------------------
    def post_login(self, request, user, **kwargs):
        """A representative who does not act for any organisation yet starts by finding theirs (and then goes on
        to where they were going)."""
        response = super().post_login(request, user, **kwargs)
        if needs_onboarding(user) and response.status_code == 302:
            target = response["Location"]
            onboarding = reverse(settings.ACCOUNT_ONBOARDING_URL)
            if not target.startswith(onboarding):
                query = {"next": target} if target != reverse(settings.LOGIN_REDIRECT_URL) else {}
                response["Location"] = onboarding + (f"?{urlencode(query)}" if query else "")
        return response


def needs_onboarding(user) -> bool:
    """A signed-up representative who has not yet asked to act for any organisation."""
    from resurs.accounts.access import _assignments
    from resurs.accounts.choices import Role

    roles = {role for role, _centre in _assignments(user)}
    return (
        not user.is_superuser
        and roles <= {Role.NGO_REPRESENTATIVE}
        and user.personal_data_consent_at is not None
        and not user.representations.exists()
    )


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return installation_site().name
