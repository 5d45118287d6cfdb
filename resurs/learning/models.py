"""Capacity building: courses, programmes, sessions, enrolments, certificates, feedback, consultations,
project evaluations and organisational capacity assessments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.core.files import RandomName, private_storage
from resurs.core.models import BilingualNameMixin, TimeStampedModel
from resurs.learning.choices import (
    ACTIVE_ENROLMENT,
    AssessmentKind,
    AssessmentStatus,
    ConsultationStatus,
    EnrolmentStatus,
    ProjectReviewStatus,
    SessionFormat,
    SessionStatus,
    Topic,
)

RATING_RANGE = Q(rating__gte=1) & Q(rating__lte=5)


class Programme(TimeStampedModel):
    """A multi-course programme (e.g. the School of Grant Making) run by a centre."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("centre")
    )
    title = models.CharField(pgettext_lazy("learning", "title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:programme-detail", args=[self.pk])


class Course(TimeStampedModel):
    """A course of a centre's catalogue; it runs as one or more sessions. Completion rules live here."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="courses", verbose_name=_("centre")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("programme"),
    )
    programme_order = models.PositiveSmallIntegerField(_("order in the programme"), default=0)
    title = models.CharField(pgettext_lazy("learning", "title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("who it is for"), max_length=300, blank=True)
    hours = models.PositiveSmallIntegerField(_("academic hours"), default=8)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete, %"),
        default=75,
        help_text=_("Share of the session's days a participant must attend."),
    )
    feedback_required = models.BooleanField(
        _("feedback needed to complete"), default=True, help_text=_("The participant must fill the survey.")
    )
    issues_certificate = models.BooleanField(_("issues a certificate"), default=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="learning_course_attendance_percent_valid"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="learning_course_hours_positive"),
        ]
        indexes = [models.Index(fields=["centre", "topic"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:course-detail", args=[self.pk])


class Session(TimeStampedModel):
    """One run of a course: its days, format, venue, trainer and seats."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course")
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    format = models.CharField(
        _("format"), max_length=16, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trained_sessions",
        verbose_name=_("trainer"),
    )
    capacity = models.PositiveIntegerField(_("seats"), default=20)
    requires_approval = models.BooleanField(
        _("staff approve applications"),
        default=True,
        help_text=_("Otherwise an application is accepted at once while seats remain."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = pgettext_lazy("learning", "session")
        verbose_name_plural = pgettext_lazy("learning", "sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="learning_session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="learning_session_capacity_positive"),
        ]
        indexes = [models.Index(fields=["starts_on"])]

    def __str__(self) -> str:
        return f"{self.course} ({self.starts_on:%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return reverse("learning:session-detail", args=[self.pk])

    @property
    def centre(self):
        return self.course.centre

    @property
    def is_past(self) -> bool:
        return self.ends_on < timezone.localdate()

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.PLANNED and self.starts_on >= timezone.localdate()


class SessionDay(TimeStampedModel):
    """A day the session meets: attendance is marked per day."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"), default=dt.time(10, 0))
    ends_at = models.TimeField(_("until"), default=dt.time(17, 0))

    class Meta:
        ordering = ["date"]
        verbose_name = _("session day")
        verbose_name_plural = _("session days")
        constraints = [
            models.UniqueConstraint(fields=["session", "date"], name="learning_unique_session_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}"


class Material(TimeStampedModel):
    """A handout, slide deck or link for the participants of a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(pgettext_lazy("learning", "title"), max_length=300)
    file = models.FileField(
        _("file"), upload_to=RandomName("learning/materials"), storage=private_storage, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="learning_material_file_or_link")
        ]

    def __str__(self) -> str:
        return self.title


class Enrolment(TimeStampedModel):
    """A person's place (or wait) in a session, for the organisation they represent."""

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=pgettext_lazy("course session", "session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.APPLIED
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    motivation = models.TextField(_("why you want to take part"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=ACTIVE_ENROLMENT),
                name="learning_one_active_enrolment_per_person",
            )
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("learning:enrolment-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ENROLMENT


class Attendance(TimeStampedModel):
    """Whether a participant attended one day of the session."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    day = models.ForeignKey(SessionDay, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="learning_unique_attendance_day")
        ]


class Certificate(TimeStampedModel):
    """A certificate of completion with a unique public code; it can be revoked."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(_("code"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    holder_name = models.CharField(_("holder"), max_length=300)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class Feedback(TimeStampedModel):
    """A participant's survey after a session: ratings 1–5 and comments."""

    QUESTIONS = [
        ("rating_content", _("Usefulness of the content")),
        ("rating_trainer", _("The trainer")),
        ("rating_organisation", _("Organisation of the session")),
        ("rating_overall", _("Overall")),
    ]

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="feedback")
    rating_content = models.PositiveSmallIntegerField(_("usefulness of the content"))
    rating_trainer = models.PositiveSmallIntegerField(_("the trainer"))
    rating_organisation = models.PositiveSmallIntegerField(_("organisation of the session"))
    rating_overall = models.PositiveSmallIntegerField(_("overall"))
    comment = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                name=f"learning_feedback_{name}_1_5",
            )
            for name in ["rating_content", "rating_trainer", "rating_organisation", "rating_overall"]
        ]


