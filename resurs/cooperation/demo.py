"""Demo cooperation: ~250 partnerships across the demo registry (business→NGO funding and pro bono, government
subsidies and social contracts, media information partnerships, joint programmes) from 2015 to 2026; corporate
volunteering of ~30 companies over three years; business people on NGO boards; the federal Public Chamber,
regional chambers and municipal councils with members; ~40 requests for advice, some overdue, some answered."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from resurs.accounts.models import User
from resurs.cooperation import services
from resurs.cooperation.choices import (
    AdviceStatus,
    AdvisoryKind,
    AdvisoryLevel,
    PartnershipType,
    sector_of,
)
from resurs.cooperation.models import (
    AdviceRequest,
    AdvisoryBody,
    CorporateVolunteering,
    GovernanceSeat,
    Partnership,
)
from resurs.core.demo import DemoContext
from resurs.registry import services as registry_services
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Centre, Organisation, Person, Region, Tie

FUNDING_TITLES = [
    "Грант на программу «{topic}»",
    "Благотворительное пожертвование на проект «{topic}»",
    "Целевое финансирование программы «{topic}»",
    "Конкурс социальных проектов компании: «{topic}»",
]
PRO_BONO_TITLES = [
    "Юридическое сопровождение pro bono",
    "Бухгалтерский аутсорсинг pro bono",
    "Разработка сайта и фирменного стиля pro bono",
    "Стратегическая сессия и консалтинг pro bono",
    "Бесплатное размещение наружной рекламы",
]
VOLUNTEERING_TITLES = [
    "Корпоративный волонтёрский день «{topic}»",
    "Программа наставничества сотрудников компании",
    "Интеллектуальное волонтёрство: «{topic}»",
]
SUBSIDY_TITLES = [
    "Субсидия социально ориентированным НКО: «{topic}»",
    "Региональный грант на проект «{topic}»",
    "Субсидия на оказание услуг в сфере «{topic}»",
]
CONTRACT_TITLES = [
    "Социальный заказ: услуги по уходу за пожилыми людьми",
    "Социальный заказ: сопровождение семей с детьми-инвалидами",
    "Социальный заказ: постинтернатное сопровождение выпускников",
    "Социальный заказ: реабилитация людей с зависимостью",
]
INFO_TITLES = [
    "Информационное партнёрство: рубрика «Доброе дело»",
    "Цикл передач о некоммерческих организациях региона",
    "Медиаподдержка форума некоммерческих организаций",
    "Спецпроект о волонтёрах «{topic}»",
]
JOINT_TITLES = [
    "Совместная программа «{topic}»",
    "Межсекторный проект «{topic}»",
    "Партнёрская программа развития местных сообществ «{topic}»",
]
TOPICS = [
    "Старшее поколение",
    "Равные возможности",
    "Добрый город",
    "Зелёный двор",
    "Шаг навстречу",
    "Детство без границ",
    "Школа волонтёра",
    "Культура рядом",
    "Здоровые привычки",
    "Открытая библиотека",
    "Семья в центре",
    "Трудоустройство без барьеров",
    "Чистые берега",
    "Память поколений",
]
OUTCOMES = [
    "Помощь получили {n} человек; проведено {m} мероприятий.",
    "Подготовлено {m} волонтёров; охват — {n} благополучателей.",
    "Запущено {m} новых услуг; обратная связь от {n} участников.",
]
ADVICE_TOPICS = [
    "Порядок предоставления субсидий СО НКО в 2027 году",
    "Критерии оценки заявок на региональный грантовый конкурс",
    "Методика оценки социального воздействия благотворительной программы компании",
    "Организация корпоративного волонтёрства для сотрудников",
    "Реестр поставщиков социальных услуг: как привлечь НКО",
    "Стандарт поддержки НКО в муниципальных образованиях",
    "Социальный заказ: отбор исполнителей услуг",
    "Проект программы поддержки добровольчества в регионе",
    "Оценка эффективности мер поддержки СО НКО",
    "Ресурсный центр в районе: модель и бюджет",
    "Благотворительная стратегия компании на три года",
    "Нефинансовая отчётность компании: социальные проекты",
    "Экспертиза проекта закона о благотворительной деятельности",
    "Включение НКО в работу общественных советов",
]
ADVICE_ANSWERS = [
    "Направляем заключение центра с рекомендациями по критериям и процедуре; предлагаем провести рабочую встречу.",
    "Подготовлен обзор практики других регионов и проект методических рекомендаций (во вложении).",
    "Рекомендуем поэтапный порядок: информирование НКО, консультации, прозрачный отбор, публичный отчёт.",
]


def _money(rng, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 10_000))


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("cooperation")
    today = timezone.localdate()
    hub: Centre = ctx.data.get("hub") or Centre.objects.get(is_hub=True)
    centres_by_region = {c.organisation.region_id: c for c in Centre.objects.select_related("organisation")}

    by_kind: dict[str, list[Organisation]] = defaultdict(list)
    for org in Organisation.objects.only("id", "kind", "region_id", "name", "short_name").order_by("pk"):
        by_kind[org.kind].append(org)
    ngos = by_kind[OrganisationKind.NGO] + by_kind[OrganisationKind.FOUNDATION]
    businesses = by_kind[OrganisationKind.BUSINESS]
    governments = by_kind[OrganisationKind.GOVERNMENT]
    media = by_kind[OrganisationKind.MEDIA]
    if not (ngos and businesses and governments and media):
        ctx.log("  cooperation: the registry demo has no organisations of every sector; skipped")
        return
    ngos_by_region: dict[int, list[Organisation]] = defaultdict(list)
    for org in ngos:
        ngos_by_region[org.region_id].append(org)

    def ngo_near(org: Organisation) -> Organisation:
        local = ngos_by_region.get(org.region_id)
        return rng.choice(local) if local and rng.random() < 0.8 else rng.choice(ngos)

    def centre_for(org: Organisation) -> Centre:
        return centres_by_region.get(org.region_id, hub) if rng.random() < 0.5 else hub

    def period(*, min_months: int, max_months: int) -> tuple[dt.date, dt.date | None]:
        start = dt.date(2015, 1, 1) + dt.timedelta(
            days=rng.randint(0, (today - dt.date(2015, 1, 1)).days - 30)
        )
        end = start + dt.timedelta(days=30 * rng.randint(min_months, max_months))
        return start, (None if end > today and rng.random() < 0.6 else end)

    # 1. Partnerships (the partner demo user's company and the demo NGO have some of their own).
    specs = [
        (0.30, PartnershipType.FUNDING, businesses, FUNDING_TITLES, (200_000, 5_000_000), (6, 24)),
        (0.14, PartnershipType.PRO_BONO, businesses, PRO_BONO_TITLES, (50_000, 1_500_000), (3, 18)),
        (
            0.08,
            PartnershipType.CORPORATE_VOLUNTEERING,
            businesses,
            VOLUNTEERING_TITLES,
            (80_000, 600_000),
            (1, 12),
        ),
        (
            0.16,
            PartnershipType.GOVERNMENT_SUBSIDY,
            governments,
            SUBSIDY_TITLES,
            (300_000, 8_000_000),
            (9, 24),
        ),
        (0.06, PartnershipType.SOCIAL_CONTRACT, governments, CONTRACT_TITLES, (600_000, 4_000_000), (12, 36)),
        (0.16, PartnershipType.INFORMATION, media, INFO_TITLES, None, (3, 24)),
        (
            0.10,
            PartnershipType.JOINT_PROGRAMME,
            businesses + governments,
            JOINT_TITLES,
            (500_000, 6_000_000),
            (12, 48),
        ),
    ]
    total = ctx.count(250, 20)
    partner_company = businesses[0]
    demo_ngo = ctx.data.get("ngo_organisation") or ngos[0]
    rows: list[Partnership] = []
    for share, kind, givers, titles, money, months in specs:
        for index in range(max(1, round(total * share))):
            giver = rng.choice(givers)
            receiver = ngo_near(giver)
            if index == 0:
                receiver = demo_ngo
            if index == 1 and kind in (PartnershipType.FUNDING, PartnershipType.PRO_BONO):
                giver = partner_company
            start, end = period(min_months=months[0], max_months=months[1])
            value = None
            if money and not (kind == PartnershipType.CORPORATE_VOLUNTEERING and rng.random() < 0.4):
                value = _money(rng, *money)
            elif kind == PartnershipType.INFORMATION and rng.random() < 0.3:
                value = _money(rng, 30_000, 300_000)  # the money equivalent of airtime or pages
            rows.append(
                Partnership(
                    centre=centre_for(receiver),
                    organisation_a=giver,
                    organisation_b=receiver,
                    sector_a=sector_of(giver.kind),
                    sector_b=sector_of(receiver.kind),
                    type=kind,
                    title=rng.choice(titles).format(topic=rng.choice(TOPICS)),
                    started_on=start,
                    ended_on=end,
                    value=value,
                    outcomes=rng.choice(OUTCOMES).format(n=rng.randint(40, 3000), m=rng.randint(3, 60))
                    if end and end <= today
                    else "",
                )
            )
    Partnership.objects.bulk_create(rows, batch_size=500)

    # 2. Corporate volunteering: ~30 companies over the last three years.
    volunteering = []
    sample = rng.sample(businesses[1:], min(len(businesses) - 1, ctx.count(30, 3) - 1))
    for company in [partner_company, *sample]:  # the partner demo user's company volunteers too
        base = rng.randint(10, 250)
        for year in (today.year - 2, today.year - 1, today.year):
            volunteers = max(3, int(base * rng.uniform(0.7, 1.4)))
            volunteering.append(
                CorporateVolunteering(
                    centre=centre_for(company),
                    company=company,
                    year=year,
                    volunteers=volunteers,
                    hours=volunteers * rng.randint(4, 16),
                    programme=rng.choice(
                        ["Добрые выходные", "Наставники", "Команда добра", "Серебряные волонтёры"]
                    ),
                )
            )
    CorporateVolunteering.objects.bulk_create(volunteering)

    # 3. Business people on NGO boards: company leaders join boards of NGOs in their region (through the
    #    services, so the overlap rule holds for the demo too).
    leaders = {
        tie.organisation_id: tie.person
        for tie in Tie.objects.filter(
            role=TieRole.LEADER, organisation__kind=OrganisationKind.BUSINESS
        ).select_related("person")
    }
    seats = 0
    for index, company in enumerate(rng.sample(businesses, min(len(businesses), ctx.count(60, 4)))):
        person = leaders.get(company.pk)
        if person is None:
            continue
        ngo = demo_ngo if index == 0 else ngo_near(company)  # the demo NGO has a business person on its board
        started = today - dt.timedelta(days=rng.randint(120, 3200))
        ended = started + dt.timedelta(days=365 * rng.randint(2, 5)) if rng.random() < 0.3 else None
        try:
            services.membership_create(
                centre=centre_for(ngo),
                actor=None,
                person=person,
                organisation=ngo,
                role=TieRole.BOARD_MEMBER,
                title=rng.choice(
                    ["Член попечительского совета", "Председатель попечительского совета", "Член правления"]
                ),
                started_on=started,
                ended_on=ended if ended and ended < today else None,
                main_affiliation=company,
            )
        except ValidationError:  # the registry demo already seated this person on that board
            continue
        seats += 1

    # 4. Advisory bodies: the registry's regional public chambers, the federal one and municipal councils.
    ministries_by_region = {g.region_id: g for g in governments}
    bodies = []
    for chamber in by_kind[OrganisationKind.ADVISORY_BODY]:
        ministry = ministries_by_region.get(chamber.region_id) or rng.choice(governments)
        bodies.append(
            AdvisoryBody(
                organisation=chamber,
                kind=AdvisoryKind.PUBLIC_CHAMBER,
                level=AdvisoryLevel.REGIONAL,
                government_body=ministry,
                centre=centres_by_region.get(chamber.region_id, hub),
            )
        )
    AdvisoryBody.objects.bulk_create(bodies)
    # Seats of the registry's advisory members get their main affiliation: the organisation they lead.
    led_by = dict(Tie.objects.filter(role=TieRole.LEADER).values_list("person_id", "organisation_id"))
    advisory_ties = Tie.objects.filter(
        role=TieRole.ADVISORY_MEMBER, governance_seat__isnull=True
    ).select_related("organisation")
    kinds = dict(Organisation.objects.filter(pk__in=set(led_by.values())).values_list("pk", "kind"))
    GovernanceSeat.objects.bulk_create(
        [
            GovernanceSeat(
                tie=tie,
                centre=centres_by_region.get(tie.organisation.region_id, hub),
                main_affiliation_id=led_by.get(tie.person_id),
                affiliation_sector=sector_of(kinds[led_by[tie.person_id]]) if tie.person_id in led_by else "",
            )
            for tie in advisory_ties
        ]
    )

    government = registry_services.organisation_create(
        actor=None,
        data={
            "name": "Правительство Российской Федерации",
            "kind": OrganisationKind.GOVERNMENT,
            "city": "Москва",
        },
    )
    federal = registry_services.organisation_create(
        actor=None,
        data={
            "name": "Общественная палата Российской Федерации",
            "short_name": "ОП РФ",
            "kind": OrganisationKind.ADVISORY_BODY,
            "city": "Москва",
        },
    )
    council_specs = [
        (federal, government, AdvisoryKind.PUBLIC_CHAMBER, AdvisoryLevel.FEDERAL),
    ]
    for city, code in (("Екатеринбурга", "66"), ("Казани", "16")):
        region = Region.objects.filter(fns_code=code).first() or hub.organisation.region
        administration = registry_services.organisation_create(
            actor=None,
            data={
                "name": f"Администрация города {city}",
                "kind": OrganisationKind.GOVERNMENT,
                "region": region,
            },
        )
        council = registry_services.organisation_create(
            actor=None,
            data={
                "name": f"Общественный совет при администрации города {city}",
                "kind": OrganisationKind.ADVISORY_BODY,
                "region": region,
            },
        )
        council_specs.append((council, administration, AdvisoryKind.PUBLIC_COUNCIL, AdvisoryLevel.MUNICIPAL))
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    person_objects = Person.objects.in_bulk(rng.sample(people, min(len(people), ctx.count(40, 8))))
    pool = list(person_objects.values())
    for body_org, at, kind, level in council_specs:
        services.advisory_body_create(
            centre=hub, actor=None, organisation=body_org, government_body=at, level=level, kind=kind
        )
        for _ in range(ctx.count(15, 2) if level == AdvisoryLevel.FEDERAL else ctx.count(8, 2)):
            if not pool:
                break
            person = pool.pop()
            affiliation_id = led_by.get(person.pk)
            started = dt.date(rng.choice([2017, 2020, 2023]), 6, 19)
            services.membership_create(
                centre=hub,
                actor=None,
                person=person,
                organisation=body_org,
                role=TieRole.ADVISORY_MEMBER,
                title="Член Общественной палаты"
                if kind == AdvisoryKind.PUBLIC_CHAMBER
                else "Член общественного совета",
                started_on=started,
                ended_on=started + dt.timedelta(days=3 * 365 - 1) if started.year < 2023 else None,
                main_affiliation=Organisation.objects.filter(pk=affiliation_id).first()
                if affiliation_id
                else None,
            )
            seats += 1

    # 5. Requests for advice from regional ministries and companies, mostly to the hub.
    advice = []
    staff = list(User.objects.filter(username__in=["staff", "manager"]))
    contacts = list(Person.objects.order_by("pk")[:200])
    for index in range(ctx.count(40, 6)):
        requester = rng.choice(governments) if rng.random() < 0.6 else rng.choice(businesses)
        received = today - dt.timedelta(days=rng.randint(0, 150) if index % 2 else rng.randint(0, 25))
        due = received + dt.timedelta(days=rng.choice([10, 14, 21, 30]))
        contact = rng.choice(contacts)
        if due < today:
            status = rng.choices(
                [AdviceStatus.ANSWERED, AdviceStatus.CLOSED, AdviceStatus.IN_WORK, AdviceStatus.RECEIVED],
                [6, 4, 1, 1],
            )[0]
        else:
            status = rng.choice([AdviceStatus.RECEIVED, AdviceStatus.IN_WORK])
        answered = status in (AdviceStatus.ANSWERED, AdviceStatus.CLOSED)
        answered_at = timezone.make_aware(
            dt.datetime.combine(min(due, received + dt.timedelta(days=rng.randint(3, 20))), dt.time(15, 30))
        )
        advice.append(
            AdviceRequest(
                centre=hub if index % 5 else centres_by_region.get(requester.region_id, hub),
                topic=rng.choice(ADVICE_TOPICS),
                question="Просим дать заключение и рекомендации центра по вопросу, указанному в теме обращения.",
                requester=requester,
                contact_person=contact,
                contact_name=contact.full_name,
                received_on=received,
                due_on=due,
                status=status,
                response=rng.choice(ADVICE_ANSWERS) if answered else "",
                assignee=rng.choice(staff) if staff and status != AdviceStatus.RECEIVED else None,
                answered_by=rng.choice(staff) if staff and answered else None,
                answered_at=answered_at if answered else None,
                closed_at=answered_at if status == AdviceStatus.CLOSED else None,
            )
        )
    AdviceRequest.objects.bulk_create(advice)
    own = _requests_of_the_personas(hub, today)
    ctx.log(
        f"  {len(rows)} partnerships, {len(volunteering)} volunteering years, {seats} board and council seats, "
        f"{len(bodies) + len(council_specs)} advisory bodies, {len(advice) + own} requests for advice"
    )


PERSONA_REQUESTS = {
    # The partner (a company's CSR manager) and the official (a regional ministry) filed these themselves.
    "partner": [
        (
            "Выбор НКО-партнёров для программы корпоративного волонтёрства",
            "Компания планирует программу волонтёрства сотрудников на 2027 год. Какие НКО региона готовы принимать "
            "волонтёров регулярно и как оценить их надёжность?",
            AdviceStatus.ANSWERED,
            "Рекомендуем начать с пяти организаций, прошедших отбор центра в 2026 году; список и критерии оценки "
            "приложены. Центр готов провести установочную встречу для сотрудников компании.",
        ),
        (
            "Условия софинансирования социальных проектов",
            "Какую долю софинансирования разумно требовать от НКО в конкурсе компании и как её подтверждать?",
            AdviceStatus.IN_WORK,
            "",
        ),
    ],
    "official": [
        (
            "Порядок предоставления субсидий СО НКО в 2027 году",
            "Просим дать заключение о проекте порядка предоставления субсидий социально ориентированным НКО: "
            "критерии отбора, сроки отчётности, требования к софинансированию.",
            AdviceStatus.ANSWERED,
            "Центр считает проект в целом обоснованным. Предлагаем снизить требование о софинансировании до 10 % "
            "для организаций, работающих менее трёх лет, и сократить форму отчёта до двух страниц.",
        ),
        (
            "Поддержка НКО малых городов региона",
            "Какие меры поддержки НКО в малых городах центр считает первоочередными на 2027 год?",
            AdviceStatus.RECEIVED,
            "",
        ),
        (
            "Состав общественного совета при министерстве",
            "Просим рекомендовать кандидатов от НКО в новый состав общественного совета при министерстве.",
            AdviceStatus.IN_WORK,
            "",
        ),
    ],
}


def _requests_of_the_personas(hub: Centre, today: dt.date) -> int:
    """Requests the partner and the official filed themselves, so their desk and list have something to follow."""
    from resurs.accounts.models import Representation

    staff = User.objects.filter(username="staff").first()
    created = 0
    for username, specs in PERSONA_REQUESTS.items():
        representation = (
            Representation.objects.filter(user__username=username)
            .select_related("user", "organisation")
            .first()
        )
        if representation is None:
            continue
        user, organisation = representation.user, representation.organisation
        for index, (topic, question, status, response) in enumerate(specs):
            received = today - dt.timedelta(days=40 - index * 15)
            answered = status == AdviceStatus.ANSWERED
            AdviceRequest.objects.create(
                centre=hub,
                topic=topic,
                question=question,
                requester=organisation,
                contact_person=user.person,
                contact_name=user.get_full_name(),
                contact_email=user.email,
                received_on=received,
                due_on=received + dt.timedelta(days=30),
                status=status,
                response=response,
                assignee=staff if status != AdviceStatus.RECEIVED else None,
                answered_by=staff if answered else None,
                answered_at=timezone.make_aware(
                    dt.datetime.combine(received + dt.timedelta(days=12), dt.time(11))
                )
                if answered
                else None,
            )
            created += 1
    return created
