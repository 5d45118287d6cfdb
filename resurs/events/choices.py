from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    FORUM = "forum", _("Forum")
    CONFERENCE = "conference", _("Conference")
    SEMINAR = "seminar", _("Seminar")
    ROUND_TABLE = "round_table", _("Round table")
    WEBINAR = "webinar", _("Webinar")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class MaterialKind(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    RESOLUTION = "resolution", _("Resolution")
    RECORDING = "recording", _("Recording")
    PHOTOS = "photos", _("Photos")
    OTHER = "other", _("Other")
