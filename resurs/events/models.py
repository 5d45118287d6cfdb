"""Events of a centre: forums, conferences, seminars, round tables and webinars, their programme, registrations,
check-in, and the materials and outcomes published afterwards."""

from __future__ import annotations

import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.core.files import RandomName, private_storage
from resurs.core.models import TimeStampedModel
from resurs.events.choices import EventKind, EventStatus, MaterialKind, RegistrationStatus

# Letters and digits that cannot be confused when read aloud or typed at the door (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_registration_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Event(TimeStampedModel):
    """A forum, conference, seminar, round table or webinar run by a centre, over one or many days."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="events", verbose_name=_("centre")
    )
    kind = models.CharField(
        pgettext_lazy("event format", "kind"),
        max_length=16,
        choices=EventKind.choices,
        default=EventKind.SEMINAR,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Moscow",
        help_text=_("The local time zone of the venue, e.g. Europe/Moscow or Asia/Novosibirsk."),
    )
    region = models.ForeignKey(
        "registry.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    organisers = models.ManyToManyField(
        "registry.Organisation", blank=True, related_name="organised_events", verbose_name=_("organisers")
    )
    partners = models.ManyToManyField(
        "registry.Organisation", blank=True, related_name="partnered_events", verbose_name=_("partners")
    )
    outcomes = models.TextField(_("outcomes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"]), models.Index(fields=["centre", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event-detail", args=[self.pk])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.tz)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.tz)

    @property
    def is_multi_day(self) -> bool:
        return self.local_starts_at.date() != self.local_ends_at.date()

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue

    @property
    def is_public(self) -> bool:
        return self.status in {EventStatus.PUBLISHED, EventStatus.CANCELLED}


class Session(TimeStampedModel):
    """One item of an event's programme, with its speakers from the registry."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    speakers = models.ManyToManyField(
        "registry.Person", blank=True, related_name="event_sessions", verbose_name=_("speakers")
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Registration(TimeStampedModel):
    """A place at an event for a signed-in user or a guest (name, e-mail and consent), confirmed or waitlisted.

    ``code`` is the short code the person shows at the door."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("user"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=300)
    email = models.EmailField(_("e-mail"))
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    code = models.CharField(_("code"), max_length=12, unique=True, default=new_registration_code)
    language = models.CharField(_("language"), max_length=8, default="ru")
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="one_active_registration_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            # A signed-in user's registrations made before they had an account, by e-mail (``email__iexact``,
            # their desk and "my events"): without it every registration is read.
            models.Index(Upper("email"), condition=Q(user__isnull=True), name="registration_guest_email"),
            # The check-in desk lists an event's active registrations by name, a page at a time (a forum of
            # thousands): read in order from this index instead of sorting them all for each page.
            models.Index(
                fields=["event", "name", "id"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="registration_checkin_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class Material(TimeStampedModel):
    """A file or link published after the event: presentations, resolution, recording, photos."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="materials", verbose_name=_("event")
    )
    kind = models.CharField(
        pgettext_lazy("event format", "kind"),
        max_length=16,
        choices=MaterialKind.choices,
        default=MaterialKind.OTHER,
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"), upload_to=RandomName("events/materials"), storage=private_storage, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="material_has_file_or_link"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def href(self) -> str:
        """A file through its door (the event's visibility decides), else the link."""
        if self.file:
            return reverse("events:material-file", args=[self.event_id, self.pk])
        return self.url
