import datetime as dt
import io

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resurs.cooperation.models import AdviceRequest, AdvisoryBody, GovernanceSeat, Partnership
from resurs.cooperation.tests.factories import (
    AdviceRequestFactory,
    CorporateVolunteeringFactory,
    PartnershipFactory,
)
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Tie
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory, TieFactory

pytestmark = pytest.mark.django_db


def _post_partnership(client, personas, coop, **overrides):
    data = {
        "centre": personas.centre.pk,
        "organisation_a": coop["company"].pk,
        "organisation_b": personas.ngo.pk,
        "type": "pro_bono",
        "title": "Юридическая помощь pro bono",
        "started_on": "2025-02-01",
        "ended_on": "",
        "value": "250000",
        "outcomes": "",
        "description": "",
    }
    data.update(overrides)
    return client.post(reverse("cooperation:partnership-create"), data)


def test_create_partnership(coop, personas, client_for):
    response = _post_partnership(client_for(personas.staff), personas, coop)
    created = Partnership.objects.get(title="Юридическая помощь pro bono")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.centre == personas.centre and (created.sector_a, created.sector_b) == ("business", "ngo")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"started_on": "2025-05-01", "ended_on": "2025-04-01"}, "ended_on", "cannot end"),
        ({"value": "-100"}, "value", "cannot be negative"),
        ({"organisation_b": None}, "organisation_b", "required"),
    ],
)
def test_bad_partnership_shows_error_beside_field_and_keeps_input(
    overrides, field, message, coop, personas, client_for
):
    if overrides.get("organisation_b", 1) is None:
        overrides["organisation_b"] = coop["company"].pk
        message = "two different"
    count = Partnership.objects.count()
    response = _post_partnership(client_for(personas.staff), personas, coop, **overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert "Юридическая помощь pro bono" in response.content.decode()  # nothing typed is lost
    assert Partnership.objects.count() == count


def test_staff_cannot_record_for_another_centre(coop, personas, client_for):
    response = _post_partnership(client_for(personas.staff), personas, coop, centre=personas.other_centre.pk)
    assert response.status_code == 200 and "centre" in response.context["form"].errors
    assert not Partnership.objects.filter(title="Юридическая помощь pro bono").exists()


def test_create_membership_and_overlap_message(coop, personas, client_for):
    client = client_for(personas.staff)
    person = PersonFactory(last_name="Лебедев")
    data = {
        "centre": personas.centre.pk,
        "person": person.pk,
        "role": TieRole.BOARD_MEMBER,
        "organisation": personas.ngo.pk,
        "title": "Председатель попечительского совета",
        "started_on": "2024-01-01",
        "ended_on": "",
        "main_affiliation": coop["company"].pk,
        "note": "",
    }
    response = client.post(reverse("cooperation:membership-create"), data)
    assert response.status_code == 302
    tie = Tie.objects.get(person=person)
    assert GovernanceSeat.objects.get(tie=tie).main_affiliation == coop["company"]
    response = client.post(reverse("cooperation:membership-create"), {**data, "started_on": "2025-06-01"})
    assert response.status_code == 200
    assert "overlap" in " ".join(response.context["form"].errors["started_on"])
    assert Tie.objects.filter(person=person).count() == 1


def test_advice_without_requester(coop, personas, client_for):
    client = client_for(personas.staff)
    data = {
        "centre": personas.centre.pk,
        "topic": "Как поддержать СО НКО в районах",
        "requester": "",
        "received_on": "2026-11-20",
        "due_on": "2026-12-20",
    }
    response = client.post(reverse("cooperation:advice-create"), data)
    assert response.status_code == 200
    assert "always has a requester" in " ".join(response.context["form"].errors["requester"])
    assert not AdviceRequest.objects.filter(topic=data["topic"]).exists()
    response = client.post(reverse("cooperation:advice-create"), {**data, "requester": coop["ministry"].pk})
    assert response.status_code == 302
    assert AdviceRequest.objects.get(topic=data["topic"]).requester == coop["ministry"]


def test_queue_highlights_overdue(coop, personas, client_for):
    import time_machine

    AdviceRequestFactory(
        centre=personas.centre,
        topic="Просроченный запрос",
        received_on=dt.date(2026, 10, 1),
        due_on=dt.date(2026, 11, 1),
    )
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC), tick=False):
        html = client_for(personas.staff).get(reverse("cooperation:advice-list")).content.decode()
    row = html.split("Просроченный запрос")[0].rsplit("<tr", 1)[1]
    assert 'class="overdue"' in row


