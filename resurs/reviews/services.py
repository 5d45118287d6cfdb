"""Writes of the reviews app: the expert pool, conflicts, assignment runs, overrides, scoring, moderation and
awards. Keyword-only arguments; every state change that matters is audit-logged."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from resurs.accounts.access import has_role
from resurs.accounts.choices import Role
from resurs.accounts.services import role_grant
from resurs.core.audit import audit_event, audit_events_bulk
from resurs.core.jobs import job_create, job_fail, job_finish, job_progress, job_start
from resurs.criteria import services as criteria_services
from resurs.criteria.models import Evaluation
from resurs.grants import selectors as grants_selectors
from resurs.grants import services as grants_services
from resurs.grants.models import Application
from resurs.reviews import selectors
from resurs.reviews.affinity import Side, model_for
from resurs.reviews.assignment.diagnosis import (
    BAD_BOUNDS,
    CAPACITY,
    HALL,
    MIN_LOADS,
    NO_REGIONAL_CANDIDATE,
    TOO_FEW_CANDIDATES,
)
from resurs.reviews.assignment.fairness import solve_maxmin
from resurs.reviews.assignment.problem import Round, SparseCandidates
from resurs.reviews.assignment.solver import Infeasible, check, solve
from resurs.reviews.choices import (
    AssignmentSource,
    AssignmentStatus,
    ConflictSource,
    InvitationStatus,
    RunStatus,
)
from resurs.reviews.models import (
    Assignment,
    AssignmentRun,
    CallExpert,
    CallReview,
    ConflictDeclaration,
    ExpertProfile,
)
from resurs.reviews.ranking import DEFAULT_BANDS, PROPOSED

CONFLICT_YEARS = 2


class ReviewsError(ValidationError):
    """A rule of expert evaluation was broken; the message says which."""


def _clean_save(obj) -> None:
    obj.full_clean()
    obj.save()


# --- settings and pool --------------------------------------------------------------------------------------


def call_review_for(call) -> CallReview:
    """The evaluation settings of a call (created with defaults on first use)."""
    review, _created = CallReview.objects.get_or_create(call=call, defaults={"bands": DEFAULT_BANDS})
    return review


@transaction.atomic
def call_review_update(
    *, call, actor, weights: dict, require_regional: bool, fairness: bool, bands: list[dict]
) -> CallReview:
    review = call_review_for(call)
    errors: dict[str, list[str]] = {}
    if any(float(v) < 0 for v in weights.values()) or not any(float(v) > 0 for v in weights.values()):
        errors["weights"] = [_("Weights must not be negative and at least one must be positive.")]
    uppers = [b["up_to"] for b in bands[:-1]]
    if (
        any(u is None for u in uppers)
        or uppers != sorted(uppers)
        or (bands and bands[-1]["up_to"] is not None)
    ):
        errors["bands"] = [_("Bands must rise, and only the last one may be open-ended.")]
    if errors:
        raise ReviewsError(errors)
    review.weights = {k: float(v) for k, v in weights.items()}
    review.require_regional, review.fairness, review.bands = require_regional, fairness, bands
    review.save()
    audit_event(actor=actor, obj=review, action="review_settings", data={"weights": review.weights})
    return review


@transaction.atomic
def expert_profile_save(
    *,
    person,
    user=None,
    fields=(),
    regions=(),
    languages: str = "ru",
    min_load: int = 0,
    max_load: int = 10,
    bio: str = "",
    is_available: bool = True,
    available_note: str = "",
) -> ExpertProfile:
    """Create or update the expert profile of a registry person."""
    profile = ExpertProfile.objects.filter(person=person).first() or ExpertProfile(person=person)
    profile.user, profile.languages, profile.bio = user, languages, bio
    profile.available_note = available_note
    profile.min_load, profile.max_load, profile.is_available = min_load, max_load, is_available
    if min_load > max_load:
        raise ReviewsError({"min_load": [_("The minimum load cannot exceed the maximum.")]})
    _clean_save(profile)
    profile.fields.set(fields)
    profile.regions.set(regions)
    return profile


@transaction.atomic
def expert_add(*, person, actor) -> ExpertProfile:
    """Staff add a registry person to the expert pool (linked to their account if they have one)."""
    existing = ExpertProfile.objects.filter(person=person).first()
    if existing is not None:
        return existing
    user = getattr(person, "user", None)
    profile = expert_profile_save(
        person=person, user=user, regions=[person.region_id] if person.region_id else []
    )
    if user is not None and not has_role(user, Role.EXPERT):
        # The expert's menu follows the role; it is granted through the accounts service (audit-logged).
        role_grant(user=user, role=Role.EXPERT, actor=actor)
    audit_event(actor=actor, obj=profile, action="expert_added")
    return profile


@transaction.atomic
def expert_invite(*, call, expert: ExpertProfile, actor, max_load: int | None = None) -> CallExpert:
    invitation, created = CallExpert.objects.get_or_create(
        call=call, expert=expert, defaults={"invited_by": actor, "max_load": max_load}
    )
    if created:
        audit_event(actor=actor, obj=invitation, action="expert_invited")
    return invitation


@transaction.atomic
def experts_invite_bulk(*, call, experts, actor, max_load: int | None = None) -> list[CallExpert]:
    """``expert_invite`` for many experts (the whole pool of a national contest): the experts not yet invited get
    their invitation and audit event in two inserts. Returns the invitations, existing ones included."""
    experts = list(experts)
    existing = {
        i.expert_id: i for i in CallExpert.objects.filter(call=call, expert_id__in=[e.pk for e in experts])
    }
    new = []
    for expert in experts:
        if expert.pk not in existing:
            existing[expert.pk] = CallExpert(call=call, expert=expert, invited_by=actor, max_load=max_load)
            new.append(existing[expert.pk])
    CallExpert.objects.bulk_create(new, batch_size=2000)
    audit_events_bulk(actor=actor, events=[(i, "expert_invited", None, None) for i in new])
    return [existing[e.pk] for e in experts]


@transaction.atomic
def invitation_respond(*, invitation: CallExpert, actor, accept: bool) -> CallExpert:
    """The expert accepts or declines an invitation to a call."""
    if invitation.expert.user_id != actor.pk:
        raise PermissionDenied
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at", "updated_at"])
    audit_event(
        actor=actor, obj=invitation, action="invitation_answered", changes={"status": invitation.status}
    )
    return invitation


# --- conflicts of interest ------------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, expert: ExpertProfile, application, actor, reason: str, source=ConflictSource.DECLARED
):
    """Record a conflict; an active assignment of the pair ends and a replacement is found (others stay)."""
    if not reason.strip():
        raise ReviewsError({"reason": [_("Say what the conflict of interest is.")]})
    conflict, created = ConflictDeclaration.objects.get_or_create(
        expert=expert, application=application, defaults={"source": source, "reason": reason.strip()}
    )
    if created:
        audit_event(actor=actor, obj=conflict, action="conflict_declared", data={"reason": reason.strip()})
    active = Assignment.objects.filter(application=application, expert=expert, status=AssignmentStatus.ACTIVE)
    for assignment in active:
        _end_and_replace(assignment=assignment, actor=actor, status=AssignmentStatus.DECLINED, reason=reason)
    return conflict


def conflicts_detect(*, call, today: dt.date | None = None) -> int:
    """Store the conflicts the registry shows for the call's invited experts; returns how many are new.

    An expert conflicts with an application when their person is or was within two years staff, leader, board
    member or advisory member of the applicant organisation, or of an organisation in a recorded partnership
    with it (partnerships from the cooperation app).
    """
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=365 * CONFLICT_YEARS + 1)
    applications = list(grants_selectors.applications_for_review(call))
    experts = list(ExpertProfile.objects.filter(calls__call=call).select_related("person"))
    if not applications or not experts:
        return 0
    related = selectors.related_organisations({a.organisation_id for a in applications}, since=since)
    ties = selectors.conflicting_ties(
        [e.person_id for e in experts], set().union(*related.values()), since=since
    )
    existing = set(
        ConflictDeclaration.objects.filter(application__call=call).values_list("expert_id", "application_id")
    )
    # Walk each expert's ties to the applications they touch (not every expert × application pair: 15,000 × 1,500
    # pairs take minutes); the first tie that touches an application gives the reason, as before.
    applications_by_org: dict[int, list] = defaultdict(list)
    for application in applications:
        for org_id in related[application.organisation_id]:
            applications_by_org[org_id].append(application)
    new = []
    for expert in experts:
        found: set[int] = set()
        for org_id, role, org_name in ties.get(expert.person_id, ()):
            for application in applications_by_org.get(org_id, ()):
                if application.pk in found or (expert.pk, application.pk) in existing:
                    continue
                found.add(application.pk)
                direct = org_id == application.organisation_id
                reason = (
                    _("%(role)s of the applicant (%(org)s) within two years")
                    if direct
                    else _("%(role)s of %(org)s, a partner of the applicant, within two years")
                ) % {"role": role, "org": org_name}
                new.append(
                    ConflictDeclaration(
                        expert=expert, application=application, source=ConflictSource.REGISTRY, reason=reason
                    )
                )
    ConflictDeclaration.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- the optimiser --------------------------------------------------------------------------------------------


@dataclass
class CallRound:
    """A call's round for the solver, with the objects behind the indices."""

    applications: list
    invitations: list[CallExpert]
    round: Round
    model: object
    affinity: np.ndarray


