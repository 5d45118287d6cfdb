from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import represented_organisation_ids
from resurs.core.navigation import NavItem
from resurs.registry.access import can_read_registry, can_review_proposals


def _sees_proposals(user) -> bool:
    """Staff review the queue; representatives follow their own proposals."""
    return can_review_proposals(user) or bool(represented_organisation_ids(user))


ITEMS = [
    NavItem(_("Registry"), "registry:organisation-list", visible=can_read_registry, order=10),
    NavItem(_("Proposals"), "registry:proposal-list", visible=_sees_proposals, order=11),
]
