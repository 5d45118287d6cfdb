"""Demo information space: topics, ~80 journalists of the registry's media outlets, two press announcements
already sent, ~30 reports and reviews, a print catalogue of 1995–2015, and ~10 social challenges."""

from __future__ import annotations

import datetime as dt

from resurs.core.demo import DemoContext
from resurs.grants.selectors import direction_list

TOPICS = [
    ("ageing", "Старшее поколение", "Older people"),
    ("disability", "Люди с инвалидностью", "Disability"),
    ("children", "Дети и семья", "Children and families"),
    ("volunteering", "Волонтёрство", "Volunteering"),
    ("health", "Здоровье", "Health"),
    ("education", "Образование", "Education"),
    ("ecology", "Экология", "Environment"),
    ("culture", "Культура", "Culture"),
    ("poverty", "Бедность", "Poverty"),
    ("civil-society", "Гражданское общество", "Civil society"),
    ("social-services", "Социальные услуги", "Social services"),
    ("migration", "Мигранты и адаптация", "Migration"),
]

REPORTS = [
    (
        "Доступность социальных услуг для пожилых в малых городах",
        "Access to social services for older people in small towns",
        "report",
        ["ageing", "social-services"],
    ),
    (
        "Волонтёрство в регионах: итоги 2025 года",
        "Volunteering in the regions: 2025 in review",
        "report",
        ["volunteering"],
    ),
    (
        "Некоммерческий сектор региона: ежегодный доклад 2025",
        "The region's non-profit sector: annual report 2025",
        "report",
        ["civil-society"],
    ),
    (
        "Положение семей с детьми с инвалидностью",
        "Families raising children with disabilities",
        "report",
        ["disability", "children"],
    ),
    (
        "Сельские НКО: ресурсы и барьеры развития",
        "Rural NGOs: resources and barriers",
        "review",
        ["civil-society"],
    ),
    (
        "НКО — поставщики социальных услуг: доступ к бюджетным средствам",
        "NGOs as providers of social services: access to public funds",
        "review",
        ["social-services"],
    ),
    (
        "Одиночество пожилых людей: масштаб проблемы и практики помощи",
        "Loneliness in old age: scale and practices",
        "report",
        ["ageing"],
    ),
    (
        "Инклюзивное трудоустройство: опыт работодателей и НКО",
        "Inclusive employment: employers and NGOs",
        "review",
        ["disability"],
    ),
    (
        "Профилактика социального сиротства: региональные практики",
        "Preventing social orphanhood: regional practices",
        "report",
        ["children"],
    ),
    (
        "Благотворительность жителей: результаты опроса 2026 года",
        "Local giving: 2026 survey results",
        "review",
        ["civil-society"],
    ),
    (
        "Экологические инициативы НКО в промышленных городах",
        "Environmental NGO initiatives in industrial towns",
        "report",
        ["ecology"],
    ),
    (
        "Бедность работающих семей: что могут сделать НКО",
        "In-work poverty: what NGOs can do",
        "report",
        ["poverty", "children"],
    ),
    (
        "Паллиативная помощь на дому: доступность и качество",
        "Palliative care at home: access and quality",
        "review",
        ["health"],
    ),
    (
        "Культурные проекты НКО в малых городах",
        "Cultural projects of NGOs in small towns",
        "review",
        ["culture"],
    ),
    (
        "Адаптация мигрантов: роль некоммерческих организаций",
        "Migrant integration: the role of NGOs",
        "report",
        ["migration"],
    ),
    (
        "Добровольчество старшего поколения: «серебряные» волонтёры",
        "Silver volunteers",
        "report",
        ["ageing", "volunteering"],
    ),
    (
        "Финансовая устойчивость НКО: источники доходов 2021–2025",
        "NGO financial sustainability 2021–2025",
        "review",
        ["civil-society"],
    ),
    ("Цифровые навыки сотрудников НКО", "Digital skills of NGO staff", "review", ["education"]),
    (
        "Ранняя помощь детям: покрытие услугами по районам",
        "Early intervention services by district",
        "report",
        ["children", "health"],
    ),
    (
        "Трезвость и профилактика зависимостей: итоги программ",
        "Addiction prevention programmes in review",
        "review",
        ["health"],
    ),
]

