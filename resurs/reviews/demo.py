"""Demo of expert evaluation: a pool of ~40 experts (the demo user "expert" among them), an assignment run on
the call in review, and scores for most assignments, with lenient and severe experts, so that the ranking page
shows raw and calibrated scores that differ for a reason."""

from __future__ import annotations

import contextlib

from django.contrib.auth.hashers import make_password

from resurs.accounts.choices import Role
from resurs.accounts.models import RoleAssignment, User
from resurs.core.demo import DemoContext
from resurs.criteria.services import EvaluationIncomplete, ScoreInput
from resurs.grants.models import Call
from resurs.registry.models import Field, Person
from resurs.reviews import services
from resurs.reviews.choices import AssignmentStatus, InvitationStatus, RunStatus
from resurs.reviews.models import Assignment, AssignmentRun, CallExpert

TOPICS = [
    "социальное проектирование и оценка результатов",
    "поддержка семей с детьми",
    "наставничество и работа с подростками",
    "старшее поколение и активное долголетие",
    "экологическое просвещение и раздельный сбор отходов",
    "инклюзия людей с инвалидностью",
    "развитие местных сообществ и территориальное общественное самоуправление",
    "добровольчество и корпоративное волонтёрство",
    "культура, краеведение и сохранение исторической памяти",
    "финансовая устойчивость НКО и фандрайзинг",
    "профилактика социального сиротства",
    "здоровый образ жизни и массовый спорт",
    "правовое просвещение и бесплатная юридическая помощь",
    "медиа и информационная открытость некоммерческих организаций",
]
POSITIONS = [
    "руководитель ресурсного центра",
    "эксперт конкурсов президентских грантов",
    "доцент кафедры социологии",
    "председатель общественной палаты",
    "директор благотворительного фонда",
    "консультант по проектному управлению",
    "специалист по оценке социальных программ",
]
COMMENTS_LOW = [
    "Цели не связаны с заявленной проблемой, показатели не измеримы.",
    "Бюджет не обоснован: расходы на оплату труда завышены вдвое.",
    "Нет подтверждённого опыта реализации подобных проектов.",
]
COMMENTS_HIGH = [
    "Образцовая проработка: измеримые результаты, реалистичный план и бюджет.",
    "Сильная команда с многолетним опытом, подтверждённым отчётами.",
]


def _pool(ctx: DemoContext, rng) -> list:
    fields = list(Field.objects.all())
    size = ctx.count(40, 8)
    demo_expert = User.objects.filter(username="expert").select_related("person").first()
    people = list(
        Person.objects.filter(expert_profile__isnull=True, user__isnull=True, region__isnull=False).order_by(
            "pk"
        )[: size * 3]
    )
    rng.shuffle(people)
    chosen = people[: size - (1 if demo_expert else 0)]
    password = make_password(None)  # unusable: these experts do not sign in to the demo
    users = []
    for i, person in enumerate(chosen, start=1):
        users.append(
            User(
                username=f"expert{i:02d}",
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"expert{i:02d}@example.org",
                password=password,
                person=person,
            )
        )
    User.objects.bulk_create(users, ignore_conflicts=True)
    users = list(User.objects.filter(username__in=[u.username for u in users]).select_related("person"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.EXPERT, centre=None) for u in users], ignore_conflicts=True
    )
    if demo_expert is not None:
        users.insert(0, demo_expert)
    profiles = []
    for user in users:
        person = user.person
        if person is None:
            continue
        topics = rng.sample(TOPICS, 2)
        own_fields = rng.sample(fields, min(len(fields), rng.randint(1, 3))) if fields else []
        bio = (
            f"{rng.choice(POSITIONS).capitalize()}. Более {rng.randint(5, 20)} лет работает в некоммерческом "
            f"секторе; эксперт по темам: {topics[0]}, {topics[1]}. "
            f"Оценивал проекты по направлениям: {', '.join(f.name_ru.lower() for f in own_fields)}."
        )
        profiles.append(
            services.expert_profile_save(
                person=person,
                user=user,
                fields=own_fields,
                regions=[person.region_id] if person.region_id else [],
                min_load=0,
                max_load=rng.choice([8, 10, 12, 15]),
                bio=bio,
            )
        )
    return profiles


