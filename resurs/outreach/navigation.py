from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import is_centre_staff
from resurs.core.navigation import NavItem

ITEMS = [
    NavItem(_("Publications"), "outreach:publication-list", section="public", order=42),
    NavItem(_("Challenges"), "outreach:challenge-list", section="public", order=43),
    NavItem(_("Media"), "outreach:contact-list", visible=lambda user: is_centre_staff(user), order=44),
]
