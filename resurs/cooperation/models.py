"""Cross-sector cooperation: partnerships between organisations, corporate volunteering, advisory bodies,
governance seats (board and advisory-body memberships on top of registry ties) and requests for advice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.cooperation.choices import (
    OPEN_ADVICE_STATUSES,
    AdviceStatus,
    AdvisoryKind,
    AdvisoryLevel,
    PartnershipType,
    Sector,
)
from resurs.cooperation.validators import validate_document
from resurs.core.files import RandomName, private_storage
from resurs.core.models import TimeStampedModel


class Partnership(TimeStampedModel):
    """A partnership between two organisations of (usually) different sectors, recorded by a centre.

    The first party gives or initiates (the company that funds, the ministry that subsidises), the second receives;
    in joint programmes the order does not matter. Sectors are derived from the organisations' kinds when the
    partnership is saved through the services, so that counting by sector pair needs no join."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("centre")
    )
    organisation_a = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="partnerships_given",
        verbose_name=_("first party"),
        help_text=_("The organisation that funds, gives or initiates."),
    )
    organisation_b = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="partnerships_received",
        verbose_name=_("second party"),
        help_text=_("The organisation that receives or joins."),
    )
    sector_a = models.CharField(_("first party's sector"), max_length=16, choices=Sector.choices)
    sector_b = models.CharField(_("second party's sector"), max_length=16, choices=Sector.choices)
    type = models.CharField(_("type"), max_length=32, choices=PartnershipType.choices)
    title = models.CharField(pgettext_lazy("name", "title"), max_length=300)
    started_on = models.DateField(pgettext_lazy("period", "start"))
    ended_on = models.DateField(
        pgettext_lazy("period", "end"), null=True, blank=True, help_text=_("Leave empty if ongoing.")
    )
    value = models.DecimalField(
        _("value, roubles"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Money or the money equivalent of goods and services."),
    )
    outcomes = models.TextField(_("outcomes"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="partnership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="partnership_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(organisation_a=F("organisation_b")), name="partnership_two_organisations"
            ),
        ]
        indexes = [
            models.Index(fields=["sector_a", "sector_b"]),
            models.Index(fields=["type", "started_on"]),
            models.Index(fields=["centre", "started_on"]),
            # The list of partnerships, a page at a time in its order, newest first.
            models.Index(fields=["-started_on", "-id"], name="partnership_list_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:partnership-detail", args=[self.pk])

    def is_active_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    @property
    def is_current(self) -> bool:
        return self.is_active_on(timezone.localdate())


def _document_path(instance, filename: str) -> str:  # the layout before private files (migration 0001)
    return f"cooperation/partnerships/{instance.partnership_id}/{filename}"


class PartnershipDocument(TimeStampedModel):
    """A document of a partnership: agreement, letter of thanks, report."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="documents", verbose_name=_("partnership")
    )
    title = models.CharField(pgettext_lazy("name", "title"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to=RandomName("cooperation/partnerships"),
        storage=private_storage,
        validators=[validate_document],
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("partnership document")
        verbose_name_plural = _("partnership documents")

    def __str__(self) -> str:
        return self.title


class CorporateVolunteering(TimeStampedModel):
    """A company's corporate volunteering in one year: how many employees volunteered and for how many hours."""

    centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.PROTECT,
        related_name="corporate_volunteering",
        verbose_name=_("centre"),
    )
    company = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="corporate_volunteering",
        verbose_name=_("company"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    volunteers = models.PositiveIntegerField(_("volunteers"))
    hours = models.PositiveIntegerField(_("hours"))
    programme = models.CharField(_("programme"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year", "company__name"]
        verbose_name = _("corporate volunteering")
        verbose_name_plural = _("corporate volunteering")
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="corporate_volunteering_once_a_year"),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="corporate_volunteering_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company}, {self.year}"


class AdvisoryBody(TimeStampedModel):
    """A public chamber or council at a federal, regional or municipal government body.

    The body itself is a registry organisation of kind ``advisory_body`` (members are registry ties to it);
    this row adds its level, the government body it sits at and the centre that keeps it up to date."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="advisory_body",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=AdvisoryKind.choices, default=AdvisoryKind.PUBLIC_COUNCIL
    )
    level = models.CharField(_("level"), max_length=16, choices=AdvisoryLevel.choices)
    government_body = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="advisory_bodies",
        verbose_name=_("government body"),
        help_text=_("The ministry, administration or parliament the body sits at."),
    )
    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="advisory_bodies", verbose_name=_("centre")
    )

    class Meta:
        ordering = ["level", "organisation__name"]
        verbose_name = _("advisory body")
        verbose_name_plural = _("advisory bodies")

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("cooperation:advisory-body-detail", args=[self.pk])


class GovernanceSeat(TimeStampedModel):
    """Cooperation details of a board or advisory-body membership (a registry tie): the member's main
    affiliation (the company a business person on an NGO board comes from) and the centre that recorded it."""

    tie = models.OneToOneField(
        "registry.Tie", on_delete=models.CASCADE, related_name="governance_seat", verbose_name=_("membership")
    )
    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="governance_seats", verbose_name=_("centre")
    )
    main_affiliation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="governance_seats_held",
        verbose_name=_("main affiliation"),
        help_text=_("Where the member mainly works, e.g. the company a business person comes from."),
    )
    affiliation_sector = models.CharField(
        _("main affiliation's sector"), max_length=16, choices=Sector.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-tie__started_on"]
        verbose_name = _("governance seat")
        verbose_name_plural = _("governance seats")

    def __str__(self) -> str:
        return str(self.tie)


class AdviceRequest(TimeStampedModel):
    """A request for advice on a social issue from a government body or a company to a centre."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="advice_requests", verbose_name=_("centre")
    )
    topic = models.CharField(_("topic"), max_length=300)
    question = models.TextField(_("question"), blank=True)
    requester = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="advice_requests",
        verbose_name=_("requester"),
    )
    contact_person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advice_requests",
        verbose_name=_("contact person"),
    )
    contact_name = models.CharField(_("contact name"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=64, blank=True)
    received_on = models.DateField(_("received"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=AdviceStatus.choices, default=AdviceStatus.RECEIVED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    response = models.TextField(_("response"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    closed_at = models.DateTimeField(pgettext_lazy("advice request", "closed"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("request for advice")
        verbose_name_plural = _("requests for advice")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")), name="advice_due_after_received"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "closed"]) | ~Q(response=""),
                name="advice_answered_has_response",
            ),
        ]
        indexes = [models.Index(fields=["centre", "status", "due_on"])]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("cooperation:advice-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ADVICE_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def reply_email(self) -> str:
        """Where the answer goes: the contact's address as given, else the registry person's."""
        if self.contact_email:
            return self.contact_email
        return self.contact_person.email if self.contact_person_id else ""

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days


def _attachment_path(instance, filename: str) -> str:  # the layout before private files (migration 0001)
    return f"cooperation/advice/{instance.request_id}/{filename}"


class AdviceAttachment(TimeStampedModel):
    """A file attached to a request for advice (the letter received, the answer sent)."""

    request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("request")
    )
    title = models.CharField(pgettext_lazy("name", "title"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to=RandomName("cooperation/advice"),
        storage=private_storage,
        validators=[validate_document],
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title
