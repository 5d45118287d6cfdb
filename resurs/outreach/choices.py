from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationKind(models.TextChoices):
    REPORT = "report", _("Report on a social issue")
    REVIEW = "review", _("Analytical review")
    NEWS = "news", _("News")
    PRINT = "print", _("Print book or journal")


class PrintFormat(models.TextChoices):
    BOOK = "book", _("Book")
    JOURNAL = "journal", _("Journal issue")
    BROCHURE = "brochure", _("Brochure")


class Trend(models.TextChoices):
    GROWING = "growing", _("Growing")
    STABLE = "stable", _("Stable")
    DECLINING = "declining", _("Declining")


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SKIPPED = "skipped", _("Skipped (unsubscribed)")
