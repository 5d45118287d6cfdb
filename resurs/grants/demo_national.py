"""The national contest: the hub's national programme with a call in review holding 15,000 applications and five
past calls (one a year) of 4,000 applications each, decided, with agreements, tranches and reports of the grants.

Titles, directions and regions are the Presidential Grants Foundation's 2025 projects (as in the demo); each
application comes from an NGO leader with an account (``ctx.data["national_applicants"]``), preferring NGOs of the
project's region. Budgets, answers and decisions follow the demo's generators and the services' rules.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from resurs.core.bulk import copy_rows
from resurs.core.demo import DemoContext
from resurs.grants import services
from resurs.grants.choices import ApplicationStatus, CallStatus, DecisionOutcome, ReportKind, ReportStatus
from resurs.grants.demo import DIRECTION_EN, FALLBACK_TITLES, _answers, _budget, _pgf_rows
from resurs.grants.models import (
    Agreement,
    Application,
    BudgetLine,
    Call,
    Decision,
    GranteeReport,
    ReportIndicator,
    Tranche,
)

OPEN_CALL_APPLICATIONS = 3_000  # the demo's open call: drafts, new submissions to screen
MOSCOW_EVENING = dt.time(23, 59, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def build(ctx: DemoContext) -> None:
    from resurs.accounts.models import User
    from resurs.registry.models import Centre, Region

    size = ctx.national
    rng = ctx.rng("grants-national")
    hub = Centre.objects.get(is_hub=True)
    staff = User.objects.get(username="staff")
    today = timezone.localdate()
    projects = _pgf_rows() or [
        (f"25-1-{i:06d}", t, "", d) for i, (t, d) in enumerate(FALLBACK_TITLES * 400, start=1)
    ]
    rng.shuffle(projects)
    counts = defaultdict(int)
    for project in projects:
        counts[project[3]] += 1
    direction_names = sorted((d for d in counts if d), key=lambda d: -counts[d])[:8]
    programme = services.programme_create(
        centre=hub,
        actor=staff,
        title="Национальная программа «Сильные сообщества России»",
        funder_name="Фонд президентских грантов (оператор — Национальный ресурсный центр НКО)",
        description="Ежегодный национальный конкурс для социально ориентированных НКО всех регионов: гранты до "
        "3 млн рублей на проекты местных сообществ, экспертиза полутора тысяч экспертов.",
    )

    def make_call(year_offset: int, status: str) -> Call:
        year = today.year - year_offset
        deadline = dt.datetime.combine(
            today - dt.timedelta(days=30) if year_offset == 0 else dt.date(year, 3, 15), MOSCOW_EVENING
        )
        call = services.call_create(
            programme=programme,
            actor=staff,
            title=f"Национальный конкурс «Сильные сообщества — {year}»",
            slug=f"national-{year}",
            description="Национальный конкурс для некоммерческих организаций всех регионов, работающих не менее "
            "года. Заявки принимаются только через портал.",
            opens_at=deadline - dt.timedelta(days=45),
            deadline=deadline,
            budget=Decimal("1500000000"),
            min_request=Decimal("300000"),
            max_request=Decimal("3000000"),
            cofinancing_share=Decimal("10"),
            project_starts_on=deadline.date() + dt.timedelta(days=90),
            project_ends_on=deadline.date() + dt.timedelta(days=90 + 540),
            review_ends_on=deadline.date() + dt.timedelta(days=60),
            results_on=deadline.date() + dt.timedelta(days=80),
            min_organisation_age_years=1,
            experts_per_application=3,
            required_documents=[
                "Организация не находится в процессе ликвидации или банкротства",
                "Сведения в заявке достоверны",
            ],
        )
        for name in direction_names:
            services.direction_add(
                call=call,
                actor=staff,
                name_ru=name,
                name_en=DIRECTION_EN.get(name, ""),
                budget=Decimal("150000000"),
            )
        services.call_set_status(call=call, actor=staff, status=CallStatus.OPEN)
        path = [CallStatus.CLOSED, CallStatus.REVIEW]
        if status == CallStatus.RESULTS_PUBLISHED:
            path += [CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED]
        Call.objects.filter(pk=call.pk).update(status=path[-1], opens_at=deadline - dt.timedelta(days=45))
        return Call.objects.get(pk=call.pk)

    current = make_call(0, CallStatus.REVIEW)
    past = [make_call(offset, CallStatus.RESULTS_PUBLISHED) for offset in range(1, size.past_calls + 1)]

    applicants = ctx.data["national_applicants"]
    region_names = dict(Region.objects.values_list("pk", "name_ru"))
    by_region: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for user_id, organisation_id, region_id in applicants:
        by_region[region_names.get(region_id, "")].append((user_id, organisation_id))
    rows, budgets = [], []
    project_iter = _projects(projects, rng)
    open_call = Call.objects.filter(status=CallStatus.OPEN, centre=hub).order_by("pk").first()
    plan = [(current, size.applications)] + [(call, size.past_applications) for call in past]
    if open_call is not None:
        plan.append((open_call, OPEN_CALL_APPLICATIONS))
    for call, count in plan:
        directions = {d.name_ru: d.pk for d in call.directions.all()}
        version = services.form_current(call)
        used = set(call.applications.values_list("organisation_id", flat=True))
        for _ in range(count):
            number, title, region, direction_name = next(project_iter)
            pool = by_region.get(region) or applicants
            for _attempt in range(20):
                user_id, organisation_id = rng.choice(pool)[:2]
                if organisation_id not in used:
                    break
            else:
                user_id, organisation_id = next((a[0], a[1]) for a in applicants if a[1] not in used)
            used.add(organisation_id)
            requested = Decimal(rng.randrange(300, 2990)) * 1000
            cofinancing = (requested * Decimal(rng.choice([12, 15, 20, 30])) / 100).quantize(Decimal("1"))
            lines = _budget(requested, cofinancing, rng)
            submitted_at = call.deadline - dt.timedelta(
                hours=rng.randrange(1, 24 * 40), minutes=rng.randrange(60)
            )
            status = _status(call, rng)
            screened = status not in (
                ApplicationStatus.DRAFT,
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.WITHDRAWN,
            )
            if call.status == CallStatus.OPEN:
                submitted_at = timezone.now() - dt.timedelta(hours=rng.randrange(1, 24 * 10))
            if status == ApplicationStatus.DRAFT:
                submitted_at = None
            rows.append(
                {
                    "call_id": call.pk,
                    "direction_id": directions.get(direction_name) or rng.choice(list(directions.values())),
                    "organisation_id": organisation_id,
                    "applicant_id": user_id,
                    "form_version_id": version.pk if version else None,
                    "title": title[:500],
                    "summary": f"Проект «{title[:200]}»: {region or 'регион заявителя'}.",
                    "status": status,
                    "requested_amount": requested,
                    "total_cost": requested + cofinancing,
                    "cofinancing_amount": cofinancing,
                    "project_starts_on": call.project_starts_on,
                    "project_ends_on": call.project_ends_on,
                    "answers": _answers(title, lines, call, rng),
                    "declarations": list(call.required_documents),
                    "submission_token": uuid.UUID(int=rng.getrandbits(128)) if submitted_at else None,
                    "submitted_at": submitted_at,
                    "withdrawn_at": submitted_at + dt.timedelta(days=2)
                    if status == ApplicationStatus.WITHDRAWN
                    else None,
                    "eligibility_checks": [],
                    "screening_reason": "Не подтверждён опыт работы не менее одного года"
                    if status == ApplicationStatus.INELIGIBLE
                    else "",
                    "screened_by_id": staff.pk if screened else None,
                    "screened_at": min(submitted_at + dt.timedelta(days=10), timezone.now())
                    if screened
                    else None,
                }
            )
            budgets.append(lines)
    ids = copy_rows(Application, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE grants_application SET number = to_char(submitted_at AT TIME ZONE 'UTC', 'YY') || '-' "
            "|| call_id || '-' || lpad(id::text, 6, '0') WHERE id = ANY(%s) AND submitted_at IS NOT NULL",
            [ids],
        )
    copy_rows(
        BudgetLine,
        (
            {"application_id": pk, "position": position, **line}
            for pk, lines in zip(ids, budgets, strict=True)
            for position, line in enumerate(lines, start=1)
        ),
    )
    grants = _decide(rng, staff, past, ids, rows, today)
    ctx.data["national_call"] = current
    ctx.log(f"  {len(ids)} applications in {1 + len(past)} calls, {grants} grants in the past calls")


def _projects(projects: list[tuple], rng):
    """The 2025 projects as they are, then new titles joining the name of one project with the description of
    another («Мастерская тепла: сеть центров полезной социальной занятости для людей с инвалидностью»); the
    direction is the description's."""
    yield from projects
    heads, tails = [], []
    for _number, title, _region, direction in projects:
        match = re.match(r"^(.{4,45}?)(?::| - | – | — )(.{12,})$", title)
        parts = [match.group(1).strip(), match.group(2).strip()] if match else [title]
        if not all(_balanced(part) for part in parts):
            continue
        if len(parts[0]) <= 45:
            heads.append(parts[0])
        if len(parts) == 2 and not parts[1].endswith("."):
            tails.append((parts[1], direction))
    seen = {title for _n, title, _r, _d in projects}
    regions = [region for _n, _t, region, _d in projects]
    while True:
        head = rng.choice(heads)
        tail, direction = rng.choice(tails)
        title = f"{head}: {tail[0].lower() + tail[1:] if tail[1:2].islower() else tail}"
        if title not in seen:
            seen.add(title)
            yield "", title, rng.choice(regions), direction


