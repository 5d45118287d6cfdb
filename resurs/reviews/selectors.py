"""Reads of the reviews app: what an expert may see, the state of a call's evaluation, calibration and ranking."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from resurs.core.search import fold, query_words, similar_filter, words_condition
from resurs.criteria.models import Evaluation
from resurs.grants import selectors as grants_selectors
from resurs.grants.models import Application
from resurs.registry.choices import TieRole
from resurs.registry.models import Field, Organisation, Person, Tie
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


def assigned_application_ids(call) -> QuerySet:
    """Ids of ``assigned_applications`` in their order: a page of them is read from the (call, number, id) index
    and the active assignments' index alone, never from the applications' wide rows."""
    return assigned_applications(call).values_list("pk", flat=True)


def applications_by_ids(ids) -> list[Application]:
    """The applications of ``ids`` (already authorised) in that order, with what a row of the assignment page
    shows (number and title; not the answers)."""
    found = Application.objects.only("pk", "call_id", "number", "title").in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]


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


@dataclass(frozen=True)
class CallCalibration:
    """The whole call's calibration as plain data (kept in the cache): every reviewable application in order
    with its direction, request and, once scored, raw mean, calibrated score and spread; each scored active
    assignment's residual; each expert's effect."""

    applications: list[tuple[int, int | None, Decimal]]  # (pk, direction_id, requested_amount), by pk
    raw_mean: dict[int, float]
    calibrated: dict[int, float]
    spread: dict[int, float]
    residuals: dict[int, float]  # by assignment pk
    residual_application: dict[int, int]  # the application of each of those assignments
    expert_effects: dict[int, float]
    residual_sd: float = 0.0


def _scores_version(call) -> str:
    """A version of everything the calibration and ranking are computed from: the call and its settings and
    directions, its applications, assignments and evaluations, so that a precomputed calibration is never served
    stale.

    Each body of rows contributes its count and its last ``updated_at``: any insert or save (``auto_now``) raises
    the last change, any delete lowers the count, so any change the services make gives a new version. The reads
    are kept to narrow indexes (``COUNT(*)``, not ``COUNT(id)``, which would make PostgreSQL read the table for the
    ids): applications and assignments by ``(call, updated_at)``, evaluations by ``(scheme, subject type, subject,
    updated_at)``. Evaluations are counted for the call's whole criteria scheme and subject type, without a join
    to the call's applications: a scheme shared with another call only makes the version change more often (a
    superset's count and last change still move with every change of the call's own evaluations), never less.
    Each read is an index-only scan of the call's rows (a few milliseconds for 45,000 evaluations); pages that
    need the version more than once read it once (``call_ranking_rows``)."""
    from django.db.models import Max

    from resurs.grants.models import Direction

    parts = [call.updated_at.isoformat(), str(call.budget), str(call.criteria_scheme_id)]
    evaluations = (
        Evaluation.objects.filter(
            scheme_id=call.criteria_scheme_id, subject_type=ContentType.objects.get_for_model(Application)
        )
        if call.criteria_scheme_id is not None
        else Evaluation.objects.none()
    )
    for rows in (
        CallReview.objects.filter(call=call),
        Direction.objects.filter(call=call),
        Application.objects.filter(call=call),
        Assignment.objects.filter(call=call),
        evaluations,
    ):
        figures = rows.order_by().aggregate(count=Count("*"), last=Max("updated_at"))
        parts.append(f"{figures['count']}@{figures['last'].isoformat() if figures['last'] else ''}")
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def _compute_calibration(call) -> CallCalibration:
    """Four flat reads and one least-squares fit over the whole call (no model instances)."""
    applications = [
        (pk, direction_id, requested)
        for pk, direction_id, requested in grants_selectors.applications_for_review(call)
        .order_by("pk")
        .values_list("pk", "direction_id", "requested_amount")
    ]
    app_index = {pk: i for i, (pk, _d, _r) in enumerate(applications)}
    assignments = list(
        Assignment.objects.filter(
            call=call, status=AssignmentStatus.ACTIVE, application_id__in=app_index.keys()
        )
        .order_by("pk")
        .values_list("pk", "application_id", "expert_id", "expert__user_id")
        if applications
        else []
    )
    totals = {
        (evaluator_id, subject_id): float(total)
        for evaluator_id, subject_id, total in evaluations_for_call(call)
        .filter(status=Evaluation.Status.SUBMITTED, total__isnull=False)
        .order_by()
        .values_list("evaluator_id", "subject_id", "total")
    }
    scored = [
        (pk, app_id, expert_id, totals[(user_id, app_id)])
        for pk, app_id, expert_id, user_id in assignments
        if (user_id, app_id) in totals
    ]
    result = CallCalibration(applications, {}, {}, {}, {}, {}, {})
    by_app: dict[int, list[float]] = {}
    for _pk, app_id, _e, total in scored:
        by_app.setdefault(app_id, []).append(total)
    result.spread.update({pk: max(s) - min(s) for pk, s in by_app.items() if len(s) >= 2})
    if not scored:
        return result
    experts = sorted({expert_id for _pk, _a, expert_id, _u in assignments})
    expert_index = {pk: j for j, pk in enumerate(experts)}
    cal = calibrate(
        np.array([app_index[a] for _pk, a, _e, _t in scored]),
        np.array([expert_index[e] for _pk, _a, e, _t in scored]),
        np.array([t for _pk, _a, _e, t in scored]),
        n_apps=len(applications),
        n_experts=len(experts),
    )
    result.expert_effects.update({pk: float(cal.expert_effect[j]) for pk, j in expert_index.items()})
    for pk, i in app_index.items():
        if not np.isnan(cal.raw_mean[i]):
            result.raw_mean[pk], result.calibrated[pk] = float(cal.raw_mean[i]), float(cal.app_effect[i])
    for pk, app_id, expert_id, total in scored:
        result.residuals[pk] = total - result.calibrated[app_id] - result.expert_effects[expert_id]
        result.residual_application[pk] = app_id
    return CallCalibration(**{**result.__dict__, "residual_sd": cal.residual_sd})


def scores_topic(call) -> str:
    return f"reviews:call:{call.pk}"


# The last calibration and ranking of each call this process read from the cache, unpickled (a national call's are
# tens of thousands of entries: unpickling them took a large share of the ranking page). Kept under the full
# version (the scores' version in the topic and the topic's data version), so a change of scores is never served
# from here either; readers never change these values (plain data, frozen calibration, tuples). The calls read
# last are kept, a few of them, so that a process's memory stays bounded however many calls there are.
_UNPICKLED: dict[tuple[int, str], tuple[tuple[str, str], object]] = {}
_UNPICKLED_KEPT = 16  # results (a calibration and a ranking per call)


def _precomputed(call, topic: str, name: str, compute):
    from resurs.core import precomputed

    version = (topic, precomputed.data_version(topic))
    kept = _UNPICKLED.get((call.pk, name))
    if kept is not None and kept[0] == version:
        return kept[1]
    value = precomputed.cached(topic, name, compute)
    _UNPICKLED.pop((call.pk, name), None)
    _UNPICKLED[(call.pk, name)] = (version, value)
    while len(_UNPICKLED) > _UNPICKLED_KEPT:
        try:
            _UNPICKLED.pop(next(iter(_UNPICKLED)), None)  # the oldest
        except (RuntimeError, StopIteration):  # another thread changed it meanwhile
            break
    return value


def call_calibration(call) -> CallCalibration:
    """The call's calibration, computed once per version of its scores (see ``_scores_version``)."""
    return _precomputed(
        call,
        f"{scores_topic(call)}:{_scores_version(call)}",
        "calibration",
        lambda: _compute_calibration(call),
    )


