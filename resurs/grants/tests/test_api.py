import uuid

import pytest

from resurs.accounts.services import api_token_create
from resurs.grants import services
from resurs.grants.choices import ApplicationStatus
from resurs.grants.models import Application
from resurs.grants.tests.factories import complete_data

pytestmark = pytest.mark.django_db


def _payload(call, organisation, key=None):
    data = complete_data(call)
    return {
        "organisation_id": organisation.pk,
        "idempotency_key": str(key or uuid.uuid4()),
        "title": data["title"],
        "summary": data["summary"],
        "direction_id": data["direction"],
        "project_starts_on": data["project_starts_on"],
        "project_ends_on": data["project_ends_on"],
        "answers": data["answers"],
    }


def _bearer(user):
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_public_calls(client, call):
    response = client.get("/api/v1/grants/calls")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == [call.slug]
    detail = client.get(f"/api/v1/grants/calls/{call.slug}").json()
    assert detail["form"]["version"] == 1
    assert len(detail["directions"]) == 2


def test_submission_is_idempotent_by_key(client, personas, call):
    headers = _bearer(personas.ngo_rep)
    payload = _payload(call, personas.ngo)
    first = client.post(
        f"/api/v1/grants/calls/{call.slug}/submissions", payload, content_type="application/json", **headers
    )
    again = client.post(
        f"/api/v1/grants/calls/{call.slug}/submissions", payload, content_type="application/json", **headers
    )
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Application.objects.count() == 1


def test_submission_errors_are_specific_and_nothing_is_submitted(client, personas, call):
    payload = _payload(call, personas.ngo)
    payload["answers"]["budget"][0]["requested"] = "-1"
    response = client.post(
        f"/api/v1/grants/calls/{call.slug}/submissions",
        payload,
        content_type="application/json",
        **_bearer(personas.ngo_rep),
    )
    assert response.status_code == 400
    assert "answers.budget" in response.json()["errors"]
    assert not Application.objects.filter(status=ApplicationStatus.SUBMITTED).exists()


def test_submission_for_an_organisation_not_represented_is_refused(client, personas, call):
    from resurs.registry.tests.factories import OrganisationFactory

    response = client.post(
        f"/api/v1/grants/calls/{call.slug}/submissions",
        _payload(call, OrganisationFactory()),
        content_type="application/json",
        **_bearer(personas.ngo_rep),
    )
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_applications_visible_to_own_organisation_and_centre_staff_only(client, personas, submitted):
    for name, user in personas.all().items():
        response = client.get("/api/v1/grants/applications", **_bearer(user))
        ids = [a["id"] for a in response.json()["results"]]
        expected = [submitted.pk] if name in {"admin", "staff", "manager", "ngo_rep"} else []
        assert ids == expected, name
        detail = client.get(f"/api/v1/grants/applications/{submitted.pk}", **_bearer(user))
        assert detail.status_code == (200 if expected else 404), name
    assert client.get("/api/v1/grants/applications").status_code == 401


def test_drafts_not_listed_for_staff(client, personas, call):
    services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    assert client.get("/api/v1/grants/applications", **_bearer(personas.staff)).json()["count"] == 0
    assert client.get("/api/v1/grants/applications", **_bearer(personas.ngo_rep)).json()["count"] == 1


def test_list_query_counts(client, personas, call, django_assert_max_num_queries):
    from resurs.accounts.tests.factories import representative_of
    from resurs.grants.tests.factories import open_call, submitted_application
    from resurs.registry.tests.factories import OrganisationFactory

    for _ in range(4):
        open_call(personas.centre, actor=personas.staff)
        organisation = OrganisationFactory()
        submitted_application(call, organisation, representative_of(organisation))
    headers = _bearer(personas.staff)
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/grants/calls").json()["count"] == 5
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/grants/applications", **headers).json()["count"] == 4


def test_public_results_endpoints(client, personas, call):
    from decimal import Decimal

    from resurs.grants.choices import CallStatus, DecisionOutcome
    from resurs.grants.tests.factories import eligible_application

    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("300000"),
    )
    assert client.get(f"/api/v1/grants/calls/{call.slug}/results").status_code == 404
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED):
        services.call_set_status(call=call, actor=personas.staff, status=status)
    results = client.get(f"/api/v1/grants/calls/{call.slug}/results").json()
    assert results["winners_count"] == 1
    assert results["winners"][0]["number"] == application.number
    package = client.get(f"/api/v1/grants/calls/{call.slug}/results/360giving").json()
    assert package["grants"][0]["amountAwarded"] == 300000.0
