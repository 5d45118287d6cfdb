"""Reads of the reviews app: what an expert may see, the state of a call's evaluation, calibration and ranking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from resurs.criteria.models import Evaluation
from resurs.grants import selectors as grants_selectors
from resurs.grants.models import Application
from resurs.registry.choices import TieRole
from resurs.registry.models import Field, Organisation, Tie
from resurs.reviews.calibration import calibrate
from resurs.reviews.choices import AssignmentStatus, InvitationStatus
from resurs.reviews.models import Assignment, CallExpert, CallReview, ConflictDeclaration, ExpertProfile
from resurs.reviews.ranking import DEFAULT_BANDS, Item, rank_and_propose

CONFLICT_ROLES = (TieRole.STAFF, TieRole.LEADER, TieRole.BOARD_MEMBER, TieRole.ADVISORY_MEMBER)
# A calibrated expert effect this large is worth a sentence next to the score.
NOTABLE_EFFECT = 0.3


# --- registry and cooperation reads for conflicts and affinity ------------------------------------------------


def field_names() -> dict[int, str]:
    return {f.pk: f.name for f in Field.objects.all()}


def organisation_fields(org_ids) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {i: set() for i in org_ids}
    through = Organisation.fields.through
    for org_id, field_id in through.objects.filter(organisation_id__in=list(org_ids)).values_list(
        "organisation_id", "field_id"
    ):
        result[org_id].add(field_id)
    return result


def related_organisations(org_ids, *, since: dt.date) -> dict[int, set[int]]:
    """Each applicant organisation with the organisations in a partnership with it (active since ``since``).

    Partnerships live in the cooperation app (read once through its selectors, not once per applicant);
    without it, only the organisation itself counts.
    """
    result = {org_id: {org_id} for org_id in org_ids}
    try:
        from resurs.cooperation.selectors import partnership_edges
    except ImportError:  # pragma: no cover - cooperation is part of the project; kept for a slimmer install
        return result
    for a, b, _kind, _value in partnership_edges(since=since):
        if a in result:
            result[a].add(b)
        if b in result:
            result[b].add(a)
    return result


def conflicting_ties(person_ids, org_ids, *, since: dt.date) -> dict[int, list[tuple[int, str, str]]]:
    """Positions (staff, leader, board, advisory) of the people at the organisations, current or ended since."""
    rows = (
        Tie.objects.filter(
            person_id__in=list(person_ids), organisation_id__in=list(org_ids), role__in=CONFLICT_ROLES
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .select_related("organisation")
    )
    result: dict[int, list[tuple[int, str, str]]] = {}
    for tie in rows:
        result.setdefault(tie.person_id, []).append(
            (
                tie.organisation_id,
                tie.get_role_display(),
                tie.organisation.short_name or tie.organisation.name,
            )
        )
    return result


# --- experts ------------------------------------------------------------------------------------------------


def expert_for_user(user) -> ExpertProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ExpertProfile.objects.filter(user=user).select_related("person").first()


def _not_conflicted() -> Exists:
    return Exists(
        ConflictDeclaration.objects.filter(
            expert_id=OuterRef("expert_id"), application_id=OuterRef("application_id")
        )
    )


def assignments_for_expert(user) -> QuerySet[Assignment]:
    """The user's active assignments, never one with a conflict of interest."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(expert__user=user, status=AssignmentStatus.ACTIVE)
        .exclude(_not_conflicted())
        .select_related(
            "application__organisation__region", "application__direction", "call__criteria_scheme"
        )
        .order_by("call__review_ends_on", "application__number", "pk")
    )


def assignment_neighbours(user, assignment: Assignment) -> dict:
    """The expert's previous and next assignment (in their list's order), its position and how many are left."""
    ids = list(assignments_for_expert(user).values_list("pk", flat=True))
    if assignment.pk not in ids:
        return {}
    index = ids.index(assignment.pk)
    return {
        "previous_id": ids[index - 1] if index > 0 else None,
        "next_id": ids[index + 1] if index + 1 < len(ids) else None,
        "position": index + 1,
        "total": len(ids),
    }


def invitations_for_expert(user) -> QuerySet[CallExpert]:
    if not getattr(user, "is_authenticated", False):
        return CallExpert.objects.none()
    return (
        CallExpert.objects.filter(expert__user=user)
        .select_related("call__centre__organisation")
        .order_by("-pk")
    )


def evaluations_for_call(call) -> QuerySet[Evaluation]:
    if call.criteria_scheme_id is None:
        return Evaluation.objects.none()
    return Evaluation.objects.filter(
        scheme_id=call.criteria_scheme_id,
        subject_type=ContentType.objects.get_for_model(Application),
        subject_id__in=Application.objects.filter(call=call).values("pk"),
    )