def test_network_export_parses_with_networkx(coop, personas, client_for):
    media = OrganisationFactory(kind=OrganisationKind.MEDIA, short_name="Радио «Город»")
    PartnershipFactory(
        centre=personas.centre,
        organisation_a=media,
        organisation_b=personas.ngo,
        type="information",
        value=None,
    )
    client = client_for(personas.staff)
    response = client.get(reverse("cooperation:network-export", args=["graphml"]))
    assert response.status_code == 200
    graph = nx.read_graphml(io.BytesIO(response.content))
    ngo = str(personas.ngo.pk)
    assert graph.nodes[ngo]["sector"] == "ngo"
    assert graph.nodes[str(media.pk)]["sector"] == "media"
    assert graph.nodes[ngo]["region"]
    company = str(coop["company"].pk)
    # the company funds the NGO and its director sits on the NGO's board: one edge with both kinds
    assert graph.edges[company, ngo]["kinds"] == "board;funding"
    assert graph.edges[company, ngo]["seats"] == 1
    assert graph.number_of_edges() == 3  # + the media partnership + the other centre's partnership

    only_media = nx.read_graphml(
        io.BytesIO(
            client.get(reverse("cooperation:network-export", args=["graphml"]) + "?sector=media").content
        )
    )
    assert set(only_media.nodes) == {str(media.pk), ngo}

    csv_text = b"".join(
        client.get(reverse("cooperation:network-export", args=["csv"])).streaming_content
    ).decode()
    lines = [line for line in csv_text.splitlines() if line]
    assert len(lines) == 1 + 3 and "Радио «Город»" in csv_text


def test_network_page_filters(coop, personas, client_for):
    client = client_for(personas.partner)
    response = client.get(reverse("cooperation:network") + "?type=board")
    graph = response.context["graph"]
    assert len(graph["edges"]) == 1 and graph["edges"][0][3] == 1  # a governance tie
    assert str(personas.ngo.pk) in {node[0] for node in graph["nodes"]}
    assert graph["profile"].format(personas.ngo.pk) == f"/registry/organisations/{personas.ngo.pk}/"
    response = client.get(reverse("cooperation:network") + "?year=2010&region=abc&sector=nonsense")
    assert response.status_code == 200 and response.context["node_count"] == 0


