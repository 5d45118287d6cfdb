"""Bad input to the API answers in the one error shape ({"detail": ..., "errors": {field: [messages]}}): 422 for
parameters out of range or of the wrong type, 404/403/401 for refusals — never a 500 or an HTML page — and changes
nothing. Each class of bad input that once gave a server error has its case here."""

from __future__ import annotations

import json

import pytest

from resurs.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
HUGE = 10**20  # far past PostgreSQL's bigint
BIGINT_MAX = 2**63 - 1


def bearer(user) -> dict:
    _token, clear = api_token_create(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def assert_refused(response, status: int, *fields: str) -> dict:
    """The response is a JSON refusal with ``status``, naming exactly ``fields`` among its errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    assert sorted(body["errors"]) == sorted(fields), body
    return body


@pytest.fixture
def staff(personas) -> dict:
    return bearer(personas.staff)


LIMIT_OFFSET_LISTS = [
    "/events/events/",
    "/outreach/publications/",
    "/outreach/challenges/",
    "/learning/courses",
    "/learning/sessions",
    "/learning/enrolments",
    "/learning/consultations",
]
NUMBERED_LISTS = [
    "/registry/organisations",
    "/registry/people",
    "/grants/calls",
    "/grants/applications",
    "/cooperation/partnerships",
    "/cooperation/memberships",
    "/cooperation/advice-requests",
]


@pytest.mark.parametrize("path", LIMIT_OFFSET_LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"offset": HUGE}, "offset"),
        ({"offset": -1}, "offset"),
        ({"limit": HUGE}, "limit"),
        ({"limit": 0}, "limit"),
    ],
)
def test_limit_and_offset_out_of_range_are_422(client, staff, path, query, field):
    assert_refused(client.get(BASE + path, query, **staff), 422, field)


@pytest.mark.parametrize("path", NUMBERED_LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [({"page": HUGE}, "page"), ({"page": 0}, "page"), ({"page_size": HUGE}, "page_size")],
)
def test_page_and_page_size_out_of_range_are_422(client, staff, path, query, field):
    assert_refused(client.get(BASE + path, query, **staff), 422, field)


def test_a_page_past_the_end_is_the_last_page(client, staff):
    """A page number in range but past the list is not an error (as before): the last page answers."""
    response = client.get(f"{BASE}/grants/calls", {"page": 2**31 - 1}, **staff)
    assert response.status_code == 200 and response.json()["page"] == 1


@pytest.mark.parametrize("year", [0, 99999, -5, 1989, 2101])
@pytest.mark.parametrize("path", ["/outreach/publications/", "/cooperation/partnerships"])
def test_years_of_the_centres_work_out_of_range_are_422(client, staff, path, year):
    assert_refused(client.get(BASE + path, {"year": year}, **staff), 422, "year")


@pytest.mark.parametrize("year", [0, 99999, -5, 1699, 2101])
@pytest.mark.parametrize("field", ["founded_from", "founded_to"])
def test_founding_years_out_of_range_are_422(client, staff, field, year):
    assert_refused(client.get(f"{BASE}/registry/organisations", {field: year}, **staff), 422, field)


def test_years_in_range_still_filter(client, staff, personas):
    from resurs.outreach.tests.factories import PublicationFactory

    PublicationFactory(centre=personas.centre)  # published on 1 October 2026
    assert client.get(f"{BASE}/outreach/publications/", {"year": 2026}).json()["count"] == 1
    assert client.get(f"{BASE}/outreach/publications/", {"year": 2025}).json()["count"] == 0
    assert client.get(f"{BASE}/registry/organisations", {"founded_from": 1800}, **staff).status_code == 200


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/events/events/{id}/", "event_id"),
        ("/events/events/{id}/registrations/", "event_id"),
        ("/outreach/publications/{id}/", "publication_id"),
        ("/outreach/challenges/{id}/", "challenge_id"),
        ("/learning/consultations/{id}", "consultation_id"),
        ("/cooperation/partnerships/{id}", "partnership_id"),
        ("/cooperation/memberships/{id}", "membership_id"),
        ("/cooperation/advice-requests/{id}", "request_id"),
        ("/registry/organisations/{id}", "organisation_id"),
        ("/registry/people/{id}", "person_id"),
        ("/grants/applications/{id}", "pk"),
        ("/research/studies/{id}", "study_id"),
        ("/reviews/my/assignments/{id}/evaluation", "assignment_id"),
    ],
)
def test_ids_in_the_path_past_a_bigint_are_422_and_the_largest_bigint_is_404(client, staff, path, field):
    body = assert_refused(client.get(BASE + path.format(id=HUGE), **staff), 422, field)
    assert body["errors"][field] == [f"Input should be less than or equal to {BIGINT_MAX}"]
    assert_refused(client.get(BASE + path.format(id=0), **staff), 422, field)
    assert_refused(client.get(BASE + path.format(id=BIGINT_MAX), **staff), 404)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/events/events/", "region"),
        ("/learning/courses", "centre"),
        ("/learning/sessions", "course"),
        ("/outreach/publications/", "topic"),
        ("/outreach/publications/", "region"),
        ("/outreach/challenges/", "region"),
        ("/cooperation/partnerships", "region"),
        ("/registry/organisations", "region"),
        ("/registry/organisations", "field"),
    ],
)
def test_ids_in_the_query_past_a_bigint_are_422(client, staff, path, field):
    assert_refused(client.get(BASE + path, {field: HUGE}, **staff), 422, field)


def test_an_unknown_id_in_a_filter_is_422_naming_it(client, staff):
    assert_refused(client.get(f"{BASE}/outreach/challenges/", {"region": BIGINT_MAX}, **staff), 422, "region")


def test_ids_in_a_body_past_a_bigint_are_422_and_nothing_is_created(client, personas, staff):
    from resurs.cooperation.models import Partnership
    from resurs.learning.models import Consultation, Enrolment
    from resurs.learning.tests.factories import SessionFactory

    consultation = {"centre_id": HUGE, "topic": "law", "subject": "Устав", "question": "Как?"}
    assert_refused(_post(client, "/learning/consultations", consultation, staff), 422, "centre_id")
    session = SessionFactory(course__centre=personas.centre)
    enrol = {"organisation_id": HUGE}
    assert_refused(
        _post(client, f"/learning/sessions/{session.pk}/enrol", enrol, staff), 422, "organisation_id"
    )
    partnership = {
        "centre_id": personas.centre.pk,
        "organisation_a_id": HUGE,
        "organisation_b_id": personas.ngo.pk,
        "type": "funding",
        "title": "Переполнение",
        "started_on": "2025-01-01",
    }
    assert_refused(_post(client, "/cooperation/partnerships", partnership, staff), 422, "organisation_a_id")
    assert Consultation.objects.count() == Enrolment.objects.count() == Partnership.objects.count() == 0


def _post(client, path, payload, headers, method="post"):
    return getattr(client, method)(
        BASE + path, json.dumps(payload), content_type="application/json", **headers
    )


@pytest.mark.parametrize("value", [True, False, "5", 5.0, [5]])
def test_a_non_integer_for_an_integer_id_is_422_and_nothing_changes(client, personas, staff, value):
    """pydantic would read ``true`` as 1 and ``"5"`` as 5; ids in a JSON body are JSON integers only."""
    organisation = personas.ngo
    before = (organisation.legal_form_id, organisation.region_id, organisation.updated_at)
    path = f"/registry/organisations/{organisation.pk}"
    for field in ("legal_form_id", "region_id"):
        assert_refused(_post(client, path, {field: value}, staff, method="patch"), 422, field)
    organisation.refresh_from_db()
    assert (organisation.legal_form_id, organisation.region_id, organisation.updated_at) == before


def test_a_boolean_for_an_id_of_a_new_object_is_422(client, personas, staff):
    from resurs.learning.models import Consultation

    body = {"centre_id": True, "topic": "law", "subject": "Устав", "question": "Как?"}
    assert_refused(_post(client, "/learning/consultations", body, staff), 422, "centre_id")
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": "a\x00b"}, "q"),
        ({"q": "я" * 201}, "q"),
        ({"kind": "nonsense"}, "kind"),
        ({"sort": "pk"}, "sort"),
    ],
)
def test_strings_with_nul_too_long_or_not_in_the_enum_are_422(client, staff, query, field):
    assert_refused(client.get(f"{BASE}/registry/organisations", query, **staff), 422, field)


def test_an_empty_filter_means_no_filter(client, staff):
    assert client.get(f"{BASE}/learning/courses", {"topic": "", "q": ""}).status_code == 200
    assert (
        client.get(f"{BASE}/registry/organisations", {"kind": "", "region": ""}, **staff).status_code == 200
    )


def test_a_body_that_is_not_json_is_400_and_a_body_field_too_long_is_422(client, personas, staff):
    response = client.post(
        f"{BASE}/registry/organisations",
        "{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **staff,
    )
    assert assert_refused(response, 400)["detail"] == "The request cannot be read."
    assert_refused(_post(client, "/registry/organisations", {"name": "Ф" * 501}, staff), 422, "name")
    assert_refused(_post(client, "/registry/organisations", {"name": "Фонд\x00"}, staff), 422, "name")


def test_an_unknown_path_under_the_api_is_a_json_404(client):
    assert_refused(client.get(f"{BASE}/no-such-thing"), 404)
    assert_refused(client.post(f"{BASE}/events/events/1/nowhere/"), 404)


def test_an_anonymous_write_is_401_not_a_csrf_failure(client, personas):
    body = {"centre_id": personas.centre.pk, "topic": "law", "subject": "Устав", "question": "Как?"}
    response = client.post(
        f"{BASE}/learning/consultations", json.dumps(body), content_type="application/json"
    )
    assert_refused(response, 401)


def test_a_browser_session_write_without_the_csrf_token_is_a_json_403(personas):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.ngo_rep)
    body = {"centre_id": personas.centre.pk, "topic": "law", "subject": "Устав", "question": "Как?"}
    response = browser.post(
        f"{BASE}/learning/consultations", json.dumps(body), content_type="application/json"
    )
    assert_refused(response, 403)


# --- The reviews API: refusals as JSON ---------------------------------------------------------------------


@pytest.fixture
def reviewed(personas):
    from resurs.reviews import services
    from resurs.reviews.tests.factories import review_round

    round_ = review_round(personas, n_apps=1, n_experts=1, k=1)
    assignment = services.assignment_override(
        application=round_.applications[0],
        actor=personas.staff,
        reason="by hand",
        add_expert=round_.experts[0],
    )
    return round_.call, assignment


@pytest.mark.parametrize("endpoint", ["assignments", "ranking"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("expert", 403), ("ngo_rep", 403), ("other_staff", 403), ("outsider", 403), (None, 401)],
)
def test_reviews_of_a_call_refuse_in_json(client, personas, reviewed, endpoint, persona, status):
    call, _assignment = reviewed
    headers = bearer(getattr(personas, persona)) if persona else {}
    assert_refused(client.get(f"{BASE}/reviews/calls/{call.slug}/{endpoint}", **headers), status)
    assert (
        client.get(f"{BASE}/reviews/calls/{call.slug}/{endpoint}", **bearer(personas.staff)).status_code
        == 200
    )


def test_reviews_of_a_missing_or_malformed_call_refuse_in_json(client, staff):
    assert_refused(client.get(f"{BASE}/reviews/calls/no-such-call/ranking", **staff), 404)
    assert_refused(client.get(f"{BASE}/reviews/calls/bad%20slug/ranking", **staff), 422, "slug")


def test_an_experts_evaluation_is_hidden_from_everyone_else_in_json(client, personas, reviewed):
    _call, assignment = reviewed
    url = f"{BASE}/reviews/my/assignments/{assignment.pk}/evaluation"
    assert client.get(url, **bearer(personas.expert)).status_code == 200
    for persona in ("staff", "other_staff", "ngo_rep"):
        assert_refused(client.get(url, **bearer(getattr(personas, persona))), 404)
    assert_refused(client.get(url), 401)


def test_the_ranking_schema_says_what_comes_back(client, personas, reviewed):
    """An application without a score has no rank: the schema says the rank may be null."""
    from config.api import api

    call, _assignment = reviewed
    rows = client.get(f"{BASE}/reviews/calls/{call.slug}/ranking", **bearer(personas.staff)).json()
    assert [row["rank"] for row in rows] == [None]
    rank = api.get_openapi_schema(path_prefix="/api")["components"]["schemas"]["CallRankingRowOut"][
        "properties"
    ]
    assert rank["rank"] == {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Rank"}


@pytest.mark.parametrize(("language", "detail"), [("ru", "Не найдено."), ("en", "Not found.")])
def test_refusals_speak_the_callers_language(client, language, detail):
    response = client.get(f"{BASE}/no-such-thing", HTTP_ACCEPT_LANGUAGE=language)
    assert assert_refused(response, 404)["detail"] == detail


@pytest.mark.parametrize(
    "url",
    [
        "/outreach/publications/?year=0",
        "/outreach/publications/?year=99999",
        "/cooperation/partnerships/?year=0",
        "/cooperation/?year=99999",
        "/registry/organisations/?founded_from=0&founded_to=99999",
    ],
)
def test_the_pages_sharing_these_filters_ignore_a_year_out_of_range(client_for, personas, url):
    """The FilterSets serve the pages too: a year the database cannot compute is a form error there, the list
    shows unfiltered, and nothing fails."""
    assert client_for(personas.staff).get(url).status_code == 200
