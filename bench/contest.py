"""A national contest end to end, through the services the pages use (see docs/benchmarks.md).

    python bench/contest.py [--scale 1] [--skip-fairness] [--keep]

``--scale 1`` is the national contest: 15,000 applications, 1,500 experts, three experts per application (45,000
scores, plus the third experts the dispersion rule adds). ``--scale 0.05`` runs the same contest at 750 × 75 in
seconds (the smoke test uses it and checks correctness only).

It creates its own PostgreSQL database on the server of ``DATABASE_URL`` (dropped at the end unless ``--keep``),
migrates it and seeds the registry the contest needs (not timed as a stage: ``setup_s``): the applicant
organisations with their representatives' accounts, the experts as registry people with accounts and profiles, and
their positions (board, staff) at some applicant organisations — the ties the conflict check must find. Then each
stage runs the services a page would call and is timed:

opening (programme, call, directions, the call opened) · submission (each applicant submits through
``application_submit_payload``, as the API and the form do; some retry with the same idempotency key, some send an
invalid budget) · closing · screening (the automatic eligibility checks in bulk) · review opening · invitations
(the pool invited in bulk, each expert accepting) · conflicts (from the registry) · assignment (the optimiser's run) · scoring
(simulated experts: lenient and severe, the application's quality plus noise, one in 200 hurried and scoring at
random; the dispersion rule adds third experts, who score too) · calibration · moderation (the most outlying reviews sent back and rescored) · awards
(the ranking's proposals within the budget, confirmed as the page does, as one bulk decision) · decisions (reserve and
rejections in bulk) · publication (every applicant's letter, rendered and queued in bulk) · open data (the 360Giving package validated, the
open register of projects read to the end).

The checks: every acknowledged submission is in the database once (``lost`` = acknowledged but missing), every
application ends with exactly one decision or a refusal at screening, awards stay within the budget, and the
published totals (360Giving and the register) equal the decisions (``published_total_matches``).

``fairness_skewed``: the max-min fairness option on a topic-skewed 15,000 × 1,500 round (``bench/assignment.py``'s
generator): the worst-served application's gain, the upper bound of that gain and the gap between them (all relative
to the plain optimum's worst-served application), the method and the bound used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = f"resurs_bench_contest_{os.getpid()}"
NATIONAL_APPLICATIONS = 15_000
NATIONAL_EXPERTS = 1_500
RETRY_SHARE = 0.03  # applicants whose submission is sent twice with the same idempotency key
INVALID_SHARE = 0.01  # applicants whose application is refused (a negative budget line)
YOUNG_SHARE = 0.04  # organisations younger than the call's minimum age: refused at screening
SEND_BACK = 0.002  # share of reviews moderation returns to their experts
CARELESS_SHARE = 0.005  # first reviews scored at random (a hurried expert): what moderation is for
TOPICS = [
    "Поддержка семьи и детства",
    "Развитие местных сообществ",
    "Наставничество и работа с подростками",
    "Социальная адаптация людей с инвалидностью",
]
SEED = 2026
SUBMIT_WORKERS = 3


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(re.sub(r"/[^/]*$", "/postgres", url), autocommit=True)


def setup_database(url: str) -> None:
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{BENCH_DB}", url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # As production runs: no query log, letters queued as database tasks for the worker (not sent inline).
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    # A cold process pays once for importing the URLconf (every view) and scikit-learn: done here, not in a stage.
    from django.urls import get_resolver
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401

    get_resolver().reverse_dict  # noqa: B018 - builds the resolver (imports every view)


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


# --- the registry the contest needs ------------------------------------------------------------------------------


def seed_registry(n_apps: int, n_experts: int, rng: random.Random) -> dict:
    """Applicant organisations with representatives, experts as registry people with accounts and profiles, their
    ties to some applicants, a hub centre with a staff member. Bulk-created: this is the registry, not the
    contest."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from resurs.accounts.choices import Role
    from resurs.accounts.models import Representation, RoleAssignment, User
    from resurs.registry.choices import TieRole
    from resurs.registry.models import Centre, Field, Organisation, Person, Region, Tie
    from resurs.reviews.models import ExpertProfile

    regions = list(Region.objects.order_by("fns_code").values_list("pk", flat=True))
    fields = list(Field.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    hub_org = Organisation.objects.create(name="Национальный ресурсный центр НКО", region_id=regions[0])
    centre = Centre.objects.create(organisation=hub_org, slug="national", is_hub=True)
    staff = User.objects.create(username="contest-staff", email="staff@contest.local", is_staff=True)
    RoleAssignment.objects.create(user=staff, role=Role.STAFF, centre=centre)
    organisations = []
    for i in range(n_apps):
        young = rng.random() < YOUNG_SHARE
        founded = today - dt.timedelta(days=rng.randint(30, 300) if young else rng.randint(400, 9000))
        organisations.append(
            Organisation(
                name=f"АНО «{rng.choice(TOPICS)} — {i:05d}»",
                region_id=rng.choice(regions),
                founded_on=founded,
            )
        )
    organisations = Organisation.objects.bulk_create(organisations, batch_size=2000)
    through = Organisation.fields.through
    through.objects.bulk_create(
        [
            through(organisation_id=o.pk, field_id=f)
            for o in organisations
            for f in rng.sample(fields, rng.randint(1, 3))
        ],
        batch_size=5000,
    )
    password = make_password(None)
    applicants = User.objects.bulk_create(
        [
            User(username=f"applicant{i:05d}", email=f"applicant{i:05d}@contest.local", password=password)
            for i in range(n_apps)
        ],
        batch_size=2000,
    )
    Representation.objects.bulk_create(
        [Representation(user=u, organisation=o) for u, o in zip(applicants, organisations, strict=True)],
        batch_size=2000,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.NGO_REPRESENTATIVE) for u in applicants], batch_size=2000
    )
    people = Person.objects.bulk_create(
        [
            Person(last_name=f"Эксперт{i:04d}", first_name="Анна", region_id=rng.choice(regions))
            for i in range(n_experts)
        ],
        batch_size=2000,
    )
    experts = User.objects.bulk_create(
        [
            User(username=f"expert{i:04d}", email=f"expert{i:04d}@contest.local", password=password, person=p)
            for i, p in enumerate(people)
        ],
        batch_size=2000,
    )
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.EXPERT) for u in experts])
    profiles = ExpertProfile.objects.bulk_create(
        [
            ExpertProfile(
                person=p,
                user=u,
                bio=f"Эксперт по темам: {', '.join(rng.sample(TOPICS, 2)).lower()}.",
                max_load=40,
            )
            for p, u in zip(people, experts, strict=True)
        ],
        batch_size=2000,
    )
    ExpertProfile.fields.through.objects.bulk_create(
        [
            ExpertProfile.fields.through(expertprofile_id=e.pk, field_id=f)
            for e in profiles
            for f in rng.sample(fields, rng.randint(1, 3))
        ]
    )
    ExpertProfile.regions.through.objects.bulk_create(
        [
            ExpertProfile.regions.through(expertprofile_id=e.pk, region_id=p.region_id)
            for e, p in zip(profiles, people, strict=True)
        ]
    )
    # Each expert sits on the board of, or works at, two applicant organisations (one tie ended three years ago,
    # which no longer conflicts): the registry's knowledge the conflict check must use.
    ties, expected = [], set()
    for person, profile in zip(people, profiles, strict=True):
        for role, ended in (
            (TieRole.BOARD_MEMBER, None),
            (TieRole.STAFF, today - dt.timedelta(days=3 * 365)),
        ):
            organisation = rng.choice(organisations)
            ties.append(Tie(person=person, organisation=organisation, role=role, ended_on=ended))
            if ended is None:
                expected.add((profile.pk, organisation.pk))
    Tie.objects.bulk_create(ties, batch_size=5000)
    return {
        "centre": centre,
        "staff": staff,
        "pairs": list(zip(applicants, organisations, strict=True)),
        "profiles": profiles,
        "expected_conflicts": expected,
    }


