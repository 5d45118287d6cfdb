"""Choices of the reviews app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", pgettext_lazy("expert invitation", "Accepted")
    DECLINED = "declined", _("Declined")


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("Declared by the expert")
    REGISTRY = "registry", _("Found in the registry")
    STAFF = "staff", _("Recorded by staff")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("expert pool status", "Active")
    DECLINED = "declined", _("Declined by the expert")
    REPLACED = "replaced", _("Replaced")


class AssignmentSource(models.TextChoices):
    OPTIMISER = "optimiser", _("Optimiser")
    MANUAL = "manual", _("Manual")
    THIRD_EXPERT = "third_expert", _("Third expert (scores diverge)")
    REPLACEMENT = "replacement", _("Replacement")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    INFEASIBLE = "infeasible", _("Infeasible")
    FAILED = "failed", _("Failed")
