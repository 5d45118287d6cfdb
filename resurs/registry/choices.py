from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    RESOURCE_CENTRE = "resource_centre", _("Resource centre / infrastructure NGO")
    FOUNDATION = "foundation", _("Foundation")
    BUSINESS = "business", _("Business")
    MEDIA = "media", _("Media")
    GOVERNMENT = "government", _("Government body")
    ADVISORY_BODY = "advisory_body", _("Advisory body")
    UNIVERSITY = "university", _("University")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("organisation status", "Active")
    LIQUIDATED = "liquidated", _("Liquidated")


class TieRole(models.TextChoices):
    """How a person is tied to an organisation."""

    STAFF = "staff", _("Staff")
    LEADER = "leader", _("Leader")
    BOARD_MEMBER = "board_member", _("Board member")
    ADVISORY_MEMBER = "advisory_member", _("Advisory chamber member")
    VOLUNTEER = "volunteer", _("Volunteer")
    FOUNDER = "founder", _("Founder")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", pgettext_lazy("registry decision", "Approved")
    REJECTED = "rejected", pgettext_lazy("registry decision", "Rejected")


class DuplicateKind(models.TextChoices):
    """What the duplicate finder takes a pair of records for."""

    DUPLICATE = "duplicate", _("Probable duplicate")
    SUCCESSOR = "successor", _("Probable successor")