def application_data(rng: random.Random, index: int, direction_id: int, *, invalid: bool) -> dict:
    """A complete application on the default form; the request varies from 0.14 to 2.9 million roubles."""
    factor = rng.uniform(0.2, 4.0)
    lines = [
        ("Оплата труда координатора проекта", 12, 45_000, 486_000, 54_000),
        ("Аренда помещения для занятий", 10, 20_000, 180_000, 20_000),
        ("Печать методических материалов", 500, 120, 54_000, 6_000),
    ]
    budget = []
    for item, quantity, unit_cost, _requested, _cofinancing in lines:
        cost = quantity * round(unit_cost * factor)
        cofinancing = round(cost * 0.1)
        budget.append(
            {
                "item": item,
                "quantity": str(quantity),
                "unit_cost": str(round(unit_cost * factor)),
                "requested": str(cost - cofinancing),
                "cofinancing": str(cofinancing),
            }
        )
    if invalid:
        budget[1]["requested"] = "-" + budget[1]["requested"]
    return {
        "title": f"Проект местного сообщества № {index}",
        "summary": "Проект создаёт в районе систему поддержки семей и наставничества для подростков.",
        "direction": direction_id,
        "project_starts_on": "2027-03-01",
        "project_ends_on": "2027-12-31",
        "declarations": ["Устав организации соответствует целям проекта"],
        "answers": {
            "goal": "Снизить число подростков, состоящих на учёте, через наставничество взрослых волонтёров.",
            "problem": "В районе нет системной работы с подростками группы риска. " * 10,
            "target_groups": "Подростки 12–17 лет, их родители, волонтёры-наставники",
            "beneficiaries": str(rng.randint(50, 900)),
            "results": "120 пар наставник–подросток, снижение правонарушений на 20 %",
            "budget": budget,
            "plan": [
                {
                    "activity": "Набор и обучение наставников",
                    "starts_on": "2027-03-01",
                    "ends_on": "2027-04-30",
                    "result": "60 наставников",
                },
                {
                    "activity": "Работа пар наставник–подросток",
                    "starts_on": "2027-05-01",
                    "ends_on": "2027-12-15",
                    "result": "120 пар",
                },
            ],
        },
    }


