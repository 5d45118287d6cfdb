"""Menu entries of the national-scale registry work (the registry's navigation.py adds them to its ITEMS)."""

from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import is_centre_staff
from resurs.core.navigation import NavItem

ITEMS = [
    NavItem(_("Import"), "registry:import-list", visible=is_centre_staff, order=24),
    NavItem(_("Duplicates"), "registry:duplicate-list", visible=is_centre_staff, order=25),
]