def _sides(call, applications, experts):
    field_names = selectors.field_names()
    org_fields = selectors.organisation_fields({a.organisation_id for a in applications})
    apps = [
        Side(
            key=a.pk,
            fields=frozenset(org_fields[a.organisation_id]),
            regions=frozenset([a.organisation.region_id] if a.organisation.region_id else []),
            text="\n".join(
                filter(
                    None, [grants_selectors.application_text(a), a.direction.name if a.direction_id else ""]
                )
            ),
            field_names=field_names,
        )
        for a in applications
    ]
    sides = [
        Side(
            key=e.pk,
            fields=frozenset(f.pk for f in e.fields.all()),
            regions=frozenset(r.pk for r in e.regions.all()),
            text=e.bio,
            field_names=field_names,
        )
        for e in experts
    ]
    return apps, sides


def call_round(call, *, k: int | None = None, require_regional: bool | None = None) -> CallRound:
    """Build the solver's round from the call's reviewable applications and accepted, available experts."""
    review = call_review_for(call)
    k = k or call.experts_per_application
    # The form versions (whose schema the texts need) once, not once per application.
    applications = list(grants_selectors.applications_for_review(call).prefetch_related("form_version"))
    invitations = list(
        CallExpert.objects.filter(call=call, status=InvitationStatus.ACCEPTED, expert__is_available=True)
        .select_related("expert__person")
        .prefetch_related("expert__fields", "expert__regions")
        .order_by("pk")
    )
    experts = [i.expert for i in invitations]
    model = model_for("weighted", review.weights)
    app_sides, expert_sides = _sides(call, applications, experts)
    affinity = (
        model.matrix(app_sides, expert_sides)
        if applications and experts
        else np.zeros((len(applications), 0))
    )
    app_index = {a.pk: i for i, a in enumerate(applications)}
    expert_index = {e.pk: j for j, e in enumerate(experts)}
    allowed = np.ones((len(applications), len(experts)), dtype=bool)
    for expert_id, application_id in ConflictDeclaration.objects.filter(application__call=call).values_list(
        "expert_id", "application_id"
    ):
        if expert_id in expert_index and application_id in app_index:
            allowed[app_index[application_id], expert_index[expert_id]] = False
    a, x = np.nonzero(allowed)
    candidates = SparseCandidates(len(applications), len(experts), a, x, affinity[a, x] if a.size else [])
    region_codes: dict[int, int] = {}

    def code(region_id):
        return -1 if region_id is None else region_codes.setdefault(region_id, len(region_codes))

    app_region = np.array([code(a.organisation.region_id) for a in applications], dtype=np.int64)
    expert_regions = [sorted(s.regions) for s in expert_sides]
    # An expert's "own region" for the rule: the region of their person in the registry, else their first one.
    expert_region = np.array(
        [
            code(e.person.region_id) if e.person.region_id else (code(rs[0]) if rs else -1)
            for e, rs in zip(experts, expert_regions, strict=True)
        ],
        dtype=np.int64,
    )
    rnd = Round(
        len(applications),
        len(experts),
        k,
        candidates,
        np.array([i.effective_max_load for i in invitations], dtype=np.int64),
        np.array([i.expert.min_load for i in invitations], dtype=np.int64),
        app_region,
        expert_region,
        review.require_regional if require_regional is None else require_regional,
    )
    return CallRound(applications, invitations, rnd, model, affinity)


