import time

import pytest

from resurs.core.demo import DemoContext


@pytest.mark.django_db(transaction=True)
def test_demo_builds_three_calls_with_results_and_history(reference_data):
    from resurs.accounts import demo as accounts_demo
    from resurs.grants import demo as grants_demo
    from resurs.grants import opendata
    from resurs.grants.choices import ApplicationStatus, CallStatus
    from resurs.grants.models import Agreement, Application, Call, GranteeReport, HistoricalGrant
    from resurs.registry import demo as registry_demo

    ctx = DemoContext(scale=0.05, log=lambda _m: None)
    registry_demo.build(ctx)
    accounts_demo.build(ctx)
    started = time.perf_counter()
    grants_demo.build(ctx)
    elapsed = time.perf_counter() - started
    assert elapsed < 60  # generous: a guard against accidental per-row services, not a timing test
    statuses = dict(Call.objects.values_list("slug", "status"))
    assert sorted(statuses.values()) == sorted(
        [CallStatus.OPEN, CallStatus.REVIEW, CallStatus.RESULTS_PUBLISHED]
    )
    results = Call.objects.get(status=CallStatus.RESULTS_PUBLISHED)
    assert Application.objects.filter(call=results, status=ApplicationStatus.AWARDED).exists()
    assert Agreement.objects.exists() and GranteeReport.objects.exists()
    assert Application.objects.get(applicant__username="ngo").status == ApplicationStatus.DRAFT
    assert HistoricalGrant.objects.filter(year=2008).count() > 50
    assert HistoricalGrant.objects.filter(year=2009).count() > 100
    assert opendata.validation_errors(opendata.package_for_calls([results])) == []
    open_call = Call.objects.get(status=CallStatus.OPEN)
    assert open_call.is_accepting
    # Every demo application passes the same checks a real submission does (budget adds up, within limits).
    from resurs.grants.services import application_check

    for application in Application.objects.filter(call=open_call).exclude(status=ApplicationStatus.DRAFT)[
        :10
    ]:
        assert application_check(application).errors == {}, application.pk