def call_scores(
    call,
    *,
    direction_id: int | None = None,
    application_ids: list[int] | None = None,
    calibration: CallCalibration | None = None,
) -> CallScores:
    """Reviewable applications (all, or those of ``application_ids`` in that order) with their active
    assignments, their evaluations and the whole call's calibration (precomputed)."""
    cal = calibration or call_calibration(call)
    if application_ids is None:
        application_ids = [pk for pk, d, _r in cal.applications if direction_id is None or d == direction_id]
    elif direction_id is not None:
        directions = {pk: d for pk, d, _r in cal.applications}
        application_ids = [pk for pk in application_ids if directions.get(pk) == direction_id]
    found = grants_selectors.applications_for_review(call).in_bulk(application_ids)
    by_app = {pk: ApplicationRow(found[pk]) for pk in application_ids if pk in found}
    assignments = list(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE, application_id__in=list(by_app))
        .select_related("expert__person", "expert__user")
        .order_by("pk")
    )
    evaluations = {
        (e.evaluator_id, e.subject_id): e
        for e in evaluations_for_call(call).filter(subject_id__in=list(by_app))
    }
    result = CallScores(
        rows=list(by_app.values()), residual_sd=cal.residual_sd, expert_effects=cal.expert_effects
    )
    for assignment in assignments:
        row = by_app[assignment.application_id]
        s_row = ScoreRow(assignment, evaluations.get((assignment.expert.user_id, assignment.application_id)))
        row.rows.append(s_row)
        if _is_scored(s_row.evaluation) and assignment.pk in cal.residuals:
            s_row.residual = cal.residuals[assignment.pk]
            effect = cal.expert_effects[assignment.expert_id]
            if abs(effect) >= NOTABLE_EFFECT:
                row.reasons.append(
                    (
                        _("%(expert)s scores %(value)s below average")
                        if effect < 0
                        else _("%(expert)s scores %(value)s above average")
                    )
                    % {"expert": str(assignment.expert), "value": number_format(abs(effect), 1)}
                )
    for row in result.rows:
        pk = row.application.pk
        if pk in cal.calibrated:
            row.raw_mean, row.calibrated = cal.raw_mean[pk], cal.calibrated[pk]
    return result