def scoring_started(call) -> bool:
    return (
        selectors.evaluations_for_call(call)
        .exclude(scores__isnull=True, status=Evaluation.Status.DRAFT)
        .exists()
    )


@transaction.atomic
def assignment_run_start(*, call, actor) -> AssignmentRun:
    """Queue an assignment run (a Job the page polls); the work happens in ``run_assignment_task``."""
    from resurs.reviews.tasks import run_assignment_task

    if scoring_started(call):
        raise ReviewsError(
            _("Experts have started scoring; change single assignments instead of re-running the optimiser.")
        )
    review = call_review_for(call)
    params = {
        "k": call.experts_per_application,
        "require_regional": review.require_regional,
        "fairness": review.fairness,
        "weights": review.weights,
    }
    job = job_create(owner=actor, kind="reviews.assignment", params={"call": call.pk, **params})
    run = AssignmentRun.objects.create(call=call, job=job, parameters=params, created_by=actor)
    audit_event(actor=actor, obj=run, action="assignment_run_started", data=params)
    transaction.on_commit(lambda: run_assignment_task.enqueue(run.pk))
    return run


def _reason_texts(diagnosis, applications, invitations, k) -> list[dict]:
    def app_label(i):
        a = applications[i]
        return a.number or a.title

    texts = []
    for reason in diagnosis.reasons:
        code = reason["code"]
        if code == TOO_FEW_CANDIDATES:
            for i, count in zip(reason["apps"], reason["candidates"], strict=True):
                texts.append(
                    {
                        "application": app_label(i),
                        "text": _("only %(count)d experts without a conflict of interest; %(k)d are needed")
                        % {"count": count, "k": k},
                    }
                )
        elif code == NO_REGIONAL_CANDIDATE:
            for i in reason["apps"]:
                texts.append(
                    {
                        "application": app_label(i),
                        "text": _("no expert from the applicant's region without a conflict of interest"),
                    }
                )
        elif code == CAPACITY:
            texts.append(
                {
                    "application": "",
                    "text": _("the experts can take %(capacity)d reviews in all; %(needed)d are needed")
                    % reason,
                }
            )
        elif code == MIN_LOADS:
            texts.append(
                {
                    "application": "",
                    "text": _("the experts' minimum loads cannot all be met (%(minimum)d)") % reason,
                }
            )
        elif code == BAD_BOUNDS:
            texts.append({"application": "", "text": _("an expert's minimum load exceeds their maximum")})
        elif code == HALL:
            texts.append(
                {
                    "application": ", ".join(app_label(i) for i in reason["apps"][:20]),
                    "text": _(
                        "these %(apps)d applications need %(needed)d reviews but the only experts who may "
                        "review them can take %(capacity)d"
                    )
                    % {
                        "apps": len(reason["apps"]),
                        "needed": reason["needed"],
                        "capacity": reason["capacity"],
                    },
                }
            )
    return texts