def evaluations_for_application(application) -> QuerySet[Evaluation]:
    call = application.call
    if call.criteria_scheme_id is None:
        return Evaluation.objects.none()
    return Evaluation.objects.filter(
        scheme_id=call.criteria_scheme_id,
        subject_type=ContentType.objects.get_for_model(Application),
        subject_id=application.pk,
    )


def my_evaluation_map(user, assignments) -> dict[int, Evaluation]:
    """The user's evaluations by application id (one query)."""
    app_ids = [a.application_id for a in assignments]
    if not app_ids:
        return {}
    return {
        e.subject_id: e
        for e in Evaluation.objects.filter(
            evaluator=user,
            subject_type=ContentType.objects.get_for_model(Application),
            subject_id__in=app_ids,
        )
    }


# --- staff views of a call ------------------------------------------------------------------------------------


def pool_for_call(call) -> QuerySet[CallExpert]:
    """The call's invitations by the expert's name (the loads of one page come from ``active_loads``)."""
    return (
        CallExpert.objects.filter(call=call)
        .select_related("expert__person__region")
        .prefetch_related("expert__fields")
        .order_by("expert__person__last_name", "pk")
    )


def active_loads(call, expert_ids) -> dict[int, int]:
    """Active assignments of the call per expert, for the given experts only (one grouped query)."""
    return dict(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE, expert_id__in=list(expert_ids))
        .order_by()  # no default ordering: it would join the experts and applications into the grouping
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )


def experts_to_invite(call) -> QuerySet[ExpertProfile]:
    return (
        ExpertProfile.objects.exclude(calls__call=call)
        .filter(is_available=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )


def conflicts_for_call(call) -> QuerySet[ConflictDeclaration]:
    return (
        ConflictDeclaration.objects.filter(application__call=call)
        .select_related("expert__person", "application")
        .order_by("application__number", "pk")
    )


def active_assignments(call) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE)
        .select_related("expert__person", "application")
        # By application id: a call's numbers follow it (see grants' reference numbers), without a join to sort.
        .order_by("application_id", "-affinity", "pk")
    )


def assigned_applications(call) -> QuerySet:
    """Applications of the call with at least one active assignment, by number (the assignment page's rows)."""
    active = Assignment.objects.filter(application=OuterRef("pk"), status=AssignmentStatus.ACTIVE)
    return Application.objects.filter(call=call).filter(Exists(active)).order_by("number", "pk")


def latest_run(call):
    return call.assignment_runs.select_related("job").first()


@dataclass
class ScoreRow:
    assignment: Assignment
    evaluation: Evaluation | None
    residual: float | None = None


@dataclass
class ApplicationRow:
    """One application on the progress, moderation and ranking pages."""

    application: Application
    rows: list[ScoreRow] = field(default_factory=list)
    raw_mean: float | None = None
    calibrated: float | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def submitted(self) -> list[float]:
        return [float(r.evaluation.total) for r in self.rows if _is_scored(r.evaluation)]

    @property
    def spread(self) -> float | None:
        s = self.submitted
        return max(s) - min(s) if len(s) >= 2 else None


def _is_scored(evaluation) -> bool:
    return (
        evaluation is not None
        and evaluation.status == Evaluation.Status.SUBMITTED
        and evaluation.total is not None
    )


@dataclass
class CallScores:
    rows: list[ApplicationRow]
    residual_sd: float = 0.0
    expert_effects: dict[int, float] = field(default_factory=dict)