def _call_in_review():
    calls = Call.objects.filter(status=Call.Status.REVIEW).order_by("pk")
    best, best_count = None, 0
    for call in calls:
        count = services.grants_selectors.applications_for_review(call).count()
        if count > best_count:
            best, best_count = call, count
    return best


def _score(rng, call, assignment, severity: dict, quality: dict) -> None:
    criteria = list(call.criteria_scheme.criteria.all())
    base = quality[assignment.application_id] + severity[assignment.expert_id]
    scores = {}
    for criterion in criteria:
        value = round(base + rng.gauss(0, 0.9))
        value = max(criterion.min_score, min(criterion.max_score, value))
        comment = ""
        if criterion.needs_comment(value):
            comment = rng.choice(COMMENTS_LOW if value <= 5 else COMMENTS_HIGH)
        scores[criterion.code] = ScoreInput(value, comment)
    with contextlib.suppress(EvaluationIncomplete):  # the generated scores are complete
        services.review_save(
            assignment=assignment,
            actor=assignment.expert.user,
            scores=scores,
            overall_comment="Заявка оценена по всем критериям.",
            submit=True,
        )


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("reviews")
    profiles = _pool(ctx, rng)
    call = ctx.data.get("grant_calls", {}).get("review") or _call_in_review()
    if call is None or not profiles:
        ctx.log("demo: reviews — no call in review; only the expert pool is built")
        return
    staff = User.objects.filter(username="staff").first()
    for profile in profiles:
        invitation = services.expert_invite(call=call, expert=profile, actor=staff)
        # A few decline: a real pool is never complete.
        declined = profile.user.username != "expert" and rng.random() < 0.05
        invitation.status = InvitationStatus.DECLINED if declined else InvitationStatus.ACCEPTED
        invitation.save(update_fields=["status"])
    capacity = sum(
        i.effective_max_load
        for i in CallExpert.objects.filter(call=call, status="accepted").select_related("expert")
    )
    needed = call.experts_per_application * services.grants_selectors.applications_for_review(call).count()
    if capacity < needed:  # a small demo scale: let every expert take enough
        CallExpert.objects.filter(call=call).update(max_load=needed // max(1, len(profiles)) + 3)
    # The demo expert commits to a minimum load, so that "My reviews" has applications to show.
    demo_profile = next((p for p in profiles if p.user.username == "expert"), None)
    if demo_profile is not None:
        n_apps = services.grants_selectors.applications_for_review(call).count()
        demo_profile.min_load = min(4, n_apps, demo_profile.max_load)
        demo_profile.save(update_fields=["min_load", "updated_at"])
    run = AssignmentRun.objects.create(
        call=call,
        created_by=staff,
        parameters={"k": call.experts_per_application, "require_regional": False, "fairness": False},
    )
    run = services.assignment_run_execute(run=run)
    if run.status != RunStatus.DONE:
        ctx.log(f"demo: reviews — assignment run {run.status}: {run.diagnostics}")
        return
    severity = {p.pk: rng.gauss(0, 1.1) for p in profiles}
    applications = list(services.grants_selectors.applications_for_review(call))
    quality = {a.pk: rng.gauss(6.3, 1.3) for a in applications}
    assignments = list(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE)
        .select_related("expert__user", "application", "call__criteria_scheme")
        .order_by("pk")
    )
    demo_left = 2  # the demo expert keeps a couple of applications to score
    for assignment in assignments:
        if assignment.expert.user.username == "expert" and demo_left:
            demo_left -= 1
            continue
        if rng.random() < 0.12:
            continue
        _score(rng, call, assignment, severity, quality)
    ctx.log(f"demo: reviews — {len(profiles)} experts, {len(assignments)} assignments on «{call.title}»")
