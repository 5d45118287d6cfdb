"""Demo grant-making of the hub centre: a programme with three calls (open now, in review, results published),
directions and project titles from the Presidential Grants Foundation's 2025 contests (titles, directions and
regions only — never the language-model text columns of that file), decisions, agreements, reports, and the
2008–2009 presidential grant winners imported from their real results files.

Rows are created in bulk for speed; every value respects the models' constraints and the services' rules.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from resurs.core.demo import DemoContext
from resurs.grants import services
from resurs.grants.choices import ApplicationStatus, CallStatus, DecisionOutcome, ReportStatus
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

PGF_FILE = "grants_history/pgf_2025_applications_titles_directions.xlsx"
DIRECTION_EN = {
    "Социальное обслуживание, социальная поддержка и защита граждан": "Social services and support",
    "Охрана здоровья граждан, пропаганда здорового образа жизни": "Health and healthy lifestyles",
    "Поддержка семьи, материнства, отцовства и детства": "Family, motherhood, fatherhood and childhood",
    "Поддержка молодёжных проектов, реализация которых охватывает виды деятельности, предусмотренные статьёй 31.1 Федерального закона от 12 января 1996 г. № 7-ФЗ «О некоммерческих организациях»": "Youth projects",
    "Поддержка проектов в области науки, образования, просвещения": "Science, education and enlightenment",
    "Поддержка проектов в области культуры и искусства": "Culture and the arts",
    "Сохранение исторической памяти": "Historical memory",
    "Защита прав и свобод человека и гражданина, в том числе защита прав заключённых": "Human rights",
    "Охрана окружающей среды и защита животных": "Environment and animal welfare",
    "Укрепление межнационального и межрелигиозного согласия": "Inter-ethnic and inter-faith harmony",
    "Развитие общественной дипломатии и поддержка соотечественников": "Public diplomacy and compatriots",
    "Развитие институтов гражданского общества": "Civil society institutions",
    "Выявление и поддержка молодых талантов в области культуры и искусства": "Young talent in culture and the arts",
}
FALLBACK_TITLES = [
    (
        "Школа наставников для подростков из малых городов",
        "Поддержка семьи, материнства, отцовства и детства",
    ),
    (
        "Серебряный университет: цифровая грамотность для старшего поколения",
        "Социальное обслуживание, социальная поддержка и защита граждан",
    ),
    ("Ресурсный центр для НКО сельских территорий", "Развитие институтов гражданского общества"),
    ("Музей под открытым небом: память о земляках", "Сохранение исторической памяти"),
    ("Чистые берега: волонтёрские экспедиции по малым рекам", "Охрана окружающей среды и защита животных"),
]


def _pgf_rows() -> list[tuple[str, str, str, str]]:
    """(number, title, region, direction), one per project of the 2025 contests."""
    path = Path(settings.DATA_DIR) / PGF_FILE
    if not path.exists():
        return []
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    seen, rows = set(), []
    for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True):
        # Columns: id, grant_id, problem_text (LLM-written: never used), project_name, region, year, direction.
        number, title, region, direction = row[1], row[3], row[4], row[6]
        if not number or not title or number in seen:
            continue
        seen.add(number)
        rows.append(
            (
                str(number),
                " ".join(str(title).split()),
                str(region or ""),
                " ".join(str(direction or "").split()),
            )
        )
    workbook.close()
    return rows


def build(ctx: DemoContext) -> None:
    from resurs.accounts.choices import Role
    from resurs.accounts.models import Representation, RoleAssignment, User
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.models import Organisation

    rng = ctx.rng("grants")
    hub = ctx.data["hub"]
    staff = User.objects.get(username="staff")
    now = timezone.now()
    today = timezone.localdate()
    moscow_midnight = dt.time(23, 59, tzinfo=dt.timezone(dt.timedelta(hours=3)))

    projects = _pgf_rows() or [
        (f"25-1-{i:06d}", t, "", d) for i, (t, d) in enumerate(FALLBACK_TITLES * 40, start=1)
    ]
    rng.shuffle(projects)
    direction_names = sorted(
        {d for _n, _t, _r, d in projects if d}, key=lambda d: -sum(1 for p in projects if p[3] == d)
    )[:6]

    programme = services.programme_create(
        centre=hub,
        actor=staff,
        title="Программа малых грантов «Сильные сообщества»",
        funder_name="Фонд президентских грантов (оператор — ресурсный центр)",
        description="Поддержка социально ориентированных НКО региона: малые гранты до 3 млн рублей на проекты, которые меняют жизнь местных сообществ.",
    )

    def make_call(slug, title, status, deadline, results_on=None):
        call = services.call_create(
            programme=programme,
            actor=staff,
            title=title,
            slug=slug,
            description="Конкурс для некоммерческих организаций, работающих не менее года. Заявки принимаются только через портал.",
            opens_at=deadline - dt.timedelta(days=45),
            deadline=deadline,
            budget=Decimal("60000000"),
            min_request=Decimal("300000"),
            max_request=Decimal("3000000"),
            cofinancing_share=Decimal("10"),
            project_starts_on=deadline.date() + dt.timedelta(days=60),
            project_ends_on=deadline.date() + dt.timedelta(days=60 + 540),
            review_ends_on=deadline.date() + dt.timedelta(days=45),
            results_on=results_on or deadline.date() + dt.timedelta(days=60),
            min_organisation_age_years=1,
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
                budget=Decimal("10000000"),
            )
        services.call_set_status(call=call, actor=staff, status=CallStatus.OPEN)
        path = {
            CallStatus.OPEN: [],
            CallStatus.REVIEW: [CallStatus.CLOSED, CallStatus.REVIEW],
            CallStatus.RESULTS_PUBLISHED: [CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED],
        }[status]
        for step in path:
            Call.objects.filter(pk=call.pk).update(status=step)
        return Call.objects.get(pk=call.pk)

    year = today.year
    open_call = make_call(
        f"strong-communities-{year + 1}",
        f"Конкурс малых грантов «Сильные сообщества — {year + 1}»",
        CallStatus.OPEN,
        dt.datetime.combine(today + dt.timedelta(days=24), moscow_midnight),
    )
    # Opening sets opens_at to "now" when empty; the demo call opened ten days ago.
    Call.objects.filter(pk=open_call.pk).update(opens_at=now - dt.timedelta(days=10))
    review_call = make_call(
        f"strong-communities-{year}-2",
        f"Второй конкурс малых грантов {year} года",
        CallStatus.REVIEW,
        dt.datetime.combine(today - dt.timedelta(days=40), moscow_midnight),
    )
    results_call = make_call(
        f"strong-communities-{year}-1",
        f"Первый конкурс малых грантов {year} года",
        CallStatus.RESULTS_PUBLISHED,
        dt.datetime.combine(today - dt.timedelta(days=250), moscow_midnight),
        results_on=today - dt.timedelta(days=170),
    )

    ngos = list(
        Organisation.objects.filter(kind=OrganisationKind.NGO, centre__isnull=True)
        .exclude(pk=ctx.data["ngo_organisation"].pk)
        .select_related("region")
        .order_by("pk")
    )
    by_region = defaultdict(list)
    for organisation in ngos:
        if organisation.region_id:
            by_region[organisation.region.name_ru].append(organisation)

    total = ctx.count(150, 20)
    plan = [
        (results_call, round(total * 0.45)),
        (review_call, round(total * 0.35)),
        (open_call, total - round(total * 0.45) - round(total * 0.35)),
    ]
    used: set[int] = set()
    rows: list[tuple[Call, Organisation, tuple]] = []
    project_iter = iter(projects)
    for call, count in plan:
        for _ in range(count):
            project = next(project_iter, None) or rng.choice(projects)
            candidates = [o for o in by_region.get(project[2], []) if o.pk not in used] or [
                o for o in ngos if o.pk not in used
            ]
            organisation = rng.choice(candidates)
            used.add(organisation.pk)
            rows.append((call, organisation, project))

    users = User.objects.bulk_create(
        [
            User(
                username=f"applicant{i:04d}",
                email=f"applicant{i:04d}@demo.resurs.local",
                first_name=rng.choice(
                    ["Анна", "Ольга", "Марина", "Елена", "Сергей", "Андрей", "Ирина", "Дмитрий"]
                ),
                last_name=rng.choice(
                    ["Смирнова", "Кузнецова", "Попова", "Волкова", "Соколов", "Лебедев", "Морозова"]
                ),
                password="!",
            )
            for i in range(len(rows))
        ]
    )
    Representation.objects.bulk_create(
        [
            Representation(user=u, organisation=o, position="Руководитель проекта")
            for u, (_c, o, _p) in zip(users, rows, strict=True)
        ]
    )
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.NGO_REPRESENTATIVE) for u in users])

    directions = {
        call.pk: {d.name_ru: d for d in call.directions.all()}
        for call in (open_call, review_call, results_call)
    }
    versions = {call.pk: services.form_current(call) for call in (open_call, review_call, results_call)}
    applications: list[Application] = []
    budgets: dict[int, list[dict]] = {}
    for index, ((call, organisation, project), user) in enumerate(zip(rows, users, strict=True)):
        number, title, _region, direction_name = project
        requested = Decimal(rng.randrange(300, 2990)) * 1000
        cofinancing = (requested * Decimal(rng.choice([12, 15, 20, 30])) / 100).quantize(Decimal("1"))
        lines = _budget(requested, cofinancing, rng)
        submitted_at = call.deadline - dt.timedelta(
            hours=rng.randrange(1, 24 * 20), minutes=rng.randrange(60)
        )
        if call is open_call:
            submitted_at = min(submitted_at, now - dt.timedelta(hours=1))
        status = _status_for(call, rng)
        application = Application(
            call=call,
            direction=directions[call.pk].get(direction_name)
            or rng.choice(list(directions[call.pk].values())),
            organisation=organisation,
            applicant=user,
            form_version=versions[call.pk],
            title=title[:500],
            summary=f"Проект «{title[:200]}» реализует {organisation.display_name} в {organisation.region.name_ru if organisation.region_id else 'регионе'}.",
            status=status,
            requested_amount=requested,
            total_cost=requested + cofinancing,
            cofinancing_amount=cofinancing,
            project_starts_on=call.project_starts_on,
            project_ends_on=call.project_ends_on,
            answers=_answers(title, lines, call, rng),
            declarations=list(call.required_documents),
            submission_token=uuid.uuid4(),
            submitted_at=submitted_at,
            withdrawn_at=submitted_at + dt.timedelta(days=2)
            if status == ApplicationStatus.WITHDRAWN
            else None,
            eligibility_checks=[],
            screening_reason="Не подтверждён опыт работы не менее одного года"
            if status == ApplicationStatus.INELIGIBLE
            else "",
            screened_by=staff
            if status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
            else None,
            screened_at=submitted_at + dt.timedelta(days=10)
            if status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
            else None,
        )
        applications.append(application)
        budgets[index] = lines
    created = Application.objects.bulk_create(applications)
    for application in created:
        application.number = f"{application.submitted_at:%y}-{application.call_id}-{application.pk:06d}"
    Application.objects.bulk_update(created, ["number"])
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(application=a, position=p, **line)
            for i, a in enumerate(created)
            for p, line in enumerate(budgets[i], start=1)
        ]
    )

    # Decisions, agreements and reports of the published call.
    published = [
        a
        for a in created
        if a.call_id == results_call.pk
        and a.status in (ApplicationStatus.AWARDED, ApplicationStatus.RESERVE, ApplicationStatus.REJECTED)
    ]
    decided_at = dt.datetime.combine(
        results_call.results_on - dt.timedelta(days=3), dt.time(12, 0, tzinfo=dt.UTC)
    )
    decisions = []
    for application in published:
        outcome = {
            ApplicationStatus.AWARDED: DecisionOutcome.AWARDED,
            ApplicationStatus.RESERVE: DecisionOutcome.RESERVE,
        }.get(application.status, DecisionOutcome.REJECTED)
        amount = (
            (application.requested_amount * Decimal(rng.choice([100, 100, 90, 80])) / 100).quantize(
                Decimal("1000")
            )
            if outcome == DecisionOutcome.AWARDED
            else Decimal(0)
        )
        decisions.append(
            Decision(
                application=application,
                outcome=outcome,
                awarded_amount=amount,
                decided_by=staff,
                decided_at=decided_at,
                reason="Решение конкурсной комиссии",
            )
        )
    Decision.objects.bulk_create(decisions)
    for number, decision in enumerate(
        [d for d in decisions if d.outcome == DecisionOutcome.AWARDED], start=1
    ):
        application = decision.application
        starts = results_call.results_on + dt.timedelta(days=20)
        agreement = Agreement.objects.create(
            application=application,
            number=f"СС-{results_call.results_on:%y}-{number:03d}",
            signed_on=results_call.results_on + dt.timedelta(days=14),
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=365),
            amount=decision.awarded_amount,
        )
        half = (decision.awarded_amount / 2).quantize(Decimal("0.01"))
        Tranche.objects.bulk_create(
            [
                Tranche(
                    agreement=agreement,
                    position=1,
                    amount=half,
                    due_on=agreement.signed_on + dt.timedelta(days=10),
                    paid_on=agreement.signed_on + dt.timedelta(days=8),
                ),
                Tranche(
                    agreement=agreement,
                    position=2,
                    amount=decision.awarded_amount - half,
                    due_on=starts + dt.timedelta(days=180),
                ),
            ]
        )
        interim_due = starts + dt.timedelta(days=150)
        status = rng.choice(
            [
                ReportStatus.ACCEPTED,
                ReportStatus.ACCEPTED,
                ReportStatus.SUBMITTED,
                ReportStatus.RETURNED,
                ReportStatus.DUE,
            ]
        )
        interim = GranteeReport.objects.create(
            agreement=agreement,
            kind=GranteeReport.Kind.INTERIM,
            due_on=interim_due,
            status=status,
            narrative=""
            if status == ReportStatus.DUE
            else "Проведены набор участников и первые занятия; сформирована команда волонтёров.",
            submitted_at=None
            if status == ReportStatus.DUE
            else timezone.make_aware(dt.datetime.combine(interim_due - dt.timedelta(days=2), dt.time(15))),
            reviewed_by=staff if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED) else None,
            review_note="Приложите фотоотчёт и списки участников" if status == ReportStatus.RETURNED else "",
        )
        if status != ReportStatus.DUE:
            ReportIndicator.objects.bulk_create(
                [
                    ReportIndicator(
                        report=interim,
                        name="Число благополучателей",
                        target=Decimal(300),
                        actual=Decimal(rng.randrange(120, 260)),
                    ),
                    ReportIndicator(
                        report=interim,
                        name="Число мероприятий",
                        target=Decimal(24),
                        actual=Decimal(rng.randrange(8, 16)),
                    ),
                ]
            )
        GranteeReport.objects.create(
            agreement=agreement,
            kind=GranteeReport.Kind.FINAL,
            due_on=agreement.ends_on + dt.timedelta(days=30),
        )
    Call.objects.filter(pk=results_call.pk).update(status=CallStatus.RESULTS_PUBLISHED)

    # The demo NGO's draft in the open call.
    ngo_user = ctx.data["ngo_user"]
    draft = services.application_start(
        call=open_call, organisation=ctx.data["ngo_organisation"], actor=ngo_user
    )
    services.application_autosave(
        application=draft,
        actor=ngo_user,
        data={
            "title": "Добрые соседи: школа местных активистов",
            "summary": "Обучим жителей микрорайонов запускать соседские инициативы и искать для них ресурсы.",
            "direction": next(iter(directions[open_call.pk].values())).pk,
            "answers": {
                "goal": "Создать в трёх микрорайонах устойчивые соседские сообщества.",
                "target_groups": "Жители многоквартирных домов, старшие по домам, местные активисты",
                "budget": [
                    {
                        "item": "Оплата труда тренеров",
                        "quantity": "6",
                        "unit_cost": "40000",
                        "requested": "216000",
                        "cofinancing": "24000",
                    },
                    {
                        "item": "Аренда зала",
                        "quantity": "12",
                        "unit_cost": "5000",
                        "requested": "54000",
                        "cofinancing": "6000",
                    },
                ],
            },
        },
    )

    _attach_demo_files(draft, review_call, ngo_user)
    _import_history(ctx, hub, staff)
    ctx.data["grant_calls"] = {"open": open_call, "review": review_call, "results": results_call}
    ctx.log(
        f"demo: grants — 3 calls, {len(created) + 1} applications, {sum(1 for d in decisions if d.outcome == 'awarded')} grants"
    )


def _status_for(call: Call, rng) -> str:
    roll = rng.random()
    if call.status == CallStatus.OPEN:
        return ApplicationStatus.SUBMITTED
    if roll < 0.05:
        return ApplicationStatus.WITHDRAWN
    if roll < 0.15:
        return ApplicationStatus.INELIGIBLE
    if call.status == CallStatus.REVIEW:
        return ApplicationStatus.UNDER_REVIEW
    if roll < 0.50:
        return ApplicationStatus.AWARDED
    if roll < 0.60:
        return ApplicationStatus.RESERVE
    return ApplicationStatus.REJECTED


def _budget(requested: Decimal, cofinancing: Decimal, rng) -> list[dict]:
    """Three lines whose requested and co-financed parts add up exactly (quantity × unit cost)."""
    shares = [Decimal("0.55"), Decimal("0.30")]
    items = [
        ("Оплата труда специалистов проекта", 12),
        ("Аренда помещения и оборудования", 10),
        ("Расходные материалы и печать", 1),
    ]
    lines, left_r, left_c = [], requested, cofinancing
    for position, (item, quantity) in enumerate(items):
        if position < 2:
            r = (requested * shares[position] / quantity).quantize(Decimal("1")) * quantity
            c = (cofinancing * shares[position] / quantity).quantize(Decimal("1")) * quantity
        else:
            r, c = left_r, left_c
        left_r, left_c = left_r - r, left_c - c
        lines.append(
            {
                "item": item,
                "quantity": Decimal(quantity),
                "unit_cost": (r + c) / quantity,
                "requested": r,
                "cofinancing": c,
            }
        )
    return lines


def _answers(title: str, lines: list[dict], call: Call, rng) -> dict:
    return {
        "goal": f"Достичь устойчивых изменений для благополучателей проекта «{title[:150]}».",
        "problem": "Благополучатели проекта не получают нужной помощи рядом с домом: специалистов мало, а программы поддержки разрознены.",
        "target_groups": rng.choice(
            [
                "Семьи с детьми",
                "Пожилые люди",
                "Подростки и молодёжь",
                "Люди с инвалидностью",
                "Жители сельских поселений",
            ]
        ),
        "beneficiaries": str(rng.randrange(80, 2000)),
        "results": "Не менее 40 мероприятий, методическое пособие, сообщество волонтёров, которое продолжит работу после проекта.",
        "budget": [{k: str(v) for k, v in line.items()} for line in lines],
        "plan": [
            {
                "activity": "Подготовительный этап",
                "starts_on": call.project_starts_on.isoformat(),
                "ends_on": (call.project_starts_on + dt.timedelta(days=60)).isoformat(),
                "result": "Команда и площадки",
            },
            {
                "activity": "Основные мероприятия",
                "starts_on": (call.project_starts_on + dt.timedelta(days=61)).isoformat(),
                "ends_on": call.project_ends_on.isoformat(),
                "result": "Мероприятия проведены",
            },
        ],
    }


def _import_history(ctx: DemoContext, hub, staff) -> None:
    from resurs.grants.history import history_import

    base = Path(settings.DATA_DIR) / "grants_history"
    files = [
        (
            "inop_2008.csv",
            "Президентские гранты 2008 года (ИНОП)",
            2008,
            {"number": 1, "organisation": 2, "title": 3, "amount": 4},
        ),
        (
            "gosclub_2009.csv",
            "Президентские гранты 2009 года (Гражданское достоинство)",
            2009,
            {"number": 1, "organisation": 2, "inn": 3, "title": 4, "amount": 5},
        ),
    ]
    for name, competition, year, mapping in files:
        path = base / name
        if not path.exists():
            ctx.log(f"demo: grants — {path} is missing, past results not imported")
            continue
        history_import(
            centre=hub,
            actor=staff,
            content=path.read_bytes(),
            filename=name,
            mapping=mapping,
            competition=competition,
            year=year,
        )


def _attach_demo_files(draft, review_call, ngo_user) -> None:
    """Letters of support on the demo NGO's draft and on the applications under review, so that staff can
    open them and anyone can see that others cannot (private files, docs/decisions/0007)."""
    from django.core.files.base import ContentFile

    from resurs.core.demo_files import demo_pdf, demo_upload
    from resurs.grants.models import Application, Attachment

    letter = demo_pdf(
        "Письмо поддержки",
        [
            "Администрация района поддерживает проект и готова предоставить помещение для занятий.",
            "Глава администрации района",
        ],
    )
    services.attachment_add(
        application=draft,
        actor=ngo_user,
        field_key="letters",
        upload=demo_upload("Письмо поддержки администрации района.pdf", letter),
    )
    # Every application under review carries its letter, so an expert's scoring page shows a file to open.
    for application in Application.objects.filter(call=review_call).select_related("organisation"):
        name = f"Письмо поддержки — {application.organisation.short_name or application.organisation.name}"[
            :120
        ]
        attachment = Attachment(
            application=application,
            field_key="letters",
            original_name=f"{name}.pdf",
            size=len(letter),
            uploaded_by=application.applicant,
        )
        attachment.file.save(attachment.original_name, ContentFile(letter), save=False)
        attachment.save()
