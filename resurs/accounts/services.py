"""Account services: profile updates and API tokens."""

from __future__ import annotations

from django.db import transaction

from resurs.accounts.models import ApiToken, User


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