PROGRESS_FILTERS = ("disputed", "unscored")


def progress_application_ids(
    cal: CallCalibration, *, show: str = "", threshold: float | None = None
) -> list[int]:
    """The progress page's applications in order: all, those whose experts disagree by more than
    ``threshold`` (disputed), or those without a calibrated score yet (unscored)."""
    ids = [pk for pk, _d, _r in cal.applications]
    if show == "disputed" and threshold is not None:
        return [pk for pk in ids if cal.spread.get(pk, 0) > threshold]
    if show == "unscored":
        return [pk for pk in ids if pk not in cal.calibrated]
    return ids


def outlying_review_ids(
    cal: CallCalibration, *, direction_id: int | None = None, threshold: float = 1.5
) -> list[int]:
    """Active assignments whose submitted review is far from what the model expects of that expert on that
    application, the farthest first (from the precomputed calibration)."""
    limit = max(threshold, 2 * cal.residual_sd)
    apps = {pk for pk, d, _r in cal.applications if direction_id is None or d == direction_id}
    found = [
        (pk, r) for pk, r in cal.residuals.items() if abs(r) > limit and cal.residual_application[pk] in apps
    ]
    return [pk for pk, _r in sorted(found, key=lambda x: -abs(x[1]))]


def outlying_reviews(
    call,
    *,
    direction_id: int | None = None,
    threshold: float = 1.5,
    assignment_ids: list[int] | None = None,
    calibration: CallCalibration | None = None,
) -> list[ScoreRow]:
    """Submitted reviews far from what the model expects of that expert on that application (all of them, or
    those of ``assignment_ids``, a page of ``outlying_review_ids``), the farthest first."""
    cal = calibration or call_calibration(call)
    if assignment_ids is None:
        assignment_ids = outlying_review_ids(cal, direction_id=direction_id, threshold=threshold)
    position = {pk: i for i, pk in enumerate(assignment_ids)}
    app_ids = list(dict.fromkeys(cal.residual_application[pk] for pk in sorted(assignment_ids)))
    scores = call_scores(call, application_ids=app_ids, calibration=cal)
    found = [s for r in scores.rows for s in r.rows if s.assignment.pk in position]
    return sorted(found, key=lambda s: position[s.assignment.pk])


