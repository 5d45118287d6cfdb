import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from resurs.core.audit import audit_history
from resurs.grants import services
from resurs.grants.choices import ApplicationStatus, CallStatus, DecisionOutcome
from resurs.grants.models import Application, BudgetLine
from resurs.grants.selectors import application_text, applications_for_review
from resurs.grants.tests.factories import (
    complete_data,
    eligible_application,
    open_call,
    submitted_application,
)
from resurs.notifications.models import EmailMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(personas):
    return open_call(personas.centre, actor=personas.staff)


def test_call_create_gives_default_scheme_and_form_version(call):
    assert call.criteria_scheme.criteria.count() == 10
    assert call.status == CallStatus.OPEN
    version = call.form_versions.get()
    assert version.number == 1
    assert [f["key"] for f in version.fields()] == [
        "goal",
        "problem",
        "target_groups",
        "beneficiaries",
        "results",
        "budget",
        "plan",
        "letters",
    ]


def test_submit_numbers_freezes_stores_budget_lines_and_mails_receipt(call, personas):
    application = submitted_application(call, personas.ngo, personas.ngo_rep)
    assert application.status == ApplicationStatus.SUBMITTED
    year = timezone.now().strftime("%y")
    assert application.number == f"{year}-{call.pk}-{application.pk:06d}"
    assert application.requested_amount == Decimal("500000.00")
    assert application.total_cost == Decimal("555555.56")
    line = BudgetLine.objects.get(application=application)
    assert line.item == "Работа координатора"
    receipt = EmailMessage.objects.get(template="grants/email/receipt")
    assert application.number in receipt.subject
    assert [e.additional_data["event"] for e in audit_history(application)][:1] == ["application_submit"]
    with pytest.raises(services.GrantsError):
        services.application_autosave(
            application=application, actor=personas.ngo_rep, data={"title": "Другое"}
        )
    application.refresh_from_db()
    assert application.title == "Школа наставников для подростков"


def test_submit_twice_with_same_token_is_one_submission(call, personas):
    application = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    services.application_autosave(application=application, actor=personas.ngo_rep, data=complete_data(call))
    token = uuid.uuid4()
    first = services.application_submit(application=application, actor=personas.ngo_rep, token=token)
    second = services.application_submit(application=application, actor=personas.ngo_rep, token=token)
    assert first.number == second.number
    assert BudgetLine.objects.filter(application=application).count() == 1
    assert EmailMessage.objects.filter(template="grants/email/receipt").count() == 1


def test_payload_submission_is_idempotent_by_token(call, personas):
    token = uuid.uuid4()
    data = complete_data(call)
    first, created = services.application_submit_payload(
        call=call, organisation=personas.ngo, actor=personas.ngo_rep, token=token, data=data
    )
    again, created_again = services.application_submit_payload(
        call=call, organisation=personas.ngo, actor=personas.ngo_rep, token=token, data=data
    )
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Application.objects.count() == 1


def test_bad_input_is_reported_and_draft_kept(call, personas):
    application = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    data = complete_data(call)
    data["answers"]["goal"] = "ц" * 1001
    data["answers"]["budget"] = [
        {"item": "Аренда", "quantity": "1", "unit_cost": "-10", "requested": "-10", "cofinancing": "0"},
        {
            "item": "Зарплата",
            "quantity": "1",
            "unit_cost": "5000000",
            "requested": "5000000",
            "cofinancing": "0",
        },
    ]
    result = services.application_autosave(application=application, actor=personas.ngo_rep, data=data)
    assert result.errors["answers.goal"] == ["At most 1000 characters, you have 1001."]
    assert "Line 1: amounts cannot be negative." in result.errors["answers.budget"]
    assert "more than the call's maximum" in result.errors["requested_amount"][0]
    application.refresh_from_db()
    assert application.answers["goal"] == "ц" * 1001
    assert application.title == data["title"]
    with pytest.raises(services.GrantsError) as caught:
        services.application_submit(application=application, actor=personas.ngo_rep, token=uuid.uuid4())
    assert "answers.goal" in caught.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_deadline_edges(personas):
    deadline = dt.datetime(2026, 12, 10, 20, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Moscow
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC), tick=False):
        call = open_call(personas.centre, actor=personas.staff, deadline=deadline)
        application = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
        services.application_autosave(
            application=application, actor=personas.ngo_rep, data=complete_data(call)
        )
    with time_machine.travel(deadline + dt.timedelta(seconds=1), tick=False):
        with pytest.raises(services.GrantsError) as caught:
            services.application_submit(
                application=application,
                actor=personas.ngo_rep,
                token=uuid.uuid4(),
                tz_name="Asia/Vladivostok",
            )
        message = caught.value.messages[0]
        assert "Asia/Vladivostok" in message
        assert "11.12.2026 06:59" in message  # 20:59:59 UTC is 06:59:59 next day in Vladivostok
        assert "10.12.2026 23:59" in message
        assert "Europe/Moscow" in message
    with time_machine.travel(deadline, tick=False):
        submitted = services.application_submit(
            application=application, actor=personas.ngo_rep, token=uuid.uuid4()
        )
        assert submitted.status == ApplicationStatus.SUBMITTED


def test_withdraw_before_deadline_only(personas):
    deadline = dt.datetime(2026, 12, 10, 21, 0, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC), tick=False):
        call = open_call(personas.centre, actor=personas.staff, deadline=deadline)
        application = submitted_application(call, personas.ngo, personas.ngo_rep)
    with (
        time_machine.travel(deadline + dt.timedelta(seconds=1), tick=False),
        pytest.raises(services.GrantsError),
    ):
        services.application_withdraw(application=application, actor=personas.ngo_rep)
    with time_machine.travel(deadline - dt.timedelta(minutes=1), tick=False):
        services.application_withdraw(application=application, actor=personas.ngo_rep)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_screen_decide_and_publish_results(call, personas):
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    assert list(applications_for_review(call)) == [application]
    assert "наставников" in application_text(application)
    with pytest.raises(services.GrantsError):
        services.application_decide(
            application=application,
            actor=personas.staff,
            outcome=DecisionOutcome.AWARDED,
            awarded_amount=Decimal("600000"),
        )
    decision = services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("450000"),
        reason="высокий балл",
    )
    assert decision.awarded_amount == Decimal("450000")
    events = [e.additional_data.get("event") for e in audit_history(application)]
    assert "decision" in events
    mail.outbox.clear()
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED):
        services.call_set_status(call=call, actor=personas.staff, status=status)
    assert EmailMessage.objects.filter(template="grants/email/decision").count() == 1


def test_screening_refusal_needs_reason(call, personas):
    application = submitted_application(call, personas.ngo, personas.ngo_rep)
    with pytest.raises(services.GrantsError) as caught:
        services.application_screen(application=application, actor=personas.staff, eligible=False)
    assert "reason" in caught.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_call_transitions_are_guarded(call, personas):
    with pytest.raises(services.GrantsError):
        services.call_set_status(call=call, actor=personas.staff, status=CallStatus.RESULTS_PUBLISHED)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
