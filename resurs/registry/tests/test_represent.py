"""After signing up: finding one's organisation and asking to represent it, or adding it to the registry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.accounts.models import Representation
from resurs.registry.models import Organisation, Region
from resurs.registry.tests.factories import OrganisationFactory
from resurs.registry.validators import complete_inn10

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["inn", "ogrn", "name"])
def test_search_by_name_inn_or_ogrn(personas, client_for, query):
    OrganisationFactory.create_batch(3)
    wanted = personas.ngo
    value = {"inn": wanted.inn, "ogrn": wanted.ogrn, "name": wanted.short_name}[query]
    response = client_for(personas.outsider).get(reverse("registry:represent"), {"q": value})
    assert response.status_code == 200
    assert [organisation.pk for organisation, _rep in response.context["results"]][:1] == [wanted.pk]
    if query != "name":
        assert len(response.context["results"]) == 1


def test_nothing_found_says_what_to_do(personas, client_for):
    response = client_for(personas.outsider).get(reverse("registry:represent"), {"q": "Несуществующая"})
    assert response.context["results"] == []
    assert "Проверьте ИНН" in response.content.decode()


def test_own_requests_are_listed_and_the_found_one_shows_its_status(personas, client_for):
    client = client_for(personas.outsider)
    client.post(reverse("registry:representation-request", args=[personas.ngo.pk]), {"position": "Бухгалтер"})
    response = client.get(reverse("registry:represent"), {"q": personas.ngo.inn})
    assert [rep.organisation for rep in response.context["representations"]] == [personas.ngo]
    [(found, rep)] = response.context["results"]
    assert found == personas.ngo and rep.status == Representation.Status.PENDING


def test_representation_request_returns_only_to_this_site(personas, client_for):
    client = client_for(personas.outsider)
    url = reverse("registry:representation-request", args=[personas.ngo.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == personas.ngo.get_absolute_url()


def test_add_a_new_organisation_and_ask_to_represent_it(personas, client_for):
    client = client_for(personas.outsider)
    region = Region.objects.get(fns_code="77")
    data = {
        "name": "Благотворительный фонд «Родник»",
        "short_name": "БФ «Родник»",
        "inn": complete_inn10("770999123"),
        "region": region.pk,
        "position": "Директор",
        "next": "/grants/calls/",
    }
    response = client.post(reverse("registry:represent-new"), data)
    assert response.status_code == 302 and response["Location"] == "/grants/calls/"
    organisation = Organisation.objects.get(inn=data["inn"])
    representation = Representation.objects.get(user=personas.outsider, organisation=organisation)
    assert (representation.status, representation.position) == (Representation.Status.PENDING, "Директор")


def test_a_bad_inn_is_refused_beside_the_field_and_the_input_kept(personas, client_for):
    client = client_for(personas.outsider)
    response = client.post(
        reverse("registry:represent-new"),
        {"name": "Фонд «Ключ»", "inn": "7712345678", "region": Region.objects.get(fns_code="77").pk},
    )
    assert response.status_code == 400
    assert "inn" in response.context["form"].errors
    assert "Фонд «Ключ»" in response.content.decode()
    assert not Organisation.objects.filter(name="Фонд «Ключ»").exists()
    assert not Representation.objects.filter(user=personas.outsider).exists()


@pytest.mark.parametrize("name", ["registry:represent", "registry:represent-new"])
def test_anonymous_goes_to_login(client_for, name):
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_request_acts_only_for_the_signed_in_user(personas, client_for):
    # Whoever posts, the request is theirs: there is no field naming another user.
    client_for(personas.partner).post(
        reverse("registry:representation-request", args=[personas.ngo.pk]), {"user": personas.outsider.pk}
    )
    assert not Representation.objects.filter(user=personas.outsider).exists()
    assert Representation.objects.get(user=personas.partner, organisation=personas.ngo).status == "pending"
