"""National expert evaluation: 1,500 experts of every region (the demo expert among them) invited to the national
call, the assignment run the optimiser makes for its 15,000 applications (three experts each, conflicts of
interest found in the registry first), and 45,000 evaluations — most submitted, some still drafts, with lenient
and severe experts as in the demo so that calibration has something to correct.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from resurs.accounts.choices import Role
from resurs.accounts.models import RoleAssignment, User
from resurs.core.bulk import copy_links, copy_rows
from resurs.core.demo import DemoContext
from resurs.criteria.models import CriterionScore, Evaluation
from resurs.grants.models import Application
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Field, Tie
from resurs.reviews import services
from resurs.reviews.choices import AssignmentStatus, InvitationStatus, RunStatus
from resurs.reviews.demo import COMMENTS_HIGH, COMMENTS_LOW, POSITIONS, TOPICS
from resurs.reviews.models import Assignment, AssignmentRun, CallExpert, ExpertProfile

DRAFT_SHARE = 0.1  # evaluations still in progress


def build(ctx: DemoContext) -> None:
    size = ctx.national
    call = ctx.data["national_call"]
    rng = ctx.rng("reviews-national")
    staff = User.objects.get(username="staff")
    fields = list(Field.objects.values_list("pk", "name_ru"))
    existing = list(ExpertProfile.objects.select_related("user"))
    wanted = size.experts - len(existing)
    # Experts: people who lead or work at resource centres, universities and older NGOs, with no account yet.
    candidates = list(
        Tie.objects.filter(
            ended_on=None,
            role__in=[TieRole.LEADER, TieRole.STAFF, TieRole.BOARD_MEMBER],
            organisation__kind__in=[
                OrganisationKind.RESOURCE_CENTRE,
                OrganisationKind.UNIVERSITY,
                OrganisationKind.NGO,
                OrganisationKind.FOUNDATION,
            ],
            person__user__isnull=True,
            person__expert_profile__isnull=True,
        )
        .order_by("-organisation__kind", "pk")
        .values_list("person_id", "person__first_name", "person__last_name", "person__region_id")[
            : wanted * 4
        ]
    )
    rng.shuffle(candidates)
    people, seen = [], set()
    for person_id, first, last, region_id in candidates:
        if person_id not in seen and len(people) < wanted:
            seen.add(person_id)
            people.append((person_id, first, last, region_id))
    password = make_password(None)
    user_ids = copy_rows(
        User,
        (
            {
                "username": f"expert-{person_id}",
                "email": f"expert{person_id}@national.resurs.local",
                "first_name": first,
                "last_name": last,
                "person_id": person_id,
                "password": password,
                "is_active": True,
            }
            for person_id, first, last, _region in people
        ),
    )
    copy_rows(RoleAssignment, ({"user_id": pk, "role": Role.EXPERT} for pk in user_ids))
    profile_rows, own_fields = [], []
    for person_id, _first, _last, _region in people:
        topics = rng.sample(TOPICS, 2)
        chosen = rng.sample(fields, rng.randint(1, 3))
        own_fields.append([pk for pk, _name in chosen])
        profile_rows.append(
            {
                "person_id": person_id,
                "bio": f"{rng.choice(POSITIONS).capitalize()}. Более {rng.randint(5, 20)} лет работает в "
                f"некоммерческом секторе; эксперт по темам: {topics[0]}, {topics[1]}. Оценивал проекты по "
                f"направлениям: {', '.join(name.lower() for _pk, name in chosen)}.",
                "min_load": 0,
                "max_load": rng.choice([30, 35, 40, 45]),
            }
        )
    for row, user_id in zip(profile_rows, user_ids, strict=True):
        row["user_id"] = user_id
    profile_ids = copy_rows(ExpertProfile, profile_rows)
    copy_links(
        ExpertProfile.fields.through,
        ("expertprofile_id", "field_id"),
        ((pk, field_id) for pk, ids in zip(profile_ids, own_fields, strict=True) for field_id in ids),
    )
    copy_links(
        ExpertProfile.regions.through,
        ("expertprofile_id", "region_id"),
        ((pk, region_id) for pk, (*_p, region_id) in zip(profile_ids, people, strict=True) if region_id),
    )
    # The demo's experts join the national pool with a national load (the demo expert keeps a small one).
    for profile in existing:
        if profile.user and profile.user.username != "expert":
            profile.max_load = max(profile.max_load, 30)
            profile.save(update_fields=["max_load", "updated_at"])
    now = timezone.now()
    copy_rows(
        CallExpert,
        (
            {
                "call_id": call.pk,
                "expert_id": pk,
                "status": InvitationStatus.ACCEPTED,
                "invited_by_id": staff.pk,
                "responded_at": now - dt.timedelta(days=rng.randint(20, 40)),
            }
            for pk in [p.pk for p in existing] + profile_ids
        ),
    )
    run = AssignmentRun.objects.create(
        call=call,
        created_by=staff,
        parameters={"k": call.experts_per_application, "require_regional": False, "fairness": False},
    )
    run = services.assignment_run_execute(run=run)
    if run.status != RunStatus.DONE:
        raise RuntimeError(f"the national assignment run did not succeed: {run.status} {run.diagnostics}")
    ctx.log(
        f"  {len(existing) + len(profile_ids)} experts, run: {run.diagnostics.get('assignments')} assignments"
    )
    _evaluations(ctx, rng, call)


def _evaluations(ctx: DemoContext, rng, call) -> None:
    """An evaluation for every active assignment: the expert's severity plus the application's quality plus noise
    on each criterion (comments where the scale demands them), most submitted, the rest drafts half-filled."""
    criteria = list(call.criteria_scheme.criteria.all())
    weight = sum((c.weight for c in criteria), Decimal(0))
    assignments = list(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE)
        .order_by("pk")
        .values_list("application_id", "expert_id", "expert__user_id", "expert__user__username")
    )
    severity: dict[int, float] = {}
    quality: dict[int, float] = {}
    subject_type = ContentType.objects.get_for_model(Application)
    now = timezone.now()
    evaluations, scores = [], []
    left_for_demo = 3  # the demo expert still has a few applications to score
    for application_id, expert_id, user_id, username in assignments:
        if username == "expert" and left_for_demo:
            left_for_demo -= 1
            continue
        base = quality.setdefault(application_id, rng.gauss(6.3, 1.3)) + severity.setdefault(
            expert_id, rng.gauss(0, 1.1)
        )
        draft = rng.random() < DRAFT_SHARE
        values = {}
        for position, criterion in enumerate(criteria):
            if draft and position >= len(criteria) // 2:
                break
            value = max(criterion.min_score, min(criterion.max_score, round(base + rng.gauss(0, 0.9))))
            comment = ""
            if criterion.needs_comment(value):
                comment = rng.choice(COMMENTS_LOW if value <= 5 else COMMENTS_HIGH)
            values[criterion.pk] = (value, comment)
        total = None
        if not draft:
            total = (
                sum((c.weight * Decimal(values[c.pk][0]) for c in criteria), Decimal(0)) / weight
            ).quantize(Decimal("0.001"))
        submitted_at = now - dt.timedelta(hours=rng.randint(2, 24 * 25))
        evaluations.append(
            {
                "scheme_id": call.criteria_scheme_id,
                "evaluator_id": user_id,
                "subject_type_id": subject_type.pk,
                "subject_id": application_id,
                "status": Evaluation.Status.DRAFT if draft else Evaluation.Status.SUBMITTED,
                "overall_comment": "" if draft else "Заявка оценена по всем критериям.",
                "total": total,
                "submitted_at": None if draft else submitted_at,
            }
        )
        scores.append(values)
    evaluation_ids = copy_rows(Evaluation, evaluations)
    copy_rows(
        CriterionScore,
        (
            {"evaluation_id": pk, "criterion_id": criterion_id, "score": value, "comment": comment}
            for pk, values in zip(evaluation_ids, scores, strict=True)
            for criterion_id, (value, comment) in values.items()
        ),
    )
    ctx.log(f"  {len(evaluation_ids)} evaluations")
