"""API router of the accounts app (mounted under /api/v1/accounts/)."""

from __future__ import annotations

from ninja import Router, Schema

from resurs.accounts.access import is_admin, represented_organisation_ids

router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    role_display: str
    centre_id: int | None


class MeOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    preferred_language: str
    person_id: int | None
    is_admin: bool
    roles: list[RoleOut]
    represented_organisation_ids: list[int]


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    """Who the caller is: account, roles (with centres) and the organisations they act for."""
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "person_id": user.person_id,
        "is_admin": is_admin(user),
        "roles": [
            {"role": item.role, "role_display": item.get_role_display(), "centre_id": item.centre_id}
            for item in user.role_assignments.all()
        ],
        "represented_organisation_ids": sorted(represented_organisation_ids(user)),
    }
