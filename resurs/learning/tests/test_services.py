import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.utils import translation

from resurs.accounts.choices import Role
from resurs.accounts.tests.factories import UserFactory, representative_of, user_with_role
from resurs.learning import selectors, services
from resurs.learning.choices import (
    AssessmentKind,
    ConsultationStatus,
    EnrolmentStatus,
    ProjectReviewStatus,
    Topic,
)
from resurs.learning.models import Attendance, Certificate, Consultation, Enrolment, Feedback
from resurs.learning.tests.factories import TODAY, SessionFactory
from resurs.notifications.models import EmailMessage
from resurs.registry.tests.factories import CentreFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (their msgids); the pages test the Russian catalogue."""
    with translation.override("en"):
        yield


GOOD = {"rating_content": 5, "rating_trainer": 4, "rating_organisation": 5, "rating_overall": 5}


@pytest.fixture
def session(reference_data):
    return SessionFactory(capacity=2)


def statuses(session):
    return list(session.enrolments.order_by("pk").values_list("status", flat=True))


# --- enrolment and the waitlist ------------------------------------------------------------------------------


def test_full_session_puts_the_applicant_on_the_waitlist(session):
    users = UserFactory.create_batch(3)
    for user in users:
        services.enrolment_apply(session=session, user=user)
    assert statuses(session) == ["accepted", "accepted", "waitlisted"]
    assert EmailMessage.objects.filter(template="learning/email/enrolment_waitlisted").count() == 1


def test_approval_sessions_start_as_applications_and_staff_accept_within_capacity(reference_data, personas):
    session = SessionFactory(capacity=1, requires_approval=True, course__centre=personas.centre)
    first, second = UserFactory.create_batch(2)
    a = services.enrolment_apply(session=session, user=first)
    b = services.enrolment_apply(session=session, user=second)
    assert (a.status, b.status) == ("applied", "applied")
    services.enrolment_accept(enrolment=a, actor=personas.staff)
    with pytest.raises(ValidationError, match="full"):
        services.enrolment_accept(enrolment=b, actor=personas.staff)
    b.refresh_from_db()
    assert b.status == "applied"


def test_double_enrolment_is_refused_with_a_clear_message_and_nothing_changes(session):
    user = UserFactory()
    services.enrolment_apply(session=session, user=user)
    with pytest.raises(ValidationError) as error:
        services.enrolment_apply(session=session, user=user)
    assert "already applied" in " ".join(error.value.messages)
    assert session.enrolments.count() == 1


def test_a_cancelled_person_may_apply_again(session):
    user = UserFactory()
    enrolment = services.enrolment_apply(session=session, user=user)
    services.enrolment_cancel(enrolment=enrolment, actor=user)
    again = services.enrolment_apply(session=session, user=user)
    assert again.status == "accepted"


def test_enrolling_for_an_organisation_one_does_not_represent_is_refused(session):
    user = representative_of(OrganisationFactory())
    with pytest.raises(ValidationError) as error:
        services.enrolment_apply(session=session, user=user, organisation=OrganisationFactory())
    assert "organisation" in error.value.message_dict
    assert not session.enrolments.exists()


def test_past_session_refuses_applications(reference_data):
    past = SessionFactory(starts_on=TODAY - dt.timedelta(days=10), ends_on=TODAY - dt.timedelta(days=9))
    with pytest.raises(ValidationError, match="over"):
        services.enrolment_apply(session=past, user=UserFactory())


def test_cancellation_promotes_the_first_waitlisted_person_and_mails_them(session):
    users = UserFactory.create_batch(4)
    enrolments = [services.enrolment_apply(session=session, user=u) for u in users]
    promoted = services.enrolment_cancel(enrolment=enrolments[0], actor=users[0])
    assert [e.pk for e in promoted] == [enrolments[2].pk]
    assert statuses(session) == ["cancelled", "accepted", "accepted", "waitlisted"]
    promoted_mail = EmailMessage.objects.get(template="learning/email/enrolment_promoted")
    assert promoted_mail.to == users[2].email


def test_cancelling_twice_is_refused_and_promotes_nobody_twice(session):
    users = UserFactory.create_batch(4)
    enrolments = [services.enrolment_apply(session=session, user=u) for u in users]
    services.enrolment_cancel(enrolment=enrolments[0], actor=users[0])
    with pytest.raises(ValidationError, match="already"):
        services.enrolment_cancel(enrolment=enrolments[0], actor=users[0])
    assert statuses(session) == ["cancelled", "accepted", "accepted", "waitlisted"]


def test_sequential_cancellations_keep_capacity_and_order(session):
    """The deterministic version of the concurrent test: every cancellation fills exactly one seat, in order."""
    users = UserFactory.create_batch(6)
    enrolments = [services.enrolment_apply(session=session, user=u) for u in users]
    services.enrolment_cancel(enrolment=enrolments[0], actor=users[0])
    services.enrolment_cancel(enrolment=enrolments[1], actor=users[1])
    assert statuses(session) == ["cancelled", "cancelled", "accepted", "accepted", "waitlisted", "waitlisted"]
    assert session.enrolments.filter(status="accepted").count() == session.capacity


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_exactly_one_person_each(requires_postgres, reference_data):
    session = SessionFactory(capacity=3)
    users = UserFactory.create_batch(8)
    enrolments = [services.enrolment_apply(session=session, user=u) for u in users]
    barrier = threading.Barrier(3)
    errors = []

    def cancel(enrolment):
        try:
            barrier.wait(timeout=10)
            services.enrolment_cancel(enrolment=enrolment, actor=enrolment.user)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()

    # Three people cancel at once, and one of them twice (a double click): exactly three seats free up.
    threads = [
        threading.Thread(target=cancel, args=(e,)) for e in (enrolments[0], enrolments[1], enrolments[1])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    final = statuses(session)
    assert final.count("accepted") == 3
    assert final == [
        "cancelled",
        "cancelled",
        "accepted",
        "accepted",
        "accepted",
        "waitlisted",
        "waitlisted",
        "waitlisted",
    ]
    assert Enrolment.objects.filter(session=session, status="accepted").count() == session.capacity


# --- attendance, completion and certificates -----------------------------------------------------------------


@pytest.fixture
def running(reference_data, personas):
    """A two-day session that started yesterday, with the NGO representative accepted."""
    session = SessionFactory(
        course__centre=personas.centre,
        starts_on=TODAY - dt.timedelta(days=1),
        ends_on=TODAY,
        capacity=10,
        trainer=personas.trainer,
    )
    enrolment = Enrolment.objects.create(
        session=session, user=personas.ngo_rep, organisation=personas.ngo, status=EnrolmentStatus.ACCEPTED
    )
    return session, enrolment


def test_attendance_outside_the_session_is_a_clear_error_and_saves_nothing(running, personas):
    _session, enrolment = running
    with pytest.raises(ValidationError) as error:
        services.attendance_mark(
            enrolment=enrolment, date=TODAY + dt.timedelta(days=3), present=True, actor=personas.staff
        )
    assert "29.11.2026" in error.value.message_dict["date"][0]
    assert not Attendance.objects.exists()


def test_completion_needs_attendance_and_feedback_then_issues_one_certificate(running, personas):
    session, enrolment = running
    services.attendance_mark(enrolment=enrolment, date=session.starts_on, present=True, actor=personas.staff)
    assert len(services.completion_gaps(enrolment)) == 2  # 50% < 75% and no feedback
    services.attendance_mark(enrolment=enrolment, date=session.ends_on, present=True, actor=personas.staff)
    assert services.completion_gaps(enrolment) == ["The feedback survey has not been filled."]
    assert not Certificate.objects.exists()
    services.feedback_submit(enrolment=enrolment, ratings=GOOD, comment="Очень полезно")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.code.startswith("RS-") and len(certificate.code) == 14
    # Marking again does not issue a second certificate.
    services.attendance_mark(enrolment=enrolment, date=session.ends_on, present=True, actor=personas.staff)
    assert Certificate.objects.count() == 1
    assert EmailMessage.objects.filter(template="learning/email/certificate_issued").count() == 1


def test_course_without_feedback_rule_completes_on_attendance_alone(reference_data, personas):
    session = SessionFactory(
        course__feedback_required=False,
        course__min_attendance_percent=50,
        starts_on=TODAY - dt.timedelta(days=1),
        ends_on=TODAY,
    )
    enrolment = Enrolment.objects.create(
        session=session, user=personas.ngo_rep, status=EnrolmentStatus.ACCEPTED
    )
    services.attendance_mark(enrolment=enrolment, date=session.starts_on, present=True, actor=personas.staff)
    assert Certificate.objects.filter(enrolment=enrolment).exists()


def test_absence_is_not_attendance(running, personas):
    session, enrolment = running
    for day in (session.starts_on, session.ends_on):
        services.attendance_mark(enrolment=enrolment, date=day, present=False, actor=personas.staff)
    services.feedback_submit(enrolment=enrolment, ratings=GOOD)
    assert services.attendance_percent(enrolment) == 0
    assert not Certificate.objects.exists()


def test_feedback_rejects_bad_ratings_and_second_answers(running):
    _session, enrolment = running
    with pytest.raises(ValidationError) as error:
        services.feedback_submit(enrolment=enrolment, ratings={**GOOD, "rating_trainer": 9})
    assert list(error.value.message_dict) == ["rating_trainer"]
    services.feedback_submit(enrolment=enrolment, ratings=GOOD)
    with pytest.raises(ValidationError, match="already"):
        services.feedback_submit(enrolment=enrolment, ratings=GOOD)
    assert Feedback.objects.count() == 1


def test_certificate_verification_unknown_and_revoked(running, personas):
    session, enrolment = running
    for day in (session.starts_on, session.ends_on):
        services.attendance_mark(enrolment=enrolment, date=day, present=True, actor=personas.staff)
    services.feedback_submit(enrolment=enrolment, ratings=GOOD)
    certificate = enrolment.certificate
    assert selectors.certificate_by_code(certificate.code.lower()) == certificate
    assert selectors.certificate_by_code("RS-AAAAA-AAAAA") is None
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, actor=personas.staff, reason=" ")
    services.certificate_revoke(certificate=certificate, actor=personas.staff, reason="Ошибка в данных")
    assert not selectors.certificate_by_code(certificate.code).is_valid


def test_feedback_summaries_per_trainer_and_course(running, personas):
    _session, enrolment = running
    services.feedback_submit(enrolment=enrolment, ratings=GOOD)
    by_trainer = selectors.feedback_by_trainer({personas.centre.pk})
    assert by_trainer[0]["enrolment__session__trainer_id"] == personas.trainer.pk
    assert by_trainer[0]["rating_trainer"] == 4
    assert selectors.feedback_by_course({personas.other_centre.pk}) == []


# --- consultations -------------------------------------------------------------------------------------------


def test_consultation_lifecycle_with_timestamps_and_response_target(personas, frozen_clock):
    consultation = services.consultation_request(
        centre=personas.centre,
        requested_by=personas.ngo_rep,
        organisation=personas.ngo,
        topic=Topic.LAW,
        subject="Смена юридического адреса",
        question="Как сменить адрес АНО?",
    )
    # Thursday 10:00 + two working days = Monday 10:00.
    assert consultation.respond_by.weekday() == 0
    frozen_clock.shift(dt.timedelta(hours=5))
    services.consultation_assign(consultation=consultation, consultant=personas.trainer, actor=personas.staff)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ASSIGNED and consultation.first_response_at is not None
    assert consultation.response_hours == 5
    services.consultation_start(consultation=consultation, actor=personas.trainer)
    with pytest.raises(ValidationError) as error:
        services.consultation_answer(
            consultation=consultation, actor=personas.trainer, answer="", minutes_spent=0
        )
    assert set(error.value.message_dict) == {"answer", "minutes_spent"}
    services.consultation_answer(
        consultation=consultation,
        actor=personas.trainer,
        answer="Подайте форму Р13014.",
        minutes_spent=45,
        outcome="Документы подготовлены",
        follow_up_on=TODAY + dt.timedelta(days=30),
    )
    services.consultation_rate(consultation=consultation, actor=personas.ngo_rep, rating=5, comment="Спасибо")
    with pytest.raises(ValidationError, match="already"):
        services.consultation_rate(consultation=consultation, actor=personas.ngo_rep, rating=1)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.rating, consultation.minutes_spent) == ("answered", 5, 45)
    assert EmailMessage.objects.filter(
        template="learning/email/consultation_answered", to=personas.ngo_rep.email
    ).exists()


def test_only_a_trainer_of_the_centre_can_be_consultant(personas):
    consultation = services.consultation_request(
        centre=personas.centre, requested_by=personas.ngo_rep, topic=Topic.LAW, subject="Вопрос", question="?"
    )
    outsider_trainer = user_with_role(Role.TRAINER, CentreFactory())
    with pytest.raises(ValidationError) as error:
        services.consultation_assign(
            consultation=consultation, consultant=outsider_trainer, actor=personas.staff
        )
    assert "consultant" in error.value.message_dict
    consultation.refresh_from_db()
    assert consultation.status == "requested" and consultation.consultant is None


def test_rating_before_answer_is_refused(personas):
    consultation = services.consultation_request(
        centre=personas.centre, requested_by=personas.ngo_rep, topic=Topic.LAW, subject="Вопрос", question="?"
    )
    with pytest.raises(ValidationError, match="answered"):
        services.consultation_rate(consultation=consultation, actor=personas.ngo_rep, rating=4)


def test_working_days_skip_weekends():
    friday = dt.datetime(2026, 11, 27, 15, 0)
    assert services.add_working_days(friday, 2) == dt.datetime(2026, 12, 1, 15, 0)


def test_working_days_skip_public_holidays():
    # 4 November (National Unity Day) is a Wednesday in 2026. 31 December 2026 is a day off moved there by the
    # government's decree from 4 January; the New Year holidays run from 1 to 8 January, then a weekend.
    assert services.add_working_days(dt.datetime(2026, 11, 3, 10, 0), 2) == dt.datetime(2026, 11, 6, 10, 0)
    assert services.add_working_days(dt.datetime(2026, 12, 30, 10, 0), 2) == dt.datetime(2027, 1, 12, 10, 0)


def test_working_days_are_counted_in_the_centres_time_zone(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    # Friday 22:30 UTC is Saturday 01:30 in Moscow: the two working days are Monday and Tuesday in Moscow, so the
    # deadline is Tuesday 01:30 there (Monday 22:30 UTC). Counted in UTC it would have been a day later.
    friday_night = dt.datetime(2026, 11, 27, 22, 30, tzinfo=dt.UTC)
    assert services.add_working_days(friday_night, 2) == dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)


def test_the_working_calendar_is_a_setting(settings):
    settings.WORKING_CALENDAR = "DE"  # 4 November is an ordinary Wednesday in Germany
    assert services.add_working_days(dt.datetime(2026, 11, 3, 10, 0), 2) == dt.datetime(2026, 11, 5, 10, 0)


# --- project evaluation through the criteria component -------------------------------------------------------


def test_project_review_uses_the_criteria_component_and_completes(personas):
    from resurs.criteria.services import EvaluationIncomplete, ScoreInput

    review = services.project_review_submit(
        centre=personas.centre,
        organisation=personas.ngo,
        submitted_by=personas.ngo_rep,
        title="Школа волонтёров",
        summary="Обучение 60 волонтёров",
    )
    assert review.scheme.criteria.count() == len(services.PROJECT_CRITERIA)
    assert services.project_scheme_for(personas.centre) == review.scheme  # one scheme per centre
    services.project_review_assign(review=review, evaluator=personas.trainer, actor=personas.staff)
    scores = {c.code: ScoreInput(4, "") for c in review.scheme.criteria.all()}
    scores["budget"] = ScoreInput(1, "")
    with pytest.raises(EvaluationIncomplete) as error:
        services.project_review_save(
            review=review, actor=personas.trainer, scores=scores, overall_comment="", submit=True
        )
    assert "comment_budget" in error.value.message_dict
    review.refresh_from_db()
    assert review.status == ProjectReviewStatus.IN_REVIEW
    scores["budget"] = ScoreInput(1, "Смета не обоснована")
    evaluation = services.project_review_save(
        review=review, actor=personas.trainer, scores=scores, overall_comment="Хороший проект", submit=True
    )
    review.refresh_from_db()
    assert review.status == ProjectReviewStatus.COMPLETED and evaluation.total is not None


# --- capacity assessment -------------------------------------------------------------------------------------


def test_assessment_waves_change_and_action_plan(personas):
    instrument = services.instrument_create_default(centre=personas.centre)
    course_session = SessionFactory(course__topic=Topic.FINANCE, course__centre=personas.centre)
    first = services.assessment_start(
        instrument=instrument, organisation=personas.ngo, kind=AssessmentKind.SELF, actor=personas.ngo_rep
    )
    with pytest.raises(ValidationError) as error:
        services.assessment_save(
            assessment=first, actor=personas.ngo_rep, scores={"strategy": (2, "")}, submit=True
        )
    assert "score_finance" in error.value.message_dict
    assert first.scores.count() == 1  # the valid score was kept
    scores = {a.code: (2, "") for a in instrument.areas.all()}
    services.assessment_save(assessment=first, actor=personas.ngo_rep, scores=scores, submit=True)
    second = services.assessment_start(
        instrument=instrument, organisation=personas.ngo, kind=AssessmentKind.SELF, actor=personas.ngo_rep
    )
    assert second.wave == 2
    services.assessment_save(
        assessment=second,
        actor=personas.ngo_rep,
        scores={**scores, "finance": (3, ""), "strategy": (4, "")},
        submit=True,
    )
    history = selectors.assessment_history(personas.ngo, instrument)
    change = {row["area"].code: row["change"] for row in history["rows"]}
    assert change["strategy"] == 2 and change["finance"] == 1 and change["people"] == 0
    plan = selectors.action_plan(first)
    finance = next(item for item in plan if item["area"].code == "finance")
    assert course_session in finance["sessions"]


def test_self_assessment_only_by_representatives(personas):
    instrument = services.instrument_create_default(centre=personas.centre)
    with pytest.raises(ValidationError):
        services.assessment_start(
            instrument=instrument,
            organisation=personas.ngo,
            kind=AssessmentKind.SELF,
            actor=personas.outsider,
        )


# --- service quality -----------------------------------------------------------------------------------------


def test_service_quality_counts_unique_organisations_hours_and_rates(running, personas):
    session, enrolment = running
    for day in (session.starts_on, session.ends_on):
        services.attendance_mark(enrolment=enrolment, date=day, present=True, actor=personas.staff)
    services.feedback_submit(enrolment=enrolment, ratings=GOOD)
    consultation = services.consultation_request(
        centre=personas.centre,
        requested_by=personas.ngo_rep,
        organisation=personas.ngo,
        topic=Topic.FINANCE,
        subject="УСН",
        question="Какой объект выбрать?",
    )
    services.consultation_assign(consultation=consultation, consultant=personas.trainer, actor=personas.staff)
    services.consultation_answer(
        consultation=consultation, actor=personas.trainer, answer="Доходы минус расходы", minutes_spent=90
    )
    services.consultation_rate(consultation=consultation, actor=personas.ngo_rep, rating=4)
    result = selectors.service_quality(
        start=TODAY - dt.timedelta(days=30), end=TODAY, centre_ids={personas.centre.pk}
    )
    total = result["total"]
    assert total.organisations_served == 1  # the same NGO trained and consulted counts once
    assert total.sessions == 1 and total.training_hours == 16 and total.participant_hours == 16
    assert total.attendance_rate == 1 and total.consulting_hours == 1.5
    assert total.satisfaction == 5 and total.consultation_rating == 4
    assert total.in_time_rate == 1 and total.median_response_hours == 0
    other = selectors.service_quality(
        start=TODAY - dt.timedelta(days=30), end=TODAY, centre_ids={personas.other_centre.pk}
    )
    assert other["total"].organisations_served == 0
    with translation.override("ru"):
        breakdown = selectors.organisations_breakdown(total.organisations)
    assert [n for _kind, n in breakdown["by_kind"]] == [1]
    assert breakdown["by_region"] == [(personas.ngo.region.name_ru, 1)]
    region = personas.ngo.region
    with translation.override("en"):
        english = selectors.organisations_breakdown(total.organisations)
    assert english["by_region"] == [(region.name_en or region.name_ru, 1)]


def test_services_for_organisation(running, personas, django_assert_max_num_queries):
    _session, enrolment = running
    Consultation.objects.create(
        centre=personas.centre,
        organisation=personas.ngo,
        requested_by=personas.ngo_rep,
        topic=Topic.PR,
        subject="Пресс-релиз",
        question="?",
    )
    with django_assert_max_num_queries(4):
        services_ = selectors.services_for_organisation(personas.ngo)
    assert services_["enrolments"] == [enrolment] and len(services_["consultations"]) == 1
    assert services_["total"] == 2


def test_more_seats_promote_the_waitlist_and_cancelling_a_session_tells_everyone(session, personas):
    users = UserFactory.create_batch(4)
    for user in users:
        services.enrolment_apply(session=session, user=user)
    session.capacity = 3
    services.session_save(session=session, actor=personas.staff)
    assert statuses(session) == ["accepted", "accepted", "accepted", "waitlisted"]
    session.status = "cancelled"
    services.session_save(session=session, actor=personas.staff)
    told = set(
        EmailMessage.objects.filter(template="learning/email/enrolment_session_cancelled").values_list(
            "to", flat=True
        )
    )
    assert told == {u.email for u in users}


def test_session_days_outside_the_dates_are_refused(session, personas):
    with pytest.raises(ValidationError) as error:
        services.session_save(
            session=session, actor=personas.staff, days=[session.starts_on + dt.timedelta(days=30)]
        )
    assert "days" in error.value.message_dict
    assert session.days.count() == 2


def test_follow_up_reminders_are_sent_once_per_day(personas):
    from resurs.learning.tasks import remind_follow_ups_task

    consultation = services.consultation_request(
        centre=personas.centre,
        requested_by=personas.ngo_rep,
        topic=Topic.FUNDRAISING,
        subject="Рассылка",
        question="?",
    )
    services.consultation_assign(consultation=consultation, consultant=personas.trainer, actor=personas.staff)
    services.consultation_answer(
        consultation=consultation,
        actor=personas.trainer,
        answer="План рассылки",
        minutes_spent=30,
        follow_up_on=TODAY + dt.timedelta(days=7),
    )
    assert services.consultation_follow_up_reminders(on=TODAY) == 0
    day = (TODAY + dt.timedelta(days=7)).isoformat()
    remind_follow_ups_task.enqueue(day)
    remind_follow_ups_task.enqueue(day)
    reminders = EmailMessage.objects.filter(template="learning/email/consultation_follow_up")
    assert list(reminders.values_list("to", flat=True)) == [personas.trainer.email]


def test_organisation_services_tag_renders_for_the_registry_profile(personas):
    from django.template import Context, Template

    services.consultation_request(
        centre=personas.centre,
        requested_by=personas.ngo_rep,
        organisation=personas.ngo,
        topic=Topic.PR,
        subject="Пресс-релиз о запуске",
        question="?",
    )
    html = Template("{% load learning_tags %}{% organisation_services org %}").render(
        Context({"org": personas.ngo})
    )
    assert "Пресс-релиз о запуске" in html and 'id="org-services-h"' in html
