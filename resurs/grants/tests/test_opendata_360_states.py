"""360Giving: the funder's id and name name the same organisation; a call that awarded nothing is a valid result
(never a 500); results cannot be published while the call is inconsistent, and the message says why."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from resurs.grants import opendata, services
from resurs.grants.choices import CallStatus, DecisionOutcome
from resurs.grants.models import Application
from resurs.grants.tests.factories import eligible_application, open_call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _to_decided(call, staff):
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED):
        services.call_set_status(call=call, actor=staff, status=status)


def _decided_call(personas, outcome):
    call = open_call(personas.centre, actor=personas.staff)
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=outcome,
        awarded_amount=Decimal("450000") if outcome == DecisionOutcome.AWARDED else None,
    )
    _to_decided(call, personas.staff)
    return call, application


def _check_funder_and_schema(personas):
    call, _application = _decided_call(personas, DecisionOutcome.AWARDED)
    services.call_set_status(call=call, actor=personas.staff, status=CallStatus.RESULTS_PUBLISHED)
    package = opendata.package_for_calls([call])
    assert opendata.validation_errors(package) == []
    funder = package["grants"][0]["fundingOrganization"][0]
    # The programme names its funder (not in the registry): the id is the funder's own, not the centre's OGRN.
    assert call.programme.funder_name and funder["name"] == call.programme.funder_name
    assert funder["id"] == f"360G-resurs-funder-{call.programme.pk}"
    assert funder["id"] != opendata.org_identifier(personas.centre.organisation)
    # A funder in the registry: its own id and its own name.
    call.programme.funder, call.programme.funder_name = personas.ngo, ""
    call.programme.save()
    personas.ngo.ogrn = "1027700132195"
    personas.ngo.save()
    funder = opendata.package_for_calls([call])["grants"][0]["fundingOrganization"][0]
    assert (funder["id"], funder["name"]) == ("RU-OGRN-1027700132195", personas.ngo.name)


def test_funder_id_and_name_name_the_same_organisation(personas):
    _check_funder_and_schema(personas)


@pytest.mark.postgres
def test_funder_id_and_name_name_the_same_organisation_postgres(requires_postgres, personas):
    _check_funder_and_schema(personas)


def test_a_call_without_awards_publishes_and_answers_without_a_500(personas, client):
    call, _application = _decided_call(personas, DecisionOutcome.REJECTED)
    services.call_set_status(call=call, actor=personas.staff, status=CallStatus.RESULTS_PUBLISHED)
    assert opendata.package_for_calls([call]) is None
    page = client.get(reverse("grants:call-results", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert reverse("grants:call-results-360", args=[call.slug]) not in page.content.decode()
    download = client.get(reverse("grants:call-results-360", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert download.status_code == 404
    assert "no 360Giving data" in download.json()["detail"]
    api = client.get(f"/api/v1/grants/calls/{call.slug}/results/360giving")
    assert api.status_code == 404


def test_results_cannot_be_published_in_an_inconsistent_state(personas):
    call, application = _decided_call(personas, DecisionOutcome.AWARDED)
    # The application is back under review although it has a decision: undecided, and disagreeing with it.
    Application.objects.filter(pk=application.pk).update(status="under_review")
    with pytest.raises(services.GrantsError) as refused:
        services.call_set_status(call=call, actor=personas.staff, status=CallStatus.RESULTS_PUBLISHED)
    messages = refused.value.messages
    assert messages[0] == "The results cannot be published yet."
    assert "1 application has no decision yet." in messages
    assert any(str(application.number) in m and "disagree" in m for m in messages)
    call.refresh_from_db()
    assert call.status == CallStatus.DECIDED
