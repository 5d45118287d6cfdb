"""Registry API: the same filters, visibility and write rules as the pages, with a token and with the session."""

from __future__ import annotations

import pytest

from resurs.accounts.services import api_token_create
from resurs.registry.choices import OrganisationKind
from resurs.registry.models import Field, Organisation
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory, region
from resurs.registry.validators import complete_inn10

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registry"
EDITORS = {"admin", "staff", "manager", "other_staff"}


def bearer(user) -> dict:
    _token, clear = api_token_create(user=user, name="tests")
    return {"Authorization": f"Bearer {clear}"}


def test_anonymous_gets_401(client, reference_data):
    for path in ("/organisations", "/organisations/1", "/people", "/regions", "/fields", "/legal-forms"):
        assert client.get(BASE + path).status_code == 401, path
    assert (
        client.post(BASE + "/organisations", {"name": "X"}, content_type="application/json").status_code
        == 401
    )


def test_list_uses_the_page_filters(personas, client, django_assert_max_num_queries):
    OrganisationFactory(name="Фонд «Северное сияние»", short_name="", region=region("10"))
    OrganisationFactory.create_batch(30, kind=OrganisationKind.MEDIA)
    headers = bearer(personas.outsider)
    response = client.get(f"{BASE}/organisations", {"q": "сияние"}, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["name"] == "Фонд «Северное сияние»"
    assert body["results"][0]["region"] == region("10").name
    with django_assert_max_num_queries(6):
        body = client.get(
            f"{BASE}/organisations", {"kind": "media", "page_size": 20, "page": 2}, headers=headers
        ).json()
    assert body["count"] == 30 and body["pages"] == 2 and len(body["results"]) == 10
    response = client.get(f"{BASE}/organisations", {"region": 999999}, headers=headers)
    assert response.status_code == 422 and "region" in response.json()["errors"]


def test_detail_with_ties(personas, client):
    from resurs.registry.tests.factories import TieFactory

    TieFactory(organisation=personas.ngo, person=PersonFactory(last_name="Лебедева"))
    body = client.get(f"{BASE}/organisations/{personas.ngo.pk}", headers=bearer(personas.expert)).json()
    assert body["inn"] == personas.ngo.inn and body["ties"][0]["person"].startswith("Лебедева")
    assert body["is_centre"] is False
    assert client.get(f"{BASE}/organisations/999999", headers=bearer(personas.expert)).status_code == 404


@pytest.mark.parametrize(
    "persona",
    [
        "admin",
        "staff",
        "manager",
        "other_staff",
        "expert",
        "ngo_rep",
        "trainer",
        "researcher",
        "partner",
        "outsider",
    ],
)
def test_person_contacts_hidden_as_on_the_page(personas, client, persona):
    person = PersonFactory(email="hidden@example.org")
    user = getattr(personas, persona)
    body = client.get(f"{BASE}/people/{person.pk}", headers=bearer(user)).json()
    assert (body["email"] == "hidden@example.org") is (persona in EDITORS)
    listing = client.get(f"{BASE}/people", {"q": person.last_name}, headers=bearer(user)).json()
    assert listing["results"][0]["email"] == (body["email"])


def test_own_contacts_visible_to_self(personas, client):
    person = PersonFactory(email="me@example.org")
    personas.outsider.person = person
    personas.outsider.save(update_fields=["person"])
    body = client.get(f"{BASE}/people/{person.pk}", headers=bearer(personas.outsider)).json()
    assert body["email"] == "me@example.org"


def test_reference_lists(personas, client):
    headers = bearer(personas.partner)
    regions = client.get(f"{BASE}/regions", headers=headers).json()
    assert any(item["fns_code"] == "54" for item in regions)
    assert client.get(f"{BASE}/fields", headers=headers).json()
    assert client.get(f"{BASE}/legal-forms", headers=headers).status_code == 200
    assert len(client.get(f"{BASE}/federal-districts", headers=headers).json()) >= 8


def payload(**overrides) -> dict:
    data = {
        "name": "АНО «Через API»",
        "kind": "ngo",
        "inn": complete_inn10("540000777"),
        "region_id": region("54").pk,
        "founded_on": "2019-04-01",
        "fields": [Field.objects.first().slug],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", sorted(EDITORS))
def test_staff_create_and_update(personas, client, persona):
    headers = bearer(getattr(personas, persona))
    response = client.post(
        f"{BASE}/organisations", payload(), content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    created = Organisation.objects.get(pk=response.json()["id"])
    assert created.region == region("54") and created.fields.count() == 1
    response = client.patch(
        f"{BASE}/organisations/{created.pk}",
        {"city": "Бердск"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["city"] == "Бердск"
    created.refresh_from_db()
    assert created.name == "АНО «Через API»"


@pytest.mark.parametrize("persona", ["expert", "ngo_rep", "trainer", "researcher", "partner", "outsider"])
def test_others_get_403_and_nothing_changes(personas, client, persona):
    headers = bearer(getattr(personas, persona))
    count = Organisation.objects.count()
    response = client.post(
        f"{BASE}/organisations", payload(), content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    response = client.patch(
        f"{BASE}/organisations/{personas.ngo.pk}",
        {"name": "Взлом"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    personas.ngo.refresh_from_db()
    assert Organisation.objects.count() == count and personas.ngo.name != "Взлом"


def test_validation_errors_are_422_with_field_messages(personas, client):
    headers = {**bearer(personas.staff), "Accept-Language": "ru"}
    response = client.post(
        f"{BASE}/organisations", payload(inn="7707083894"), content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert "inn" in response.json()["errors"]
    existing = OrganisationFactory(short_name="АНО «Занятая»")
    response = client.post(
        f"{BASE}/organisations", payload(inn=existing.inn), content_type="application/json", headers=headers
    )
    assert response.status_code == 422 and "АНО «Занятая»" in response.json()["errors"]["inn"][0]
    response = client.post(
        f"{BASE}/organisations",
        payload(fields=["no-such-field"]),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422 and "fields" in response.json()["errors"]
    response = client.post(
        f"{BASE}/organisations", payload(name="Я" * 501), content_type="application/json", headers=headers
    )
    assert response.status_code == 422 and "name" in response.json()["errors"]


def test_session_reads_and_writes(personas, client_for):
    client = client_for(personas.staff)
    assert client.get(f"{BASE}/organisations").status_code == 200
    response = client.post(f"{BASE}/organisations", payload(), content_type="application/json")
    assert response.status_code == 201


def test_session_of_outsider_cannot_write(personas, client_for):
    client = client_for(personas.outsider)
    assert client.get(f"{BASE}/organisations").status_code == 200
    response = client.post(f"{BASE}/organisations", payload(), content_type="application/json")
    assert response.status_code == 403


def test_people_list_query_count(personas, client, django_assert_max_num_queries):
    PersonFactory.create_batch(30)
    headers = bearer(personas.staff)
    client.get(f"{BASE}/people", headers=headers)
    with django_assert_max_num_queries(6):
        body = client.get(f"{BASE}/people", {"page_size": 30}, headers=headers).json()
    assert body["count"] == 30 and len(body["results"]) == 30