def _balanced(text: str) -> bool:
    return (
        text.count('"') % 2 == 0 and text.count("«") == text.count("»") and text.count("(") == text.count(")")
    )


def _status(call: Call, rng) -> str:
    """The current call's applications all passed screening (every one has three experts); the open call has
    drafts, new submissions and screened ones; past calls have their decisions."""
    roll = rng.random()
    if call.status == CallStatus.REVIEW:
        return ApplicationStatus.UNDER_REVIEW
    if call.status == CallStatus.OPEN:
        if roll < 0.1:
            return ApplicationStatus.DRAFT
        if roll < 0.75:
            return ApplicationStatus.SUBMITTED
        return ApplicationStatus.ELIGIBLE if roll < 0.95 else ApplicationStatus.INELIGIBLE
    if roll < 0.05:
        return ApplicationStatus.WITHDRAWN
    if roll < 0.15:
        return ApplicationStatus.INELIGIBLE
    if roll < 0.25:
        return ApplicationStatus.AWARDED
    if roll < 0.30:
        return ApplicationStatus.RESERVE
    return ApplicationStatus.REJECTED


def _decide(rng, staff, calls: list[Call], ids: list[int], rows: list[dict], today: dt.date) -> int:
    """Decisions of the past calls; agreements, two tranches and two reports for each grant."""
    results_on = {call.pk: call.results_on for call in calls}
    decisions, awarded = [], []
    outcome_of = {
        ApplicationStatus.AWARDED: DecisionOutcome.AWARDED,
        ApplicationStatus.RESERVE: DecisionOutcome.RESERVE,
        ApplicationStatus.REJECTED: DecisionOutcome.REJECTED,
    }
    for pk, row in zip(ids, rows, strict=True):
        outcome = outcome_of.get(row["status"])
        if outcome is None or row["call_id"] not in results_on:
            continue
        amount = Decimal(0)
        if outcome == DecisionOutcome.AWARDED:
            amount = (row["requested_amount"] * Decimal(rng.choice([100, 100, 90, 80])) / 100).quantize(
                Decimal("1000")
            )
            awarded.append((pk, row["call_id"], amount))
        decided_on = results_on[row["call_id"]] - dt.timedelta(days=3)
        decisions.append(
            {
                "application_id": pk,
                "outcome": outcome,
                "awarded_amount": amount,
                "decided_by_id": staff.pk,
                "decided_at": dt.datetime.combine(decided_on, dt.time(12, 0, tzinfo=dt.UTC)),
                "reason": "Решение конкурсной комиссии",
            }
        )
    copy_rows(Decision, decisions)
    agreements = []
    for number, (pk, call_id, amount) in enumerate(awarded, start=1):
        signed = results_on[call_id] + dt.timedelta(days=14)
        starts = results_on[call_id] + dt.timedelta(days=20)
        agreements.append(
            {
                "application_id": pk,
                "number": f"НСС-{signed:%y}-{number:05d}",
                "signed_on": signed,
                "starts_on": starts,
                "ends_on": starts + dt.timedelta(days=365),
                "amount": amount,
            }
        )
    agreement_ids = copy_rows(Agreement, agreements)
    tranches, reports = [], []
    for pk, agreement in zip(agreement_ids, agreements, strict=True):
        half = (agreement["amount"] / 2).quantize(Decimal("0.01"))
        second_due = agreement["starts_on"] + dt.timedelta(days=180)
        tranches += [
            {
                "agreement_id": pk,
                "position": 1,
                "amount": half,
                "due_on": agreement["signed_on"] + dt.timedelta(days=10),
                "paid_on": agreement["signed_on"] + dt.timedelta(days=8),
            },
            {
                "agreement_id": pk,
                "position": 2,
                "amount": agreement["amount"] - half,
                "due_on": second_due,
                "paid_on": second_due - dt.timedelta(days=2) if second_due < today else None,
            },
        ]
        for kind, due in (
            (ReportKind.INTERIM, agreement["starts_on"] + dt.timedelta(days=150)),
            (ReportKind.FINAL, agreement["ends_on"] + dt.timedelta(days=30)),
        ):
            if due < today - dt.timedelta(days=60):
                status = rng.choice(
                    [ReportStatus.ACCEPTED] * 8 + [ReportStatus.RETURNED, ReportStatus.SUBMITTED]
                )
            elif due < today:
                status = rng.choice([ReportStatus.SUBMITTED, ReportStatus.DUE, ReportStatus.ACCEPTED])
            else:
                status = ReportStatus.DUE
            reports.append(
                {
                    "agreement_id": pk,
                    "kind": kind,
                    "due_on": due,
                    "status": status,
                    "narrative": ""
                    if status == ReportStatus.DUE
                    else "Проведены запланированные мероприятия; благополучатели получили помощь, сформирована "
                    "команда волонтёров.",
                    "submitted_at": None
                    if status == ReportStatus.DUE
                    else timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=2), dt.time(15))),
                    "reviewed_by_id": staff.pk
                    if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
                    else None,
                    "review_note": "Приложите фотоотчёт и списки участников"
                    if status == ReportStatus.RETURNED
                    else "",
                }
            )
    copy_rows(Tranche, tranches)
    report_ids = copy_rows(GranteeReport, reports)
    copy_rows(
        ReportIndicator,
        (
            {
                "report_id": pk,
                "name": name,
                "target": Decimal(target),
                "actual": Decimal(rng.randrange(low, high)),
            }
            for pk, report in zip(report_ids, reports, strict=True)
            if report["status"] != ReportStatus.DUE
            for name, target, low, high in (
                ("Число благополучателей", 300, 150, 340),
                ("Число мероприятий", 24, 12, 28),
            )
        ),
    )
    return len(agreements)