def assignment_run_execute(*, run: AssignmentRun) -> AssignmentRun:
    """Solve the call's round and, only if it is feasible, replace its active assignments in one transaction."""
    call = run.call
    job = run.job
    if job:
        job_start(job, total=4)
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status", "updated_at"])
    try:
        added = conflicts_detect(call=call)
        if job:
            job_progress(job, progress=1, message=_("Conflicts of interest checked"))
        cr = call_round(
            call, k=run.parameters.get("k"), require_regional=run.parameters.get("require_regional")
        )
        if job:
            job_progress(job, progress=2, message=_("Affinities computed"))
        rnd = cr.round
        diagnostics: dict = {
            "applications": rnd.n_apps,
            "experts": rnd.n_experts,
            "new_conflicts": added,
        }
        try:
            if rnd.n_apps == 0:
                raise ReviewsError(_("There are no applications to evaluate in this call."))
            plain = solve(rnd)
            solution = plain
            if run.parameters.get("fairness"):
                fair = solve_maxmin(rnd, plain=plain)
                solution = fair.solution
                diagnostics["fairness"] = {
                    "worst_plain": round(fair.worst_plain, 4),
                    "worst_fair": round(fair.worst, 4),
                    "worst_upper_bound": round(fair.upper_bound, 4),
                    "total_loss": round(fair.total_loss, 5),
                    "exact": fair.exact,
                }
        except Infeasible as error:
            diag = error.diagnosis
            diagnostics["reasons"] = _reason_texts(diag, cr.applications, cr.invitations, rnd.k)
            diagnostics["uncovered"] = [cr.applications[i].pk for i in diag.uncovered_apps.tolist()]
            run.status, run.diagnostics, run.finished_at = RunStatus.INFEASIBLE, diagnostics, timezone.now()
            run.save(update_fields=["status", "diagnostics", "finished_at", "updated_at"])
            if job:
                job_finish(job, message=_("No assignment is possible; see the reasons."))
            return run
        checked = check(rnd, solution.app, solution.expert)
        if not checked["ok"]:  # pragma: no cover - the solver's result is checked independently
            raise RuntimeError(f"assignment violates constraints: {checked}")
        if job:
            job_progress(job, progress=3, message=_("Assignment found"))
        with transaction.atomic():
            now = timezone.now()
            Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE).update(
                status=AssignmentStatus.REPLACED,
                reason=_("Replaced by run #%(run)d") % {"run": run.pk},
                updated_at=now,
            )
            rows = []
            for i, j in zip(solution.app.tolist(), solution.expert.tolist(), strict=True):
                rows.append(
                    Assignment(
                        call=call,
                        application=cr.applications[i],
                        expert=cr.invitations[j].expert,
                        source=AssignmentSource.OPTIMISER,
                        run=run,
                        affinity=float(cr.affinity[i, j]),
                        explanation=cr.model.explain(i, j),
                    )
                )
            Assignment.objects.bulk_create(rows)
            diagnostics.update(
                {
                    "assignments": len(rows),
                    "certified": solution.certified,
                    "worst_application": round(float(solution.per_app_total(rnd.n_apps).min()), 4),
                    "checks": checked,
                }
            )
            run.status, run.objective, run.diagnostics = RunStatus.DONE, solution.objective, diagnostics
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "objective", "diagnostics", "finished_at", "updated_at"])
            audit_event(
                actor=run.created_by,
                obj=run,
                action="assignment_run_done",
                data={"assignments": len(rows), "objective": round(solution.objective, 4)},
            )
        if job:
            job_finish(job, message=_("%(count)d assignments made") % {"count": len(rows)})
    except ReviewsError as error:
        run.status, run.diagnostics = (
            RunStatus.INFEASIBLE,
            {"reasons": [{"application": "", "text": error.messages[0]}]},
        )
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "diagnostics", "finished_at", "updated_at"])
        if job:
            job_finish(job, message=error.messages[0])
    except Exception as error:
        run.status, run.finished_at = RunStatus.FAILED, timezone.now()
        run.diagnostics = {"error": str(error)}
        run.save(update_fields=["status", "diagnostics", "finished_at", "updated_at"])
        if job:
            job_fail(job, message=str(error))
        raise
    return run


