"""Who may do what: role predicates shared by every app, and view decorators built on them.

Apps build their object-level ``get_<noun>_for_user`` functions on these predicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from resurs.accounts.choices import MANAGING_ROLES, Role


def _assignments(user) -> list[tuple[str, int | None]]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_resurs_roles", None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "centre_id"))
        user._resurs_roles = cached
    return cached


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or any(role == Role.ADMIN for role, _ in _assignments(user))
    )


def has_role(user, *roles: str, centre=None) -> bool:
    """True if the user holds any of ``roles`` (for ``centre`` when given). Administrators hold every role."""
    if is_admin(user):
        return True
    centre_id = getattr(centre, "pk", centre)
    return any(
        role in roles and (centre_id is None or held_centre in (None, centre_id))
        for role, held_centre in _assignments(user)
    )


def centre_ids_for(user, roles: Iterable[str] = MANAGING_ROLES) -> set[int]:
    """The centres whose work the user may change in one of ``roles``. Administrators: all (use is_admin)."""
    wanted = set(roles)
    return {centre for role, centre in _assignments(user) if role in wanted and centre is not None}


def is_centre_staff(user, centre=None) -> bool:
    """Staff or programme manager (of ``centre`` when given)."""
    return has_role(user, *MANAGING_ROLES, centre=centre)


def can_manage_centre_work(user, centre) -> bool:
    """May change a call, course, event... that belongs to ``centre``."""
    return is_admin(user) or (centre is not None and centre.pk in centre_ids_for(user))


def represented_organisation_ids(user) -> set[int]:
    """Organisations the user acts for (confirmed representations only)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_resurs_represented", None)
    if cached is None:
        from resurs.accounts.models import Representation

        cached = set(
            user.representations.filter(status=Representation.Status.CONFIRMED).values_list(
                "organisation_id", flat=True
            )
        )
        user._resurs_represented = cached
    return cached


def role_required(*roles: str):
    """View decorator: anonymous users go to the login page; signed-in users without a role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required(*MANAGING_ROLES)


def two_factor_required(user) -> bool:
    """The user holds a role that must sign in with two factors (settings.MFA_REQUIRED_ROLES)."""
    from django.conf import settings

    required = set(settings.MFA_REQUIRED_ROLES)
    if not required or not getattr(user, "is_authenticated", False):
        return False
    if Role.ADMIN in required and is_admin(user):
        return True
    return any(role in required for role, _ in _assignments(user))
