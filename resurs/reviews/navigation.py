from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import has_role, is_admin, is_centre_staff
from resurs.accounts.choices import Role
from resurs.core.navigation import NavItem

# Role checks only (cached per request): the menu must not cost a query on every page.
ITEMS = [
    NavItem(_("My reviews"), "reviews:my", visible=lambda user: has_role(user, Role.EXPERT), order=35),
    NavItem(
        _("Expert evaluation"),
        "reviews:calls",
        visible=lambda user: is_centre_staff(user) or is_admin(user),
        order=36,
    ),
]
