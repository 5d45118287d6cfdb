"""Reading accounts: who a typed login names, whether sign-in to an account is locked, its sign-in history."""

from __future__ import annotations

import datetime
import time

from auditlog.models import LogEntry
from django.core.cache import cache
from django.db.models import Q

from resurs.accounts.models import User

# The audit events of signing in, shown together on the user's page for administrators.
SIGNIN_EVENTS = (
    "login",
    "login_failed",
    "login_locked",
    "login_unlocked",
    "signup",
    "mfa_enrolled",
    "mfa_removed",
    "mfa_recovery_codes_generated",
    "mfa_failed",
)


def user_for_login(login: str) -> User | None:
    """The account a sign-in form's login (a username or an e-mail address, any case) names, if any."""
    login = (login or "").strip()
    if not login:
        return None
    return User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).order_by("pk").first()


def login_lock_keys(user: User) -> list[str]:
    """The rate-limit keys that lock sign-in to ``user``: the password step and the two-factor step.

    The password step's key is the account, not the typed text, so that "admin" and "admin@…" share one count.
    """
    return [f"user:{user.pk}", f"mfa-auth-user-{user.pk}"]


def login_locked_until(user: User, request) -> datetime.datetime | None:
    """When sign-in to ``user`` unlocks by itself, or None when it is not locked.

    Reads allauth's rate-limit history for the account's keys (the same cache entries allauth writes).
    """
    from allauth.core.internal.ratelimit import get_cache_key, get_rates

    now = time.time()
    until = None
    for rate in get_rates(app="allauth.account", action="login_failed"):
        if rate.per != "key":
            continue
        for key in login_lock_keys(user):
            cache_key = get_cache_key(
                request, app="allauth.account", action="login_failed", rate=rate, key=key
            )
            hits = sorted(
                (hit for hit in cache.get(cache_key, []) if hit > now - rate.duration), reverse=True
            )
            if len(hits) >= rate.amount:
                ends = hits[rate.amount - 1] + rate.duration
                until = max(until or ends, ends)
    return datetime.datetime.fromtimestamp(until, tz=datetime.UTC) if until else None


def signin_history(user: User, *, limit: int = 30):
    """Sign-ins, failures, locks and two-factor changes of ``user``, newest first."""
    return (
        LogEntry.objects.get_for_object(user)
        .filter(additional_data__event__in=SIGNIN_EVENTS)
        .select_related("actor")
        .order_by("-timestamp", "-pk")[:limit]
    )
