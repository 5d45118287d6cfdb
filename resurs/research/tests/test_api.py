"""API: the study's researchers list and record; others get 403/404; a published ranking is public."""

import pytest

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.models import Nomination
from resurs.research.tests.factories import make_respondent, make_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    study = make_study(personas)
    study.respondent = make_respondent(study)
    study.org = OrganisationFactory(founded_on="1995-01-01")
    services.nomination_create(respondent=study.respondent, organisation=study.org, areas=["information"])
    return study


def test_member_reads_studies_respondents_nominations(
    personas, client_for, study, django_assert_max_num_queries
):
    client = client_for(personas.researcher)
    assert [s["title"] for s in client.get("/api/v1/research/studies").json()] == [study.title]
    with django_assert_max_num_queries(10):
        respondents = client.get(f"/api/v1/research/studies/{study.pk}/respondents").json()
    assert respondents[0]["code"] == study.respondent.code
    with django_assert_max_num_queries(10):
        nominations = client.get(f"/api/v1/research/studies/{study.pk}/nominations").json()
    assert nominations["count"] == 1
    assert nominations["items"][0]["organisation_id"] == study.org.pk
    assert nominations["items"][0]["organisation"] == str(study.org)
    assert nominations["items"][0]["respondent_code"] == study.respondent.code


def test_nominations_come_one_page_at_a_time(personas, client_for, study):
    for number in range(4):
        services.nomination_create(respondent=study.respondent, name=f"Клуб {number}", rank=number + 2)
    url = f"/api/v1/research/studies/{study.pk}/nominations"
    client = client_for(personas.researcher)
    everything = client.get(url).json()
    assert everything["count"] == 5
    pages = [client.get(url, {"limit": 2, "offset": offset}).json() for offset in (0, 2, 4)]
    assert [len(page["items"]) for page in pages] == [2, 2, 1]
    assert [item["id"] for page in pages for item in page["items"]] == [i["id"] for i in everything["items"]]
    candidates = client.get(url, {"status": "candidate", "limit": 1}).json()
    assert candidates["count"] == Nomination.objects.filter(status="candidate").count()
    assert client.get(url, {"limit": 1000}).status_code == 422


def test_member_records_a_nomination(personas, client_for, study):
    response = client_for(personas.researcher).post(
        f"/api/v1/research/studies/{study.pk}/nominations",
        {"respondent_id": study.respondent.pk, "name": "Клуб «Неведомый»", "areas": ["networks"], "rank": 2},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["organisation_id"] is None
    bad = client_for(personas.researcher).post(
        f"/api/v1/research/studies/{study.pk}/nominations",
        {"respondent_id": study.respondent.pk, "name": "Фонд", "areas": ["astrology"]},
        content_type="application/json",
    )
    assert bad.status_code == 422


@pytest.mark.parametrize(("persona", "status"), [("staff", 403), ("other_staff", 404), ("outsider", 404)])
def test_non_members_cannot_read_or_write(personas, client_for, study, persona, status):
    client = client_for(getattr(personas, persona))
    assert client.get(f"/api/v1/research/studies/{study.pk}/respondents").status_code == status
    response = client.post(
        f"/api/v1/research/studies/{study.pk}/nominations",
        {"respondent_id": study.respondent.pk, "name": "Фонд"},
        content_type="application/json",
    )
    assert response.status_code == status
    assert Nomination.objects.count() == 1


def test_ranking_public_only_when_published(personas, client_for, study):
    url = f"/api/v1/research/studies/{study.pk}/ranking"
    assert client_for(None).get(url).status_code == 404
    services.study_update(study=study, actor=personas.researcher, is_published=True)
    data = client_for(None).get(url).json()
    assert data["organisations_named"] == 1
    assert data["over_20_years_percent"] == 100.0
    assert data["ranking"][0]["organisation_id"] == study.org.pk


def test_private_ranking_with_a_personal_token(personas, client_for, study):
    from resurs.accounts.services import api_token_create

    _token, secret = api_token_create(user=personas.researcher, name="analysis")
    url = f"/api/v1/research/studies/{study.pk}/ranking"
    response = client_for(None).get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["organisations_named"] == 1
    assert client_for(None).get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
