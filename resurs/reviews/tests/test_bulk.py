"""The bulk scoring path (a national contest's 45,000 scores) gives what one ``review_save`` per review gives."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from resurs.criteria.models import Evaluation
from resurs.criteria.services import ScoreInput
from resurs.reviews import services
from resurs.reviews.models import Assignment
from resurs.reviews.tests.factories import full_scores, review_round

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _reviews(call):
    """Each active assignment with its scores: application 0's experts far apart (a third expert follows)."""
    assignments = list(
        Assignment.objects.filter(call=call, status="active")
        .select_related("expert__user")
        .order_by("application_id", "pk")
    )
    first_app = assignments[0].application_id
    rows, seen = [], {}
    for a in assignments:
        position = seen.setdefault(a.application_id, 0)
        seen[a.application_id] += 1
        value = (2 if position == 0 else 9) if a.application_id == first_app else 6 + position % 2
        rows.append((a, full_scores(call, value), f"отзыв {a.pk}"))
    return rows


def _state(call):
    evaluations = sorted(
        (
            e.evaluator_id,
            e.subject_id,
            e.status,
            e.total,
            e.overall_comment,
            tuple(
                sorted((s.criterion.code, s.score, s.comment) for s in e.scores.select_related("criterion"))
            ),
        )
        for e in Evaluation.objects.filter(scheme=call.criteria_scheme)
    )
    assignments = sorted(
        (a.application_id, a.expert_id, a.source, a.status, round(a.affinity, 6), a.reason)
        for a in Assignment.objects.filter(call=call)
    )
    events = sorted(
        (e.object_pk, e.additional_data.get("event"), str(e.changes), e.actor_id, str(e.additional_data))
        for e in LogEntry.objects.filter(
            additional_data__event__in=["evaluation_submitted", "third_expert_assigned"]
        )
    )
    return evaluations, assignments, events


def _run_and_roll_back(work, call):
    """Run ``work``, read the state, undo everything (so both paths start from the same round)."""
    try:
        with transaction.atomic():
            work()
            state = _state(call)
            raise _Rollback
    except _Rollback:
        pass
    return state


