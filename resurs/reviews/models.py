"""Expert evaluation: the expert pool, invitations, conflicts of interest, assignments and their runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.core.models import TimeStampedModel
from resurs.reviews.choices import (
    AssignmentSource,
    AssignmentStatus,
    ConflictSource,
    InvitationStatus,
    RunStatus,
)


class ExpertProfile(TimeStampedModel):
    """A person of the registry who evaluates applications: expertise, regions, languages and load bounds."""

    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="expert_profile", verbose_name=_("person")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_profile",
        verbose_name=_("user account"),
    )
    fields = models.ManyToManyField(
        "registry.Field", blank=True, related_name="experts", verbose_name=_("fields of expertise")
    )
    regions = models.ManyToManyField(
        "registry.Region", blank=True, related_name="experts", verbose_name=_("regions")
    )
    languages = models.CharField(
        _("languages"),
        max_length=200,
        default="ru",
        blank=True,
        help_text=_("Language codes, comma-separated."),
    )
    min_load = models.PositiveSmallIntegerField(_("minimum applications per round"), default=0)
    max_load = models.PositiveSmallIntegerField(_("maximum applications per round"), default=10)
    is_available = models.BooleanField(_("available"), default=True)
    available_note = models.CharField(_("availability note"), max_length=300, blank=True)
    bio = models.TextField(
        _("expertise in own words"),
        blank=True,
        help_text=_("Compared with the applications' texts to find matching experts."),
    )

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_load__gte=F("min_load")), name="expert_load_bounds_ordered"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class CallReview(TimeStampedModel):
    """Evaluation settings and state of one call: affinity weights, rules, pass marks, whether it is closed."""

    call = models.OneToOneField(
        "grants.Call", on_delete=models.CASCADE, related_name="review", verbose_name=_("call")
    )
    weights = models.JSONField(_("affinity weights"), default=dict, blank=True)
    require_regional = models.BooleanField(
        _("at least one expert from the applicant's region"), default=False
    )
    fairness = models.BooleanField(_("raise the worst-served application"), default=False)
    bands = models.JSONField(_("pass marks by requested amount"), default=list, blank=True)
    closed_at = models.DateTimeField(_("scoring closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("call evaluation")
        verbose_name_plural = _("call evaluations")

    def __str__(self) -> str:
        return str(self.call)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CallExpert(TimeStampedModel):
    """An expert invited to evaluate a call, and their answer."""

    call = models.ForeignKey(
        "grants.Call", on_delete=models.CASCADE, related_name="experts", verbose_name=_("call")
    )
    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="calls", verbose_name=_("expert")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    max_load = models.PositiveSmallIntegerField(
        _("maximum applications in this call"), null=True, blank=True, help_text=_("Empty: the expert's own.")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(pgettext_lazy("invitation", "answered"), null=True, blank=True)

    class Meta:
        ordering = ["call", "expert"]
        verbose_name = _("invited expert")
        verbose_name_plural = _("invited experts")
        constraints = [models.UniqueConstraint(fields=["call", "expert"], name="one_invitation_per_call")]

    def __str__(self) -> str:
        return f"{self.expert} @ {self.call}"

    @property
    def effective_max_load(self) -> int:
        return self.max_load if self.max_load is not None else self.expert.max_load


class ConflictDeclaration(TimeStampedModel):
    """A conflict of interest between an expert and an application: declared, or found in the registry."""

    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("expert")
    )
    application = models.ForeignKey(
        "grants.Application",
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("application"),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=ConflictSource.choices, default=ConflictSource.DECLARED
    )
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["expert", "application"], name="one_conflict_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} × {self.application}"


class AssignmentRun(TimeStampedModel):
    """One run of the optimiser for a call: parameters, result and diagnostics (a Job tracks its progress)."""

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="assignment_runs")
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    objective = models.FloatField(_("total affinity"), null=True, blank=True)
    diagnostics = models.JSONField(_("diagnostics"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")

    def __str__(self) -> str:
        return f"{self.call} #{self.pk}"


class Assignment(TimeStampedModel):
    """An expert assigned to evaluate an application; kept (declined/replaced) when it stops being active."""

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        "grants.Application",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("expert")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE
    )
    source = models.CharField(
        _("source"), max_length=16, choices=AssignmentSource.choices, default=AssignmentSource.OPTIMISER
    )
    reason = models.TextField(_("reason"), blank=True)
    run = models.ForeignKey(AssignmentRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    affinity = models.FloatField(_("affinity"), default=0)
    explanation = models.JSONField(_("why this expert"), default=dict, blank=True)

    class Meta:
        ordering = ["application", "expert"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                condition=Q(status="active"),
                name="one_active_assignment_per_pair",
            )
        ]
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["expert", "status"]),
            # The review pages' freshness check (count and last change per call) reads this index alone.
            models.Index(fields=["call", "updated_at"], name="reviews_assignment_call_upd"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"