NEWS = [
    "Ресурсный центр открыл приём заявок на конкурс малых грантов",
    "Итоги Всероссийского форума НКО «Ресурс-2026»",
    "Школа НКО начинает набор на весенний поток",
    "Опубликован доклад о положении пожилых в малых городах",
    "Центр подписал соглашение о сотрудничестве с администрацией области",
    "Волонтёры региона отмечены благодарностями губернатора",
    "Стартовал приём заявок на премию «Лучшие практики НКО»",
    "Открыт набор экспертов грантового конкурса",
    "Новые консультации для НКО по бухгалтерскому учёту",
    "Центр провёл серию семинаров в муниципальных районах",
]

PRINT = [
    ("book", "Некоммерческие организации: правовые основы деятельности", 1996, 184),
    ("journal", "Вестник некоммерческого сектора, № 1", 1997, 64),
    ("journal", "Вестник некоммерческого сектора, № 4", 1999, 72),
    ("book", "Благотворительность в России: история и современность", 1998, 256),
    ("brochure", "Как зарегистрировать общественную организацию", 2000, 32),
    ("book", "Социальное партнёрство: НКО, бизнес и власть", 2002, 212),
    ("journal", "Информационный бюллетень ресурсного центра, № 12", 2003, 48),
    ("book", "Фандрайзинг для НКО: практическое пособие", 2004, 168),
    ("brochure", "Волонтёрский центр: с чего начать", 2006, 40),
    ("journal", "Вестник некоммерческого сектора, № 36", 2007, 80),
    ("book", "Социально ориентированные НКО: сборник лучших практик", 2010, 320),
    ("book", "Оценка эффективности социальных проектов", 2011, 144),
    ("journal", "Информационный бюллетень ресурсного центра, № 58", 2012, 56),
    ("brochure", "Отчётность НКО: памятка руководителю", 2013, 28),
    ("book", "Двадцать лет поддержки гражданских инициатив", 2015, 288),
]

CHALLENGES = [
    (
        "Одиночество и социальная изоляция пожилых людей",
        "Loneliness and isolation of older people",
        "growing",
        ["social-services", "health"],
        "Доля одиноко проживающих людей старше 65 лет растёт, особенно в малых городах и сёлах; услуги сосредоточены в областных центрах.",
    ),
    (
        "Недоступность реабилитации для детей с инвалидностью в районах",
        "Rehabilitation out of reach for disabled children in rural districts",
        "stable",
        ["children", "health"],
        "Семьи из отдалённых районов тратят на дорогу до реабилитационных центров больше дня; очереди — до полугода.",
    ),
    (
        "Бедность многодетных и неполных семей",
        "Poverty of large and single-parent families",
        "stable",
        ["children"],
        "Доходы ниже прожиточного минимума у заметной части многодетных семей; НКО закрывают острые нужды, но не причины.",
    ),
    (
        "Низкая вовлечённость молодёжи малых городов",
        "Low engagement of young people in small towns",
        "growing",
        ["youth", "education"],
        "Отток молодёжи и мало пространств для самоорганизации; волонтёрские центры работают в основном в столицах регионов.",
    ),
    (
        "Доступ НКО к рынку социальных услуг",
        "NGO access to the social services market",
        "declining",
        ["social-services"],
        "После включения в реестр поставщиков число НКО растёт, но доля бюджетных средств, доступных НКО, остаётся малой.",
    ),
    (
        "Зависимости и их профилактика",
        "Addictions and their prevention",
        "stable",
        ["health"],
        "Программы профилактики охватывают в основном школьников областных центров.",
    ),
    (
        "Экологическое неблагополучие промышленных городов",
        "Environmental harm in industrial towns",
        "growing",
        ["ecology"],
        "Жалобы жителей на качество воздуха растут; общественный экологический контроль только формируется.",
    ),
    (
        "Адаптация трудовых мигрантов и их семей",
        "Integration of labour migrants and their families",
        "growing",
        ["migration"],
        "Детям мигрантов не хватает занятий по русскому языку; НКО работают точечно.",
    ),
    (
        "Нехватка паллиативной помощи на дому",
        "Too little palliative care at home",
        "declining",
        ["health"],
        "Выездные службы появились в большинстве регионов, но покрывают не все районы.",
    ),
    (
        "Кадровое выгорание в некоммерческом секторе",
        "Burnout in the non-profit workforce",
        "growing",
        ["civil-society"],
        "Руководители небольших НКО совмещают несколько ролей; нет ресурсов на супервизию и обучение.",
    ),
]

