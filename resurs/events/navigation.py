from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import is_centre_staff
from resurs.core.navigation import NavItem

ITEMS = [
    NavItem(_("Events"), "events:event-list", section="public", order=40),
    NavItem(_("Events office"), "events:manage", visible=lambda user: is_centre_staff(user), order=41),
]
