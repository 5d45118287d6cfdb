"""Impact research: studies of a centre, their researchers, respondents, interviews with transcripts, a
hierarchical codebook with coded passages, and nominations of influential organisations."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.core.files import RandomName, private_storage
from resurs.core.models import TimeStampedModel
from resurs.research.choices import (
    ImpactArea,
    InterviewMode,
    MemberRole,
    NominationSource,
    NominationStatus,
    RespondentCategory,
)


class Study(TimeStampedModel):
    """A study run by a centre. Transcripts are visible only to its members; the report may be published."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="studies", verbose_name=_("centre")
    )
    title = models.CharField(pgettext_lazy("research", "title"), max_length=300)
    partner_organisations = models.ManyToManyField(
        "registry.Organisation", blank=True, related_name="+", verbose_name=_("partner organisations")
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    method = models.TextField(_("method"), blank=True)
    interview_guide = models.TextField(_("interview guide"), blank=True)
    is_published = models.BooleanField(
        _("report published"),
        default=False,
        help_text=_("Anyone may read the report (never the transcripts)."),
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
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="research_study_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:study-detail", args=[self.pk])

    @property
    def reference_date(self) -> dt.date:
        """The day every age and tenure figure of the study is computed for: the end of fieldwork, so that a
        finished study's figures never drift with the calendar; today while the study has no end date."""
        return self.ends_on or timezone.localdate()


class StudyMember(TimeStampedModel):
    """A researcher of a study: may read transcripts, code and record nominations."""

    study = models.ForeignKey(
        Study, on_delete=models.CASCADE, related_name="members", verbose_name=_("study")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="study_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.RESEARCHER
    )

    class Meta:
        ordering = ["study", "user__username"]
        verbose_name = _("study member")
        verbose_name_plural = _("study members")
        constraints = [models.UniqueConstraint(fields=["study", "user"], name="research_unique_member")]

    def __str__(self) -> str:
        return f"{self.user} — {self.study}"


class Respondent(TimeStampedModel):
    """A person interviewed in a study, speaking for an organisation of the registry."""

    study = models.ForeignKey(
        Study, on_delete=models.CASCADE, related_name="respondents", verbose_name=_("study")
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    category = models.CharField(_("category"), max_length=32, choices=RespondentCategory.choices)
    region = models.ForeignKey(
        "registry.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    code = models.CharField(
        _("code"), max_length=32, blank=True, help_text=_("A pseudonym used in reports, e.g. R07.")
    )

    class Meta:
        ordering = ["study", "code", "pk"]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [
            models.UniqueConstraint(fields=["study", "person"], name="research_unique_respondent"),
            models.UniqueConstraint(
                fields=["study", "code"], condition=~Q(code=""), name="research_unique_respondent_code"
            ),
        ]

    def __str__(self) -> str:
        return self.code or str(self.person)


class Interview(TimeStampedModel):
    """An interview with a respondent and its transcript (typed in, or decoded from an uploaded file)."""

    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("respondent")
    )
    held_on = models.DateField(_("date"))
    mode = models.CharField(
        _("mode"), max_length=16, choices=InterviewMode.choices, default=InterviewMode.VIDEO
    )
    consent = models.BooleanField(_("consent to recording and analysis"), default=False)
    transcript = models.TextField(_("transcript"), blank=True)
    transcript_file = models.FileField(
        _("transcript file"),
        upload_to=RandomName("research/transcripts"),
        storage=private_storage,
        blank=True,
    )
    transcript_file_name = models.CharField(_("transcript file name"), max_length=255, blank=True)
    source_encoding = models.CharField(_("encoding of the file"), max_length=32, blank=True)

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.respondent} — {self.held_on:%d.%m.%Y}"

    @property
    def study(self) -> Study:
        return self.respondent.study


class Code(TimeStampedModel):
    """A code of a study's hierarchical codebook (REFI-QDA: a Code with a GUID, name, colour, description)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="codes", verbose_name=_("study"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent code"),
    )
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("research", "name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#1f5f8b")
    order = models.PositiveIntegerField(_("order"), default=0)
    is_codable = models.BooleanField(_("may be applied"), default=True)

    class Meta:
        ordering = ["study", "order", "name"]
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        constraints = [
            models.UniqueConstraint(fields=["study", "name"], name="research_unique_code_name"),
            models.CheckConstraint(
                condition=Q(color__regex=r"^#[0-9A-Fa-f]{6}$"), name="research_code_color"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CodedSegment(TimeStampedModel):
    """A passage of a transcript (character offsets ``start``..``end``) tagged with a code by one coder."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="segments", verbose_name=_("interview")
    )
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="segments", verbose_name=_("code"))
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("coder")
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("passage"))

    class Meta:
        ordering = ["interview", "start", "end"]
        verbose_name = _("coded passage")
        verbose_name_plural = _("coded passages")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="research_segment_not_empty"),
            models.UniqueConstraint(
                fields=["interview", "code", "coder", "start", "end"], name="research_unique_segment"
            ),
        ]
        indexes = [models.Index(fields=["code", "coder"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class Nomination(TimeStampedModel):
    """An organisation a respondent named as having a major impact, with the areas of impact, an optional rank
    and a supporting quote. ``organisation`` stays empty until the name is matched to the registry."""

    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("respondent")
    )
    name = models.CharField(_("name as said"), max_length=500)
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation in the registry"),
    )
    areas = models.JSONField(_("areas of impact"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    quote = models.TextField(_("supporting quote"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NominationStatus.choices, default=NominationStatus.CONFIRMED
    )
    source = models.CharField(
        _("source"), max_length=16, choices=NominationSource.choices, default=NominationSource.MANUAL
    )
    is_self = models.BooleanField(_("self-nomination"), default=False)
    is_partner = models.BooleanField(_("nomination of a partner"), default=False)

    class Meta:
        ordering = ["respondent", "rank", "name"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="research_rank_positive"
            ),
            models.UniqueConstraint(
                fields=["respondent", "organisation"],
                condition=Q(organisation__isnull=False),
                name="research_unique_nomination",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return str(self.organisation or self.name)

    @property
    def is_matched(self) -> bool:
        return self.organisation_id is not None

    def area_labels(self) -> list[str]:
        labels = dict(ImpactArea.choices)
        return [str(labels.get(a, a)) for a in self.areas]
