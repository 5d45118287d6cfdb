from django.utils.translation import gettext_lazy as _

from resurs.core.navigation import NavItem
from resurs.registry.access import can_read_registry, can_review_proposals

ITEMS = [
    NavItem(_("Registry"), "registry:organisation-list", visible=can_read_registry, order=10),
    NavItem(_("Proposals"), "registry:proposal-list", visible=can_review_proposals, order=11),
]
