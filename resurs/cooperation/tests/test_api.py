import pytest

from resurs.cooperation.models import AdviceRequest, Partnership
from resurs.cooperation.tests.factories import AdviceRequestFactory, PartnershipFactory
from resurs.registry.choices import TieRole
from resurs.registry.models import Tie
from resurs.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cooperation"
LISTS = [f"{BASE}/partnerships", f"{BASE}/memberships", f"{BASE}/advice-requests"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("admin", 200),
        ("staff", 200),
        ("manager", 200),
        ("other_staff", 200),
        ("partner", 403),
        ("researcher", 403),
        ("ngo_rep", 403),
        ("expert", 403),
        ("outsider", 403),
    ],
)
def test_lists_are_for_staff(persona, expected, coop, personas, client_for):
    client = client_for(None if persona == "anonymous" else getattr(personas, persona))
    for url in LISTS:
        assert client.get(url).status_code == expected, url


def test_partnership_list_and_detail(coop, personas, client_for):
    client = client_for(personas.staff)
    body = client.get(f"{BASE}/partnerships?sector=business").json()
    assert body["count"] == 2
    titles = {row["title"] for row in body["results"]}
    assert titles == {"Фонд добрых дел", "Чужое партнёрство"}
    detail = client.get(f"{BASE}/partnerships/{coop['partnership'].pk}").json()
    assert detail["organisation_b_id"] == personas.ngo.pk and detail["sector_a"] == "business"
    assert client.get(f"{BASE}/partnerships/999999").status_code == 404


def test_advice_requests_only_of_own_centre(coop, personas, client_for):
    body = client_for(personas.staff).get(f"{BASE}/advice-requests").json()
    assert [row["id"] for row in body["results"]] == [coop["advice"].pk]
    other = client_for(personas.other_staff)
    assert other.get(f"{BASE}/advice-requests/{coop['advice'].pk}").status_code == 404
    assert client_for(personas.staff).get(f"{BASE}/advice-requests/{coop['advice'].pk}").json()[
        "requester_id"
    ] == (coop["ministry"].pk)


def test_create_partnership_validates(coop, personas, client_for):
    client = client_for(personas.staff)
    payload = {
        "centre_id": personas.centre.pk,
        "organisation_a_id": coop["company"].pk,
        "organisation_b_id": personas.ngo.pk,
        "type": "funding",
        "title": "API-партнёрство",
        "started_on": "2025-01-01",
        "ended_on": "2024-01-01",
        "value": "-5",
    }
    response = client.post(f"{BASE}/partnerships", payload, content_type="application/json")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"ended_on", "value"}
    assert not Partnership.objects.filter(title="API-партнёрство").exists()
    response = client.post(
        f"{BASE}/partnerships",
        {**payload, "ended_on": None, "value": "1000"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["sector_b"] == "ngo"
    # another centre's staff may not record for this centre
    response = client_for(personas.other_staff).post(
        f"{BASE}/partnerships", {**payload, "ended_on": None, "value": "1"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Partnership.objects.filter(title="API-партнёрство").count() == 1


def test_create_membership_overlap(coop, personas, client_for):
    client = client_for(personas.staff)
    person = PersonFactory()
    payload = {
        "centre_id": personas.centre.pk,
        "person_id": person.pk,
        "organisation_id": personas.ngo.pk,
        "role": TieRole.BOARD_MEMBER,
        "started_on": "2022-01-01",
        "main_affiliation_id": coop["company"].pk,
    }
    response = client.post(f"{BASE}/memberships", payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["main_affiliation_id"] == coop["company"].pk
    response = client.post(
        f"{BASE}/memberships", {**payload, "started_on": "2024-01-01"}, content_type="application/json"
    )
    assert response.status_code == 422 and "started_on" in response.json()["errors"]
    assert Tie.objects.filter(person=person).count() == 1
    assert client.get(f"{BASE}/memberships/{coop['seat'].pk}").json()["person_id"] == coop["director"].pk


def test_create_advice_request_needs_requester(coop, personas, client_for):
    client = client_for(personas.staff)
    payload = {
        "centre_id": personas.centre.pk,
        "topic": "Запрос без заявителя",
        "received_on": "2026-11-01",
        "due_on": "2026-11-15",
    }
    response = client.post(f"{BASE}/advice-requests", payload, content_type="application/json")
    assert response.status_code == 422 and "requester" in response.json()["errors"]
    assert not AdviceRequest.objects.filter(topic="Запрос без заявителя").exists()
    response = client.post(
        f"{BASE}/advice-requests",
        {**payload, "requester_id": coop["company"].pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "received"


def test_refused_creates_change_nothing(coop, personas, client_for):
    before = (Partnership.objects.count(), AdviceRequest.objects.count(), Tie.objects.count())
    client = client_for(personas.partner)
    assert client.post(f"{BASE}/partnerships", {}, content_type="application/json").status_code in (403, 422)
    payload = {
        "centre_id": personas.centre.pk,
        "topic": "x",
        "requester_id": coop["company"].pk,
        "received_on": "2026-11-01",
        "due_on": "2026-11-15",
    }
    assert client.post(f"{BASE}/advice-requests", payload, content_type="application/json").status_code == 403
    assert (Partnership.objects.count(), AdviceRequest.objects.count(), Tie.objects.count()) == before


@pytest.mark.parametrize("url", LISTS)
def test_api_list_query_counts(url, coop, personas, client_for, django_assert_max_num_queries):
    client = client_for(personas.staff)
    client.get(url)
    for _n in range(6):
        PartnershipFactory(centre=personas.centre)
        AdviceRequestFactory(centre=personas.centre)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
