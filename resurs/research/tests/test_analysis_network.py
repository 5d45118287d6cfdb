"""The analysis page no longer carries its nomination network: the browser fetches it from the page's JSON
endpoint, which the page's readers alone may read, compressed, revalidated with an ETag keyed on the study's data."""

from __future__ import annotations

import gzip
import json

import pytest
from django.urls import reverse

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.report import network_data, study_findings
from resurs.research.tests.factories import make_respondent, make_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    study = make_study(personas)
    named = OrganisationFactory(short_name="Фонд «Первый»")
    for _n in range(3):
        services.nomination_create(
            respondent=make_respondent(study), organisation=named, areas=["information"]
        )
    return study


def _json(response):
    assert response["Content-Type"] == "application/json"
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def test_the_page_points_to_its_network_and_the_network_is_the_studys(study, personas, client_for):
    client = client_for(personas.researcher)
    page = client.get(reverse("research:analysis", args=[study.pk]))
    body = page.content.decode()
    url = reverse("research:analysis-network", args=[study.pk])
    assert page.status_code == 200 and f'data-src="{url}"' in body
    assert 'id="network-data"' not in body
    assert '"directed"' not in body  # the charts' specs are still embedded, the network is not
    data = _json(client.get(url))
    assert data == page.context["network"] == network_data(study_findings(study))
    assert data["directed"] is True and len(data["nodes"]) == 4 and len(data["edges"]) == 3
    assert "Фонд «Первый»" in {node[1] for node in data["nodes"]}


def test_the_network_answers_the_pages_readers_only(study, personas, client_for):
    url = reverse("research:analysis-network", args=[study.pk])
    assert client_for(personas.researcher).get(url).status_code == 200
    for outsider in (personas.ngo_rep, personas.outsider, personas.partner, personas.other_staff):
        response = client_for(outsider).get(url)
        assert response.status_code == 404, outsider
        assert _json(response) == {
            "error": "Не найдено, или у вас нет к этому доступа."
        }  # the reader's language
    services.study_update(study=study, actor=personas.researcher, is_published=True)
    anonymous = client_for(None).get(url)  # a published report is public; its working analysis is not
    assert anonymous.status_code == 401 and "error" in _json(anonymous)
    missing = client_for(personas.researcher).get(
        reverse("research:analysis-network", args=[study.pk + 1000])
    )
    assert missing.status_code == 404


def test_gzip_etag_and_a_new_version_when_the_nominations_change(study, personas, client_for):
    for _n in range(20):  # enough for gzip to be worth it
        services.nomination_create(
            respondent=make_respondent(study), organisation=OrganisationFactory(), areas=["networks"]
        )
    client = client_for(personas.researcher)
    url = reverse("research:analysis-network", args=[study.pk])
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
    assert "private" in packed["Cache-Control"] and "no-cache" in packed["Cache-Control"]
    etag = packed["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    services.nomination_create(
        respondent=make_respondent(study), organisation=OrganisationFactory(), areas=["networks"]
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert len(_json(changed)["edges"]) == len(_json(packed)["edges"]) + 1


def test_while_the_analysis_is_computed_the_network_says_so(study, personas, client_for, deferred_tasks):
    client = client_for(personas.researcher)
    deferred_tasks.get(client, reverse("research:analysis", args=[study.pk]))
    url = reverse("research:analysis-network", args=[study.pk])
    computing = client.get(url)
    assert computing.status_code == 409
    assert _json(computing)["error"].startswith("Анализ рассчитывается")
    deferred_tasks.run()
    assert client.get(url).status_code == 200