# --- the contest -------------------------------------------------------------------------------------------------


class Stages:
    def __init__(self, profile_dir: str | None = None):
        self.rows: list[dict] = []
        self.profile_dir = profile_dir

    @contextmanager
    def stage(self, name: str):
        log(f"contest: {name}…")
        started = time.perf_counter()
        row = {"stage": name}
        profiler = None
        if self.profile_dir:  # --profile DIR: each stage's cProfile in DIR/<stage>.prof
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        try:
            yield row
        finally:
            row["wall_s"] = round(time.perf_counter() - started, 2)
            if profiler:
                profiler.disable()
                profiler.dump_stats(os.path.join(self.profile_dir, f"{name}.prof"))
            self.rows.append(row)
            log(
                f"contest: {name} {row['wall_s']} s { ({k: v for k, v in row.items() if k not in ('stage', 'wall_s')}) }"
            )


def run_contest(n_apps: int, n_experts: int, rng: random.Random, profile_dir: str | None = None) -> dict:
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.db.models import Sum
    from django.utils import timezone

    from resurs.criteria.services import ScoreInput
    from resurs.grants import opendata
    from resurs.grants import services as grants
    from resurs.grants.choices import ApplicationStatus, CallStatus
    from resurs.grants.models import Application, Decision
    from resurs.reviews import selectors as review_selectors
    from resurs.reviews import services as reviews
    from resurs.reviews.choices import AssignmentStatus, RunStatus
    from resurs.reviews.models import Assignment, ConflictDeclaration
    from resurs.reviews.ranking import DEFAULT_BANDS, OVER_BUDGET, PROPOSED

    setup_started = time.perf_counter()
    world = seed_registry(n_apps, n_experts, rng)
    setup_s = time.perf_counter() - setup_started
    log(f"contest: registry seeded in {setup_s:.1f} s")
    staff = world["staff"]
    stages = Stages(profile_dir)
    result: dict = {"applications": n_apps, "experts": n_experts}
    started = time.perf_counter()

    with stages.stage("opening") as row:
        now = timezone.now()
        programme = grants.programme_create(
            centre=world["centre"], actor=staff, title="Национальная программа «Сильные сообщества»"
        )
        budget = Decimal(n_apps) * Decimal(1_500_000) / 8  # about one application in eight can be funded
        call = grants.call_create(
            programme=programme,
            actor=staff,
            title="Национальный конкурс «Сильные сообщества»",
            slug="national-contest",
            opens_at=now - dt.timedelta(minutes=1),
            deadline=now + dt.timedelta(days=1),
            budget=budget,
            min_request=100_000,
            max_request=3_000_000,
            cofinancing_share=5,
            min_organisation_age_years=1,
            required_documents=["Устав организации соответствует целям проекта"],
            experts_per_application=3,
            score_threshold=Decimal(3),
        )
        directions = [
            grants.direction_add(call=call, actor=staff, name_ru=topic, budget=budget / len(TOPICS))
            for topic in TOPICS
        ]
        call = grants.call_set_status(call=call, actor=staff, status=CallStatus.OPEN)

    acknowledged: dict[int, int] = {}  # organisation → application acknowledged to the applicant
    # Each applicant's application, prepared beforehand (the applicants type them; the benchmark times submitting).
    plans = []
    for index, (user, organisation) in enumerate(world["pairs"]):
        invalid = rng.random() < INVALID_SHARE
        data = application_data(rng, index, rng.choice(directions).pk, invalid=invalid)
        plans.append((user, organisation, data, uuid.uuid4(), invalid, rng.random() < RETRY_SHARE))

    def submit(share: list) -> tuple[dict, int, int]:
        from django.db import connection

        mine, refused, retried = {}, 0, 0
        profiler = None
        if profile_dir:  # each worker thread its own profile (cProfile follows one thread)
            import cProfile
            import threading

            profiler = cProfile.Profile()
            profiler.enable()
        try:
            for user, organisation, data, token, invalid, retry in share:
                try:
                    application, _created = grants.application_submit_payload(
                        call=call, organisation=organisation, actor=user, token=token, data=data
                    )
                except ValidationError as error:
                    refused += 1
                    if not invalid:
                        raise AssertionError(f"a valid application was refused: {error}") from error
                    continue
                mine[organisation.pk] = application.pk
                if retry:  # a double click: the same key again
                    again, created = grants.application_submit_payload(
                        call=call, organisation=organisation, actor=user, token=token, data=data
                    )
                    retried += 1
                    if created or again.pk != application.pk:
                        raise AssertionError("a retried submission made a second application")
        finally:
            connection.close()
            if profiler:
                profiler.disable()
                profiler.dump_stats(os.path.join(profile_dir, f"submission-{threading.get_ident()}.prof"))
        return mine, refused, retried

    acknowledged: dict[int, int] = {}  # organisation → application acknowledged to the applicant
    with stages.stage("submission") as row:
        # Applicants submit concurrently (SUBMIT_WORKERS at a time, each its own database connection), as they do
        # near a deadline; bench/submission_spike.py measures the same service behind gunicorn under a spike.
        with ThreadPoolExecutor(SUBMIT_WORKERS) as pool:
            outcomes = list(pool.map(submit, [plans[w::SUBMIT_WORKERS] for w in range(SUBMIT_WORKERS)]))
        for mine, _refused, _retried in outcomes:
            acknowledged.update(mine)
        row.update(
            submitted=len(acknowledged),
            refused=sum(o[1] for o in outcomes),
            retried=sum(o[2] for o in outcomes),
            workers=SUBMIT_WORKERS,
        )
    in_db = dict(
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED).values_list(
            "organisation_id", "pk"
        )
    )
    lost = sum(1 for org, pk in acknowledged.items() if in_db.get(org) != pk)
    extra = len(set(in_db) - set(acknowledged))

    with stages.stage("closing"):
        call = grants.call_update(call=call, actor=staff, deadline=timezone.now())
        call = grants.call_set_status(call=call, actor=staff, status=CallStatus.CLOSED)

    with stages.stage("screening") as row:
        row.update(grants.applications_screen_automatic(call=call, actor=staff))

    with stages.stage("review_opening"):
        call = grants.call_set_status(call=call, actor=staff, status=CallStatus.REVIEW)
        reviews.call_review_update(
            call=call,
            actor=staff,
            weights={"fields": 1.0, "regions": 0.3, "text": 1.0},
            require_regional=False,
            fairness=False,
            bands=DEFAULT_BANDS,
        )

    with stages.stage("invitations") as row:
        # Staff invite the whole pool at once; each expert answers their own invitation.
        invitations = reviews.experts_invite_bulk(call=call, experts=world["profiles"], actor=staff)
        for profile, invitation in zip(world["profiles"], invitations, strict=True):
            invitation.expert = profile  # the profile with its user, as the expert's page has it
            reviews.invitation_respond(invitation=invitation, actor=profile.user, accept=True)
        row["accepted"] = len(world["profiles"])

    with stages.stage("conflicts") as row:
        row["found"] = reviews.conflicts_detect(call=call)
    under_review = set(
        Application.objects.filter(call=call, status=ApplicationStatus.UNDER_REVIEW).values_list(
            "organisation_id", flat=True
        )
    )
    found = set(
        ConflictDeclaration.objects.filter(application__call=call).values_list(
            "expert_id", "application__organisation_id"
        )
    )
    expected = {(e, o) for e, o in world["expected_conflicts"] if o in under_review}
    conflicts_ok = found == expected

    with stages.stage("assignment") as row:
        run = reviews.assignment_run_start(call=call, actor=staff)
        run = reviews.assignment_run_execute(run=run)  # what the task worker does
        if run.status != RunStatus.DONE:
            raise RuntimeError(f"the assignment run failed: {run.status} {run.diagnostics}")
        row.update(assignments=run.diagnostics["assignments"], certified=run.diagnostics["certified"])
    assigned = set(
        Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE).values_list(
            "expert_id", "application__organisation_id"
        )
    )
    conflicted_assigned = len(assigned & found)

    criteria = list(call.criteria_scheme.criteria.all())
    quality = {
        pk: rng.gauss(6.3, 1.3) for pk in Application.objects.filter(call=call).values_list("pk", flat=True)
    }
    severity: dict[int, float] = {}

    def simulated(assignment, *, rescored: bool = False) -> tuple:
        base = quality[assignment.application_id] + severity.setdefault(
            assignment.expert_id, rng.gauss(0, 1.0)
        )
        careless = not rescored and rng.random() < CARELESS_SHARE
        scores = {}
        for criterion in criteria:
            if careless:
                value = rng.randint(criterion.min_score, criterion.max_score)
            else:
                value = max(criterion.min_score, min(criterion.max_score, round(base + rng.gauss(0, 0.9))))
            comment = "Оценка обоснована в тексте заявки." if criterion.needs_comment(value) else ""
            scores[criterion.code] = ScoreInput(value, comment)
        return (assignment, scores, "Заявка оценена по всем критериям.")

    def active(**filters):
        return list(
            Assignment.objects.filter(call=call, status=AssignmentStatus.ACTIVE, **filters)
            .select_related("expert__user")
            .order_by("application_id", "pk")
        )

    with stages.stage("scoring") as row:
        first = active()
        groups: dict[int, list] = {}
        for assignment in first:
            groups.setdefault(assignment.application_id, []).append(assignment)
        thirds, batch, chunk = [], 6000, []
        for application_reviews in groups.values():  # each application's reviews in the same batch
            chunk += application_reviews
            if len(chunk) >= batch:
                thirds += reviews.reviews_submit_bulk(call=call, reviews=[simulated(a) for a in chunk])
                chunk = []
        if chunk:
            thirds += reviews.reviews_submit_bulk(call=call, reviews=[simulated(a) for a in chunk])
        third_rows = active(source="third_expert")
        if third_rows:
            reviews.reviews_submit_bulk(call=call, reviews=[simulated(a) for a in third_rows])
        row.update(scores=len(first) + len(third_rows), third_experts=len(thirds))
    result["scores"] = row["scores"]

    with stages.stage("calibration") as row:
        scores = review_selectors.call_scores(call)
        row["residual_sd"] = round(scores.residual_sd, 3)

    with stages.stage("moderation") as row:
        outlying = review_selectors.outlying_reviews(call)
        sent_back = outlying[: max(1, int(SEND_BACK * len(scores.rows) * 3))]
        for score_row in sent_back:
            reviews.evaluation_send_back(
                evaluation=score_row.evaluation, actor=staff, reason="Оценка расходится с другими."
            )
            assignment = score_row.assignment
            _a, new_scores, comment = simulated(assignment, rescored=True)
            reviews.review_save(
                assignment=assignment,
                actor=assignment.expert.user,
                scores=new_scores,
                overall_comment=comment,
                submit=True,
            )
        row.update(outlying=len(outlying), sent_back=len(sent_back))

    with stages.stage("awards") as row:
        reviews.round_close(call=call, actor=staff)
        ranking = review_selectors.call_ranking(call)
        proposed = [i.key for i in ranking.items if i.outcome == PROPOSED]
        row["awards"] = reviews.awards_confirm(call=call, actor=staff, application_ids=proposed)

    with stages.stage("decisions") as row:
        rest = [
            (i.key, "reserve" if i.outcome == OVER_BUDGET else "rejected", Decimal(0), "")
            for i in ranking.items
            if i.outcome != PROPOSED
        ]
        row["decided"] = grants.applications_decide_bulk(call=call, actor=staff, decisions=rest)

    with stages.stage("publication") as row:
        call = grants.call_set_status(call=call, actor=staff, status=CallStatus.DECIDED)
        call = grants.call_set_status(call=call, actor=staff, status=CallStatus.RESULTS_PUBLISHED)

    with stages.stage("open_data") as row:
        package = opendata.package_for_calls([call])
        errors = opendata.validation_errors(package)
        header, register_rows = opendata.register_table(
            Application.objects.filter(call=call)
            .exclude(status=ApplicationStatus.DRAFT)
            .select_related("call", "organisation__region", "direction", "decision", "agreement")
            .order_by("number")
        )
        awarded_column = header.index("Размер гранта")
        register_total, register_rows_n = Decimal(0), 0
        for values in register_rows:
            register_rows_n += 1
            register_total += values[awarded_column] or 0
        row.update(grants=len(package["grants"]), register_rows=register_rows_n, invalid=len(errors))
    wall_s = time.perf_counter() - started

    decided_total = Decision.objects.filter(application__call=call, outcome="awarded").aggregate(
        s=Sum("awarded_amount")
    )["s"] or Decimal(0)
    package_total = sum((Decimal(str(g["amountAwarded"])) for g in package["grants"]), Decimal(0))
    statuses = dict(
        Application.objects.filter(call=call).values_list("status").annotate(n=models_count("pk"))
    )
    undecided = Application.objects.filter(
        call=call,
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_REVIEW],
    ).count()
    result.update(
        {
            "stages": stages.rows,
            "wall_s": round(wall_s, 1),
            "setup_s": round(setup_s, 1),
            "acknowledged": len(acknowledged),
            "lost": lost,
            "unacknowledged_in_db": extra,
            "statuses": statuses,
            "undecided": undecided,
            "conflicts_found_equal_registry": conflicts_ok,
            "conflicted_assigned": conflicted_assigned,
            "awarded_total": str(decided_total),
            "budget": str(call.budget),
            "within_budget": decided_total <= call.budget,
            "open_data_valid": not errors,
            "published_total_matches": (
                package_total == decided_total
                and register_total == decided_total
                and len(package["grants"]) == statuses.get(ApplicationStatus.AWARDED, 0)
                and register_rows_n == len(acknowledged)
            ),
        }
    )
    return result


