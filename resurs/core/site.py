"""What the installation calls itself: RESURS_NAME, or the hub centre's name, or "Resurs"."""

from django.conf import settings
from django.utils.translation import gettext as _


def site_name() -> str:
    if settings.RESURS_NAME:
        return settings.RESURS_NAME
    return _("Resurs")
