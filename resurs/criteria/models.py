"""Criteria schemes and evaluations against them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.core.models import BilingualNameMixin, TimeStampedModel


class Scheme(TimeStampedModel):
    """A set of weighted criteria on a common kind of scale (e.g. the ten criteria of a grant call)."""

    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criteria_schemes",
        verbose_name=_("centre"),
    )
    is_frozen = models.BooleanField(
        _("frozen"),
        default=False,
        help_text=_("A scheme in use by submitted evaluations can no longer change."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("criteria scheme")
        verbose_name_plural = _("criteria schemes")

    def __str__(self) -> str:
        return self.name

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria.all()), Decimal(0))


class Criterion(BilingualNameMixin, TimeStampedModel):
    """One criterion: a weight, a scale, and when a comment is required (extreme scores)."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("scheme")
    )
    code = models.SlugField(_("code"), max_length=64)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description = models.TextField(_("what the evaluator looks at"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=Decimal(1))
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    comment_required_at_or_below = models.SmallIntegerField(
        _("comment required at or below"),
        null=True,
        blank=True,
        help_text=_("A score this low needs a comment. Empty: never."),
    )
    comment_required_at_or_above = models.SmallIntegerField(
        _("comment required at or above"),
        null=True,
        blank=True,
        help_text=_("A score this high needs a comment. Empty: never."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scheme", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="unique_criterion_code"),
            models.CheckConstraint(
                condition=Q(max_score__gt=F("min_score")), name="criterion_scale_not_empty"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def needs_comment(self, score: int) -> bool:
        low, high = self.comment_required_at_or_below, self.comment_required_at_or_above
        return (low is not None and score <= low) or (high is not None and score >= high)


class Evaluation(TimeStampedModel):
    """An evaluator's scores of one subject (an application, a project) against a scheme."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", pgettext_lazy("project evaluation", "Returned for revision")

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("scheme")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("evaluator"),
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    total = models.DecimalField(_("weighted total"), max_digits=9, decimal_places=3, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "evaluator", "subject_type", "subject_id"],
                name="one_evaluation_per_evaluator",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            # The review pages' freshness check (a call's evaluations: count and last change) reads this index alone.
            models.Index(
                fields=["scheme", "subject_type", "subject_id", "updated_at"], name="criteria_eval_scheme_upd"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.subject_type.model} #{self.subject_id}"


class CriterionScore(TimeStampedModel):
    """The score of one criterion in one evaluation, with the evaluator's comment."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.SmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["criterion__order"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.score}"
