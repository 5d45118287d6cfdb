"""Two factors where a role requires them (settings.MFA_REQUIRED_ROLES)."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from resurs.accounts.access import two_factor_required

API_PREFIX = "/api/"


class TwoFactorRequiredMiddleware:
    """A signed-in user whose role requires two factors and who has no authenticator yet is sent to set one up
    and reaches nothing else: only the two-factor pages, re-authentication, sign-out, the language switch and
    static files. The API with a personal token is not blocked: a token is a separate credential, created by a
    user who has passed this gate (see docs/decisions/0008-accounts-allauth-mfa.md); the API through the browser
    session is, with a JSON 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_prefixes(self) -> tuple[str, ...]:
        return (
            reverse("mfa_index"),
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            reverse("set_language"),
            reverse("health"),
            settings.STATIC_URL,
        )

    def __call__(self, request):
        if self._must_enrol(request):
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse(
                    {"detail": _("Your role requires two-factor sign-in: set it up first.")}, status=403
                )
            messages.warning(
                request,
                _(
                    "Your role requires two-factor sign-in. Set up an authenticator app to continue: scan the "
                    "code with it and enter the six digits it shows."
                ),
            )
            target = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path_info.startswith(self.open_prefixes):
            return False
        if request.path_info.startswith(API_PREFIX) and request.headers.get("Authorization"):
            return False  # a personal token, not the session, authenticates the call
        if not two_factor_required(user):
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)
