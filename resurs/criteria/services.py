"""Writing criteria schemes and evaluations. Used by expert review (grants) and project evaluation (learning)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resurs.core.audit import audit_event, audit_events_bulk
from resurs.criteria.models import Criterion, CriterionScore, Evaluation, Scheme

# The default scheme of a grant call: ten criteria, 0-10 each, with weights (staff may change them per call).
DEFAULT_GRANT_CRITERIA = [
    ("relevance", "Актуальность и социальная значимость проекта", "Relevance and social significance", 2),
    ("coherence", "Логическая связность и реализуемость проекта", "Logical coherence and feasibility", 1.5),
    ("innovation", "Инновационность, уникальность проекта", "Innovation", 1),
    ("cost_results", "Соотношение планируемых расходов и ожидаемых результатов", "Cost–results ratio", 1),
    ("budget_realism", "Реалистичность бюджета и обоснованность расходов", "Budget realism", 1),
    ("scale", "Масштаб реализации проекта", "Scale", 0.5),
    (
        "own_contribution",
        "Собственный вклад организации и перспективы продолжения",
        "Own contribution and prospects",
        1,
    ),
    ("experience", "Опыт организации по успешной реализации проектов", "Organisation's experience", 1),
    ("team", "Соответствие опыта и компетенций команды", "Team competence", 1),
    ("openness", "Информационная открытость организации", "Openness", 0.5),
]


@dataclass(frozen=True)
class ScoreInput:
    score: int | None
    comment: str = ""


@transaction.atomic
def scheme_create(*, name: str, criteria: list[dict], centre=None, description: str = "") -> Scheme:
    """Create a scheme; each criterion dict has code, name_ru, name_en, weight, min_score, max_score..."""
    scheme = Scheme(name=name, centre=centre, description=description)
    scheme.full_clean()
    scheme.save()
    for order, spec in enumerate(criteria):
        criterion = Criterion(scheme=scheme, order=order, **spec)
        criterion.full_clean()
        criterion.save()
    return scheme


def scheme_create_default(*, name: str, centre=None) -> Scheme:
    """The ten-criterion scheme, 0-10 each; a comment is required for scores of 2 or below and of 10."""
    return scheme_create(
        name=name,
        centre=centre,
        criteria=[
            {
                "code": code,
                "name_ru": name_ru,
                "name_en": name_en,
                "weight": Decimal(str(weight)),
                "min_score": 0,
                "max_score": 10,
                "comment_required_at_or_below": 2,
                "comment_required_at_or_above": 10,
            }
            for code, name_ru, name_en, weight in DEFAULT_GRANT_CRITERIA
        ],
    )


@transaction.atomic
def scheme_copy(*, scheme: Scheme, name: str, centre=None) -> Scheme:
    """A fresh, editable copy of a scheme (a call starts from a template and may change it)."""
    fields = [
        "code",
        "name_ru",
        "name_en",
        "description",
        "weight",
        "min_score",
        "max_score",
        "comment_required_at_or_below",
        "comment_required_at_or_above",
    ]
    return scheme_create(
        name=name,
        centre=centre if centre is not None else scheme.centre,
        description=scheme.description,
        criteria=[{f: getattr(c, f) for f in fields} for c in scheme.criteria.all()],
    )


def evaluation_for(*, scheme: Scheme, evaluator, subject) -> Evaluation:
    """The evaluator's evaluation of ``subject`` (created as an empty draft on first use)."""
    evaluation, _created = Evaluation.objects.get_or_create(
        scheme=scheme,
        evaluator=evaluator,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
    )
    return evaluation


def weighted_total(scheme: Scheme, scores: dict[str, int]) -> Decimal | None:
    """Weighted mean of the scores on the scheme's scale (None until every criterion is scored)."""
    criteria = list(scheme.criteria.all())
    if not criteria or any(scores.get(c.code) is None for c in criteria):
        return None
    weight = sum((c.weight for c in criteria), Decimal(0))
    total = sum((c.weight * Decimal(scores[c.code]) for c in criteria), Decimal(0))
    return (total / weight).quantize(Decimal("0.001"))


