from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import has_role, is_centre_staff, represented_organisation_ids
from resurs.accounts.choices import Role
from resurs.core.navigation import NavItem


def _ngo(user) -> bool:
    return user.is_authenticated and bool(represented_organisation_ids(user))


def _consultants(user) -> bool:
    return user.is_authenticated and (is_centre_staff(user) or has_role(user, Role.TRAINER))


ITEMS = [
    NavItem(_("Learning"), "learning:catalogue", section="public", order=30),
    NavItem(_("My learning"), "learning:my-learning", visible=_ngo, order=31),
    NavItem(_("Consultations"), "learning:consultation-list", visible=_consultants, order=32),
    NavItem(
        _("Service quality"),
        "learning:service-quality",
        visible=lambda user: user.is_authenticated and is_centre_staff(user),
        order=33,
    ),
]