class Consultation(TimeStampedModel):
    """An NGO's question to a centre, answered by a consultant; every status change is timestamped."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("centre")
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("organisation"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultations_requested",
        verbose_name=_("requested by"),
    )
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    subject = models.CharField(_("subject"), max_length=300)
    question = models.TextField(_("question"))
    status = models.CharField(
        _("status"), max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.REQUESTED
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations_assigned",
        verbose_name=_("consultant"),
    )
    requested_at = models.DateTimeField(pgettext_lazy("consultation", "requested"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    started_at = models.DateTimeField(_("in progress since"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    respond_by = models.DateTimeField(_("first response due"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    minutes_spent = models.PositiveIntegerField(_("time spent, minutes"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the rating"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | RATING_RANGE, name="learning_consultation_rating_1_5"
            ),
            models.CheckConstraint(
                condition=Q(consultant__isnull=False) | Q(status="requested"),
                name="learning_consultation_assigned_has_consultant",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "status"]),
            models.Index(fields=["requested_at"]),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("learning:consultation-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        """No first response yet and the target has passed."""
        return (
            self.first_response_at is None
            and self.respond_by is not None
            and timezone.now() > self.respond_by
        )

    @property
    def response_hours(self) -> float | None:
        if self.first_response_at is None:
            return None
        return (self.first_response_at - self.requested_at).total_seconds() / 3600


class ConsultationAttachment(TimeStampedModel):
    """A file the NGO attached to its question."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"), upload_to=RandomName("learning/consultations"), storage=private_storage
    )
    name = models.CharField(pgettext_lazy("learning", "name"), max_length=300)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ProjectReview(TimeStampedModel):
    """An NGO's project submitted for a structured evaluation against a criteria scheme."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="project_reviews", verbose_name=_("centre")
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="project_reviews",
        verbose_name=_("organisation"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="project_reviews_submitted"
    )
    title = models.CharField(_("project title"), max_length=300)
    summary = models.TextField(_("project summary"))
    budget = models.DecimalField(_("budget, roubles"), max_digits=14, decimal_places=2, null=True, blank=True)
    document = models.FileField(
        _("project document"), upload_to=RandomName("learning/projects"), storage=private_storage, blank=True
    )
    document_name = models.CharField(_("document file name"), max_length=255, blank=True)
    scheme = models.ForeignKey(
        "criteria.Scheme", on_delete=models.PROTECT, related_name="+", verbose_name=_("criteria scheme")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_reviews_assigned",
        verbose_name=_("evaluator"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectReviewStatus.choices, default=ProjectReviewStatus.SUBMITTED
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:project-detail", args=[self.pk])


class Instrument(TimeStampedModel):
    """A configurable capacity assessment tool: areas, each scored 1–4 against descriptive levels."""

    centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.PROTECT,
        related_name="capacity_instruments",
        verbose_name=_("centre"),
    )
    name = models.CharField(pgettext_lazy("learning", "name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")

    def __str__(self) -> str:
        return self.name


class Area(BilingualNameMixin, TimeStampedModel):
    """One area of an instrument (strategy, governance...), linked to the topic of courses that address it."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(_("code"), max_length=64)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    topic = models.CharField(_("topic that addresses it"), max_length=32, choices=Topic.choices)
    level_1 = models.TextField(_("level 1: what it looks like"))
    level_2 = models.TextField(_("level 2: what it looks like"))
    level_3 = models.TextField(_("level 3: what it looks like"))
    level_4 = models.TextField(_("level 4: what it looks like"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["instrument", "order", "pk"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="learning_unique_area_code")
        ]

    def levels(self) -> list[tuple[int, str]]:
        return [(1, self.level_1), (2, self.level_2), (3, self.level_3), (4, self.level_4)]


class Assessment(TimeStampedModel):
    """One wave of an organisation's capacity assessment: by itself or facilitated by the centre's staff."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="capacity_assessments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AssessmentKind.choices)
    wave = models.PositiveSmallIntegerField(_("wave"), default=1)
    conducted_on = models.DateField(_("date"), default=timezone.localdate)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("conducted by")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["organisation", "wave", "kind"]
        verbose_name = _("capacity assessment")
        verbose_name_plural = _("capacity assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "organisation", "kind", "wave"], name="learning_one_assessment_per_wave"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()} · {self.wave}"

    def get_absolute_url(self) -> str:
        return reverse("learning:assessment-detail", args=[self.pk])

    @property
    def centre(self):
        return self.instrument.centre


class AreaScore(TimeStampedModel):
    """The score 1–4 of one area in one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["area__order"]
        verbose_name = _("area score")
        verbose_name_plural = _("area scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="learning_one_score_per_area"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=4), name="learning_area_score_1_4"
            ),
        ]