JOURNALIST_FIRST = [
    "Анна",
    "Мария",
    "Екатерина",
    "Ольга",
    "Дарья",
    "Юлия",
    "Ксения",
    "Наталья",
    "Алина",
    "Вера",
    "Дмитрий",
    "Артём",
    "Илья",
    "Максим",
    "Никита",
    "Кирилл",
    "Роман",
    "Игорь",
]
JOURNALIST_LAST_F = [
    "Орлова",
    "Белова",
    "Комарова",
    "Зайцева",
    "Соловьёва",
    "Виноградова",
    "Богданова",
    "Климова",
    "Тарасова",
    "Жукова",
    "Громова",
    "Крылова",
]
JOURNALIST_LAST_M = [
    "Орлов",
    "Белов",
    "Комаров",
    "Зайцев",
    "Соловьёв",
    "Виноградов",
    "Богданов",
    "Климов",
    "Тарасов",
    "Жуков",
    "Громов",
    "Крылов",
]
POSITIONS = [
    "корреспондент",
    "редактор отдела «Общество»",
    "шеф-редактор",
    "обозреватель",
    "ведущий программы",
    "главный редактор",
]


def _translit(text: str) -> str:
    table = str.maketrans(
        {
            "а": "a",
            "б": "b",
            "в": "v",
            "г": "g",
            "д": "d",
            "е": "e",
            "ё": "e",
            "ж": "zh",
            "з": "z",
            "и": "i",
            "й": "i",
            "к": "k",
            "л": "l",
            "м": "m",
            "н": "n",
            "о": "o",
            "п": "p",
            "р": "r",
            "с": "s",
            "т": "t",
            "у": "u",
            "ф": "f",
            "х": "kh",
            "ц": "ts",
            "ч": "ch",
            "ш": "sh",
            "щ": "sch",
            "ъ": "",
            "ы": "y",
            "ь": "",
            "э": "e",
            "ю": "yu",
            "я": "ya",
        }
    )
    return text.lower().translate(table)