def _errors_of(
    criteria: list[Criterion], scores: dict[str, ScoreInput], *, submitting: bool
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        entry = scores.get(criterion.code, ScoreInput(None))
        if entry.score is None:
            if submitting:
                errors[f"score_{criterion.code}"] = [_("Give a score for this criterion.")]
            continue
        if not criterion.min_score <= entry.score <= criterion.max_score:
            errors[f"score_{criterion.code}"] = [
                _("The score must be between %(low)d and %(high)d.")
                % {"low": criterion.min_score, "high": criterion.max_score}
            ]
        elif submitting and criterion.needs_comment(entry.score) and not entry.comment.strip():
            errors[f"comment_{criterion.code}"] = [
                _("A score of %(score)d needs a comment that explains it.") % {"score": entry.score}
            ]
    return errors


def evaluation_save(
    *,
    evaluation: Evaluation,
    actor,
    scores: dict[str, ScoreInput],
    overall_comment: str = "",
    submit: bool = False,
) -> Evaluation:
    """Save the scores as a draft and, with ``submit``, submit them.

    Valid scores are always kept in the draft; if anything is wrong ``EvaluationIncomplete`` (a ValidationError)
    names each field and the evaluation stays a draft, so nothing the evaluator typed is lost.
    """
    evaluation, errors = _evaluation_store(
        evaluation=evaluation, actor=actor, scores=scores, overall_comment=overall_comment, submit=submit
    )
    if errors:
        raise EvaluationIncomplete(errors, evaluation)
    return evaluation


@transaction.atomic
def _evaluation_store(*, evaluation, actor, scores, overall_comment, submit):
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status == Evaluation.Status.SUBMITTED:
        raise ValidationError(
            _("This evaluation has been submitted and can no longer be changed."), code="evaluation_submitted"
        )
    criteria = list(evaluation.scheme.criteria.all())
    errors = _errors_of(criteria, scores, submitting=submit)
    existing = {s.criterion_id: s for s in evaluation.scores.all()}
    for criterion in criteria:
        entry = scores.get(criterion.code)
        if entry is None or f"score_{criterion.code}" in errors:
            continue
        current = existing.get(criterion.pk)
        if entry.score is None:
            if current is not None:
                current.delete()
            continue
        if current is None:
            CriterionScore.objects.create(
                evaluation=evaluation, criterion=criterion, score=entry.score, comment=entry.comment
            )
        elif (current.score, current.comment) != (entry.score, entry.comment):
            current.score, current.comment = entry.score, entry.comment
            current.save(update_fields=["score", "comment", "updated_at"])
    evaluation.overall_comment = overall_comment
    saved = {s.criterion.code: s.score for s in evaluation.scores.select_related("criterion")}
    evaluation.total = weighted_total(evaluation.scheme, saved)
    update_fields = ["overall_comment", "total", "updated_at"]
    if submit and not errors:
        evaluation.status = Evaluation.Status.SUBMITTED
        evaluation.submitted_at = timezone.now()
        update_fields += ["status", "submitted_at"]
    evaluation.save(update_fields=update_fields)
    if submit and not errors:
        audit_event(
            actor=actor,
            obj=evaluation,
            action="evaluation_submitted",
            changes={"total": evaluation.total, **saved},
        )
    return evaluation, errors


def evaluations_submit_bulk(*, scheme: Scheme, subject_model, entries: list[tuple]) -> list[Evaluation]:
    """Submit many evaluations at once: ``entries`` holds ``(evaluator, subject id, scores, overall comment)``.

    The same records as ``evaluation_save(..., submit=True)`` per entry (scores, weighted total, status, the
    audit event), all or nothing: when any entry is incomplete or out of range nothing is saved and
    ``ValidationError`` maps ``"<evaluator id>:<subject id>"`` to that entry's messages. Drafts already started are
    completed; a submitted evaluation cannot be submitted again.
    """
    criteria = list(scheme.criteria.all())
    weight = sum((c.weight for c in criteria), Decimal(0))
    subject_type = ContentType.objects.get_for_model(subject_model)
    errors: dict[str, list[str]] = {}
    for evaluator, subject_id, scores, _comment in entries:
        for messages in _errors_of(criteria, scores, submitting=True).values():
            errors.setdefault(f"{evaluator.pk}:{subject_id}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {
            (e.evaluator_id, e.subject_id): e
            for e in Evaluation.objects.select_for_update().filter(
                scheme=scheme,
                subject_type=subject_type,
                subject_id__in=list({subject_id for _e, subject_id, _s, _c in entries}),
                evaluator_id__in=list({evaluator.pk for evaluator, _s, _sc, _c in entries}),
            )
        }
        now = timezone.now()
        new, started, rows, events = [], [], [], []
        for evaluator, subject_id, scores, comment in entries:
            evaluation = existing.get((evaluator.pk, subject_id))
            if evaluation is not None and evaluation.status == Evaluation.Status.SUBMITTED:
                raise ValidationError(
                    _("This evaluation has been submitted and can no longer be changed."),
                    code="evaluation_submitted",
                )
            if evaluation is None:
                evaluation = Evaluation(
                    scheme=scheme, evaluator=evaluator, subject_type=subject_type, subject_id=subject_id
                )
                new.append(evaluation)
            else:
                started.append(evaluation)
            total = sum((c.weight * Decimal(scores[c.code].score) for c in criteria), Decimal(0))
            evaluation.total = (total / weight).quantize(Decimal("0.001")) if criteria else None
            evaluation.overall_comment = comment
            evaluation.status, evaluation.submitted_at, evaluation.updated_at = (
                Evaluation.Status.SUBMITTED,
                now,
                now,
            )
            rows.append((evaluation, scores))
        Evaluation.objects.bulk_create(new, batch_size=2000)
        Evaluation.objects.bulk_update(
            started, ["total", "overall_comment", "status", "submitted_at", "updated_at"], batch_size=200
        )
        CriterionScore.objects.filter(evaluation__in=started).delete()
        CriterionScore.objects.bulk_create(
            [
                CriterionScore(
                    evaluation=evaluation,
                    criterion=c,
                    score=scores[c.code].score,
                    comment=scores[c.code].comment,
                )
                for evaluation, scores in rows
                for c in criteria
            ],
            batch_size=5000,
        )
        for evaluation, scores in rows:
            events.append(
                (
                    evaluation,
                    "evaluation_submitted",
                    {"total": evaluation.total, **{c.code: scores[c.code].score for c in criteria}},
                    None,
                )
            )
        for evaluator, evaluation_events in _by_actor(entries, events):
            audit_events_bulk(actor=evaluator, events=evaluation_events)
    return [evaluation for evaluation, _scores in rows]


def _by_actor(entries, events):
    groups: dict[int, tuple] = {}
    for (evaluator, *_rest), event in zip(entries, events, strict=True):
        groups.setdefault(evaluator.pk, (evaluator, []))[1].append(event)
    return groups.values()


class EvaluationIncomplete(ValidationError):
    """Raised after the valid part of a draft was saved; ``error_dict`` maps form fields to messages."""

    def __init__(self, errors: dict[str, list[str]], evaluation: Evaluation):
        super().__init__(errors)
        self.evaluation = evaluation


@transaction.atomic
def evaluation_return(*, evaluation: Evaluation, actor, reason: str) -> Evaluation:
    """Send a submitted evaluation back to its evaluator (moderation)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the evaluation is returned.")]})
    evaluation.status = Evaluation.Status.RETURNED
    evaluation.save(update_fields=["status", "updated_at"])
    audit_event(actor=actor, obj=evaluation, action="evaluation_returned", data={"reason": reason})
    return evaluation


def scores_of(evaluation: Evaluation) -> dict[str, ScoreInput]:
    return {
        s.criterion.code: ScoreInput(s.score, s.comment)
        for s in evaluation.scores.select_related("criterion")
    }