def test_bulk_scoring_equals_one_review_at_a_time(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas, n_apps=4, n_experts=5, k=2, max_load=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    call = rnd.call

    def one_by_one():
        for assignment, scores, comment in _reviews(call):
            services.review_save(
                assignment=assignment,
                actor=assignment.expert.user,
                scores=scores,
                overall_comment=comment,
                submit=True,
            )

    def bulk():
        thirds = services.reviews_submit_bulk(call=call, reviews=_reviews(call))
        assert len(thirds) == 1

    expected = _run_and_roll_back(one_by_one, call)
    got = _run_and_roll_back(bulk, call)
    # Same evaluations, scores, totals, third expert (same expert, affinity and reason) — the audit entries are
    # compared without the evaluation ids, which differ between the two runs.
    assert got[0] == expected[0]
    assert got[1] == expected[1]
    assert sorted(e[1:] for e in got[2]) == sorted(e[1:] for e in expected[2])
    assert len(got[2]) == len(got[0]) + 1
    assert any(a[2] == "third_expert" for a in got[1])


def test_bulk_scoring_is_all_or_nothing(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas, n_apps=2, n_experts=3, k=2, max_load=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    reviews = _reviews(rnd.call)
    bad = dict(reviews[-1][1])
    code = next(iter(bad))
    bad[code] = ScoreInput(99, "")
    reviews[-1] = (reviews[-1][0], bad, "")
    with pytest.raises(ValidationError) as error:
        services.reviews_submit_bulk(call=rnd.call, reviews=reviews)
    assert f"{reviews[-1][0].expert.user_id}:{reviews[-1][0].application_id}" in error.value.message_dict
    assert not Evaluation.objects.filter(scheme=rnd.call.criteria_scheme).exists()
    # An ended assignment cannot be scored.
    ended = reviews[0][0]
    ended.status = "declined"
    ended.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        services.reviews_submit_bulk(call=rnd.call, reviews=[(ended, full_scores(rnd.call, 5), "")])


def test_confirming_awards_in_bulk_equals_deciding_each_award(personas, django_capture_on_commit_callbacks):
    """``awards_confirm`` writes every award in one bulk decision: the same decisions, amounts, reasons, statuses
    and audit events as ``application_decide`` per proposed application."""
    from decimal import Decimal

    from resurs.grants import services as grants_services
    from resurs.grants.models import Application, Decision
    from resurs.reviews import selectors

    rnd = review_round(personas, n_apps=4, n_experts=5, k=2, max_load=4)
    rnd.call.score_threshold = Decimal(1)
    rnd.call.save(update_fields=["score_threshold"])
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    call = rnd.call
    services.reviews_submit_bulk(call=call, reviews=_reviews(call))
    ranking = selectors.call_ranking(call)
    proposed = [i for i in ranking.items if i.outcome == "proposed"]
    assert proposed

    def read():
        decisions = sorted(
            (d.application_id, d.outcome, d.awarded_amount, d.reason, d.decided_by_id)
            for d in Decision.objects.filter(application__call=call)
        )
        statuses = sorted(Application.objects.filter(call=call).values_list("pk", "status"))
        events = sorted(
            (e.object_pk, str(e.changes), e.actor_id, str(e.additional_data))
            for e in LogEntry.objects.filter(additional_data__event="decision")
        )
        return decisions, statuses, events

    def state_after(work):
        try:
            with transaction.atomic():
                work()
                state = read()
                raise _Rollback
        except _Rollback:
            pass
        return state

    def one_by_one():
        for row in proposed:
            grants_services.application_decide(
                application=row.extra["application"],
                actor=personas.staff,
                outcome="awarded",
                awarded_amount=Decimal(row.requested),
                reason=f"Rank {row.rank}, calibrated score {row.score:.2f}",
            )

    def bulk():
        count = services.awards_confirm(
            call=call, actor=personas.staff, application_ids=[r.key for r in proposed]
        )
        assert count == len(proposed)

    with translation.override("en"):
        expected = state_after(one_by_one)
        got = state_after(bulk)
    assert got == expected
    assert len(got[0]) == len(proposed) and all(d[1] == "awarded" for d in got[0])


def test_inviting_the_pool_in_bulk_equals_inviting_each_expert(personas):
    """``experts_invite_bulk`` gives the invitations and audit events of ``expert_invite`` per expert, and skips
    an expert already invited (as ``expert_invite``'s get-or-create does)."""
    from resurs.grants.tests.factories import open_call
    from resurs.reviews.models import CallExpert
    from resurs.reviews.tests.factories import expert_profile

    call = open_call(personas.centre, actor=personas.staff)
    experts = [expert_profile(username=f"pool_{j}") for j in range(4)]
    services.expert_invite(call=call, expert=experts[0], actor=personas.staff, max_load=7)  # already invited

    def read():
        invitations = sorted(
            CallExpert.objects.filter(call=call).values_list(
                "expert_id", "status", "max_load", "invited_by_id"
            )
        )
        events = sorted(
            (e.object_repr, str(e.changes), e.actor_id, str(e.additional_data))
            for e in LogEntry.objects.filter(additional_data__event="expert_invited")
        )
        return invitations, events

    def state_after(work):
        try:
            with transaction.atomic():
                work()
                state = read()
                raise _Rollback
        except _Rollback:
            pass
        return state

    def one_by_one():
        for expert in experts:
            services.expert_invite(call=call, expert=expert, actor=personas.staff, max_load=5)

    def bulk():
        got = services.experts_invite_bulk(call=call, experts=experts, actor=personas.staff, max_load=5)
        assert [i.expert_id for i in got] == [e.pk for e in experts] and all(i.pk for i in got)

    expected = state_after(one_by_one)
    got = state_after(bulk)
    assert got == expected
    assert len(got[0]) == 4 and len(got[1]) == 4 and got[0][0][2] == 7
