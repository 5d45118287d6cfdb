from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import is_admin, is_centre_staff
from resurs.core.navigation import NavItem
from resurs.reviews.access import is_expert

ITEMS = [
    NavItem(_("My reviews"), "reviews:my", visible=is_expert, order=35),
    NavItem(
        _("Expert evaluation"),
        "reviews:calls",
        visible=lambda user: is_centre_staff(user) or is_admin(user),
        order=36,
    ),
]
