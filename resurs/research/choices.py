from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RespondentCategory(models.TextChoices):
    """Who a respondent speaks as (the import format uses these codes)."""

    INFRASTRUCTURE_LEADER = "infrastructure_leader", _("Leader of an infrastructure NGO")
    EXPERT = "expert", _("Expert in charity development")
    RESOURCE_CENTRE_HEAD = "resource_centre_head", _("Head of a resource centre")
    OTHER = "other", _("Other")


class InterviewMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    WRITTEN = "written", _("Written answers")


class ImpactArea(models.TextChoices):
    """Areas in which a nominated organisation influences the sector."""

    INFORMATION = "information", _("Information space")
    TRAINING_GRANTS = "training_grants", _("Training and the grant system")
    AUTHORITIES = "authorities", _("Cooperation with authorities")
    METHODOLOGY = "methodology", _("Methodology and standards")
    NETWORKS = "networks", _("Networks and associations")
    BUSINESS = "business", _("Cooperation with business")
    OTHER = "other", _("Other")


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead researcher")
    RESEARCHER = "researcher", _("Researcher")


class NominationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("nomination", "Confirmed")
    CANDIDATE = "candidate", _("Candidate from the transcript")
    DISMISSED = "dismissed", _("Dismissed")


class NominationSource(models.TextChoices):
    MANUAL = "manual", _("Entered")
    TRANSCRIPT = "transcript", _("Found in the transcript")
    IMPORT = "import", _("Imported")