@dataclass
class Ranking:
    items: list[Item]
    bands: list[dict]
    budget: Decimal
    proposed_total: Decimal


RANKED_FIELDS = ("key", "score", "requested", "direction", "rank", "band", "pass_mark", "outcome")


def _compute_ranking(call, cal: CallCalibration) -> tuple[list[dict], Decimal, Decimal, list[tuple]]:
    """The ranking as plain tuples (``RANKED_FIELDS``; fast to keep in and read from the cache)."""
    review = CallReview.objects.filter(call=call).first()
    bands = (review.bands if review and review.bands else None) or DEFAULT_BANDS
    items = [
        Item(key=pk, score=cal.calibrated.get(pk), requested=requested, direction=direction_id)
        for pk, direction_id, requested in cal.applications
    ]
    direction_budgets = {d.pk: d.budget for d in call.directions.all()}
    ranked = rank_and_propose(items, budget=call.budget, direction_budgets=direction_budgets, bands=bands)
    total = sum((i.requested for i in ranked if i.outcome == "proposed"), Decimal(0))
    rows = [
        (i.key, i.score, str(i.requested), i.direction, i.rank, i.band, i.pass_mark, i.outcome)
        for i in ranked
    ]
    return bands, call.budget, total, rows


def ranked_items(rows: list[tuple]) -> list[Item]:
    """Ranking items from the cached tuples (for a page of them, or all)."""
    return [
        Item(key=k, score=sc, requested=Decimal(rq), direction=d, rank=rk, band=bd, pass_mark=pm, outcome=o)
        for k, sc, rq, d, rk, bd, pm, o in rows
    ]


def call_ranking_rows(call) -> tuple[Ranking, list[tuple], CallCalibration]:
    """The whole call's ranking (``items`` left empty), its rows as plain tuples and its calibration, computed
    once per version of the scores: the ranking page shows a page of the rows."""
    topic = f"{scores_topic(call)}:{_scores_version(call)}"
    cal = _precomputed(call, topic, "calibration", lambda: _compute_calibration(call))
    bands, budget, total, rows = _precomputed(call, topic, "ranking", lambda: _compute_ranking(call, cal))
    return Ranking(items=[], bands=bands, budget=budget, proposed_total=total), rows, cal


def proposals_not_yet_awarded(call, rows: list[tuple] | None = None) -> list[int]:
    """Ids of the applications the whole call's ranking proposes for an award that are not awarded yet, in rank
    order: what "confirm every proposed award" confirms (``rows``: the ranking's rows when the caller has them)."""
    if rows is None:
        _ranking, rows, _cal = call_ranking_rows(call)
    proposed = [row[0] for row in rows if row[-1] == "proposed"]  # key and outcome (RANKED_FIELDS)
    awarded = set(
        grants_selectors.applications_for_review(call)
        .filter(pk__in=proposed, status="awarded")
        .values_list("pk", flat=True)
    )
    return [pk for pk in proposed if pk not in awarded]


def call_ranking_plain(call) -> tuple[Ranking, CallCalibration]:
    """The whole call's ranking without model instances (``extra`` empty) and its calibration: awards are
    confirmed against it."""
    ranking, rows, cal = call_ranking_rows(call)
    ranking.items = ranked_items(rows)
    return ranking, cal


def with_rows(call, items: list[Item], calibration: CallCalibration | None = None) -> list[Item]:
    """Copies of ranking ``items`` with their application and score row in ``extra`` (for a page of them)."""
    scores = call_scores(call, application_ids=[i.key for i in items], calibration=calibration)
    rows = {r.application.pk: r for r in scores.rows}
    return [
        Item(**{**i.__dict__, "extra": {"application": rows[i.key].application, "row": rows[i.key]}})
        for i in items
        if i.key in rows
    ]