# --- single changes that keep the rest stable -----------------------------------------------------------------


def _best_available_expert(application, *, exclude_expert_ids=()) -> tuple[CallExpert | None, float, dict]:
    """The accepted, available, non-conflicted expert with spare capacity and the best affinity."""
    call = application.call
    busy = dict(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    taken = set(
        Assignment.objects.filter(application=application, status=AssignmentStatus.ACTIVE).values_list(
            "expert_id", flat=True
        )
    )
    conflicted = set(
        ConflictDeclaration.objects.filter(application=application).values_list("expert_id", flat=True)
    )
    invitations = [
        i
        for i in CallExpert.objects.filter(
            call=call, status=InvitationStatus.ACCEPTED, expert__is_available=True
        )
        .select_related("expert__person")
        .prefetch_related("expert__fields", "expert__regions")
        .order_by("pk")
        if i.expert_id not in taken
        and i.expert_id not in conflicted
        and i.expert_id not in set(exclude_expert_ids)
        and busy.get(i.expert_id, 0) < i.effective_max_load
    ]
    if not invitations:
        return None, 0.0, {}
    review = call_review_for(call)
    model = model_for("weighted", review.weights)
    app_sides, expert_sides = _sides(call, [application], [i.expert for i in invitations])
    row = model.matrix(app_sides, expert_sides)[0]
    best = int(np.argmax(row))
    return invitations[best], float(row[best]), model.explain(0, best)


def _end_and_replace(*, assignment: Assignment, actor, status: str, reason: str) -> Assignment | None:
    assignment.status, assignment.reason = status, reason
    assignment.save(update_fields=["status", "reason", "updated_at"])
    invitation, affinity, explanation = _best_available_expert(
        assignment.application, exclude_expert_ids=[assignment.expert_id]
    )
    if invitation is None:
        return None
    replacement = Assignment.objects.create(
        call=assignment.call,
        application=assignment.application,
        expert=invitation.expert,
        source=AssignmentSource.REPLACEMENT,
        reason=_("Replaces %(expert)s") % {"expert": assignment.expert},
        affinity=affinity,
        explanation=explanation,
    )
    audit_event(
        actor=actor,
        obj=replacement,
        action="assignment_replacement",
        data={"replaces": assignment.pk, "reason": reason},
    )
    return replacement


@transaction.atomic
def assignment_decline(*, assignment: Assignment, actor, reason: str) -> Assignment | None:
    """The expert declines one assignment; the best available expert replaces them, the rest stay."""
    if not reason.strip():
        raise ReviewsError({"reason": [_("Say why you decline this application.")]})
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise ReviewsError(_("This assignment is no longer active."))
    audit_event(actor=actor, obj=assignment, action="assignment_declined", data={"reason": reason})
    return _end_and_replace(
        assignment=assignment, actor=actor, status=AssignmentStatus.DECLINED, reason=reason
    )


@transaction.atomic
def assignment_override(
    *, application, actor, reason: str, add_expert=None, remove: Assignment | None = None
):
    """Staff change one application's experts by hand, with a reason (audit-logged)."""
    if not reason.strip():
        raise ReviewsError({"reason": [_("Say why the assignment is changed by hand.")]})
    if add_expert is None and remove is None:
        raise ReviewsError(_("Choose an expert to add or an assignment to remove."))
    created = None
    if remove is not None:
        remove = Assignment.objects.select_for_update().get(pk=remove.pk)
        if remove.application_id != application.pk or remove.status != AssignmentStatus.ACTIVE:
            raise ReviewsError(_("This assignment is no longer active."))
        remove.status, remove.reason = AssignmentStatus.REPLACED, reason.strip()
        remove.save(update_fields=["status", "reason", "updated_at"])
        audit_event(actor=actor, obj=remove, action="assignment_removed", data={"reason": reason.strip()})
    if add_expert is not None:
        if ConflictDeclaration.objects.filter(expert=add_expert, application=application).exists():
            raise ReviewsError(
                {"expert": [_("This expert has a conflict of interest with the application.")]}
            )
        if not CallExpert.objects.filter(
            call=application.call, expert=add_expert, status=InvitationStatus.ACCEPTED
        ).exists():
            raise ReviewsError({"expert": [_("Only experts who accepted the invitation can be assigned.")]})
        if Assignment.objects.filter(
            application=application, expert=add_expert, status=AssignmentStatus.ACTIVE
        ).exists():
            raise ReviewsError({"expert": [_("This expert already evaluates the application.")]})
        created = Assignment.objects.create(
            call=application.call,
            application=application,
            expert=add_expert,
            source=AssignmentSource.MANUAL,
            reason=reason.strip(),
        )
        audit_event(actor=actor, obj=created, action="assignment_added", data={"reason": reason.strip()})
    return created


# --- scoring ------------------------------------------------------------------------------------------------


def evaluation_of(assignment: Assignment) -> Evaluation:
    call = assignment.call
    if call.criteria_scheme_id is None:
        raise ReviewsError(_("The call has no criteria yet; staff must choose them first."))
    return criteria_services.evaluation_for(
        scheme=call.criteria_scheme, evaluator=assignment.expert.user, subject=assignment.application
    )


def review_save(*, assignment: Assignment, actor, scores, overall_comment: str = "", submit: bool = False):
    """Save (and with ``submit``, submit) the expert's scores through the criteria app; after a submission
    check the dispersion, which may assign a third expert. Raises criteria's ``EvaluationIncomplete``."""
    if assignment.expert.user_id != actor.pk or assignment.status != AssignmentStatus.ACTIVE:
        raise PermissionDenied
    if call_review_for(assignment.call).is_closed:
        raise ReviewsError(_("Scoring of this call is closed."))
    evaluation = evaluation_of(assignment)
    evaluation = criteria_services.evaluation_save(
        evaluation=evaluation, actor=actor, scores=scores, overall_comment=overall_comment, submit=submit
    )
    if submit:
        dispersion_check(application=assignment.application, actor=actor)
    return evaluation


@transaction.atomic
def dispersion_check(*, application, actor=None) -> Assignment | None:
    """Assign a third expert when two submitted totals differ by more than the call's threshold (once)."""
    call = application.call
    if Assignment.objects.filter(application=application, source=AssignmentSource.THIRD_EXPERT).exists():
        return None
    totals = [
        float(e.total)
        for e in selectors.evaluations_for_application(application).filter(status=Evaluation.Status.SUBMITTED)
        if e.total is not None
    ]
    if len(totals) < 2 or max(totals) - min(totals) <= float(call.score_threshold):
        return None
    invitation, affinity, explanation = _best_available_expert(application)
    if invitation is None:
        return None
    third = Assignment.objects.create(
        call=call,
        application=application,
        expert=invitation.expert,
        source=AssignmentSource.THIRD_EXPERT,
        reason=_("Totals %(low).2f and %(high).2f differ by more than %(threshold)s")
        % {"low": min(totals), "high": max(totals), "threshold": call.score_threshold},
        affinity=affinity,
        explanation=explanation,
    )
    audit_event(actor=actor, obj=third, action="third_expert_assigned", data={"totals": totals})
    return third


def reviews_submit_bulk(*, call, reviews: list[tuple[Assignment, dict, str]]) -> list[Assignment]:
    """Many experts submit their scores at once: ``reviews`` holds ``(assignment, scores, overall comment)`` with
    scores as criteria ``ScoreInput`` by criterion code, each submitted as the assignment's expert.

    The same records as ``review_save(..., submit=True)`` per review followed by its dispersion check (see
    ``dispersion_check_bulk``); all or nothing. Returns the third experts assigned.
    """
    if call_review_for(call).is_closed:
        raise ReviewsError(_("Scoring of this call is closed."))
    if call.criteria_scheme_id is None:
        raise ReviewsError(_("The call has no criteria yet; staff must choose them first."))
    for assignment, _scores, _comment in reviews:
        if assignment.call_id != call.pk or assignment.status != AssignmentStatus.ACTIVE:
            raise PermissionDenied
    with transaction.atomic():
        criteria_services.evaluations_submit_bulk(
            scheme=call.criteria_scheme,
            subject_model=Application,
            entries=[(a.expert.user, a.application_id, scores, comment) for a, scores, comment in reviews],
        )
        # Each application's check runs as the expert whose review came last (who would have triggered it).
        actors = {a.application_id: a.expert.user for a, _s, _c in reviews}
        return dispersion_check_bulk(call=call, application_ids=set(actors), actors=actors)


@transaction.atomic
def dispersion_check_bulk(
    *, call, application_ids, actor=None, actors: dict | None = None
) -> list[Assignment]:
    """``dispersion_check`` for many applications of a call, in the order of their ids: the pool, the loads and
    the conflicts are read once (the affinity of each application to its candidates is computed as there, over
    the same candidates, so the same expert is chosen). Returns the third experts assigned."""
    ids = sorted(set(application_ids))
    already = set(
        Assignment.objects.filter(
            call=call, application_id__in=ids, source=AssignmentSource.THIRD_EXPERT
        ).values_list("application_id", flat=True)
    )
    totals: dict[int, list[float]] = defaultdict(list)
    for subject_id, total in (
        selectors.evaluations_for_call(call)
        .filter(subject_id__in=ids, status=Evaluation.Status.SUBMITTED, total__isnull=False)
        .order_by("-updated_at", "-pk")  # as ``dispersion_check`` reads them: the latest first
        .values_list("subject_id", "total")
    ):
        totals[subject_id].append(float(total))
    threshold = float(call.score_threshold)
    spread = [
        pk
        for pk in ids
        if pk not in already and len(totals[pk]) >= 2 and max(totals[pk]) - min(totals[pk]) > threshold
    ]
    if not spread:
        return []
    applications = list(
        grants_selectors.applications_for_review(call).filter(pk__in=spread).prefetch_related("form_version")
    )
    applications.sort(key=lambda a: a.pk)
    busy = Counter(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE).values_list(
            "expert_id", flat=True
        )
    )
    taken: dict[int, set[int]] = defaultdict(set)
    for application_id, expert_id in Assignment.objects.filter(
        application_id__in=spread, status=AssignmentStatus.ACTIVE
    ).values_list("application_id", "expert_id"):
        taken[application_id].add(expert_id)
    for application_id, expert_id in ConflictDeclaration.objects.filter(
        application_id__in=spread
    ).values_list("application_id", "expert_id"):
        taken[application_id].add(expert_id)
    invitations = list(
        CallExpert.objects.filter(call=call, status=InvitationStatus.ACCEPTED, expert__is_available=True)
        .select_related("expert__person", "expert__user")
        .prefetch_related("expert__fields", "expert__regions")
        .order_by("pk")
    )
    review = call_review_for(call)
    model = model_for("weighted", review.weights)
    app_sides, expert_sides = _sides(call, applications, [i.expert for i in invitations])
    rows, events = [], []
    for application, app_side in zip(applications, app_sides, strict=True):
        candidates = [
            j
            for j, i in enumerate(invitations)
            if i.expert_id not in taken[application.pk] and busy[i.expert_id] < i.effective_max_load
        ]
        if not candidates:
            continue
        row = model.matrix([app_side], [expert_sides[j] for j in candidates])[0]
        best = int(np.argmax(row))
        invitation = invitations[candidates[best]]
        busy[invitation.expert_id] += 1
        values = totals[application.pk]
        third = Assignment(
            call=call,
            application=application,
            expert=invitation.expert,
            source=AssignmentSource.THIRD_EXPERT,
            reason=_("Totals %(low).2f and %(high).2f differ by more than %(threshold)s")
            % {"low": min(values), "high": max(values), "threshold": call.score_threshold},
            affinity=float(row[best]),
            explanation=model.explain(0, best),
        )
        rows.append(third)
        events.append(((actors or {}).get(application.pk, actor), third, {"totals": values}))
    Assignment.objects.bulk_create(rows)
    by_actor: dict = defaultdict(list)
    for who, third, data in events:
        by_actor[who].append((third, "third_expert_assigned", None, data))
    for who, actor_events in by_actor.items():
        audit_events_bulk(actor=who, events=actor_events)
    return rows