def build(ctx: DemoContext) -> None:
    from django.conf import settings
    from django.utils import timezone

    from resurs.accounts.models import User
    from resurs.notifications.models import EmailMessage
    from resurs.notifications.services import render_email
    from resurs.outreach.choices import AnnouncementStatus, DeliveryStatus
    from resurs.outreach.models import (
        AnnouncementDelivery,
        MediaContact,
        PressAnnouncement,
        Publication,
        SocialChallenge,
        Topic,
    )
    from resurs.outreach.selectors import announcement_segment
    from resurs.outreach.services import unsubscribe_token
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.models import Centre, Field, Organisation, Person, Region

    rng = ctx.rng("outreach")
    hub = ctx.data["hub"]
    staff = User.objects.filter(username="staff").first()
    centres = [hub] + list(Centre.objects.exclude(pk=hub.pk).order_by("pk")[: ctx.count(4, 1)])
    topics = {slug: Topic(slug=slug, name_ru=ru, name_en=en) for slug, ru, en in TOPICS}
    Topic.objects.bulk_create(topics.values())
    regions = list(Region.objects.order_by("fns_code"))
    hub_region = hub.organisation.region or regions[0]

    # 1. Journalists of the registry's media outlets (most of them work with the hub).
    outlets = list(
        Organisation.objects.filter(kind=OrganisationKind.MEDIA).select_related("region").order_by("pk")
    )
    contacts: list[MediaContact] = []
    seen_emails: set[str] = set()
    for n in range(ctx.count(80, 8)):
        outlet = outlets[n % len(outlets)] if outlets else None
        female = rng.random() < 0.6
        first = rng.choice(JOURNALIST_FIRST[:10] if female else JOURNALIST_FIRST[10:])
        last = rng.choice(JOURNALIST_LAST_F if female else JOURNALIST_LAST_M)
        email = f"{_translit(first)}.{_translit(last)}{n}@media.example.ru"
        seen_emails.add(email)
        centre = hub if n % 4 else centres[n % len(centres)]
        contacts.append(
            MediaContact(
                centre=centre,
                name=f"{first} {last}",
                outlet=outlet,
                outlet_name="" if outlet else "Независимая газета",
                position=rng.choice(POSITIONS),
                email=email,
                language="ru",
                consent_given_on=dt.date(2026, rng.randint(1, 10), rng.randint(1, 28))
                if rng.random() < 0.93
                else None,
                unsubscribed_at=timezone.make_aware(dt.datetime(2026, 9, rng.randint(1, 28), 12))
                if rng.random() < 0.05
                else None,
            )
        )
    MediaContact.objects.bulk_create(contacts)
    topic_links, region_links = [], []
    for contact, outlet in zip(contacts, [c.outlet for c in contacts], strict=True):
        for slug in rng.sample(list(topics), rng.randint(1, 3)):
            topic_links.append(
                MediaContact.topics.through(mediacontact_id=contact.pk, topic_id=topics[slug].pk)
            )
        region = outlet.region if outlet and outlet.region_id else hub_region
        region_links.append(MediaContact.regions.through(mediacontact_id=contact.pk, region_id=region.pk))
        if rng.random() < 0.3 and region.pk != hub_region.pk:
            region_links.append(
                MediaContact.regions.through(mediacontact_id=contact.pk, region_id=hub_region.pk)
            )
    MediaContact.topics.through.objects.bulk_create(topic_links)
    MediaContact.regions.through.objects.bulk_create(region_links)

    # 2. Two press announcements already sent (the log is history: rendered and marked as sent), one draft.
    forum = ctx.data.get("events_forum")
    announcements = [
        (
            forum,
            "Пресс-анонс: Всероссийский форум НКО «Ресурс-2026» — 26–27 ноября",
            "Приглашаем представителей СМИ на Всероссийский форум некоммерческих организаций. В программе — "
            "пленарное заседание об итогах года, секции о волонтёрстве и социальных услугах, церемония награждения "
            "лучших практик НКО. Аккредитация по ответному письму.",
            ["civil-society", "volunteering", "social-services"],
            dt.datetime(2026, 11, 16, 11, 0),
        ),
        (
            None,
            "Пресс-анонс: презентация доклада о доступности социальных услуг для пожилых",
            "Ресурсный центр представит доклад «Доступность социальных услуг для пожилых в малых городах». "
            "Авторы ответят на вопросы журналистов; будут доступны данные по районам.",
            ["ageing", "social-services"],
            dt.datetime(2026, 10, 20, 10, 0),
        ),
    ]
    for event, subject, body, slugs, sent in announcements:
        announcement = PressAnnouncement.objects.create(
            centre=hub,
            event=event,
            subject=subject,
            body=body,
            status=AnnouncementStatus.SENT,
            sent_at=timezone.make_aware(sent),
            sent_by=staff,
            created_by=staff,
        )
        announcement.topics.set([topics[s] for s in slugs])
        recipients = list(announcement_segment(announcement))
        messages = []
        for contact in recipients:
            url = f"{settings.SITE_URL}/outreach/unsubscribe/{unsubscribe_token(contact)}/"
            subject_text, text, html = render_email(
                "outreach/email/announcement",
                {"announcement": announcement, "contact": contact, "event": event, "unsubscribe_url": url},
                "ru",
            )
            messages.append(
                EmailMessage(
                    key=f"outreach:announcement:{announcement.pk}:{contact.pk}",
                    to=contact.email,
                    subject=subject_text,
                    body=text,
                    html_body=html,
                    language="ru",
                    template="outreach/email/announcement",
                    status=EmailMessage.Status.SENT,
                    sent_at=announcement.sent_at,
                    headers={
                        "List-Unsubscribe": f"<{url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                    created_at=announcement.sent_at,
                )
            )
        EmailMessage.objects.bulk_create(messages)
        AnnouncementDelivery.objects.bulk_create(
            [
                AnnouncementDelivery(
                    announcement=announcement,
                    contact=contact,
                    email=contact.email,
                    message=message,
                    status=DeliveryStatus.QUEUED,
                    created_at=announcement.sent_at,
                )
                for contact, message in zip(recipients, messages, strict=True)
            ]
        )
    draft = PressAnnouncement.objects.create(
        centre=hub,
        subject="Пресс-анонс: семинар для НКО о президентских грантах",
        body="Приглашаем журналистов на открытый семинар для НКО о подготовке заявок.",
        created_by=staff,
    )
    draft.topics.set([topics["civil-society"]])

    # 3. Social challenges with regions, fields and the NGOs working on them.
    fields = {f.slug: f for f in Field.objects.all()}
    challenges = []
    for index, (title_ru, title_en, trend, field_slugs, description) in enumerate(
        CHALLENGES[: ctx.count(10, 4)]
    ):
        challenge = SocialChallenge.objects.create(
            centre=centres[index % len(centres)] if index % 3 == 2 else hub,
            title_ru=title_ru,
            title_en=title_en,
            trend=trend,
            description=description,
            evidence=(
                "Данные Росстата и региональных органов соцзащиты за 2021–2025 годы; опрос руководителей "
                f"НКО ресурсного центра (n = {rng.randint(120, 480)}); интервью с экспертами."
            ),
            grant_directions="\n".join(
                rng.sample(
                    [
                        "Социальное обслуживание, социальная поддержка и защита граждан",
                        "Охрана здоровья граждан, пропаганда здорового образа жизни",
                        "Поддержка семьи, материнства, отцовства и детства",
                        "Поддержка молодёжных проектов",
                        "Развитие институтов гражданского общества",
                        "Охрана окружающей среды и защита животных",
                    ],
                    2,
                )
            ),
        )
        chosen_regions = rng.sample(regions, rng.randint(3, 9)) + [hub_region]
        challenge.regions.set(set(chosen_regions))
        challenge.fields.set([fields[s] for s in field_slugs if s in fields])
        ngos = Organisation.objects.filter(kind=OrganisationKind.NGO, region__in=chosen_regions).order_by(
            "pk"
        )
        ngo_ids = list(ngos.values_list("pk", flat=True)[:200])
        challenge.organisations.set(rng.sample(ngo_ids, min(len(ngo_ids), rng.randint(6, 25))))
        challenges.append(challenge)
        # Link the challenge to the directions of our own calls that carry the same names.
        challenge.directions.set(direction_list().filter(name_ru__in=challenge.grant_direction_list))

    # 4. Publications: reports and reviews, news, and the print catalogue.
    authors = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:300])
    author_orgs = list(
        Organisation.objects.filter(kind__in=[OrganisationKind.RESOURCE_CENTRE, OrganisationKind.UNIVERSITY])
        .order_by("pk")
        .values_list("pk", flat=True)[:60]
    )
    publications = []
    for index, (title_ru, title_en, kind, slugs) in enumerate(REPORTS[: ctx.count(20, 5)]):
        published = dt.date(2026, 11, 24) - dt.timedelta(days=index * 17 + rng.randint(0, 9))
        publications.append(
            (
                Publication(
                    centre=hub if index % 3 else centres[index % len(centres)],
                    kind=kind,
                    title_ru=title_ru,
                    title_en=title_en,
                    summary=f"{title_ru}: основные выводы, данные по регионам и рекомендации для НКО, органов власти и бизнеса.",
                    body=(
                        "Исследование проведено ресурсным центром совместно с партнёрами. В докладе — анализ статистики, "
                        "результаты опроса руководителей НКО и жителей, карты доступности услуг и рекомендации.\n\n"
                        "Главные выводы: потребность в услугах растёт быстрее предложения; НКО закрывают пробелы там, где "
                        "нет государственных учреждений; устойчивость этой работы зависит от доступа к долгосрочному "
                        "финансированию."
                    ),
                    published_on=published,
                    is_published=True,
                    created_by=staff,
                ),
                slugs,
            )
        )
    for index, title in enumerate(NEWS[: ctx.count(10, 3)]):
        publications.append(
            (
                Publication(
                    centre=hub,
                    kind="news",
                    title_ru=title,
                    summary=title + ".",
                    body="Подробности — на сайте ресурсного центра и в социальных сетях.",
                    published_on=dt.date(2026, 11, 25) - dt.timedelta(days=index * 9),
                    is_published=True,
                    created_by=staff,
                ),
                ["civil-society"],
            )
        )
    for index, (print_format, title, year, pages) in enumerate(PRINT[: ctx.count(15, 4)]):
        publications.append(
            (
                Publication(
                    centre=hub,
                    kind="print",
                    print_format=print_format,
                    title_ru=title,
                    year=year,
                    pages=pages,
                    published_on=dt.date(year, 1, 1),
                    is_published=True,
                    isbn=""
                    if print_format == "journal"
                    else f"978-5-{rng.randint(7000, 9999)}-{rng.randint(1000, 9999)}-{rng.randint(0, 9)}",
                    issn="1811-" + f"{rng.randint(1000, 9999)}" if print_format == "journal" else "",
                    scan_url=f"https://archive.resurs.example/print/{year}-{index + 1}.pdf"
                    if index % 3 != 1
                    else "",
                    summary="Печатное издание ресурсного центра (фонд библиотеки центра).",
                ),
                ["civil-society"],
            )
        )
    Publication.objects.bulk_create([publication for publication, _slugs in publications])
    through = Publication.topics.through
    through.objects.bulk_create(
        [
            through(publication_id=publication.pk, topic_id=topics[slug].pk)
            for publication, slugs in publications
            for slug in slugs
            if slug in topics
        ]
    )
    people_through = Publication.author_people.through
    org_through = Publication.author_organisations.through
    challenge_through = Publication.challenges.through
    region_through = Publication.regions.through
    for publication, _slugs in publications:
        if publication.kind in {"report", "review"}:
            people_through.objects.bulk_create(
                [
                    people_through(publication_id=publication.pk, person_id=pk)
                    for pk in rng.sample(authors, rng.randint(1, 3))
                ]
            )
            if author_orgs:
                org_through.objects.bulk_create(
                    [org_through(publication_id=publication.pk, organisation_id=rng.choice(author_orgs))]
                )
            if challenges:
                challenge_through.objects.bulk_create(
                    [
                        challenge_through(
                            publication_id=publication.pk, socialchallenge_id=rng.choice(challenges).pk
                        )
                    ]
                )
            region_through.objects.bulk_create(
                [region_through(publication_id=publication.pk, region_id=hub_region.pk)]
            )
    ctx.log(
        f"  outreach: {len(contacts)} journalists, {len(publications)} publications, {len(challenges)} challenges"
    )
