"""Services of expert evaluation against a real call: conflicts, runs, declines, scoring, dispersion, awards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from resurs.criteria.models import Evaluation
from resurs.criteria.services import EvaluationIncomplete, ScoreInput
from resurs.grants.choices import ApplicationStatus
from resurs.registry.choices import TieRole
from resurs.registry.tests.factories import OrganisationFactory, TieFactory
from resurs.reviews import selectors, services
from resurs.reviews.choices import AssignmentSource, AssignmentStatus, ConflictSource, RunStatus
from resurs.reviews.models import Assignment, AssignmentRun, ConflictDeclaration
from resurs.reviews.tests.factories import full_scores, review_round

pytestmark = pytest.mark.django_db


def run(call, actor, django_capture_on_commit_callbacks) -> AssignmentRun:
    with django_capture_on_commit_callbacks(execute=True):
        started = services.assignment_run_start(call=call, actor=actor)
    started.refresh_from_db()
    return started


def test_run_assigns_k_experts_within_loads(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    result = run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    assert result.status == RunStatus.DONE
    assert result.diagnostics["certified"] is True
    assert result.job.status == "done"
    active = Assignment.objects.filter(call=rnd.call, status=AssignmentStatus.ACTIVE)
    assert active.count() == 4 * 2
    for application in rnd.applications:
        assert active.filter(application=application).count() == 2
    for expert in rnd.experts:
        assert active.filter(expert=expert).count() <= 4
    first = active.first()
    assert set(first.explanation["contributions"]) == {"fields", "region", "text"}


def test_registry_tie_within_two_years_is_a_conflict_and_never_assigned(
    personas, django_capture_on_commit_callbacks
):
    rnd = review_round(personas)
    expert, application = rnd.experts[0], rnd.applications[0]
    TieFactory(
        person=expert.person,
        organisation=application.organisation,
        role=TieRole.BOARD_MEMBER,
        ended_on=dt.date.today() - dt.timedelta(days=300),
    )
    # Long ago: not a conflict.
    TieFactory(
        person=expert.person,
        organisation=rnd.applications[1].organisation,
        role=TieRole.STAFF,
        ended_on=dt.date.today() - dt.timedelta(days=365 * 3),
    )
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    conflict = ConflictDeclaration.objects.get(expert=expert)
    assert conflict.application == application and conflict.source == ConflictSource.REGISTRY
    assert not Assignment.objects.filter(expert=expert, application=application, status="active").exists()
    assert application not in [a.application for a in selectors.assignments_for_expert(expert.user)]


def test_partner_of_the_applicant_makes_a_conflict(personas):
    from resurs.cooperation.services import partnership_create

    rnd = review_round(personas)
    expert, application = rnd.experts[1], rnd.applications[2]
    partner = OrganisationFactory()
    partnership_create(
        centre=personas.centre,
        actor=personas.staff,
        organisation_a=application.organisation,
        organisation_b=partner,
        type="joint_programme",
        title="Совместная программа",
        started_on=dt.date(2024, 1, 1),
    )
    TieFactory(person=expert.person, organisation=partner, role=TieRole.LEADER, ended_on=None)
    assert services.conflicts_detect(call=rnd.call) == 1
    conflict = ConflictDeclaration.objects.get(expert=expert)
    assert conflict.application == application
    assert "партн" in conflict.reason.lower() or "partner" in conflict.reason.lower()


def test_infeasible_run_is_diagnosed_and_saves_nothing(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas, k=2, max_load=1)  # 4 experts × 1 < 4 applications × 2
    before = run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    assert before.status == RunStatus.INFEASIBLE
    assert any("8" in r["text"] and "4" in r["text"] for r in before.diagnostics["reasons"])
    assert not Assignment.objects.filter(call=rnd.call).exists()


def test_application_every_expert_conflicts_with_is_named(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    target = rnd.applications[3]
    for expert in rnd.experts:
        services.conflict_declare(expert=expert, application=target, actor=expert.user, reason="родственник")
    result = run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    assert result.status == RunStatus.INFEASIBLE
    assert result.diagnostics["uncovered"] == [target.pk]
    assert any(r["application"] == target.number for r in result.diagnostics["reasons"])


def test_decline_replaces_one_expert_and_keeps_the_rest(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    before = set(Assignment.objects.filter(call=rnd.call, status="active").values_list("pk", flat=True))
    mine = selectors.assignments_for_expert(personas.expert).first()
    with pytest.raises(ValidationError):
        services.assignment_decline(assignment=mine, actor=personas.expert, reason=" ")
    replacement = services.assignment_decline(assignment=mine, actor=personas.expert, reason="болею")
    after = set(Assignment.objects.filter(call=rnd.call, status="active").values_list("pk", flat=True))
    assert before - after == {mine.pk}
    assert after - before == {replacement.pk}
    assert replacement.source == AssignmentSource.REPLACEMENT
    assert replacement.expert_id != mine.expert_id
    assert replacement.application_id == mine.application_id


def test_declared_conflict_hides_the_application_and_reassigns(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    mine = selectors.assignments_for_expert(personas.expert).first()
    services.conflict_declare(
        expert=mine.expert, application=mine.application, actor=personas.expert, reason="работал там"
    )
    assert not selectors.assignments_for_expert(personas.expert).filter(application=mine.application).exists()
    assert Assignment.objects.filter(application=mine.application, status="active").count() == 2


def test_scoring_through_criteria_keeps_the_draft_and_assigns_a_third_expert(
    personas, django_capture_on_commit_callbacks
):
    rnd = review_round(personas, n_apps=2, n_experts=4, k=2)
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    application = rnd.applications[0]
    first, second = Assignment.objects.filter(application=application, status="active")[:2]
    bad = full_scores(rnd.call, 5)
    bad["relevance"] = ScoreInput(11, "")
    with pytest.raises(EvaluationIncomplete) as error:
        services.review_save(assignment=first, actor=first.expert.user, scores=bad, submit=True)
    assert "score_relevance" in error.value.message_dict
    draft = services.evaluation_of(first)
    assert draft.status == Evaluation.Status.DRAFT and draft.scores.count() == 9  # valid scores kept
    services.review_save(
        assignment=first, actor=first.expert.user, scores=full_scores(rnd.call, 9), submit=True
    )
    assert services.dispersion_check(application=application) is None  # one score only
    services.review_save(
        assignment=second, actor=second.expert.user, scores=full_scores(rnd.call, 3), submit=True
    )
    third = Assignment.objects.get(application=application, source=AssignmentSource.THIRD_EXPERT)
    assert third.expert_id not in {first.expert_id, second.expert_id}
    # Only once, and the other two assignments stay.
    assert services.dispersion_check(application=application) is None
    assert Assignment.objects.filter(application=application, status="active").count() == 3


def test_manual_override_needs_a_reason_and_refuses_conflicts(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    application = rnd.applications[0]
    assigned = set(
        Assignment.objects.filter(application=application, status="active").values_list(
            "expert_id", flat=True
        )
    )
    free = next(e for e in rnd.experts if e.pk not in assigned)
    with pytest.raises(ValidationError):
        services.assignment_override(
            application=application, actor=personas.staff, reason="", add_expert=free
        )
    services.conflict_declare(expert=free, application=application, actor=personas.staff, reason="учредитель")
    with pytest.raises(ValidationError) as error:
        services.assignment_override(
            application=application, actor=personas.staff, reason="нужен", add_expert=free
        )
    assert "expert" in error.value.message_dict
    other = next(e for e in rnd.experts if e.pk not in assigned and e.pk != free.pk)
    added = services.assignment_override(
        application=application, actor=personas.staff, reason="профильный эксперт", add_expert=other
    )
    assert added.source == AssignmentSource.MANUAL and added.reason == "профильный эксперт"


def test_run_is_refused_once_scoring_started(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    mine = selectors.assignments_for_expert(personas.expert).first()
    services.review_save(assignment=mine, actor=personas.expert, scores=full_scores(rnd.call, 7))
    with pytest.raises(ValidationError):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)


def _score_all(rnd, values):
    for assignment in Assignment.objects.filter(call=rnd.call, status="active").select_related(
        "expert__user"
    ):
        value = values(assignment)
        services.review_save(
            assignment=assignment,
            actor=assignment.expert.user,
            scores=full_scores(rnd.call, value),
            submit=True,
        )


def test_ranking_calibrates_and_awards_are_confirmed_through_grants(
    personas, django_capture_on_commit_callbacks
):
    rnd = review_round(personas)
    rnd.call.score_threshold = Decimal(10)
    rnd.call.save(update_fields=["score_threshold"])
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    quality = {a.pk: 5 + i for i, a in enumerate(rnd.applications)}
    # The first expert is severe (two points below).
    _score_all(rnd, lambda a: quality[a.application_id] - (2 if a.expert_id == rnd.experts[0].pk else 0))
    ranking = selectors.call_ranking(rnd.call)
    rows = {i.key: i for i in ranking.items}
    best = rnd.applications[-1]
    assert rows[best.pk].rank == 1
    assert all(i.extra["row"].calibrated is not None for i in ranking.items)
    severe_rows = [
        i for i in ranking.items if any("ниже" in r or "below" in r for r in i.extra["row"].reasons)
    ]
    assert severe_rows
    proposed = [i.key for i in ranking.items if i.outcome == "proposed"]
    assert proposed
    count = services.awards_confirm(call=rnd.call, actor=personas.staff, application_ids=proposed)
    assert count == len(proposed)
    best.refresh_from_db()
    assert best.status == ApplicationStatus.AWARDED


def test_send_back_returns_a_submitted_review(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    mine = selectors.assignments_for_expert(personas.expert).first()
    services.review_save(assignment=mine, actor=personas.expert, scores=full_scores(rnd.call, 1), submit=True)
    evaluation = services.evaluation_of(mine)
    services.evaluation_send_back(evaluation=evaluation, actor=personas.staff, reason="нет обоснования")
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.RETURNED
    with pytest.raises(ValidationError):
        services.evaluation_send_back(evaluation=evaluation, actor=personas.staff, reason="ещё раз")


def test_staff_confirm_every_proposed_award_of_the_call_from_the_ranking_page(
    client, personas, django_capture_on_commit_callbacks
):
    """The ranking is paged; "confirm all" confirms every proposal of the whole call, not only the page's."""
    rnd = review_round(personas)
    rnd.call.score_threshold = Decimal(10)
    rnd.call.save(update_fields=["score_threshold"])
    run(rnd.call, personas.staff, django_capture_on_commit_callbacks)
    quality = {a.pk: 5 + i for i, a in enumerate(rnd.applications)}
    _score_all(rnd, lambda a: quality[a.application_id])
    proposed = selectors.proposals_not_yet_awarded(rnd.call)
    assert proposed
    url = reverse("reviews:ranking", args=[rnd.call.slug])
    client.force_login(personas.staff)
    page = client.get(url)
    assert page.context["proposals_left"] == len(proposed)
    client.post(url, {"all_proposed": "1"})
    assert selectors.proposals_not_yet_awarded(rnd.call) == []
    assert set(
        rnd.call.applications.filter(status=ApplicationStatus.AWARDED).values_list("pk", flat=True)
    ) == set(proposed)
    # Nothing is left to confirm: the button is gone, and the wrong user cannot post.
    assert client.get(url).context["proposals_left"] == 0
    client.force_login(personas.ngo_rep)
    assert client.post(url, {"all_proposed": "1"}).status_code in (403, 404)
