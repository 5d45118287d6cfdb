from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import is_admin
from resurs.core.navigation import NavItem

ITEMS = [NavItem(_("Users and roles"), "accounts:user-list", visible=is_admin, order=90)]
