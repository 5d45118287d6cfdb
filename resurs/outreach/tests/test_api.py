import pytest

from resurs.outreach.tests.factories import ChallengeFactory, PublicationFactory
from resurs.registry.tests.factories import region

pytestmark = pytest.mark.django_db


def test_publications_endpoint(client, personas, django_assert_max_num_queries):
    for _ in range(6):
        PublicationFactory(centre=personas.centre)
    PublicationFactory(centre=personas.centre, is_published=False, published_on=None, title_ru="Черновик")
    with django_assert_max_num_queries(3):
        data = client.get("/api/v1/outreach/publications/").json()
    assert data["count"] == 6
    target = PublicationFactory(centre=personas.centre, title_ru="Волонтёрство в регионах")
    data = client.get("/api/v1/outreach/publications/", {"q": "Волонтёрство"}).json()
    assert [item["id"] for item in data["items"]] == [target.pk]
    detail = client.get(f"/api/v1/outreach/publications/{target.pk}/").json()
    assert detail["title_ru"] == "Волонтёрство в регионах"


def test_draft_publication_is_404(client, personas):
    draft = PublicationFactory(is_published=False, published_on=None)
    assert client.get(f"/api/v1/outreach/publications/{draft.pk}/").status_code == 404


def test_challenges_endpoint(client, personas, django_assert_max_num_queries):
    for _ in range(4):
        ChallengeFactory(centre=personas.centre).regions.add(region("77"))
    ChallengeFactory(centre=personas.centre, is_published=False)
    with django_assert_max_num_queries(4):
        data = client.get("/api/v1/outreach/challenges/").json()
    assert data["count"] == 4
    assert data["items"][0]["regions"][0]["name"]
    one = data["items"][0]["id"]
    detail = client.get(f"/api/v1/outreach/challenges/{one}/").json()
    assert detail["id"] == one and detail["organisations"] == []
