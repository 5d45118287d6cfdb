from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person may do in Resurs. A user may hold several roles; centre roles are held for one centre."""

    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Centre staff")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    EXPERT = "expert", _("Expert")
    NGO_REPRESENTATIVE = "ngo_representative", _("NGO representative")
    TRAINER = "trainer", _("Trainer / consultant")
    RESEARCHER = "researcher", _("Researcher")
    PARTNER = "partner", _("Partner")


# Roles that are held for a particular centre (they act for it and change only its work).
CENTRE_ROLES = {Role.STAFF, Role.PROGRAMME_MANAGER, Role.TRAINER, Role.RESEARCHER}
# Roles that manage a centre's work (create calls, courses, events...).
MANAGING_ROLES = {Role.STAFF, Role.PROGRAMME_MANAGER}
