"""The information space of a centre: topics, media contacts and press announcements, publications (reports,
reviews, news and the historical print catalogue) and the social challenges the centre identifies."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from resurs.core.files import RandomName, private_storage
from resurs.core.models import BilingualNameMixin, TimeStampedModel
from resurs.outreach.choices import (
    AnnouncementStatus,
    DeliveryStatus,
    PrintFormat,
    PublicationKind,
    Trend,
)


class BilingualTitleMixin:
    title_ru: str
    title_en: str

    @property
    def title(self) -> str:
        if (get_language() or "ru").startswith("en") and self.title_en:
            return self.title_en
        return self.title_ru

    def __str__(self) -> str:
        return self.title


class Topic(BilingualNameMixin, TimeStampedModel):
    """A subject journalists follow and publications are about (ageing, volunteering, disability...)."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class MediaContact(TimeStampedModel):
    """A journalist a centre works with: outlet, topics and regions they cover, consent, unsubscription."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="media_contacts", verbose_name=_("centre")
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="media_contacts",
        verbose_name=_("person in the registry"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=300)
    outlet = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journalists",
        verbose_name=_("outlet"),
        limit_choices_to={"kind": "media"},
    )
    outlet_name = models.CharField(
        _("outlet (text)"), max_length=300, blank=True, help_text=_("When the outlet is not in the registry.")
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="media_contacts", verbose_name=_("topics")
    )
    regions = models.ManyToManyField(
        "registry.Region", blank=True, related_name="+", verbose_name=_("regions")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ru")
    consent_given_on = models.DateField(_("consent to mailings given"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("media contact")
        verbose_name_plural = _("media contacts")
        constraints = [
            models.UniqueConstraint("centre", Lower("email"), name="unique_media_contact_email_per_centre"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.outlet_display})" if self.outlet_display else self.name

    @property
    def outlet_display(self) -> str:
        return str(self.outlet) if self.outlet_id else self.outlet_name

    @property
    def can_receive(self) -> bool:
        return self.consent_given_on is not None and self.unsubscribed_at is None


class PressAnnouncement(TimeStampedModel):
    """A press announcement, usually of an upcoming event, mailed to a segment of media contacts."""

    centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.PROTECT,
        related_name="press_announcements",
        verbose_name=_("centre"),
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="press_announcements",
        verbose_name=_("event"),
    )
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="+",
        verbose_name=_("topics"),
        help_text=_("Send to journalists who follow any of these topics (all when empty)."),
    )
    regions = models.ManyToManyField(
        "registry.Region",
        blank=True,
        related_name="+",
        verbose_name=_("regions"),
        help_text=_("Send to journalists who cover any of these regions (all when empty)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("press announcement")
        verbose_name_plural = _("press announcements")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("outreach:announcement-detail", args=[self.pk])


class AnnouncementDelivery(TimeStampedModel):
    """What was sent to whom: one row per announcement and contact, with the logged e-mail."""

    announcement = models.ForeignKey(
        PressAnnouncement, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("announcement")
    )
    contact = models.ForeignKey(
        MediaContact, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("media contact")
    )
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    message = models.ForeignKey(
        "notifications.EmailMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
    )

    class Meta:
        ordering = ["contact__name"]
        verbose_name = _("announcement delivery")
        verbose_name_plural = _("announcement deliveries")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "contact"], name="one_delivery_per_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.announcement} → {self.email}"


class SocialChallenge(BilingualTitleMixin, TimeStampedModel):
    """A significant social challenge of a region that a centre has identified, with its evidence and trend."""

    centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.PROTECT,
        related_name="social_challenges",
        verbose_name=_("centre"),
    )
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("Data, studies and sources."))
    trend = models.CharField(_("trend"), max_length=16, choices=Trend.choices, default=Trend.STABLE)
    regions = models.ManyToManyField(
        "registry.Region", blank=True, related_name="+", verbose_name=_("regions")
    )
    fields = models.ManyToManyField("registry.Field", blank=True, related_name="+", verbose_name=_("fields"))
    organisations = models.ManyToManyField(
        "registry.Organisation",
        blank=True,
        related_name="social_challenges",
        verbose_name=_("NGOs working on it"),
    )
    directions = models.ManyToManyField(
        "grants.Direction",
        blank=True,
        related_name="social_challenges",
        verbose_name=_("directions of our grant calls"),
    )
    grant_directions = models.TextField(
        _("grant directions of other funders"),
        blank=True,
        help_text=_("Grant directions that address this challenge, one a line."),
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["title_ru"]
        verbose_name = _("social challenge")
        verbose_name_plural = _("social challenges")

    def get_absolute_url(self) -> str:
        return reverse("outreach:challenge-detail", args=[self.pk])

    @property
    def grant_direction_list(self) -> list[str]:
        return [line.strip() for line in self.grant_directions.splitlines() if line.strip()]


def publication_upload_to(instance, filename: str) -> str:  # the layout before private files (migration 0001)
    return f"outreach/publications/{instance.published_on.year if instance.published_on else 'undated'}/{filename}"


class Publication(BilingualTitleMixin, TimeStampedModel):
    """A report on a social issue, an analytical review, a news item, or an entry of the print catalogue."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="publications", verbose_name=_("centre")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=PublicationKind.choices, default=PublicationKind.REPORT
    )
    title_ru = models.CharField(_("title (Russian)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    topics = models.ManyToManyField(Topic, blank=True, related_name="publications", verbose_name=_("topics"))
    regions = models.ManyToManyField(
        "registry.Region", blank=True, related_name="+", verbose_name=_("regions")
    )
    challenges = models.ManyToManyField(
        SocialChallenge, blank=True, related_name="publications", verbose_name=_("social challenges")
    )
    author_people = models.ManyToManyField(
        "registry.Person", blank=True, related_name="publications", verbose_name=_("authors (people)")
    )
    author_organisations = models.ManyToManyField(
        "registry.Organisation",
        blank=True,
        related_name="publications",
        verbose_name=_("authors (organisations)"),
    )
    pdf = models.FileField(
        _("PDF"), upload_to=RandomName("outreach/publications"), storage=private_storage, blank=True
    )
    pdf_name = models.CharField(_("PDF file name"), max_length=255, blank=True)
    # The print catalogue (kind=print).
    print_format = models.CharField(_("format"), max_length=16, choices=PrintFormat.choices, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    isbn = models.CharField(_("ISBN"), max_length=20, blank=True)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    scan_url = models.URLField(_("scan link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.CheckConstraint(condition=~Q(title_ru=""), name="publication_has_russian_title"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_on__isnull=False),
                name="published_publication_has_date",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "kind", "-published_on"])]

    def get_absolute_url(self) -> str:
        return reverse("outreach:publication-detail", args=[self.pk])

    @property
    def pdf_url(self) -> str:
        """The PDF through its door (published: everyone; drafts: the centre's staff)."""
        return reverse("outreach:publication-pdf", args=[self.pk]) if self.pdf else ""

    @property
    def is_print(self) -> bool:
        return self.kind == PublicationKind.PRINT
