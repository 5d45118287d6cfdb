"""Choices of the grants app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed")
    REVIEW = "review", _("Under review")
    DECIDED = "decided", _("Decided")
    RESULTS_PUBLISHED = "results_published", _("Results published")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    UNDER_REVIEW = "under_review", _("Under review")
    AWARDED = "awarded", _("Awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")


class DecisionOutcome(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Amount of money")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice from a list")
    FILE = "file", _("File")
    BUDGET = "budget", _("Budget table")
    PLAN = "plan", _("Calendar plan")


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Not yet submitted")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for revision")


# Once an application reaches one of these, its content is frozen.
FROZEN_STATUSES = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.INELIGIBLE,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.AWARDED,
        ApplicationStatus.RESERVE,
        ApplicationStatus.REJECTED,
    }
)
