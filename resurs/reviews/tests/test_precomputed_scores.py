"""The progress, moderation and ranking pages read a precomputed whole-call calibration: it gives exactly what
the former per-request computation gave, is recomputed when a review changes, and the pages are paged with a
bounded number of queries."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from resurs.grants import selectors as grants_selectors
from resurs.reviews import selectors, services
from resurs.reviews.calibration import calibrate
from resurs.reviews.models import Assignment, CallReview
from resurs.reviews.ranking import DEFAULT_BANDS, Item, rank_and_propose
from resurs.reviews.tests.factories import full_scores, review_round

pytestmark = pytest.mark.django_db


def former_call_scores(call):
    """The computation the pages ran on every request before precomputation (kept here as the reference)."""
    applications = list(grants_selectors.applications_for_review(call))
    assignments = list(
        Assignment.objects.filter(call=call, status="active").select_related("expert__person").order_by("pk")
    )
    evaluations = {(e.evaluator_id, e.subject_id): e for e in selectors.evaluations_for_call(call)}
    by_app = {a.pk: selectors.ApplicationRow(a) for a in applications}
    for assignment in assignments:
        row = by_app.get(assignment.application_id)
        if row is not None:
            row.rows.append(
                selectors.ScoreRow(
                    assignment, evaluations.get((assignment.expert.user_id, assignment.application_id))
                )
            )
    app_index = {a.pk: i for i, a in enumerate(applications)}
    experts = sorted({s.assignment.expert_id for r in by_app.values() for s in r.rows})
    expert_index = {pk: j for j, pk in enumerate(experts)}
    triples = [
        (app_index[r.application.pk], expert_index[s.assignment.expert_id], float(s.evaluation.total))
        for r in by_app.values()
        for s in r.rows
        if selectors._is_scored(s.evaluation)
    ]
    result = selectors.CallScores(rows=list(by_app.values()))
    a, e, s = (np.array(x) for x in zip(*triples, strict=True))
    cal = calibrate(a, e, s, n_apps=len(applications), n_experts=len(experts))
    result.residual_sd = cal.residual_sd
    result.expert_effects = {pk: float(cal.expert_effect[j]) for pk, j in expert_index.items()}
    for r in result.rows:
        i = app_index[r.application.pk]
        if np.isnan(cal.raw_mean[i]):
            continue
        r.raw_mean, r.calibrated = float(cal.raw_mean[i]), float(cal.app_effect[i])
        for s_row in r.rows:
            if selectors._is_scored(s_row.evaluation):
                effect = result.expert_effects[s_row.assignment.expert_id]
                s_row.residual = float(s_row.evaluation.total) - r.calibrated - effect
                if abs(effect) >= selectors.NOTABLE_EFFECT:
                    r.reasons.append(
                        (
                            _("%(expert)s scores %(value)s below average")
                            if effect < 0
                            else _("%(expert)s scores %(value)s above average")
                        )
                        % {"expert": str(s_row.assignment.expert), "value": number_format(abs(effect), 1)}
                    )
    return result


def former_ranking(call):
    review = CallReview.objects.filter(call=call).first()
    bands = (review.bands if review and review.bands else None) or DEFAULT_BANDS
    items = [
        Item(key=r.application.pk, score=r.calibrated, requested=r.application.requested_amount)
        for r in former_call_scores(call).rows
    ]
    for item in items:
        item.direction = grants_selectors.applications_for_review(call).get(pk=item.key).direction_id
    budgets = {d.pk: d.budget for d in call.directions.all()}
    return rank_and_propose(items, budget=call.budget, direction_budgets=budgets, bands=bands)


@pytest.fixture
def scored(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas, n_apps=8, n_experts=5, k=3, max_load=6)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    # Experts of different severity; one application left unscored.
    for n, assignment in enumerate(
        Assignment.objects.filter(call=rnd.call, status="active")
        .order_by("pk")
        .select_related("expert__user")
    ):
        if assignment.application_id == rnd.applications[-1].pk:
            continue
        value = 3 + (assignment.expert_id * 3 + assignment.application_id * 2 + n) % 6
        services.review_save(
            assignment=assignment,
            actor=assignment.expert.user,
            scores=full_scores(rnd.call, value),
            submit=True,
        )
    return rnd


def assert_same_as_former(call):
    former = former_call_scores(call)
    now = selectors.call_scores(call)
    assert [r.application.pk for r in now.rows] == [r.application.pk for r in former.rows]
    assert now.residual_sd == pytest.approx(former.residual_sd, abs=1e-9)
    for new, old in zip(now.rows, former.rows, strict=True):
        assert new.raw_mean == pytest.approx(old.raw_mean, abs=1e-9)
        assert new.calibrated == pytest.approx(old.calibrated, abs=1e-9)
        assert new.reasons == old.reasons
        assert new.spread == old.spread
        assert [s.assignment.pk for s in new.rows] == [s.assignment.pk for s in old.rows]
        assert [s.residual for s in new.rows] == pytest.approx([s.residual for s in old.rows], abs=1e-9)
    ranking, _cal = selectors.call_ranking_plain(call)
    assert [(i.key, i.rank, i.outcome, i.pass_mark) for i in ranking.items] == [
        (i.key, i.rank, i.outcome, i.pass_mark) for i in former_ranking(call)
    ]
    return former


def test_precomputed_scores_and_ranking_equal_the_former_computation(scored):
    former = assert_same_as_former(scored.call)
    assert any(r.calibrated is None for r in former.rows) and any(
        r.calibrated is not None for r in former.rows
    )
    limit = max(1.5, 2 * former.residual_sd)
    expected = sorted(
        (s for r in former.rows for s in r.rows if s.residual is not None and abs(s.residual) > limit),
        key=lambda s: -abs(s.residual),
    )
    assert [s.assignment.pk for s in selectors.outlying_reviews(scored.call)] == [
        s.assignment.pk for s in expected
    ]
    direction = scored.applications[0].direction_id
    assert [s.assignment.pk for s in selectors.outlying_reviews(scored.call, direction_id=direction)] == [
        s.assignment.pk for s in expected if s.assignment.application.direction_id == direction
    ]


def test_a_changed_review_is_seen_at_once(scored, personas):
    before = selectors.call_calibration(scored.call)
    assignment = Assignment.objects.filter(call=scored.call, status="active").order_by("pk").first()
    evaluation = selectors.evaluations_for_call(scored.call).get(
        evaluator=assignment.expert.user, subject_id=assignment.application_id
    )
    services.evaluation_send_back(evaluation=evaluation, actor=personas.staff, reason="пересмотреть")
    services.review_save(
        assignment=assignment, actor=assignment.expert.user, scores=full_scores(scored.call, 10), submit=True
    )
    after = selectors.call_calibration(scored.call)
    assert after != before
    assert_same_as_former(scored.call)


def test_pages_are_paged_with_bounded_queries(personas, client_for, scored, django_assert_max_num_queries):
    slug = scored.call.slug
    client = client_for(personas.staff)
    for url in (
        reverse("reviews:call", args=[slug]),
        reverse("reviews:call", args=[slug]) + "?show=disputed&page=2",
        reverse("reviews:call", args=[slug]) + "?show=unscored",
        reverse("reviews:moderation", args=[slug]),
        reverse("reviews:moderation", args=[slug]) + f"?direction={scored.applications[0].direction_id}",
        reverse("reviews:ranking", args=[slug]),
        reverse("reviews:ranking", args=[slug]) + "?outcome=proposed",
    ):
        for _pass in ("computed", "precomputed"):
            with django_assert_max_num_queries(24):
                assert client.get(url).status_code == 200, url
    page = client.get(reverse("reviews:call", args=[slug]) + "?show=unscored").content.decode()
    assert f"{scored.applications[-1].number} " in page
    assert f"{scored.applications[0].number} " not in page


def test_the_scores_version_moves_with_every_saved_or_deleted_evaluation(scored):
    call = scored.call
    versions = [selectors._scores_version(call)]
    evaluation = selectors.evaluations_for_call(call).order_by("pk").first()
    evaluation.save()  # a changed review: its last change moves
    versions.append(selectors._scores_version(call))
    evaluation.delete()  # a removed review: the count drops
    versions.append(selectors._scores_version(call))
    assert len(set(versions)) == 3
    assert selectors.call_calibration(call) == selectors._compute_calibration(call)
