"""API authentication: a personal token (``Authorization: Bearer rs_...``) or the browser session with CSRF."""

from __future__ import annotations

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from resurs.core.api import CSRF_FAILED


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        from resurs.accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuthWithCsrf(SessionAuth):
    """Django session, as the pages use it (unsafe methods need the CSRF token). A caller without a signed-in
    session is not authenticated by it (a 401 if no token does), whatever the CSRF token."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise HttpError(403, str(CSRF_FAILED)) from None


class OptionalAuth:
    """For public endpoints: authenticate when credentials are given, let anonymous callers through otherwise."""

    def __call__(self, request):
        token_user = None
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            token_user = ApiTokenAuth().authenticate(request, header.split(" ", 1)[1].strip())
        if token_user is not None:
            return token_user
        return request.user if request.user.is_authenticated else True
