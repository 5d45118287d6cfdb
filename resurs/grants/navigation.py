from django.utils.translation import gettext_lazy as _

from resurs.core.navigation import NavItem
from resurs.grants.access import is_grants_staff, is_ngo_representative

ITEMS = [
    NavItem(_("Grants"), "grants:call-list", section="public", order=20),
    NavItem(_("My applications"), "grants:my-applications", visible=is_ngo_representative, order=21),
    NavItem(_("Competitions"), "grants:manage-calls", visible=is_grants_staff, order=22),
]