def call_ranking(call) -> Ranking:
    """The whole ranking with every application and score row (the API)."""
    plain, cal = call_ranking_plain(call)
    return Ranking(
        items=with_rows(call, plain.items, cal),
        bands=plain.bands,
        budget=plain.budget,
        proposed_total=plain.proposed_total,
    )


def review_calls_for_staff(user) -> list:
    """Calls the user manages that are in or past evaluation, with their application counts."""
    return grants_selectors.with_application_counts(
        grants_selectors.call_list_for_staff(user).filter(
            status__in=["closed", "review", "decided", "results_published"]
        )
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


POOL_PICK_RESULTS = 20
# What a manager may type to find an expert of the pool: names and the expert's region («Иванова Пермский»); a
# misspelt name is looked for among the names only.
POOL_PICK_NAMES = ("last_name", "first_name", "patronymic")
POOL_PICK_FIELDS = (*POOL_PICK_NAMES, "region__name_ru", "region__name_en")


def pool_pick_queryset(call, application) -> QuerySet[ExpertProfile]:
    """Experts of the call's pool who may be added to ``application`` by hand: accepted the invitation, no
    conflict of interest with it, not evaluating it already (the checks of ``assignment_override``)."""
    accepted = CallExpert.objects.filter(call=call, expert=OuterRef("pk"), status=InvitationStatus.ACCEPTED)
    conflicted = ConflictDeclaration.objects.filter(expert=OuterRef("pk"), application=application)
    assigned = Assignment.objects.filter(
        expert=OuterRef("pk"), application=application, status=AssignmentStatus.ACTIVE
    )
    return (
        ExpertProfile.objects.filter(Exists(accepted))
        .exclude(Exists(conflicted))
        .exclude(Exists(assigned))
        .select_related("person__region")
    )


def pool_pick_results(call, application, query: str) -> list[ExpertProfile]:
    """The first experts of ``pool_pick_queryset`` that ``query`` finds in their names or region (any letter case,
    «е» for «ё», typos on PostgreSQL), in name order (near names: the most alike first), each with ``load`` (active
    assignments in the call) and ``capacity`` (the call's maximum for them, else their own)."""
    expert_of = dict(pool_pick_queryset(call, application).order_by().values_list("person_id", "pk"))
    # The search runs over the pool's people named by id, and its matches are sorted here: asked to join the pool
    # to the registry's people, or for the first matches in name order, the planner reads the registry's 250,000
    # people (or walks its name index) to match the words (70 to 300 ms).
    people = Person.objects.filter(pk__in=list(expert_of)).order_by()
    words = query_words(query)
    matches = people.filter(words_condition(words, POOL_PICK_FIELDS)).values_list(
        "last_name", "first_name", "patronymic", "pk"
    )
    named = sorted(matches, key=lambda row: (*(fold(name or "") for name in row[:3]), row[3]))
    person_ids = [row[3] for row in named[:POOL_PICK_RESULTS]]
    if words and not named and connections[people.db].vendor == "postgresql":
        person_ids = list(
            similar_filter(people, words, POOL_PICK_NAMES).values_list("pk", flat=True)[:POOL_PICK_RESULTS]
        )
    load = (
        Assignment.objects.filter(call=call, expert=OuterRef("pk"), status=AssignmentStatus.ACTIVE)
        .order_by()
        .values("expert")
        .annotate(n=Count("pk"))
        .values("n")
    )
    call_max = CallExpert.objects.filter(call=call, expert=OuterRef("pk")).values("max_load")[:1]
    experts = ExpertProfile.objects.filter(pk__in=[expert_of[pk] for pk in person_ids]).select_related(
        "person__region"
    )
    by_person = {
        expert.person_id: expert
        for expert in experts.annotate(
            load=Coalesce(Subquery(load), 0), capacity=Coalesce(Subquery(call_max), F("max_load"))
        )
    }
    return [by_person[pk] for pk in person_ids if pk in by_person]


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
