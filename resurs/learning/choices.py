from django.db import models
from django.utils.translation import gettext_lazy as _


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
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# Enrolments that hold or wait for a seat; a person may have only one of these per session.
ACTIVE_ENROLMENT = [EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.WAITLISTED]


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_CONSULTATION = [
    ConsultationStatus.REQUESTED,
    ConsultationStatus.ASSIGNED,
    ConsultationStatus.IN_PROGRESS,
]


class ProjectReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    COMPLETED = "completed", _("Completed")


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    FACILITATED = "facilitated", _("Facilitated assessment")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
