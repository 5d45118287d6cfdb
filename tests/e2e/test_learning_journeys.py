"""Browser journeys of capacity building: enrol → attend → certificate → public verification, and
consultation request → answer → rating → counted on the service-quality page."""

from __future__ import annotations

import re

from django.utils import timezone

from resurs.learning.choices import Topic
from resurs.learning.models import Certificate, Consultation, Course, Session, SessionDay


def _as(page, login, user) -> None:
    """Sign out (forget the session) and sign in as ``user``."""
    page.context.clear_cookies()
    login(user)


def _warm_up(page) -> None:
    """The live server's first request imports every app; on a loaded machine that can outlast the default
    navigation timeout, which is for pages, not for start-up."""
    page.goto("/learning/", timeout=120_000)


def _session_today(personas) -> Session:
    today = timezone.localdate()
    course = Course.objects.create(
        centre=personas.centre,
        title="Бухгалтерия НКО для руководителя",
        topic=Topic.FINANCE,
        summary="Целевые средства, УСН, отчёты в налоговую и Минюст.",
        hours=8,
        min_attendance_percent=100,
        feedback_required=True,
    )
    session = Session.objects.create(
        course=course,
        starts_on=today,
        ends_on=today,
        venue="Москва, ул. Мясницкая, 13, учебный класс",
        trainer=personas.trainer,
        capacity=10,
        requires_approval=True,
    )
    SessionDay.objects.create(session=session, date=today)
    return session


def test_ngo_enrols_attends_gets_a_certificate_and_a_stranger_verifies_it(page, personas, login):
    session = _session_today(personas)
    _warm_up(page)

    # The NGO representative finds the course in the public catalogue and applies for the organisation.
    _as(page, login, personas.ngo_rep)
    page.goto("/learning/")
    page.get_by_role("link", name="Бухгалтерия НКО для руководителя").click()
    page.get_by_role("link", name=re.compile(r"\d{2}\.\d{2}\.\d{4}")).first.click()
    page.get_by_label("От организации").select_option(str(personas.ngo.pk))
    page.get_by_test_id("enrol").click()
    assert page.get_by_test_id("enrolment-status").inner_text() == "Заявка подана"

    # Staff accept the application and mark attendance in the register.
    _as(page, login, personas.staff)
    page.goto(f"/learning/sessions/{session.pk}/")
    page.get_by_role("button", name="Принять").click()
    page.goto(f"/learning/sessions/{session.pk}/attendance/")
    page.get_by_label(str(personas.ngo_rep)).check()
    page.get_by_test_id("save-attendance").click()
    assert page.get_by_text("Посещаемость сохранена").is_visible()

    # The participant fills the survey; the course is complete and the certificate is issued.
    _as(page, login, personas.ngo_rep)
    page.goto("/learning/my/")
    page.get_by_role("link", name="Бухгалтерия НКО для руководителя").click()
    page.get_by_role("link", name="Заполнить анкету обратной связи").click()
    for question in ("rating_content", "rating_trainer", "rating_organisation", "rating_overall"):
        page.locator(f"input[name={question}][value='5']").check()
    page.get_by_label("Комментарии").fill("Всё понятно и по делу.")
    page.get_by_test_id("send-feedback").click()
    code = page.get_by_test_id("certificate-code").inner_text()
    assert Certificate.objects.get(code=code).enrolment.user == personas.ngo_rep
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать сертификат (PDF)").click()
    assert download.value.suggested_filename == f"certificate-{code}.pdf"

    # A stranger (not signed in) verifies the code on the public page.
    page.context.clear_cookies()
    page.goto("/learning/certificates/verify/")
    page.get_by_label("Код сертификата").fill(code.lower())
    page.get_by_role("button", name="Проверить").click()
    result = page.get_by_test_id("verify-result")
    assert "Сертификат действителен" in result.inner_text()
    assert "Бухгалтерия НКО для руководителя" in result.inner_text()

    # An unknown code gets a clear message.
    page.get_by_label("Код сертификата").fill("RS-ZZZZZ-ZZZZZ")
    page.get_by_role("button", name="Проверить").click()
    assert "Сертификата с таким кодом нет" in page.get_by_test_id("verify-result").inner_text()


def test_ngo_consultation_is_answered_rated_and_counted(page, personas, login):
    _warm_up(page)
    # The NGO asks a question.
    _as(page, login, personas.ngo_rep)
    page.goto("/learning/consultations/new/")
    page.get_by_label("Ресурсный центр").select_option(str(personas.centre.pk))
    page.get_by_label("Организация").select_option(str(personas.ngo.pk))
    page.get_by_label("Тема", exact=True).select_option("finance")
    page.get_by_label("Тема обращения").fill("Целевые поступления и УСН")
    page.get_by_label("Ваш вопрос").fill("Облагается ли налогом грант регионального фонда при УСН?")
    page.get_by_test_id("send-consultation").click()
    assert page.get_by_test_id("consultation-status").inner_text() == "Запрошена"
    consultation = Consultation.objects.get()

    # Staff triage: the question goes to the centre's trainer.
    _as(page, login, personas.staff)
    page.goto("/learning/consultations/")
    page.get_by_role("link", name="Целевые поступления и УСН").click()
    page.get_by_label("Консультант").select_option(str(personas.trainer.pk))
    page.get_by_test_id("assign").click()
    assert page.get_by_test_id("consultation-status").inner_text() == "Назначена"

    # The consultant answers from the queue.
    _as(page, login, personas.trainer)
    page.goto("/learning/consultations/")
    page.get_by_role("link", name="Целевые поступления и УСН").click()
    page.get_by_label("Ответ", exact=True).fill(
        "Нет: целевые поступления не учитываются в доходах (ст. 251 НК РФ)."
    )
    page.get_by_label("Затраченное время, минут").fill("45")
    page.get_by_test_id("send-answer").click()
    assert page.get_by_test_id("consultation-status").inner_text() == "Дан ответ"

    # The NGO reads the answer and rates it.
    _as(page, login, personas.ngo_rep)
    page.goto(f"/learning/consultations/{consultation.pk}/")
    assert "ст. 251 НК РФ" in page.get_by_test_id("answer").inner_text()
    page.locator("input[name=rating][value='5']").check()
    page.get_by_test_id("send-rating").click()
    consultation.refresh_from_db()
    assert consultation.rating == 5

    # The service-quality page counts the consultation, the organisation and the rating.
    _as(page, login, personas.staff)
    page.goto("/learning/quality/")
    assert page.get_by_test_id("consultations").inner_text() == "1"
    assert page.get_by_test_id("orgs-served").inner_text() == "1"
    assert page.get_by_test_id("consultation-rating").inner_text() in {"5", "5,0", "5.0"}
