from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from resurs.criteria.models import Evaluation
from resurs.criteria.services import (
    EvaluationIncomplete,
    ScoreInput,
    evaluation_for,
    evaluation_save,
    scheme_create_default,
    weighted_total,
)


@pytest.fixture
def setup(personas):
    scheme = scheme_create_default(name="Конкурс 2026")
    evaluation = evaluation_for(scheme=scheme, evaluator=personas.expert, subject=personas.ngo)
    return scheme, evaluation, personas.expert


def full_scores(value=7):
    from resurs.criteria.services import DEFAULT_GRANT_CRITERIA

    return {code: ScoreInput(value) for code, *_ in DEFAULT_GRANT_CRITERIA}


def test_default_scheme_has_ten_weighted_criteria(setup):
    scheme, *_ = setup
    assert scheme.criteria.count() == 10
    assert scheme.total_weight == Decimal("10.5")


def test_submit_computes_weighted_total(setup):
    scheme, evaluation, expert = setup
    scores = full_scores(7)
    scores["relevance"] = ScoreInput(9)
    evaluation = evaluation_save(evaluation=evaluation, actor=expert, scores=scores, submit=True)
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert evaluation.total == weighted_total(scheme, {k: v.score for k, v in scores.items()})
    assert evaluation.total == Decimal("7.381")


def test_out_of_scale_and_missing_comment_keep_the_draft(setup):
    _scheme, evaluation, expert = setup
    scores = full_scores(6)
    scores["innovation"] = ScoreInput(11)
    scores["scale"] = ScoreInput(1)  # extreme without a comment
    with pytest.raises(EvaluationIncomplete) as error:
        evaluation_save(evaluation=evaluation, actor=expert, scores=scores, submit=True)
    assert set(error.value.error_dict) == {"score_innovation", "comment_scale"}
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT
    saved = {s.criterion.code: s.score for s in evaluation.scores.select_related("criterion")}
    assert saved["relevance"] == 6 and saved["scale"] == 1 and "innovation" not in saved


def test_submitted_evaluation_cannot_change(setup):
    _scheme, evaluation, expert = setup
    evaluation_save(evaluation=evaluation, actor=expert, scores=full_scores(5), submit=True)
    with pytest.raises(ValidationError) as error:
        evaluation_save(evaluation=evaluation, actor=expert, scores=full_scores(9))
    assert error.value.code == "evaluation_submitted"
    assert {s.score for s in evaluation.scores.all()} == {5}