def models_count(name):
    from django.db.models import Count

    return Count(name)


def fairness_skewed(scale: float) -> dict:
    """The max-min fairness option on the topic-skewed round of ``bench/assignment.py``."""
    import numpy as np

    from bench.assignment import K, generate
    from resurs.reviews.assignment.fairness import solve_maxmin
    from resurs.reviews.assignment.problem import Round, SparseCandidates
    from resurs.reviews.assignment.solver import solve

    n_apps = max(200, int(NATIONAL_APPLICATIONS * scale))
    n_experts = max(20, int(NATIONAL_EXPERTS * scale))
    data = generate(n_apps, n_experts, "sparse", skewed=True)
    cands = SparseCandidates(n_apps, n_experts, data["app"], data["expert"], data["affinity"])
    rnd = Round(n_apps, n_experts, K, cands, np.full(n_experts, data["cap"]))
    plain = solve(rnd)
    started = time.perf_counter()
    fair = solve_maxmin(rnd, plain=plain)
    wall = time.perf_counter() - started
    base = fair.worst_plain or 1.0
    return {
        "applications": rnd.n_apps,
        "experts": rnd.n_experts,
        "worst_plain": round(fair.worst_plain, 4),
        "worst_fair": round(fair.worst, 4),
        "worst_gain": round(fair.worst_gain, 4),
        "worst_upper_bound": round(fair.bound_gain, 4),
        "gap_to_bound": round((fair.upper_bound - fair.worst) / base, 4),
        "exact": fair.exact,
        "method": fair.method,
        "bound_method": fair.bound_method,
        "total_loss": round(fair.total_loss, 5),
        "wall_s": round(wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        default="full",
        help="full (or 1) = 15,000 applications and 1,500 experts; small = 0.02; or a fraction such as 0.05",
    )
    parser.add_argument("--skip-fairness", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's database")
    parser.add_argument("--profile", metavar="DIR", help="write each stage's cProfile to DIR/<stage>.prof")
    args = parser.parse_args()
    args.scale = {"full": 1.0, "small": 0.02}.get(args.scale) or float(args.scale)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgres"):
        sys.exit("bench/contest.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    n_apps = max(60, int(NATIONAL_APPLICATIONS * args.scale))
    n_experts = max(12, int(NATIONAL_EXPERTS * args.scale))
    setup_database(url)
    try:
        if args.profile:
            os.makedirs(args.profile, exist_ok=True)
        result = run_contest(n_apps, n_experts, random.Random(SEED), args.profile)
    finally:
        if not args.keep:
            drop_database(url)
    result["scale"] = args.scale
    result["nproc"] = os.cpu_count()
    result["load_average_1m"] = round(os.getloadavg()[0], 1)
    if not args.skip_fairness:
        result["fairness_skewed"] = fairness_skewed(args.scale)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