def call_scores(call, *, direction_id: int | None = None) -> CallScores:
    """Every reviewable application with its active assignments, their evaluations and the calibration."""
    # Not the answers and checks (the largest columns, tens of megabytes at national size): no ranking shows them.
    applications = list(grants_selectors.applications_for_review(call).defer("answers", "eligibility_checks"))
    assignments = list(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE)
        .select_related("expert__person", "expert__user")
        .order_by("pk")
    )
    evaluations = {(e.evaluator_id, e.subject_id): e for e in evaluations_for_call(call)}
    by_app: dict[int, ApplicationRow] = {a.pk: ApplicationRow(a) for a in applications}
    for assignment in assignments:
        row = by_app.get(assignment.application_id)
        if row is not None:
            row.rows.append(
                ScoreRow(assignment, evaluations.get((assignment.expert.user_id, assignment.application_id)))
            )
    app_ids = [a.pk for a in applications]
    app_index = {pk: i for i, pk in enumerate(app_ids)}
    experts = sorted({s.assignment.expert_id for r in by_app.values() for s in r.rows})
    expert_index = {pk: j for j, pk in enumerate(experts)}
    names = {s.assignment.expert_id: str(s.assignment.expert) for r in by_app.values() for s in r.rows}
    triples = [
        (app_index[r.application.pk], expert_index[s.assignment.expert_id], float(s.evaluation.total))
        for r in by_app.values()
        for s in r.rows
        if _is_scored(s.evaluation)
    ]
    result = CallScores(rows=list(by_app.values()))
    if triples:
        a, e, s = (np.array(x) for x in zip(*triples, strict=True))
        cal = calibrate(a, e, s, n_apps=len(app_ids), n_experts=len(experts))
        result.residual_sd = cal.residual_sd
        result.expert_effects = {pk: float(cal.expert_effect[j]) for pk, j in expert_index.items()}
        for r in result.rows:
            i = app_index[r.application.pk]
            if np.isnan(cal.raw_mean[i]):
                continue
            r.raw_mean, r.calibrated = float(cal.raw_mean[i]), float(cal.app_effect[i])
            for s_row in r.rows:
                if _is_scored(s_row.evaluation):
                    effect = result.expert_effects[s_row.assignment.expert_id]
                    s_row.residual = float(s_row.evaluation.total) - r.calibrated - effect
                    if abs(effect) >= NOTABLE_EFFECT:
                        r.reasons.append(
                            (
                                _("%(expert)s scores %(value)s below average")
                                if effect < 0
                                else _("%(expert)s scores %(value)s above average")
                            )
                            % {
                                "expert": names[s_row.assignment.expert_id],
                                "value": number_format(abs(effect), 1),
                            }
                        )
    if direction_id is not None:
        result.rows = [r for r in result.rows if r.application.direction_id == direction_id]
    return result


def outlying_reviews(call, *, direction_id: int | None = None, threshold: float = 1.5) -> list[ScoreRow]:
    """Submitted reviews far from what the model expects of that expert on that application."""
    scores = call_scores(call, direction_id=direction_id)
    limit = max(threshold, 2 * scores.residual_sd)
    found = [s for r in scores.rows for s in r.rows if s.residual is not None and abs(s.residual) > limit]
    return sorted(found, key=lambda s: -abs(s.residual))


@dataclass
class Ranking:
    items: list[Item]
    bands: list[dict]
    budget: Decimal
    proposed_total: Decimal


def call_ranking(call) -> Ranking:
    review = CallReview.objects.filter(call=call).first()
    bands = (review.bands if review and review.bands else None) or DEFAULT_BANDS
    scores = call_scores(call)
    items = [
        Item(
            key=r.application.pk,
            score=r.calibrated,
            requested=r.application.requested_amount,
            direction=r.application.direction_id,
            extra={"application": r.application, "row": r},
        )
        for r in scores.rows
    ]
    direction_budgets = {d.pk: d.budget for d in call.directions.all()}
    ranked = rank_and_propose(items, budget=call.budget, direction_budgets=direction_budgets, bands=bands)
    total = sum((i.requested for i in ranked if i.outcome == "proposed"), Decimal(0))
    return Ranking(items=ranked, bands=bands, budget=call.budget, proposed_total=total)


def review_calls_for_staff(user) -> QuerySet:
    """Calls the user manages that are in or past evaluation."""
    return grants_selectors.call_list_for_staff(user).filter(
        status__in=["closed", "review", "decided", "results_published"]
    )


def other_scores_visible(call) -> bool:
    """Experts see each other's scores only after the round is closed."""
    review = CallReview.objects.filter(call=call).first()
    return bool(review and review.is_closed)


def invitation_counts(call) -> dict[str, int]:
    counts = dict(CallExpert.objects.filter(call=call).values_list("status").annotate(n=Count("pk")))
    return {s: counts.get(s, 0) for s in InvitationStatus.values}


def pool_experts(call) -> QuerySet[ExpertProfile]:
    """Experts who accepted the call's invitation (for manual assignment)."""
    return (
        ExpertProfile.objects.filter(calls__call=call, calls__status=InvitationStatus.ACCEPTED)
        .select_related("person")
        .only(
            "pk", "person__last_name", "person__first_name", "person__patronymic"
        )  # names only: a list of 1,500
        .order_by("person__last_name", "person__first_name")
    )


def expert_list() -> QuerySet[ExpertProfile]:
    return (
        ExpertProfile.objects.select_related("person__region", "user")
        .prefetch_related("fields")
        .annotate(call_count=Count("calls", distinct=True))
        .order_by("person__last_name", "person__first_name", "pk")
    )


def people_to_add(query: str, *, limit: int = 20):
    """Registry people matching ``query`` who are not experts yet (through the registry's own search)."""
    from resurs.registry.selectors import person_list, person_search

    return list(
        person_search(person_list(), query)
        .filter(expert_profile__isnull=True, erased_at=None)
        .select_related("region")[:limit]
    )


def person_for_expert(pk: str):
    from resurs.registry.selectors import person_list

    return (
        person_list().filter(pk=int(pk), expert_profile__isnull=True).first() if str(pk).isdigit() else None
    )
