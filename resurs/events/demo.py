"""Demo events around 26 November 2026: the hub's national forum of NGOs (today), regional conferences,
seminars, webinars and round tables of several centres; past ones with outcomes and materials, upcoming ones
with registrations and a waiting list."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from resurs.core.demo import DemoContext

TODAY = dt.date(2026, 11, 26)

ZONES = {"siberian": "Asia/Novosibirsk", "ural": "Asia/Yekaterinburg", "far_east": "Asia/Vladivostok"}

# (kind, title, summary, days, start hour)
TEMPLATES = [
    (
        "conference",
        "Региональная конференция «НКО и власть: практики партнёрства»",
        "Как некоммерческие организации, органы власти и бизнес региона решают социальные задачи вместе.",
        2,
        10,
    ),
    (
        "seminar",
        "Семинар «Как подготовить заявку на президентский грант»",
        "Разбор критериев экспертизы, типичных ошибок и бюджета проекта.",
        1,
        11,
    ),
    (
        "webinar",
        "Вебинар «Отчётность НКО в Минюст: сроки и формы»",
        "Какие отчёты сдавать, в какие сроки и как избежать штрафов.",
        1,
        15,
    ),
    (
        "round_table",
        "Круглый стол «Активное долголетие в малых городах»",
        "Обсуждение услуг для пожилых жителей вне областных центров.",
        1,
        14,
    ),
    (
        "seminar",
        "Семинар «Волонтёрский менеджмент для небольших НКО»",
        "Как привлечь, обучить и удержать добровольцев.",
        1,
        10,
    ),
    (
        "webinar",
        "Вебинар «Фандрайзинг в социальных сетях»",
        "Онлайн-сборы, отчётность перед жертвователями и доверие.",
        1,
        16,
    ),
    (
        "round_table",
        "Круглый стол «Поставщики социальных услуг: доступ НКО к бюджетным средствам»",
        "Реестр поставщиков, сертификаты и конкурсы на оказание услуг.",
        1,
        11,
    ),
    (
        "conference",
        "Межрегиональная конференция «Социальное предпринимательство и НКО»",
        "Устойчивые модели финансирования социальных проектов.",
        2,
        10,
    ),
    (
        "seminar",
        "Семинар «Оценка социальных результатов проекта»",
        "Логическая модель, показатели и сбор данных о результатах.",
        1,
        10,
    ),
    ("webinar", "Вебинар «Информационная открытость НКО»", "Годовой отчёт, сайт и работа со СМИ.", 1, 12),
]

SESSION_TITLES = [
    "Открытие и приветственное слово",
    "Пленарное заседание",
    "Практикум в малых группах",
    "Кейсы участников",
    "Панельная дискуссия",
    "Вопросы и ответы",
    "Подведение итогов",
]

FORUM_SESSIONS = [
    ("Пленарное заседание «Некоммерческий сектор 2026: итоги и вызовы»", 0, 10, 12),
    ("Секция «Ресурсные центры: поддержка НКО в малых городах»", 0, 13, 15),
    ("Секция «Волонтёрство и добровольчество»", 0, 13, 15),
    ("Секция «Социальные услуги и поставщики из числа НКО»", 0, 15, 17),
    ("Стратегическая сессия «Повестка сектора на 2027 год»", 1, 10, 13),
    ("Церемония награждения «Лучшие практики НКО»", 1, 14, 16),
]

OUTCOMES = (
    "Участники обсудили итоги года и приняли резолюцию. Ключевые предложения: расширить доступ НКО к "
    "бюджетным средствам на оказание социальных услуг, упростить отчётность небольших организаций, "
    "создать сеть наставников в малых городах. Материалы выступлений опубликованы ниже."
)

FIRST = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Ирина",
    "Наталья",
    "Татьяна",
    "Светлана",
    "Дмитрий",
    "Алексей",
    "Сергей",
    "Андрей",
    "Михаил",
    "Екатерина",
    "Юлия",
    "Павел",
]
LAST = [
    "Иванова",
    "Смирнова",
    "Кузнецова",
    "Попова",
    "Васильева",
    "Соколова",
    "Михайлова",
    "Новикова",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егорова",
    "Павлова",
]


def _zone(centre) -> str:
    region = centre.organisation.region
    code = region.federal_district.code if region else ""
    for key, zone in ZONES.items():
        if key in code:
            return zone
    return "Europe/Moscow"


def _at(day: dt.date, hour: int, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=ZoneInfo(zone))


def build(ctx: DemoContext) -> None:
    from resurs.events.choices import EventStatus, MaterialKind, RegistrationStatus
    from resurs.events.models import Event, Material, Registration, Session, new_registration_code
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.models import Centre, Organisation, Person

    rng = ctx.rng("events")
    hub = ctx.data["hub"]
    centres = [hub] + list(
        Centre.objects.exclude(pk=hub.pk)
        .select_related("organisation__region__federal_district")
        .order_by("pk")[: ctx.count(6, 2)]
    )
    hub = Centre.objects.select_related("organisation__region__federal_district").get(pk=hub.pk)
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:600])
    partners = list(
        Organisation.objects.filter(
            kind__in=[
                OrganisationKind.BUSINESS,
                OrganisationKind.GOVERNMENT,
                OrganisationKind.FOUNDATION,
                OrganisationKind.UNIVERSITY,
            ]
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    ngos = list(
        Organisation.objects.filter(kind=OrganisationKind.NGO)
        .order_by("pk")
        .values_list("name", flat=True)[:300]
    )
    from resurs.accounts.models import User

    staff = User.objects.filter(username="staff").first()
    ngo_user = ctx.data.get("ngo_user")

    events: list[Event] = []
    sessions: list[tuple[Session, list[int]]] = []

    # 1. The national forum of NGOs at the hub, today and tomorrow.
    zone = _zone(hub)
    forum = Event(
        centre=hub,
        kind="forum",
        status=EventStatus.PUBLISHED,
        created_by=staff,
        title="Всероссийский форум некоммерческих организаций «Ресурс-2026»",
        summary="Главная встреча сектора: итоги года, лучшие практики НКО и повестка на 2027 год.",
        description=(
            "Два дня пленарных заседаний, секций и стратегических сессий для руководителей НКО, ресурсных "
            "центров, представителей власти, бизнеса и СМИ. Участие бесплатное, по предварительной регистрации."
        ),
        starts_at=_at(TODAY, 10, zone),
        ends_at=_at(TODAY + dt.timedelta(days=1), 17, zone),
        time_zone=zone,
        region=hub.organisation.region,
        venue="Конгресс-центр «Соборный»",
        address=f"{hub.organisation.city or 'г. Москва'}, ул. Соборная, 12",
        capacity=400,
        online_url="https://forum.resurs.example/live",
    )
    events.append(forum)
    for title, day, start, end in FORUM_SESSIONS:
        session = Session(
            event=forum,
            title=title,
            starts_at=_at(TODAY + dt.timedelta(days=day), start, zone),
            ends_at=_at(TODAY + dt.timedelta(days=day), end, zone),
            room=rng.choice(["Большой зал", "Зал «Волга»", "Зал «Нева»", "Зал «Кама»"]),
        )
        sessions.append((session, rng.sample(people, 3)))

    # 2. Regional events of the centres: past (with outcomes) and upcoming.
    per_centre = ctx.count(6, 2)
    for centre in centres:
        zone = _zone(centre)
        for index in range(per_centre):
            kind, title, summary, days, hour = TEMPLATES[(index + centre.pk) % len(TEMPLATES)]
            offset = rng.choice([-75, -48, -30, -14, -6, 2, 7, 12, 19, 26, 40, 55])
            day = TODAY + dt.timedelta(days=offset)
            online = kind == "webinar"
            region = centre.organisation.region
            event = Event(
                centre=centre,
                kind=kind,
                status=EventStatus.PUBLISHED,
                created_by=staff if centre == hub else None,
                title=title,
                summary=summary,
                description=f"{summary} Организатор — {centre}. Участие бесплатное, требуется регистрация.",
                starts_at=_at(day, hour, zone),
                ends_at=_at(day + dt.timedelta(days=days - 1), hour + 3 + 3 * (days > 1), zone),
                time_zone=zone,
                region=region,
                venue=""
                if online
                else rng.choice(
                    [
                        "Дом НКО",
                        "Конференц-зал администрации",
                        "Библиотека им. Горького",
                        "Центр социальных инноваций",
                    ]
                ),
                address="" if online else f"{centre.organisation.city or ''}".strip(),
                online_url=f"https://webinar.resurs.example/{centre.slug}-{index}" if online else "",
                capacity=rng.choice([30, 40, 60, 100]) if not online else 300,
                outcomes=OUTCOMES if offset < 0 else "",
            )
            events.append(event)
            for n, session_title in enumerate(rng.sample(SESSION_TITLES, 3)):
                start = event.starts_at + dt.timedelta(hours=n)
                sessions.append(
                    (
                        Session(
                            event=event,
                            title=session_title,
                            starts_at=start,
                            ends_at=start + dt.timedelta(minutes=50),
                        ),
                        rng.sample(people, rng.randint(1, 2)),
                    )
                )
    # A draft in preparation at the hub.
    events.append(
        Event(
            centre=hub,
            kind="conference",
            status=EventStatus.DRAFT,
            created_by=staff,
            title="Конференция «Итоги грантового года» (в подготовке)",
            summary="Программа формируется.",
            starts_at=_at(TODAY + dt.timedelta(days=60), 10, "Europe/Moscow"),
            ends_at=_at(TODAY + dt.timedelta(days=60), 17, "Europe/Moscow"),
            venue="Дом НКО",
        )
    )
    Event.objects.bulk_create(events)
    Session.objects.bulk_create([session for session, _speakers in sessions])
    through = Session.speakers.through
    through.objects.bulk_create(
        [through(session_id=session.pk, person_id=pk) for session, speakers in sessions for pk in speakers]
    )
    organisers = Event.organisers.through
    partner_links = Event.partners.through
    organisers.objects.bulk_create(
        [organisers(event_id=e.pk, organisation_id=e.centre.organisation_id) for e in events]
    )
    partner_links.objects.bulk_create(
        [
            partner_links(event_id=e.pk, organisation_id=pk)
            for e in events
            for pk in rng.sample(partners, min(2, len(partners)))
        ]
    )

    # 3. Registrations: past events full of checked-in people; upcoming ones filling up; one with a waiting list.
    registrations: list[Registration] = []
    codes: set[str] = set()

    def code() -> str:
        while True:
            value = new_registration_code()
            if value not in codes:
                codes.add(value)
                return value

    now = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
    public = [e for e in events if e.status == EventStatus.PUBLISHED]
    upcoming_small = [e for e in public if e.starts_at > now and e is not forum and e.kind != "webinar"]
    oversubscribed = upcoming_small[0] if upcoming_small else None
    for event in public:
        capacity = event.capacity or 50
        if event is forum:
            wanted = ctx.count(260, 12)
        elif event is oversubscribed:
            wanted = capacity + 4  # the last upcoming one is over-subscribed: a waiting list
        else:
            wanted = rng.randint(capacity // 3, capacity) if ctx.scale >= 0.5 else min(capacity, 6)
        for n in range(wanted):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            status = RegistrationStatus.CONFIRMED if n < capacity else RegistrationStatus.WAITLISTED
            past = event.ends_at < now
            checked = past and rng.random() < 0.8 or (event is forum and rng.random() < 0.45)
            registrations.append(
                Registration(
                    event=event,
                    name=f"{last} {first}",
                    email=f"participant{event.pk}-{n}@example.org",
                    organisation_name=rng.choice(ngos) if ngos else "",
                    status=status,
                    code=code(),
                    consent_given_at=event.starts_at - dt.timedelta(days=rng.randint(2, 20)),
                    checked_in_at=event.starts_at + dt.timedelta(minutes=rng.randint(-30, 20))
                    if checked and status == RegistrationStatus.CONFIRMED
                    else None,
                    created_at=event.starts_at - dt.timedelta(days=rng.randint(3, 30), minutes=n),
                )
            )
    if ngo_user is not None:
        for event in [forum] + [e for e in public if e.starts_at > now][:2]:
            registrations.append(
                Registration(
                    event=event,
                    user=ngo_user,
                    name=ngo_user.get_full_name() or ngo_user.username,
                    email=ngo_user.email,
                    status=RegistrationStatus.CONFIRMED,
                    code=code(),
                    consent_given_at=now,
                )
            )
    Registration.objects.bulk_create(registrations, batch_size=500)

    # 4. Materials of past events.
    materials = []
    for event in public:
        if event.ends_at < now:
            materials.append(
                Material(
                    event=event,
                    kind=MaterialKind.PRESENTATION,
                    title="Презентации спикеров",
                    url=f"https://disk.resurs.example/events/{event.pk}/slides",
                )
            )
            materials.append(
                Material(
                    event=event,
                    kind=MaterialKind.RECORDING,
                    title="Видеозапись",
                    url=f"https://video.resurs.example/events/{event.pk}",
                )
            )
            if event.kind in {"conference", "round_table", "forum"}:
                materials.append(
                    Material(
                        event=event,
                        kind=MaterialKind.RESOLUTION,
                        title="Резолюция",
                        url=f"https://disk.resurs.example/events/{event.pk}/resolution.pdf",
                    )
                )
    Material.objects.bulk_create(materials)
    ctx.data["events_forum"] = forum
    ctx.log(f"  events: {len(events)}, registrations: {len(registrations)}")
