"""Choices of the cooperation app: sectors, partnership types, advisory-body levels, advice-request statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.registry.choices import OrganisationKind


class Sector(models.TextChoices):
    """The four sectors cross-sector cooperation is counted in."""

    NGO = "ngo", _("Non-profit sector")
    BUSINESS = "business", _("Business")
    GOVERNMENT = "government", _("Government")
    MEDIA = "media", _("Media")


# How a registry organisation kind maps to a sector (docs/decisions/cooperation-0001-sectors.md).
# Foundations and resource centres are non-profits; advisory bodies sit at government bodies and are counted
# with government; Russian universities are overwhelmingly state institutions, so they count as government too.
KIND_TO_SECTOR: dict[str, str] = {
    OrganisationKind.NGO: Sector.NGO,
    OrganisationKind.RESOURCE_CENTRE: Sector.NGO,
    OrganisationKind.FOUNDATION: Sector.NGO,
    OrganisationKind.BUSINESS: Sector.BUSINESS,
    OrganisationKind.MEDIA: Sector.MEDIA,
    OrganisationKind.GOVERNMENT: Sector.GOVERNMENT,
    OrganisationKind.ADVISORY_BODY: Sector.GOVERNMENT,
    OrganisationKind.UNIVERSITY: Sector.GOVERNMENT,
}

# Colours of the sectors in the network and charts (colour-blind safe Okabe–Ito palette).
SECTOR_COLOURS: dict[str, str] = {
    Sector.NGO: "#009E73",
    Sector.BUSINESS: "#0072B2",
    Sector.GOVERNMENT: "#D55E00",
    Sector.MEDIA: "#CC79A7",
}


def sector_of(kind: str) -> str:
    """The sector of an organisation kind (unknown kinds count as non-profits, the registry's default kind)."""
    return str(KIND_TO_SECTOR.get(kind, Sector.NGO).value)


class PartnershipType(models.TextChoices):
    FUNDING = "funding", _("Funding")
    PRO_BONO = "pro_bono", _("Pro bono")
    CORPORATE_VOLUNTEERING = "corporate_volunteering", _("Corporate volunteering")
    INFORMATION = "information", _("Information partnership")
    JOINT_PROGRAMME = "joint_programme", _("Joint programme")
    GOVERNMENT_SUBSIDY = "government_subsidy", _("Government subsidy")
    SOCIAL_CONTRACT = "social_contract", _("Social contract")


class AdvisoryLevel(models.TextChoices):
    FEDERAL = "federal", _("Federal")
    REGIONAL = "regional", _("Regional")
    MUNICIPAL = "municipal", _("Municipal")


class AdvisoryKind(models.TextChoices):
    PUBLIC_CHAMBER = "public_chamber", _("Public chamber")
    PUBLIC_COUNCIL = "public_council", _("Public council")
    COORDINATION_COUNCIL = "coordination_council", _("Coordination council")


class AdviceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_WORK = "in_work", _("In work")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("advice request", "Closed")


OPEN_ADVICE_STATUSES = (AdviceStatus.RECEIVED, AdviceStatus.IN_WORK)

# Who may ask a centre for advice (registry organisation kinds).
ADVICE_REQUESTER_KINDS = ("government", "advisory_body", "business", "media")
