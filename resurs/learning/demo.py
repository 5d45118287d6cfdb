"""Demo capacity building: the hub's and three other centres' catalogues with the School of Grant Making,
about 60 sessions before and after today, participants with attendance, feedback and certificates, about 150
consultations with realistic questions and timings, capacity assessments in two waves and a project evaluation.

Rows are written in bulk (seconds, not minutes); the rules they follow (completion, certificates, response
targets) are the services' rules, applied here to generated history.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from resurs.core.demo import DemoContext
from resurs.core.demo_files import demo_docx, demo_pdf, demo_upload
from resurs.learning.choices import (
    AssessmentKind,
    AssessmentStatus,
    ConsultationStatus,
    EnrolmentStatus,
    SessionFormat,
    Topic,
)
from resurs.learning.models import (
    AreaScore,
    Assessment,
    Attendance,
    Certificate,
    Consultation,
    ConsultationAttachment,
    Course,
    Enrolment,
    Feedback,
    Programme,
    Session,
    SessionDay,
)
from resurs.learning.services import (
    CERTIFICATE_ALPHABET,
    add_working_days,
    instrument_create_default,
    project_evaluation,
    project_review_assign,
    project_review_save,
    project_review_submit,
)

SCHOOL = [
    (
        "Грантмейкинг: с чего начинается грантовая программа",
        "Цели программы, теория изменений фонда, выбор модели конкурса.",
    ),
    (
        "Конкурсные процедуры и экспертиза заявок",
        "Положение о конкурсе, критерии, работа с экспертами и конфликт интересов.",
    ),
    ("Сопровождение грантополучателей", "Мониторинг, отчётность, поддержка проектов и работа с рисками."),
    (
        "Оценка результатов грантовых программ",
        "Показатели, сбор данных, оценка социального воздействия программы.",
    ),
    (
        "Коммуникации и прозрачность фонда",
        "Публичная отчётность, открытые данные о грантах, работа с обратной связью.",
    ),
]

COURSES = [
    (
        Topic.SETUP,
        "Как создать НКО: от идеи до регистрации",
        "Выбор организационно-правовой формы, устав, регистрация в Минюсте.",
        8,
    ),
    (
        Topic.SETUP,
        "Первый год некоммерческой организации",
        "Обязательная отчётность, органы управления, первые проекты.",
        12,
    ),
    (
        Topic.MANAGEMENT,
        "Стратегическое планирование в НКО",
        "Миссия, стратегия на три года, ежегодный план работы.",
        16,
    ),
    (
        Topic.MANAGEMENT,
        "Управление командой и добровольцами",
        "Роли, мотивация, обучение и удержание добровольцев.",
        12,
    ),
    (
        Topic.PROJECTS,
        "Проектная заявка на президентский грант",
        "Логика проекта, календарный план, бюджет, показатели.",
        16,
    ),
    (
        Topic.PROJECTS,
        "Оценка социальных проектов",
        "Модель изменений, индикаторы, сбор данных и отчёт об оценке.",
        24,
    ),
    (
        Topic.FUNDRAISING,
        "Фандрайзинг: частные пожертвования",
        "Регулярные пожертвования, работа с базой доноров, рассылки.",
        12,
    ),
    (
        Topic.FUNDRAISING,
        "Корпоративные партнёрства для НКО",
        "Как готовить предложения бизнесу и строить партнёрство.",
        8,
    ),
    (
        Topic.FINANCE,
        "Бухгалтерия НКО для руководителя",
        "Целевые средства, УСН, отчёты в налоговую и Минюст.",
        16,
    ),
    (
        Topic.FINANCE,
        "Финансовый отчёт по гранту без ошибок",
        "Подтверждающие документы, типичные ошибки, возвраты.",
        8,
    ),
    (Topic.PR, "Работа со СМИ и пресс-релизы", "Инфоповоды, пресс-релиз, отношения с журналистами.", 8),
    (
        Topic.PR,
        "Социальные сети некоммерческой организации",
        "Контент-план, истории благополучателей, продвижение.",
        12,
    ),
    (
        Topic.TECHNOLOGY,
        "Цифровые инструменты для НКО",
        "Облачные документы, CRM, онлайн-сбор пожертвований.",
        8,
    ),
    (
        Topic.TECHNOLOGY,
        "Защита персональных данных в НКО",
        "152-ФЗ на практике: согласия, хранение, доступ.",
        8,
    ),
    (
        Topic.LAW,
        "Трудовые отношения и договоры ГПХ в НКО",
        "Трудовые договоры, ГПХ, волонтёрские соглашения.",
        8,
    ),
    (
        Topic.LAW,
        "Проверки Минюста: как подготовиться",
        "Плановые и внеплановые проверки, документы, сроки.",
        8,
    ),
    (
        Topic.MANAGEMENT,
        "Социальное предпринимательство для НКО",
        "Платные услуги, статус поставщика социальных услуг.",
        12,
    ),
    (
        Topic.PROJECTS,
        "Муниципальные и региональные субсидии",
        "Конкурсы субсидий СО НКО: требования и подготовка.",
        8,
    ),
    (
        Topic.FUNDRAISING,
        "Краудфандинг социальных проектов",
        "Платформы, вознаграждения, кампания шаг за шагом.",
        8,
    ),
    (
        Topic.FINANCE,
        "Финансовая устойчивость и эндаумент",
        "Резервный фонд, целевой капитал, диверсификация.",
        12,
    ),
]

QUESTIONS = {
    Topic.SETUP: [
        (
            "Выбор формы: АНО или общественная организация",
            "Мы группа родителей детей с аутизмом. Что лучше зарегистрировать — АНО или региональную общественную организацию, если мы хотим участвовать в конкурсах субсидий?",
        ),
        (
            "Отказ в регистрации",
            "Минюст отказал в регистрации из-за несоответствия устава закону. Какие пункты обычно вызывают вопросы и как подать документы повторно?",
        ),
        (
            "Смена руководителя",
            "Директор АНО уходит. Какие документы подать в налоговую и нужно ли менять устав?",
        ),
    ],
    Topic.MANAGEMENT: [
        (
            "Стратегическая сессия с правлением",
            "Хотим провести стратегическую сессию с правлением. Можете помочь со структурой и модерацией?",
        ),
        (
            "Конфликт в команде",
            "Между сотрудниками и добровольцами возник конфликт из-за распределения обязанностей. Как выстроить роли?",
        ),
        (
            "Учёт добровольцев",
            "Как вести учёт добровольческих часов и нужно ли заключать договоры с добровольцами?",
        ),
    ],
    Topic.PROJECTS: [
        (
            "Проверка заявки перед подачей",
            "Просим посмотреть нашу заявку на конкурс Фонда президентских грантов, особенно раздел с результатами.",
        ),
        (
            "Показатели проекта",
            "Как сформулировать качественные показатели для проекта по социализации пожилых людей?",
        ),
        ("Бюджет проекта", "Можно ли включить в бюджет проекта аренду помещения и оплату бухгалтера?"),
    ],
    Topic.FUNDRAISING: [
        (
            "Регулярные пожертвования",
            "Как перевести разовых жертвователей на ежемесячные пожертвования? Какие сервисы лучше использовать?",
        ),
        (
            "Письмо в компанию",
            "Готовим письмо крупной компании региона о поддержке проекта. Посмотрите, пожалуйста, текст.",
        ),
        (
            "Благотворительный забег",
            "Планируем благотворительный забег. Как организовать сбор средств и отчитаться перед участниками?",
        ),
    ],
    Topic.FINANCE: [
        (
            "Отчёт по форме ОН0001",
            "В какие сроки сдавать отчёт ОН0001 и что указывать, если в прошлом году не было поступлений?",
        ),
        (
            "Целевые поступления и УСН",
            "Облагается ли налогом грант, полученный от регионального фонда, при УСН?",
        ),
        (
            "Возврат остатка гранта",
            "По итогам проекта остались неизрасходованные средства. Обязательно ли их возвращать?",
        ),
    ],
    Topic.PR: [
        (
            "Пресс-релиз о запуске проекта",
            "Помогите отредактировать пресс-релиз о запуске инклюзивной мастерской.",
        ),
        (
            "Публичный годовой отчёт",
            "Хотим впервые выпустить годовой отчёт. Какая структура и что обязательно включить?",
        ),
    ],
    Topic.TECHNOLOGY: [
        ("CRM для НКО", "Какую CRM выбрать для небольшой организации с базой в 500 благополучателей?"),
        ("Сайт организации", "Нужен простой сайт с формой пожертвований. С чего начать и сколько это стоит?"),
    ],
    Topic.LAW: [
        (
            "Договор с волонтёром",
            "Нужно ли заключать письменный договор с добровольцем, который ведёт занятия с детьми?",
        ),
        ("Проверка Минюста", "Пришло уведомление о плановой проверке. Какие документы подготовить?"),
        (
            "Статус иноагента партнёра",
            "Можем ли мы участвовать в совместном проекте с организацией, внесённой в реестр?",
        ),
    ],
    Topic.GRANTMAKING: [
        (
            "Положение о конкурсе фонда",
            "Семейный фонд запускает первый конкурс. Посмотрите проект положения о конкурсе.",
        ),
        ("Экспертный совет", "Как сформировать экспертный совет и избежать конфликта интересов?"),
    ],
}

ANSWERS = [
    "Подготовили разбор с пошаговыми рекомендациями и шаблонами документов.",
    "Провели онлайн-встречу, разобрали ситуацию и согласовали план действий.",
    "Направили комментарии к документу и ссылки на нормативные акты.",
    "Дали письменное разъяснение и пригласили на ближайший семинар по теме.",
]

COMMENTS = [
    "Очень практично, всё сразу применили в работе.",
    "Спасибо за примеры из реальной практики!",
    "Хотелось бы больше времени на вопросы.",
    "Отличный тренер, понятные материалы.",
    "",
    "",
]

VENUES = {
    "hub": "Москва, ул. Мясницкая, 13, стр. 18, конференц-зал",
    "other": "Ресурсный центр, ул. Ленина, 45, учебный класс",
}


def _code(rng) -> str:
    raw = "".join(rng.choice(CERTIFICATE_ALPHABET) for _ in range(10))
    return f"RS-{raw[:5]}-{raw[5:]}"


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build(ctx: DemoContext) -> None:
    from resurs.accounts.choices import Role
    from resurs.accounts.models import Representation, RoleAssignment, User
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.models import Centre, Organisation, Tie

    rng = ctx.rng("learning")
    today = timezone.localdate()
    hub = ctx.data.get("hub") or Centre.objects.get(is_hub=True)
    others = list(Centre.objects.exclude(pk=hub.pk).select_related("organisation").order_by("pk")[:3])
    centres = [hub, *others]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin", "trainer", "ngo", "staff", "staff2"])
    }
    ngo_user = ctx.data.get("ngo_user") or users.get("ngo")
    ngo_org = ctx.data.get("ngo_organisation")
    if ngo_org is None and ngo_user is not None:
        ngo_org = Organisation.objects.filter(representations__user=ngo_user).first()

    # Trainers: the demo "trainer" plus two trainers per centre, taken from people of the registry.
    ties, seen = [], set()
    for tie in (
        Tie.objects.filter(organisation__kind=OrganisationKind.NGO, person__user__isnull=True)
        .select_related("person", "organisation")
        .order_by("pk")[: ctx.count(700, 100)]
    ):
        if tie.person_id not in seen:
            seen.add(tie.person_id)
            ties.append(tie)
    ties = ties[: ctx.count(420, 60)]
    rng.shuffle(ties)
    trainer_ties, participant_ties = ties[: 2 * len(centres)], ties[2 * len(centres) :]
    password = make_password(None)
    new_users = [
        User(
            username=f"demo-{'trainer' if i < len(trainer_ties) else 'member'}-{tie.person_id}",
            email=f"person{tie.person_id}@demo.resurs.local",
            first_name=tie.person.first_name,
            last_name=tie.person.last_name,
            person=tie.person,
            password=password,
        )
        for i, tie in enumerate(trainer_ties + participant_ties)
    ]
    User.objects.bulk_create(new_users)
    created = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    trainers_by_centre: dict[int, list] = {c.pk: [] for c in centres}
    if "trainer" in users:
        trainers_by_centre[hub.pk].append(users["trainer"])
    assignments = []
    for i, tie in enumerate(trainer_ties):
        user = created[f"demo-trainer-{tie.person_id}"]
        centre = centres[i % len(centres)]
        trainers_by_centre[centre.pk].append(user)
        assignments.append(RoleAssignment(user=user, role=Role.TRAINER, centre=centre))
    participants = []
    representations = []
    for tie in participant_ties:
        user = created[f"demo-member-{tie.person_id}"]
        participants.append((user, tie.organisation))
        representations.append(
            Representation(user=user, organisation=tie.organisation, position=tie.title or "Сотрудник")
        )
        assignments.append(RoleAssignment(user=user, role=Role.NGO_REPRESENTATIVE))
    RoleAssignment.objects.bulk_create(assignments, ignore_conflicts=True)
    Representation.objects.bulk_create(representations, ignore_conflicts=True)

    # Catalogue: the School of Grant Making at the hub and twenty courses across the centres.
    school = Programme.objects.create(
        centre=hub,
        title="Школа грантмейкинга",
        topic=Topic.GRANTMAKING,
        summary="Программа для фондов, компаний и органов власти, которые проводят грантовые конкурсы.",
        description=(
            "Пять курсов о том, как спроектировать грантовую программу, провести конкурс и экспертизу, "
            "сопровождать грантополучателей и оценивать результаты. Слушатели, прошедшие все курсы, "
            "получают сертификат программы."
        ),
    )
    courses = []
    for order, (title, summary) in enumerate(SCHOOL):
        courses.append(
            Course(
                centre=hub,
                programme=school,
                programme_order=order,
                title=title,
                topic=Topic.GRANTMAKING,
                summary=summary,
                audience="Сотрудники фондов, КСО-менеджеры, специалисты органов власти",
                hours=16,
                min_attendance_percent=75,
            )
        )
    for i, (topic, title, summary, hours) in enumerate(COURSES):
        centre = hub if i % 3 == 0 else centres[1 + i % (len(centres) - 1)] if len(centres) > 1 else hub
        courses.append(
            Course(
                centre=centre,
                title=title,
                topic=topic,
                summary=summary,
                hours=hours,
                audience="Руководители и сотрудники НКО",
                min_attendance_percent=75 if hours > 8 else 100,
                feedback_required=True,
            )
        )
    Course.objects.bulk_create(courses)
    courses = list(Course.objects.filter(centre__in=centres).select_related("centre").order_by("pk"))

    # Sessions: roughly 60 between seven months ago and three months ahead.
    sessions = []
    offsets = [-210, -180, -150, -120, -95, -70, -45, -30, -14, -7, 0, 6, 13, 20, 34, 48, 62, 90]
    for course in courses:
        trainers = trainers_by_centre.get(course.centre_id) or [None]
        for offset in rng.sample(offsets, 3 if course.programme_id else rng.choice([2, 3, 3])):
            start = today + dt.timedelta(days=offset + rng.randint(0, 3))
            while start.weekday() >= 5:
                start += dt.timedelta(days=1)
            days = max(1, min(3, course.hours // 8))
            fmt = rng.choice(
                [
                    SessionFormat.IN_PERSON,
                    SessionFormat.IN_PERSON,
                    SessionFormat.ONLINE,
                    SessionFormat.BLENDED,
                ]
            )
            trainer = (
                users.get("trainer")
                if course.centre_id == hub.pk and "trainer" in users and rng.random() < 0.5
                else rng.choice(trainers)
            )
            sessions.append(
                Session(
                    course=course,
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=days - 1),
                    format=fmt,
                    venue=""
                    if fmt == SessionFormat.ONLINE
                    else VENUES["hub" if course.centre_id == hub.pk else "other"],
                    online_url=""
                    if fmt == SessionFormat.IN_PERSON
                    else "https://meet.example.org/resurs-" + str(len(sessions)),
                    trainer=trainer,
                    capacity=rng.choice([12, 15, 20, 25]),
                    requires_approval=rng.random() < 0.6,
                )
            )
    Session.objects.bulk_create(sessions)
    sessions = list(
        Session.objects.filter(course__in=courses).select_related("course").order_by("starts_on", "pk")
    )
    SessionDay.objects.bulk_create(
        [
            SessionDay(session=s, date=s.starts_on + dt.timedelta(days=i))
            for s in sessions
            for i in range((s.ends_on - s.starts_on).days + 1)
        ]
    )
    days_by_session: dict[int, list] = {}
    for day in SessionDay.objects.filter(session__in=sessions).order_by("date"):
        days_by_session.setdefault(day.session_id, []).append(day)

    # Enrolments: past sessions full with attendance; upcoming ones part-filled, popular ones with a waitlist.
    enrolments = []
    for session in sessions:
        past = session.ends_on < today
        demand = session.capacity + rng.randint(-5, 6) if past else rng.randint(2, session.capacity + 4)
        chosen = rng.sample(participants, min(len(participants), max(1, demand)))
        accepted = 0
        for user, organisation in chosen:
            applied_at = _aware(session.starts_on - dt.timedelta(days=rng.randint(5, 40)), rng.randint(9, 20))
            if accepted < session.capacity:
                status = (
                    EnrolmentStatus.ACCEPTED
                    if (past or not session.requires_approval or rng.random() < 0.7)
                    else EnrolmentStatus.APPLIED
                )
                if past and rng.random() < 0.06:
                    status = EnrolmentStatus.CANCELLED
            else:
                status = EnrolmentStatus.WAITLISTED if not past else EnrolmentStatus.CANCELLED
            accepted += status == EnrolmentStatus.ACCEPTED
            enrolments.append(
                Enrolment(
                    session=session,
                    user=user,
                    organisation=organisation,
                    status=status,
                    created_at=applied_at,
                    decided_at=applied_at + dt.timedelta(days=1)
                    if status != EnrolmentStatus.APPLIED
                    else None,
                    cancelled_at=applied_at + dt.timedelta(days=3)
                    if status == EnrolmentStatus.CANCELLED
                    else None,
                )
            )
    # The demo NGO user: a completed course (with certificate) and an upcoming one.
    past_hub = [
        s for s in sessions if s.course.centre_id == hub.pk and s.ends_on < today - dt.timedelta(days=20)
    ]
    future_hub = [s for s in sessions if s.course.centre_id == hub.pk and s.starts_on > today]
    ngo_sessions = []
    if ngo_user is not None and past_hub and future_hub:
        ngo_sessions = [past_hub[-1], future_hub[0]]
        for session in ngo_sessions:
            enrolments.append(
                Enrolment(
                    session=session,
                    user=ngo_user,
                    organisation=ngo_org,
                    status=EnrolmentStatus.ACCEPTED,
                    created_at=_aware(session.starts_on - dt.timedelta(days=14), 11),
                    decided_at=_aware(session.starts_on - dt.timedelta(days=13), 11),
                )
            )
    Enrolment.objects.bulk_create(enrolments)

    attendance, feedback, certificates, completed_ids = [], [], [], []
    accepted_rows = Enrolment.objects.filter(
        session__in=sessions, status=EnrolmentStatus.ACCEPTED, session__starts_on__lte=today
    ).select_related("session__course", "user")
    for enrolment in accepted_rows:
        session = enrolment.session
        days = [d for d in days_by_session.get(session.pk, []) if d.date <= today]
        is_ngo = ngo_user is not None and enrolment.user_id == ngo_user.pk
        reliability = 1.0 if is_ngo else rng.choice([0.95, 0.9, 0.85, 0.6])
        present_days = 0
        for day in days:
            present = rng.random() < reliability
            present_days += present
            attendance.append(Attendance(enrolment=enrolment, day=day, present=present))
        if session.ends_on >= today:
            continue
        gives_feedback = is_ngo or rng.random() < 0.75
        if gives_feedback:
            base = rng.choice([5, 5, 4, 4, 3])
            feedback.append(
                Feedback(
                    enrolment=enrolment,
                    rating_content=base,
                    rating_trainer=min(5, base + rng.choice([0, 0, 1])),
                    rating_organisation=max(1, base - rng.choice([0, 0, 1])),
                    rating_overall=base,
                    comment=rng.choice(COMMENTS),
                    created_at=_aware(session.ends_on, 18),
                )
            )
        total = len(days_by_session.get(session.pk, [])) or 1
        course = session.course
        if 100 * present_days / total >= course.min_attendance_percent and (
            gives_feedback or not course.feedback_required
        ):
            completed_ids.append(enrolment.pk)
            issued = _aware(session.ends_on + dt.timedelta(days=1), 12)
            certificates.append(
                Certificate(
                    enrolment=enrolment,
                    code=_code(rng),
                    issued_at=issued,
                    created_at=issued,
                    holder_name=enrolment.user.get_full_name() or enrolment.user.username,
                )
            )
    Attendance.objects.bulk_create(attendance)
    Feedback.objects.bulk_create(feedback)
    for enrolment_id, certificate in zip(completed_ids, certificates, strict=True):
        Enrolment.objects.filter(pk=enrolment_id).update(completed_at=certificate.issued_at)
    Certificate.objects.bulk_create(certificates)

    # Consultations: about 150 over the last seven months, most answered; a few open and some overdue.
    requesters = {org.pk: user for user, org in participants}
    consultations = []
    hub_trainers = trainers_by_centre[hub.pk]
    for i in range(ctx.count(150, 12)):
        topic = rng.choice(list(QUESTIONS))
        subject, question = rng.choice(QUESTIONS[topic])
        centre = hub if rng.random() < 0.55 else rng.choice(centres)
        organisation, requester = None, None
        if i < 3 and ngo_user is not None:
            organisation, requester = ngo_org, ngo_user
        else:
            user, organisation = rng.choice(participants)
            requester = requesters.get(organisation.pk, user)
        recent = rng.random() < 0.15  # the last fortnight: the open queue, some of it overdue
        days_ago = (rng.randint(0, 14) if recent else rng.randint(0, 210)) if i >= 3 else [40, 9, 1][i]
        requested = _aware(
            today - dt.timedelta(days=days_ago), rng.randint(9, 18), rng.choice([0, 15, 30, 45])
        )
        respond_by = add_working_days(requested, 2)
        pool = trainers_by_centre.get(centre.pk) or hub_trainers
        consultant = (
            users["trainer"]
            if centre.pk == hub.pk and "trainer" in users and rng.random() < 0.5
            else rng.choice(pool)
        )
        c = Consultation(
            centre=centre,
            organisation=organisation,
            requested_by=requester,
            topic=topic,
            subject=subject,
            question=question,
            requested_at=requested,
            respond_by=respond_by,
            created_at=requested,
        )
        age_hours = (timezone.now() - requested).total_seconds() / 3600
        if days_ago <= 1 and i != 2:
            c.status = ConsultationStatus.REQUESTED
        elif days_ago <= 6 and rng.random() < 0.5:
            c.status = ConsultationStatus.REQUESTED  # some of these are overdue: the queue shows them in red
        else:
            response = min(age_hours - 1, rng.choice([2, 4, 6, 20, 26, 30, 52, 75]))
            c.consultant = consultant
            c.assigned_at = c.first_response_at = requested + dt.timedelta(hours=response)
            if days_ago <= 10 and rng.random() < 0.5:
                c.status = rng.choice([ConsultationStatus.ASSIGNED, ConsultationStatus.IN_PROGRESS])
                if c.status == ConsultationStatus.IN_PROGRESS:
                    c.started_at = c.assigned_at + dt.timedelta(hours=2)
            else:
                c.started_at = c.assigned_at + dt.timedelta(hours=rng.randint(1, 24))
                c.answered_at = c.started_at + dt.timedelta(hours=rng.randint(2, 72))
                c.answer = rng.choice(ANSWERS)
                c.minutes_spent = rng.choice([30, 45, 60, 60, 90, 120, 180])
                c.outcome = rng.choice(
                    [
                        "Вопрос решён",
                        "Подготовлены документы",
                        "Направлены на курс",
                        "Нужна повторная встреча",
                    ]
                )
                if rng.random() < 0.3:
                    c.follow_up_on = today + dt.timedelta(days=rng.randint(7, 60))
                if c.answered_at > timezone.now():
                    c.answered_at = None
                    c.started_at = min(c.started_at, timezone.now())
                    c.answer, c.minutes_spent, c.outcome, c.follow_up_on = "", 0, "", None
                    c.status = ConsultationStatus.IN_PROGRESS
                    consultations.append(c)
                    continue
                c.status = ConsultationStatus.CLOSED if days_ago > 30 else ConsultationStatus.ANSWERED
                if c.status == ConsultationStatus.CLOSED:
                    c.closed_at = c.answered_at + dt.timedelta(days=7)
                if rng.random() < 0.65:
                    c.rating = rng.choice([5, 5, 5, 4, 4, 3])
                    c.rated_at = c.answered_at + dt.timedelta(days=1)
                    c.rating_comment = rng.choice(["Спасибо, очень помогли!", "Быстро и по делу.", "", ""])
        consultations.append(c)
    Consultation.objects.bulk_create(consultations)

    # Capacity: the six-area grid, two waves for a dozen organisations (the demo NGO among them).
    instrument = instrument_create_default(centre=hub)
    areas = list(instrument.areas.all())
    staff = users.get("staff") or users.get("admin")
    assessed = [ngo_org] if ngo_org is not None else []
    assessed += [org for _user, org in participants[: ctx.count(11, 2)] if org not in assessed]
    org_users = {org.pk: user for user, org in participants}
    scores = []
    for organisation in assessed:
        rep = ngo_user if organisation == ngo_org else org_users.get(organisation.pk)
        first = {a.pk: rng.choice([1, 2, 2, 3]) for a in areas}
        second = {pk: min(4, value + rng.choice([0, 1, 1, 2])) for pk, value in first.items()}
        for wave, values, when in (
            (1, first, today - dt.timedelta(days=270)),
            (2, second, today - dt.timedelta(days=30)),
        ):
            for kind, actor in ((AssessmentKind.SELF, rep), (AssessmentKind.FACILITATED, staff)):
                if actor is None:
                    continue
                assessment = Assessment.objects.create(
                    instrument=instrument,
                    organisation=organisation,
                    kind=kind,
                    wave=wave,
                    conducted_on=when,
                    conducted_by=actor,
                    status=AssessmentStatus.SUBMITTED,
                )
                shift = 0 if kind == AssessmentKind.FACILITATED else rng.choice([0, 0, 1])
                scores += [
                    AreaScore(assessment=assessment, area=a, score=min(4, values[a.pk] + shift))
                    for a in areas
                ]
    AreaScore.objects.bulk_create(scores)

    # A project evaluation of the demo NGO, done through the criteria component.
    if ngo_user is not None and ngo_org is not None and "trainer" in users:
        from resurs.criteria.services import ScoreInput

        review = project_review_submit(
            centre=hub,
            organisation=ngo_org,
            submitted_by=ngo_user,
            title="Школа активного долголетия",
            summary=(
                "Цикл занятий по цифровой грамотности, здоровью и финансовой безопасности для 120 пожилых жителей "
                "района; волонтёры-студенты как наставники; итоговая конференция."
            ),
            budget=Decimal("1480000.00"),
            document=demo_upload(
                "Описание проекта «Школа активного долголетия».pdf",
                demo_pdf(
                    "Школа активного долголетия",
                    [
                        "Цель: 120 пожилых жителей района освоят цифровые сервисы и защитят себя от мошенников.",
                        "Задачи: 24 занятия, 30 волонтёров-студентов, итоговая конференция.",
                        "Бюджет: 1 480 000 ₽, из них софинансирование 220 000 ₽.",
                    ],
                ),
            ),
        )
        project_review_assign(review=review, evaluator=users["trainer"], actor=staff)
        project_evaluation(review)
        marks = {
            "problem": 4,
            "goals": 4,
            "activities": 5,
            "results": 3,
            "evaluation": 2,
            "budget": 4,
            "team": 5,
            "sustainability": 3,
        }
        project_review_save(
            review=review,
            actor=users["trainer"],
            scores={
                code: ScoreInput(score, "Нет плана сбора данных о результатах" if score <= 2 else "")
                for code, score in marks.items()
            },
            overall_comment="Сильная команда и понятная логика; стоит доработать систему оценки результатов.",
            submit=True,
        )
        project_review_submit(
            centre=hub,
            organisation=ngo_org,
            submitted_by=ngo_user,
            title="Инклюзивная мастерская",
            summary="Мастерская керамики для молодых людей с ментальными особенностями.",
            budget=Decimal("620000.00"),
            document=demo_upload(
                "Инклюзивная мастерская — заявка.docx",
                demo_docx(
                    "Инклюзивная мастерская",
                    [
                        "Мастерская керамики для молодых людей с ментальными особенностями.",
                        "Срок: 12 месяцев.",
                    ],
                ),
            ),
        )
    _consultation_files(ngo_user)
    ctx.log(
        f"learning: {len(courses)} courses, {len(sessions)} sessions, {len(enrolments)} enrolments, "
        f"{len(certificates)} certificates, {len(consultations)} consultations"
    )


def _consultation_files(ngo_user) -> None:
    """The demo NGO attached its charter and a draft contract to its questions (private files)."""
    from django.core.files.base import ContentFile

    if ngo_user is None:
        return
    files = [
        ("Устав организации (проект изменений).docx", demo_docx, "Устав АНО (проект изменений)"),
        ("Договор пожертвования — черновик.pdf", demo_pdf, "Договор пожертвования"),
    ]
    consultations = Consultation.objects.filter(requested_by=ngo_user).order_by("-centre__is_hub", "pk")[
        : len(files)
    ]
    for consultation, (name, make, title) in zip(consultations, files, strict=False):
        attachment = ConsultationAttachment(consultation=consultation, name=name)
        attachment.file.save(name, ContentFile(make(title, [consultation.question[:500]])), save=False)
        attachment.save()
