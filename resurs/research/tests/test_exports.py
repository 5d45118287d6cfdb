"""Exports: GEXF and GraphML parse back with networkx; the QDC codebook has the REFI-QDA structure; XLSX and CSV."""

import io
from xml.etree import ElementTree as ET

import networkx as nx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.qdc import NAMESPACE, codebook_qdc
from resurs.research.tests.factories import TRANSCRIPT, make_interview, make_respondent, make_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    study = make_study(personas)
    x, y = OrganisationFactory(short_name="Альфа"), OrganisationFactory(short_name="Бета")
    for targets in ([x, y], [x]):
        respondent = make_respondent(study)
        for org in targets:
            services.nomination_create(respondent=respondent, organisation=org, areas=["information"])
    interview = make_interview(respondent)
    services.segment_create(
        interview=interview, code=study.codes.first(), coder=personas.researcher, start=0, end=30
    )
    study.x, study.y = x, y
    return study


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_network_exports_parse_with_networkx(personas, client_for, study, fmt):
    response = client_for(personas.researcher).get(reverse("research:network-export", args=[study.pk, fmt]))
    assert response.status_code == 200
    reader = nx.read_gexf if fmt == "gexf" else nx.read_graphml
    graph = reader(io.BytesIO(response.content))
    assert graph.is_directed()
    assert graph.number_of_nodes() == 4  # two respondents' organisations, two nominated
    assert graph.number_of_edges() == 3
    node = graph.nodes[str(study.x.pk)]
    assert node["label"] == "Альфа"
    assert int(node["in_degree"]) == 2
    assert float(node["pagerank"]) > float(graph.nodes[str(study.y.pk)]["pagerank"])


def test_network_export_refuses_unknown_format(personas, client_for, study):
    assert client_for(personas.researcher).get(f"/research/{study.pk}/network.dot").status_code == 404


def test_qdc_codebook_structure(study):
    root = ET.fromstring(codebook_qdc(study))
    ns = {"q": NAMESPACE}
    assert root.tag == f"{{{NAMESPACE}}}CodeBook"
    top = root.findall("q:Codes/q:Code", ns)
    assert [c.get("name") for c in top] == [
        "Информационное пространство",
        "Обучение и грантовая система",
        "Взаимодействие с властью",
        "Бизнес в советах НКО",
    ]
    all_codes = root.findall(".//q:Code", ns)
    assert len(all_codes) == study.codes.count()
    for element in all_codes:
        assert set(element.attrib) >= {"guid", "name", "isCodable", "color"}
        assert element.get("isCodable") in {"true", "false"}
        assert len(element.get("color")) == 7 and element.get("color").startswith("#")
        assert len(element.get("guid")) == 36
    children = top[0].findall("q:Code", ns)
    assert [c.get("name") for c in children] == ["Медиа и порталы НКО", "Публичная повестка"]
    assert top[0].find("q:Description", ns).text.startswith("Влияние на информационное поле")


def test_qdc_download(personas, client_for, study):
    response = client_for(personas.researcher).get(reverse("research:codebook-export", args=[study.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.qdc"')
    assert ET.fromstring(response.content).tag.endswith("CodeBook")


def test_coded_passages_xlsx(personas, client_for, study):
    response = client_for(personas.researcher).get(reverse("research:passages-export", args=[study.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "Информационное пространство"
    assert rows[1][-1] == TRANSCRIPT[:30].strip()


def test_ranking_csv(personas, client_for, study):
    response = client_for(personas.researcher).get(reverse("research:ranking-export", args=[study.pk, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("1,Альфа,")


def test_exports_are_private_for_unpublished_studies(personas, client_for, study):
    for url in (
        reverse("research:network-export", args=[study.pk, "gexf"]),
        reverse("research:ranking-export", args=[study.pk, "csv"]),
        reverse("research:report-pdf", args=[study.pk]),
    ):
        assert client_for(personas.outsider).get(url).status_code == 404
    assert (
        client_for(personas.staff).get(reverse("research:codebook-export", args=[study.pk])).status_code
        == 403
    )
