"""The bulk paths of a national contest (screening, decisions) give what the per-application services give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from resurs.accounts.tests.factories import representative_of
from resurs.grants import services
from resurs.grants.models import Application, Decision
from resurs.grants.tests.factories import open_call, submitted_application
from resurs.notifications.models import EmailMessage
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _run_and_roll_back(work, read):
    """Run ``work``, read the state, undo everything (both paths start from the same applications)."""
    try:
        with transaction.atomic():
            work()
            state = read()
            raise _Rollback
    except _Rollback:
        pass
    return state


def _events(action):
    return sorted(
        (e.object_pk, str(e.changes), e.actor_id, str(e.additional_data))
        for e in LogEntry.objects.filter(additional_data__event=action)
    )


def _call_with_applications(personas, n=5):
    call = open_call(personas.centre, actor=personas.staff, min_organisation_age_years=2)
    today = timezone.localdate()
    applications = []
    for i in range(n):
        # Every other organisation is too young for the call: its automatic check fails.
        founded = today - dt.timedelta(days=200 if i % 2 else 2000)
        organisation = OrganisationFactory(founded_on=founded)
        applications.append(submitted_application(call, organisation, representative_of(organisation)))
    return call, applications


def test_bulk_screening_equals_screening_one_by_one(personas):
    call, applications = _call_with_applications(personas)

    def read():
        rows = sorted(
            (a.pk, a.status, str(a.eligibility_checks), a.screening_reason, a.screened_by_id)
            for a in Application.objects.filter(call=call)
        )
        letters = sorted(
            EmailMessage.objects.filter(template="grants/email/ineligible").values_list("key", "to")
        )
        return rows, _events("application_screen"), letters

    def one_by_one():
        for application in applications:
            checks = services.eligibility_run(application=application)
            passed = all(c.passed for c in checks)
            services.application_screen(
                application=application,
                actor=personas.staff,
                eligible=passed,
                reason="" if passed else services.automatic_screening_reason(checks),
            )

    def bulk():
        counts = services.applications_screen_automatic(call=call, actor=personas.staff)
        assert counts == {"eligible": 3, "ineligible": 2}

    expected = _run_and_roll_back(one_by_one, read)
    got = _run_and_roll_back(bulk, read)
    assert got == expected
    statuses = [row[1] for row in got[0]]
    assert statuses.count("ineligible") == 2 and len(got[2]) == 2
    assert "at least 2 years" in got[0][1][3]


def test_bulk_decisions_equal_deciding_one_by_one(personas):
    call, applications = _call_with_applications(personas, n=4)
    for application in applications:
        services.application_screen(application=application, actor=personas.staff, eligible=True, reason="ok")
    wanted = [
        (applications[0].pk, "awarded", Decimal("400000"), "Ранг 1"),
        (applications[1].pk, "awarded", Decimal("500000"), "Ранг 2"),
        (applications[2].pk, "reserve", Decimal(0), ""),
        (applications[3].pk, "rejected", Decimal(0), "Ниже проходного балла"),
    ]

    def read():
        decisions = sorted(
            (d.application_id, d.outcome, d.awarded_amount, d.reason, d.decided_by_id)
            for d in Decision.objects.filter(application__call=call)
        )
        statuses = sorted(Application.objects.filter(call=call).values_list("pk", "status"))
        return decisions, statuses, _events("decision")

    def one_by_one():
        for pk, outcome, amount, reason in wanted:
            services.application_decide(
                application=Application.objects.get(pk=pk),
                actor=personas.staff,
                outcome=outcome,
                awarded_amount=amount,
                reason=reason,
            )

    def bulk():
        assert services.applications_decide_bulk(call=call, actor=personas.staff, decisions=wanted) == 4

    expected = _run_and_roll_back(one_by_one, read)
    got = _run_and_roll_back(bulk, read)
    assert got == expected
    assert [row[1] for row in got[1]] == ["awarded", "awarded", "reserve", "rejected"]


def test_bulk_decisions_refuse_an_award_above_the_request_and_save_nothing(personas):
    call, applications = _call_with_applications(personas, n=2)
    for application in applications:
        services.application_screen(application=application, actor=personas.staff, eligible=True, reason="ok")
    with pytest.raises(services.GrantsError):
        services.applications_decide_bulk(
            call=call,
            actor=personas.staff,
            decisions=[
                (applications[0].pk, "rejected", Decimal(0), ""),
                (applications[1].pk, "awarded", Decimal("99000000"), ""),
            ],
        )
    assert not Decision.objects.filter(application__call=call).exists()
    assert set(Application.objects.filter(call=call).values_list("status", flat=True)) == {"eligible"}


def test_publishing_writes_the_letters_deciding_after_publication_would(personas):
    """Publication queues every applicant's decision letter in one bulk write: the same letters (key, recipient,
    language, subject, text) ``_notify_decision`` writes per application."""
    from resurs.grants.choices import CallStatus

    call, applications = _call_with_applications(personas, n=4)
    for application in applications:
        services.application_screen(application=application, actor=personas.staff, eligible=True, reason="ok")
    services.applications_decide_bulk(
        call=call,
        actor=personas.staff,
        decisions=[
            (applications[0].pk, "awarded", Decimal("400000"), "Ранг 1"),
            (applications[1].pk, "reserve", Decimal(0), ""),
            (applications[2].pk, "rejected", Decimal(0), ""),
            (applications[3].pk, "awarded", Decimal("300000"), "Ранг 2"),
        ],
    )
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED):
        services.call_set_status(call=call, actor=personas.staff, status=status)

    def read():
        return sorted(
            EmailMessage.objects.filter(template="grants/email/decision").values_list(
                "key", "to", "language", "subject", "body", "html_body", "object_id"
            )
        )

    def one_by_one():
        for application in Application.objects.filter(call=call).select_related("decision", "applicant"):
            services._notify_decision(application)

    def bulk():
        services.call_set_status(call=call, actor=personas.staff, status=CallStatus.RESULTS_PUBLISHED)

    expected = _run_and_roll_back(one_by_one, read)
    got = _run_and_roll_back(bulk, read)
    assert got == expected and len(got) == 4
    assert sum("-awarded-" in row[0] for row in got) == 2


def test_the_open_data_package_reads_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    """360Giving at national size (thousands of grants, built at publication and for the register): no query per
    grant — the funder (the centre's organisation and its region) comes with the awarded applications."""
    from resurs.grants import opendata

    call, applications = _call_with_applications(personas, n=3)
    for application in applications:
        services.application_screen(application=application, actor=personas.staff, eligible=True, reason="ok")
    services.applications_decide_bulk(
        call=call,
        actor=personas.staff,
        decisions=[(a.pk, "awarded", Decimal("300000"), "") for a in applications],
    )
    call.programme.funder_name = ""
    call.programme.save(update_fields=["funder_name"])
    call.refresh_from_db()
    with django_assert_max_num_queries(3):  # the grants; the publisher (the centre and its organisation)
        package = opendata.package_for_calls([call])
    assert len(package["grants"]) == 3
    assert package["grants"][0]["fundingOrganization"][0]["name"] == call.centre.organisation.name
