from django.utils.translation import gettext_lazy as _

from resurs.core.navigation import NavItem

ITEMS = [
    NavItem(
        _("Registry"), "registry:organisation-list", visible=lambda user: user.is_authenticated, order=10
    ),
]
