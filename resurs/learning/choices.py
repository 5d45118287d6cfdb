from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Topic(models.TextChoices):
    """The nine topics of a resource centre's training and consulting."""

    SETUP = "setup", _("Setting up an NGO")
    MANAGEMENT = "management", _("Management and organisational development")
    PROJECTS = "projects", _("Project design and evaluation")
    FUNDRAISING = "fundraising", _("Fundraising")
    FINANCE = "finance", _("Finance and accounting")
    PR = "pr", _("PR and media")
    TECHNOLOGY = "technology", _("Technology")
    LAW = "law", _("Law")
    GRANTMAKING = "grantmaking", _("Grant-making for funders")


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("session format", "In person")
    ONLINE = "online", pgettext_lazy("session format", "Online")
    BLENDED = "blended", pgettext_lazy("session format", "Blended")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("session status", "Planned")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("enrolment status", "Applied")
    ACCEPTED = "accepted", pgettext_lazy("enrolment status", "Accepted")
    WAITLISTED = "waitlisted", pgettext_lazy("enrolment status", "Waitlisted")
    DECLINED = "declined", pgettext_lazy("enrolment status", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("enrolment status", "Cancelled")


# Enrolments that hold or wait for a seat; a person may have only one of these per session.
ACTIVE_ENROLMENT = [EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.WAITLISTED]


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("consultation status", "Requested")
    ASSIGNED = "assigned", pgettext_lazy("consultation status", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("consultation status", "In progress")
    ANSWERED = "answered", pgettext_lazy("consultation status", "Answered")
    CLOSED = "closed", pgettext_lazy("consultation status", "Closed")


OPEN_CONSULTATION = [
    ConsultationStatus.REQUESTED,
    ConsultationStatus.ASSIGNED,
    ConsultationStatus.IN_PROGRESS,
]


class ProjectReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("project evaluation status", "Submitted")
    IN_REVIEW = "in_review", pgettext_lazy("project evaluation status", "In review")
    COMPLETED = "completed", pgettext_lazy("project evaluation status", "Completed")


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    FACILITATED = "facilitated", _("Facilitated assessment")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("assessment status", "Submitted")
