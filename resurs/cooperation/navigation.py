from django.utils.translation import gettext_lazy as _

from resurs.cooperation.access import can_file_advice_request, can_see_overview, can_see_partnership_list
from resurs.core.navigation import NavItem

ITEMS = [
    NavItem(
        _("Cooperation"),
        "cooperation:overview",
        visible=lambda user: can_see_overview(user) or can_see_partnership_list(user),
        order=70,
    ),
    NavItem(_("Requests for advice"), "cooperation:advice-mine", visible=can_file_advice_request, order=71),
]