def test_partnership_csv_for_staff_only(coop, personas, client_for):
    url = reverse("cooperation:partnership-list") + "?export=csv"
    response = client_for(personas.staff).get(url)
    body = b"".join(response.streaming_content).decode()
    assert "Фонд добрых дел" in body and "Чужое партнёрство" in body
    response = client_for(personas.ngo_rep).get(url)
    assert response.status_code == 200 and "text/html" in response["Content-Type"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _grow(personas, coop, rows: int):
    for _n in range(rows):
        company = OrganisationFactory(kind=OrganisationKind.BUSINESS)
        PartnershipFactory(centre=personas.centre, organisation_a=company, organisation_b=personas.ngo)
        AdviceRequestFactory(centre=personas.centre, requester=coop["ministry"])
        CorporateVolunteeringFactory(centre=personas.centre, company=company)
        TieFactory(person=PersonFactory(), organisation=personas.ngo, role=TieRole.BOARD_MEMBER)


@pytest.mark.parametrize(
    "name",
    [
        "cooperation:partnership-list",
        "cooperation:advice-list",
        "cooperation:membership-list",
        "cooperation:volunteering-list",
        "cooperation:advisory-body-list",
        "cooperation:overview",
        "cooperation:network",
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    name, coop, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas.staff)
    url = reverse(name)
    _grow(personas, coop, 1)
    client.get(
        url
    )  # the overview's and the network's figures are computed once (with their job's bookkeeping)
    small = _queries(client, url)
    _grow(personas, coop, 8)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert small <= 16


def test_organisation_profile_query_count(coop, personas, client_for, django_assert_max_num_queries):
    client = client_for(personas.staff)
    url = reverse("cooperation:organisation", args=[personas.ngo.pk])
    small = _queries(client, url)
    _grow(personas, coop, 8)
    with django_assert_max_num_queries(small):
        client.get(url)


def test_russian_messages_by_default(coop, personas, client_for, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "ru"
    with translation.override("ru"):
        response = _post_partnership(client_for(personas.staff), personas, coop, value="-1")
    assert "Стоимость не может быть отрицательной" in response.content.decode()
    assert (
        "Внести партнёрство" in response.content.decode() or "Новое партнёрство" in response.content.decode()
    )


def test_choosers_search_organisations_and_people(coop, personas, client_for):
    client = client_for(personas.staff)
    page = client.get("/cooperation/partnerships/new/").content.decode()
    assert reverse("registry:pick", args=["organisation"]) + "?field=organisation_a" in page  # the one picker

    def pick(kind, **params):
        url = reverse("registry:pick", args=[kind])
        return client.get(url, {"field": "f", "target": "t", **params}).content.decode()

    assert f"pk={coop['company'].pk}" in pick("organisation", f__search="северный", kinds="business")
    assert f"pk={coop['company'].pk}" not in pick("organisation", f__search="северный", kinds="government")
    assert f"pk={coop['director'].pk}" in pick("person", f__search="громов")


def test_forms_list_only_the_chosen_organisation(coop, personas, client_for):
    html = client_for(personas.staff).get(
        f"/cooperation/partnerships/new/?organisation_a={coop['company'].pk}"
    )
    picker = html.content.decode().split('id="id_organisation_a_chosen"')[1].split("</ul>")[0]
    assert picker.count('name="organisation_a"') == 1
    assert f'value="{coop["company"].pk}" checked' in picker


def test_overview_filters_by_sector_and_region(coop, personas, client_for):
    media = OrganisationFactory(kind=OrganisationKind.MEDIA)
    PartnershipFactory(
        centre=personas.centre, organisation_a=media, organisation_b=personas.ngo, type="information"
    )
    client = client_for(personas.partner)
    all_rows = client.get(reverse("cooperation:overview")).context["totals"]["count"]
    media_rows = client.get(reverse("cooperation:overview") + "?sector=media").context
    assert all_rows == 3 and media_rows["totals"]["count"] == 1
    assert [row["key"] for row in media_rows["pairs"].rows] == ["media-ngo"]
    region = personas.ngo.region_id
    assert client.get(reverse("cooperation:overview") + f"?region={region}").context["totals"]["count"] == 3
    assert client.get(reverse("cooperation:overview") + "?year=2010").context["totals"]["count"] == 0


def test_network_export_hides_amounts_from_partners(coop, personas, client_for):
    url = reverse("cooperation:network-export", args=["graphml"])
    staff_graph = nx.read_graphml(io.BytesIO(client_for(personas.staff).get(url).content))
    partner_graph = nx.read_graphml(io.BytesIO(client_for(personas.partner).get(url).content))
    edge = (str(coop["company"].pk), str(personas.ngo.pk))
    assert staff_graph.edges[edge]["value"] == 500000.0
    assert "value" not in partner_graph.edges[edge]
    assert set(partner_graph.nodes) == set(staff_graph.nodes)


def test_advisory_body_list_is_paginated_with_current_members_per_body(coop, personas, client_for):
    from resurs.cooperation.tests.factories import AdvisoryBodyFactory
    from resurs.cooperation.views import PAGE_SIZE

    body = coop["body"]
    TieFactory(person=PersonFactory(), organisation=body.organisation, role=TieRole.ADVISORY_MEMBER)
    TieFactory(person=PersonFactory(), organisation=body.organisation, role=TieRole.ADVISORY_MEMBER)
    TieFactory(
        person=PersonFactory(),
        organisation=body.organisation,
        role=TieRole.ADVISORY_MEMBER,
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 1, 1),
    )
    others = [AdvisoryBodyFactory(centre=personas.centre) for _n in range(PAGE_SIZE)]
    client = client_for(personas.staff)
    first = client.get(reverse("cooperation:advisory-body-list"))
    second = client.get(reverse("cooperation:advisory-body-list"), {"page": 2})
    shown = [*first.context["bodies"], *second.context["bodies"]]
    assert len(first.context["bodies"]) == PAGE_SIZE and len(second.context["bodies"]) == 1
    assert {b.pk for b in shown} == {body.pk, *(b.pk for b in others)}
    assert shown == list(AdvisoryBody.objects.order_by("level", "organisation__name", "pk"))  # across pages
    counts = {b.pk: b.current_members for b in shown}
    assert counts[body.pk] == 2 and counts[others[0].pk] == 0  # the ended seat is not current
    assert 'rel="next"' in first.content.decode()


def test_membership_list_pages_keep_the_order(coop, personas, client_for):
    from resurs.cooperation.views import PAGE_SIZE

    for day in range(1, PAGE_SIZE + 5):
        TieFactory(
            person=PersonFactory(),
            organisation=personas.ngo,
            role=TieRole.BOARD_MEMBER,
            started_on=dt.date(2022, 1, 1) + dt.timedelta(days=day),
        )
    TieFactory(person=PersonFactory(), organisation=personas.ngo, role=TieRole.STAFF)
    client = client_for(personas.staff)
    url = reverse("cooperation:membership-list")
    shown = [*client.get(url).context["memberships"], *client.get(url, {"page": 2}).context["memberships"]]
    expected = list(
        Tie.objects.filter(role__in=[TieRole.BOARD_MEMBER, TieRole.ADVISORY_MEMBER]).order_by(
            "-started_on", "pk"
        )
    )
    assert shown == expected
    assert shown[0].person.full_name and shown[-1] == coop["seat"]
