"""Every page through the personas: who sees what (200/302/403/404), denied actions change nothing,
bad input gets a clear message, and list pages keep a fixed number of queries."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from resurs.learning import services
from resurs.learning.choices import AssessmentKind, EnrolmentStatus, Topic
from resurs.learning.models import Certificate, Consultation, Course, Enrolment, Session
from resurs.learning.tests.factories import TODAY, CourseFactory, SessionFactory

GOOD = {"rating_content": 5, "rating_trainer": 5, "rating_organisation": 4, "rating_overall": 5}


@pytest.fixture
def world(personas):
    from resurs.learning.models import Programme

    programme = Programme.objects.create(
        centre=personas.centre, title="Школа грантмейкинга", topic=Topic.GRANTMAKING
    )
    course = CourseFactory(
        centre=personas.centre,
        programme=programme,
        title="Школа грантмейкинга: основы",
        topic=Topic.GRANTMAKING,
    )
    hidden = CourseFactory(centre=personas.centre, title="Черновик курса", is_published=False)
    upcoming = SessionFactory(course=course, capacity=5, trainer=personas.trainer)
    running = SessionFactory(
        course=course,
        starts_on=TODAY - dt.timedelta(days=1),
        ends_on=TODAY,
        capacity=5,
        trainer=personas.trainer,
    )
    enrolment = Enrolment.objects.create(
        session=running, user=personas.ngo_rep, organisation=personas.ngo, status=EnrolmentStatus.ACCEPTED
    )
    for day in (running.starts_on, running.ends_on):
        services.attendance_mark(enrolment=enrolment, date=day, present=True, actor=personas.staff)
    services.feedback_submit(enrolment=enrolment, ratings=GOOD)
    certificate = Certificate.objects.get(enrolment=enrolment)
    consultation = services.consultation_request(
        centre=personas.centre,
        requested_by=personas.ngo_rep,
        organisation=personas.ngo,
        topic=Topic.LAW,
        subject="Изменения в уставе",
        question="Нужно ли регистрировать изменения устава при смене адреса?",
    )
    review = services.project_review_submit(
        centre=personas.centre,
        organisation=personas.ngo,
        submitted_by=personas.ngo_rep,
        title="Клуб наставников",
        summary="Наставничество для подростков",
    )
    instrument = services.instrument_create_default(centre=personas.centre)
    assessment = services.assessment_start(
        instrument=instrument, organisation=personas.ngo, kind=AssessmentKind.SELF, actor=personas.ngo_rep
    )
    return {
        "programme": programme,
        "instrument": instrument,
        "course": course,
        "hidden": hidden,
        "upcoming": upcoming,
        "running": running,
        "enrolment": enrolment,
        "certificate": certificate,
        "consultation": consultation,
        "review": review,
        "assessment": assessment,
    }


ANON = "anonymous"
ALL = [
    "admin",
    "staff",
    "manager",
    "expert",
    "ngo_rep",
    "trainer",
    "researcher",
    "partner",
    "other_staff",
    "outsider",
]


def expect(default, **overrides):
    table = dict.fromkeys([*ALL, ANON], default)
    table.update(overrides)
    return table


PUBLIC = expect(200)
LOGGED_IN = expect(200, **{ANON: 302})
CENTRE_STAFF = expect(403, admin=200, staff=200, manager=200, **{ANON: 302})
ANY_STAFF = expect(403, admin=200, staff=200, manager=200, other_staff=200, **{ANON: 302})
OWNER_OR_CENTRE = expect(404, admin=200, staff=200, manager=200, ngo_rep=200, **{ANON: 302})

PAGES = [
    ("learning:catalogue", None, PUBLIC),
    ("learning:programme-detail", "programme", PUBLIC),
    ("learning:programme-create", None, ANY_STAFF),
    ("learning:programme-edit", "programme", CENTRE_STAFF),
    ("learning:instrument-list", None, ANY_STAFF),
    ("learning:instrument-edit", "instrument", expect(404, admin=200, staff=200, manager=200, **{ANON: 302})),
    ("learning:course-detail", "course", PUBLIC),
    ("learning:course-detail", "hidden", expect(404, admin=200, staff=200, manager=200)),
    ("learning:session-detail", "upcoming", PUBLIC),
    ("learning:certificate-verify", None, PUBLIC),
    ("learning:course-create", None, ANY_STAFF),
    ("learning:course-edit", "course", CENTRE_STAFF),
    ("learning:session-create", "course", CENTRE_STAFF),
    ("learning:session-edit", "upcoming", CENTRE_STAFF),
    ("learning:session-attendance", "running", {**CENTRE_STAFF, "trainer": 200}),
    ("learning:my-learning", None, LOGGED_IN),
    ("learning:enrolment-detail", "enrolment", {**OWNER_OR_CENTRE, "trainer": 200}),
    (
        "learning:feedback",
        "enrolment",
        # The owner has already answered the survey, so the page sends them back to the enrolment.
        expect(404, admin=403, staff=403, manager=403, trainer=403, ngo_rep=302, **{ANON: 302}),
    ),
    ("learning:certificate-pdf", "certificate", OWNER_OR_CENTRE),
    ("learning:consultation-list", None, LOGGED_IN),
    ("learning:consultation-request", None, LOGGED_IN),
    ("learning:consultation-detail", "consultation", OWNER_OR_CENTRE),
    ("learning:project-list", None, LOGGED_IN),
    ("learning:project-submit", None, expect(403, admin=403, ngo_rep=200, **{ANON: 302})),
    ("learning:project-detail", "review", OWNER_OR_CENTRE),
    ("learning:assessment-list", None, LOGGED_IN),
    (
        "learning:assessment-start",
        None,
        expect(403, admin=200, staff=200, manager=200, other_staff=200, ngo_rep=200, **{ANON: 302}),
    ),
    ("learning:assessment-detail", "assessment", OWNER_OR_CENTRE),
    ("learning:service-quality", None, ANY_STAFF),
    ("learning:feedback-summary", None, ANY_STAFF),
]


@pytest.mark.parametrize(("name", "obj", "expected"), PAGES, ids=[f"{n}:{o}" for n, o, _e in PAGES])
def test_page_access_for_every_persona(world, personas, client_for, name, obj, expected):
    # The feedback form of an enrolment that already has feedback still opens for its owner (the service refuses
    # a second answer); here we only check who may reach it.
    url = reverse(name, args=[world[obj].pk]) if obj else reverse(name)
    users = {**personas.all(), ANON: None}
    got = {persona: client_for(users[persona]).get(url).status_code for persona in expected}
    assert got == expected


def test_denied_enrolment_decision_changes_nothing(world, personas, client_for):
    pending = Enrolment.objects.create(
        session=world["upcoming"], user=personas.outsider, status=EnrolmentStatus.APPLIED
    )
    url = reverse("learning:enrolment-decide", args=[pending.pk])
    assert client_for(personas.other_staff).post(url, {"action": "accept"}).status_code == 404
    assert client_for(personas.trainer).post(url, {"action": "accept"}).status_code == 403
    assert client_for(personas.outsider).post(url, {"action": "accept"}).status_code == 403
    pending.refresh_from_db()
    assert pending.status == EnrolmentStatus.APPLIED
    assert client_for(personas.staff).post(url, {"action": "accept"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == EnrolmentStatus.ACCEPTED


def test_denied_course_edit_changes_nothing(world, personas, client_for):
    url = reverse("learning:course-edit", args=[world["course"].pk])
    data = {
        "centre": personas.other_centre.pk,
        "title": "Захват",
        "topic": "law",
        "hours": 1,
        "min_attendance_percent": 1,
    }
    assert client_for(personas.other_staff).post(url, data).status_code == 403
    assert Course.objects.get(pk=world["course"].pk).title == "Школа грантмейкинга: основы"


def test_denied_consultation_actions_change_nothing(world, personas, client_for):
    consultation = world["consultation"]
    assign = reverse("learning:consultation-action", args=[consultation.pk, "assign"])
    assert client_for(personas.ngo_rep).post(assign, {"consultant": personas.trainer.pk}).status_code == 403
    assert (
        client_for(personas.other_staff).post(assign, {"consultant": personas.trainer.pk}).status_code == 404
    )
    rate = reverse("learning:consultation-action", args=[consultation.pk, "rate"])
    assert client_for(personas.staff).post(rate, {"rating": 5}).status_code == 403
    consultation.refresh_from_db()
    assert consultation.consultant is None and consultation.rating is None
    assert client_for(personas.staff).post(assign, {"consultant": personas.trainer.pk}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.consultant == personas.trainer


def test_instrument_configuration_and_denied_edit(world, personas, client_for):
    instrument = world["instrument"]
    url = reverse("learning:instrument-edit", args=[instrument.pk])
    page = client_for(personas.staff).get(url)
    formset = page.context["areas"]
    data = {
        "centre": personas.centre.pk,
        "name": "Сетка потенциала (2027)",
        "description": "",
        "is_active": "on",
    }
    data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "instrument":
                value = instrument.pk
            data[f"{formset.prefix}-{index}-{name}"] = "" if value is None else value
    data[f"{formset.prefix}-0-name_ru"] = "Стратегия и планирование"
    assert client_for(personas.other_staff).post(url, data).status_code == 404
    instrument.refresh_from_db()
    assert instrument.name != "Сетка потенциала (2027)"
    assert client_for(personas.staff).post(url, data).status_code == 302
    instrument.refresh_from_db()
    assert instrument.name == "Сетка потенциала (2027)"
    assert instrument.areas.get(code="strategy").name_ru == "Стратегия и планирование"
    assert instrument.areas.count() == 6


def test_denied_attendance_post_changes_nothing(world, personas, client_for):
    url = reverse("learning:session-attendance", args=[world["running"].pk])
    before = list(world["enrolment"].attendance.values_list("present", flat=True))
    response = client_for(personas.other_staff).post(url, {"date": TODAY.isoformat()})
    assert response.status_code == 403
    assert list(world["enrolment"].attendance.values_list("present", flat=True)) == before


def test_attendance_for_a_date_outside_the_session_is_a_clear_error(world, personas, client_for):
    url = reverse("learning:session-attendance", args=[world["running"].pk])
    response = client_for(personas.staff).post(
        url, {"date": "2026-12-25", "present": [world["enrolment"].pk]}
    )
    assert response.status_code == 400
    assert "25.12.2026" in response.content.decode()
    assert not world["enrolment"].attendance.filter(day__date=dt.date(2026, 12, 25)).exists()


def test_full_session_page_enrols_on_the_waitlist_and_double_enrolment_is_explained(
    world, personas, client_for
):
    session = world["upcoming"]
    Session.objects.filter(pk=session.pk).update(capacity=1)
    Enrolment.objects.create(session=session, user=personas.outsider, status=EnrolmentStatus.ACCEPTED)
    client = client_for(personas.ngo_rep)
    url = reverse("learning:session-enrol", args=[session.pk])
    response = client.post(url, {"organisation": personas.ngo.pk}, follow=True)
    assert Enrolment.objects.get(session=session, user=personas.ngo_rep).status == EnrolmentStatus.WAITLISTED
    with translation.override("ru"):
        told = translation.gettext(
            "The session is full: you are on the waitlist and will be told if a seat frees up."
        )
    assert told in response.content.decode()
    response = client.post(url, {"organisation": personas.ngo.pk}, follow=True)
    assert Enrolment.objects.filter(session=session, user=personas.ngo_rep).count() == 1
    assert response.status_code == 200


def test_certificate_verification_page(world, client_for):
    client = client_for(None)
    url = reverse("learning:certificate-verify")
    code = world["certificate"].code
    ok = client.get(url, {"code": code})
    assert ok.status_code == 200 and world["course"].title in ok.content.decode()
    unknown = client.get(url, {"code": "RS-ZZZZZ-ZZZZZ"})
    assert unknown.status_code == 404 and 'data-testid="verify-result"' in unknown.content.decode()
    services.certificate_revoke(certificate=world["certificate"], actor=None, reason="Ошибка")
    revoked = client.get(url, {"code": code})
    assert revoked.status_code == 200 and "RS-" in revoked.content.decode()
    assert world["course"].title not in revoked.content.decode()


def test_certificate_pdf_is_a_pdf(world, personas, client_for):
    response = client_for(personas.ngo_rep).get(
        reverse("learning:certificate-pdf", args=[world["certificate"].pk])
    )
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_service_quality_export_is_xlsx(world, personas, client_for):
    response = client_for(personas.staff).get(reverse("learning:service-quality"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_consultation_request_form_errors_beside_fields(personas, client_for):
    response = client_for(personas.ngo_rep).post(
        reverse("learning:consultation-request"),
        {"centre": personas.centre.pk, "topic": "law", "subject": ""},
    )
    assert response.status_code == 200
    assert 'id="id_subject_error"' in response.content.decode()
    assert not Consultation.objects.exists()


# --- query counts ------------------------------------------------------------------------------------------


def _more_courses(personas, n):
    for i in range(n):
        SessionFactory(
            course=CourseFactory(centre=personas.centre, title=f"Курс {i}"), trainer=personas.trainer
        )


def test_catalogue_query_count_does_not_grow(world, personas, client_for, django_assert_max_num_queries):
    client = client_for(None)
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("learning:catalogue"))
    _more_courses(personas, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("learning:catalogue"))


def test_my_learning_query_count(world, personas, client_for, django_assert_max_num_queries):
    client = client_for(personas.ngo_rep)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("learning:my-learning"))
    for session in Session.objects.exclude(pk=world["running"].pk):
        Enrolment.objects.create(session=session, user=personas.ngo_rep, status=EnrolmentStatus.APPLIED)
    _more_courses(personas, 5)
    for session in Session.objects.filter(enrolments__isnull=True):
        Enrolment.objects.create(session=session, user=personas.ngo_rep, status=EnrolmentStatus.APPLIED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("learning:my-learning"))


def test_consultation_queue_query_count(world, personas, client_for, django_assert_max_num_queries):
    client = client_for(personas.staff)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("learning:consultation-list"))
    for i in range(10):
        services.consultation_request(
            centre=personas.centre,
            requested_by=personas.ngo_rep,
            organisation=personas.ngo,
            topic=Topic.FINANCE,
            subject=f"Вопрос {i}",
            question="?",
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("learning:consultation-list"))


def test_session_roster_query_count(world, personas, client_for, django_assert_max_num_queries):
    from resurs.accounts.tests.factories import UserFactory

    client = client_for(personas.staff)
    url = reverse("learning:session-detail", args=[world["running"].pk])
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    Session.objects.filter(pk=world["running"].pk).update(capacity=50)
    for user in UserFactory.create_batch(8):
        Enrolment.objects.create(session=world["running"], user=user, status=EnrolmentStatus.ACCEPTED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_list_pages_of_projects_and_assessments_query_count(
    world, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas.staff)
    client.get(
        reverse("learning:service-quality")
    )  # its figures are computed once, with their job's bookkeeping
    for name in ("learning:project-list", "learning:assessment-list", "learning:service-quality"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name)).status_code == 200


def _snapshot(world):
    """Everything a denied POST could have changed."""
    from resurs.criteria.models import Evaluation
    from resurs.learning.models import AreaScore, Feedback, Material, Programme

    enrolment = Enrolment.objects.get(pk=world["enrolment"].pk)
    return {
        "enrolments": sorted(Enrolment.objects.values_list("pk", "status")),
        "certificate": Certificate.objects.filter(pk=world["certificate"].pk).values_list(
            "revoked_at", flat=True
        )[0],
        "feedback": Feedback.objects.count(),
        "materials": Material.objects.count(),
        "session": Session.objects.filter(pk=world["upcoming"].pk).values_list("capacity", "venue")[0],
        "programme": Programme.objects.filter(pk=world["programme"].pk).values_list("title", flat=True)[0],
        "review": (
            world["review"]
            .__class__.objects.filter(pk=world["review"].pk)
            .values_list("evaluator", "status")[0]
        ),
        "evaluations": Evaluation.objects.count(),
        "area_scores": AreaScore.objects.count(),
        "attendance": list(enrolment.attendance.values_list("present", flat=True)),
    }


DENIED_POSTS = [
    # (url name, object, data, persona, expected status)
    ("learning:enrolment-cancel", "enrolment", {}, "other_staff", 404),
    ("learning:enrolment-cancel", "enrolment", {}, "trainer", 403),
    ("learning:enrolment-cancel", "enrolment", {}, "outsider", 404),
    ("learning:certificate-revoke", "certificate", {"reason": "x"}, "ngo_rep", 403),
    ("learning:certificate-revoke", "certificate", {"reason": "x"}, "other_staff", 404),
    (
        "learning:material-add",
        "upcoming",
        {"title": "Слайды", "url": "https://example.org/s"},
        "trainer",
        403,
    ),
    (
        "learning:material-add",
        "upcoming",
        {"title": "Слайды", "url": "https://example.org/s"},
        "other_staff",
        403,
    ),
    ("learning:session-edit", "upcoming", {"capacity": 99, "venue": "Захват"}, "other_staff", 403),
    ("learning:session-edit", "upcoming", {"capacity": 99, "venue": "Захват"}, "ngo_rep", 403),
    ("learning:programme-edit", "programme", {"title": "Захват"}, "other_staff", 403),
    ("learning:feedback", "enrolment", dict(GOOD), "staff", 403),
    ("learning:feedback", "enrolment", dict(GOOD), "outsider", 404),
    ("learning:project-detail", "review", {"form": "assign", "consultant": 1}, "ngo_rep", 403),
    ("learning:project-detail", "review", {"form": "assign", "consultant": 1}, "other_staff", 404),
    ("learning:project-detail", "review", {"form": "evaluation", "submit": "1"}, "staff", 403),
    ("learning:assessment-detail", "assessment", {"score_strategy": 4, "submit": "1"}, "staff", 403),
    ("learning:assessment-detail", "assessment", {"score_strategy": 4, "submit": "1"}, "other_staff", 404),
    ("learning:session-enrol", "upcoming", {}, None, 302),
]


@pytest.mark.parametrize(
    ("name", "obj", "data", "persona", "status"),
    DENIED_POSTS,
    ids=[f"{n}:{p}" for n, _o, _d, p, _s in DENIED_POSTS],
)
def test_denied_posts_change_nothing(world, personas, client_for, name, obj, data, persona, status):
    before = _snapshot(world)
    user = getattr(personas, persona) if persona else None
    response = client_for(user).post(reverse(name, args=[world[obj].pk]), data)
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]
    assert _snapshot(world) == before


def test_home_and_desk_sections(world, personas, client_for):
    pending = Enrolment.objects.create(
        session=world["upcoming"], user=personas.outsider, status=EnrolmentStatus.APPLIED
    )
    home = client_for(None).get(reverse("core:home")).content.decode()
    assert world["course"].title in home
    desk = client_for(personas.staff).get(reverse("core:dashboard")).content.decode()
    assert str(pending.user) in desk and world["consultation"].subject in desk
    assert (
        str(pending.user)
        not in client_for(personas.other_staff).get(reverse("core:dashboard")).content.decode()
    )
    ngo_desk = client_for(personas.ngo_rep).get(reverse("core:dashboard")).content.decode()
    assert world["course"].title in ngo_desk


def test_pages_read_in_both_languages(world, personas, client_for):
    client = client_for(personas.ngo_rep)
    url = reverse("learning:enrolment-detail", args=[world["enrolment"].pk])
    russian = client.get(url).content.decode()
    assert "Скачать сертификат (PDF)" in russian and "Принята" in russian
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Download the certificate (PDF)" in english and "Accepted" in english


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_enrolment_decision_refuses_an_open_redirect(world, personas, client_for, target):
    pending = Enrolment.objects.create(
        session=world["upcoming"], user=personas.outsider, status=EnrolmentStatus.APPLIED
    )
    url = reverse("learning:enrolment-decide", args=[pending.pk])
    response = client_for(personas.staff).post(url, {"action": "accept", "next": target})
    assert response.status_code == 302 and response["Location"] == world["upcoming"].get_absolute_url()
    response = client_for(personas.staff).post(url, {"action": "accept", "next": "/learning/"})
    assert response["Location"] == "/learning/"
