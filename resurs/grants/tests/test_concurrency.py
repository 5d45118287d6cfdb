"""Idempotent submission under real concurrency (threads on PostgreSQL, each with its own connection)."""

import threading
import uuid

import pytest
from django.db import connection

from resurs.grants import services
from resurs.grants.choices import ApplicationStatus
from resurs.grants.models import Application, BudgetLine
from resurs.grants.tests.factories import complete_data, open_call
from resurs.notifications.models import EmailMessage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _hammer(target, count: int) -> list:
    barrier = threading.Barrier(count)
    outcomes: list = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            result = target()
        except Exception as exc:  # collected and asserted on below
            result = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_double_click_on_the_page_submits_once(requires_postgres, personas):
    call = open_call(personas.centre, actor=personas.staff)
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    services.application_autosave(application=draft, actor=personas.ngo_rep, data=complete_data(call))
    token = uuid.uuid4()

    def submit():
        from resurs.accounts.models import User

        actor = User.objects.get(pk=personas.ngo_rep.pk)
        return services.application_submit(
            application=Application.objects.get(pk=draft.pk), actor=actor, token=token
        )

    outcomes = _hammer(submit, 8)
    assert all(isinstance(o, Application) for o in outcomes), outcomes
    assert len({o.number for o in outcomes}) == 1
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    assert BudgetLine.objects.count() == 1
    assert EmailMessage.objects.filter(template="grants/email/receipt").count() == 1


def test_concurrent_retries_of_one_request_submission_make_one(requires_postgres, personas):
    call = open_call(personas.centre, actor=personas.staff)
    token = uuid.uuid4()
    data = complete_data(call)

    def submit():
        from resurs.accounts.models import User

        actor = User.objects.get(pk=personas.ngo_rep.pk)
        return services.application_submit_payload(
            call=call, organisation=personas.ngo, actor=actor, token=token, data=data
        )

    outcomes = _hammer(submit, 8)
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert sum(1 for _app, created in outcomes if created) == 1
    assert len({app.pk for app, _created in outcomes}) == 1
    assert Application.objects.count() == 1
    assert BudgetLine.objects.count() == 1
    assert EmailMessage.objects.filter(template="grants/email/receipt").count() == 1


def test_two_keys_for_one_organisation_make_one_application(requires_postgres, personas):
    call = open_call(personas.centre, actor=personas.staff)
    data = complete_data(call)

    def submit():
        from resurs.accounts.models import User

        actor = User.objects.get(pk=personas.ngo_rep.pk)
        return services.application_submit_payload(
            call=call, organisation=personas.ngo, actor=actor, token=uuid.uuid4(), data=data
        )

    outcomes = _hammer(submit, 6)
    created = [o for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if isinstance(o, services.GrantsError)]
    assert len(created) == 1 and len(refused) == 5, outcomes
    assert Application.objects.count() == 1