@transaction.atomic
def evaluation_send_back(*, evaluation: Evaluation, actor, reason: str) -> Evaluation:
    """Moderation: return an outlying review to its expert (through the criteria app)."""
    if evaluation.status != Evaluation.Status.SUBMITTED:
        raise ReviewsError(_("Only a submitted review can be sent back."))
    return criteria_services.evaluation_return(evaluation=evaluation, actor=actor, reason=reason)


@transaction.atomic
def round_close(*, call, actor, reopen: bool = False) -> CallReview:
    """Close scoring (experts may then see each other's scores) or reopen it."""
    review = call_review_for(call)
    review.closed_at = None if reopen else timezone.now()
    review.save(update_fields=["closed_at", "updated_at"])
    audit_event(actor=actor, obj=review, action="round_reopened" if reopen else "round_closed")
    return review


def awards_confirm(*, call, actor, application_ids: list[int], reason: str = "") -> int:
    """Staff confirm proposed awards: each becomes a grants decision (audit-logged by the grants app)."""
    ranking, _calibration = selectors.call_ranking_plain(call)
    proposed = {row.key: row for row in ranking.items if row.outcome == PROPOSED}
    chosen = [pk for pk in application_ids if pk in proposed]
    if not chosen:
        raise ReviewsError(_("Choose at least one proposed award."))
    with transaction.atomic():
        # One bulk write (the same decisions, statuses and audit events as ``application_decide`` per award).
        grants_services.applications_decide_bulk(
            call=call,
            actor=actor,
            decisions=[
                (
                    pk,
                    "awarded",
                    Decimal(proposed[pk].requested),
                    reason
                    or _("Rank %(rank)d, calibrated score %(score).2f")
                    % {"rank": proposed[pk].rank, "score": proposed[pk].score},
                )
                for pk in chosen
            ],
        )
        audit_event(
            actor=actor, obj=call_review_for(call), action="awards_confirmed", data={"applications": chosen}
        )
    return len(chosen)
