"""The network page no longer carries its drawn network: the browser fetches it from the page's JSON endpoint, with
the page's filters and access, the stored result the page shows, compressed, and revalidated with an ETag."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from resurs.cooperation import services
from resurs.cooperation.choices import PartnershipType
from resurs.cooperation.services import COOPERATION_TOPIC
from resurs.cooperation.tests.factories import PartnershipFactory
from resurs.core import precomputed
from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DATA = "cooperation:network-data"


def _json(response) -> dict:
    assert response["Content-Type"] == "application/json"
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def test_the_page_points_to_its_data_and_no_longer_carries_the_graph(coop, personas, client_for):
    client = client_for(personas.staff)
    page = client.get(reverse("cooperation:network") + "?sector=business&year=2025")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="network-data"' not in body and "application/json" not in body
    assert str(coop["company"].short_name) not in body  # the nodes' labels come with the data only
    src = reverse(DATA) + "?sector=business&amp;year=2025"
    assert f'data-src="{src}"' in body and 'data-testid="network-status"' in body
    assert "<noscript>" in body and reverse("cooperation:network-export", args=["graphml"]) in body


def test_the_data_is_the_pages_network_for_the_same_filters(coop, personas, client_for):
    client = client_for(personas.partner)
    page = client.get(reverse("cooperation:network") + "?type=board")
    data = _json(client.get(reverse(DATA) + "?type=board"))
    assert data == page.context["graph"]
    assert len(data["edges"]) == 1 and data["edges"][0][3] == 1  # a governance tie
    assert str(personas.ngo.pk) in {node[0] for node in data["nodes"]}
    assert data["profile"].format(personas.ngo.pk) == f"/registry/organisations/{personas.ngo.pk}/"
    everything = _json(client.get(reverse(DATA)))
    assert (
        len(everything["edges"]) == 2 and len(everything["nodes"]) == 4
    )  # the funding with its seat, the other centre's
    nothing = _json(client.get(reverse(DATA) + "?year=2010&region=abc&sector=nonsense"))
    assert nothing["nodes"] == [] and nothing["edges"] == []


def test_the_data_answers_the_pages_readers_only(coop, personas, client_for, client):
    url = reverse(DATA)
    for reader in (personas.staff, personas.other_staff, personas.partner, personas.researcher):
        response = client_for(reader).get(url)
        assert response.status_code == 200 and _json(response)["nodes"], reader
    for outsider in (personas.ngo_rep, personas.expert, personas.trainer, personas.outsider):
        response = client_for(outsider).get(url)
        assert response.status_code == 403, outsider
        assert _json(response) == {"error": "You do not have access to this."}
        assert "no-store" in response["Cache-Control"] and "ETag" not in response
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert _json(anonymous) == {"error": "Your session has ended: sign in again to see this."}
    assert client_for(personas.staff).post(url).status_code == 405


def test_the_drawn_network_carries_no_amounts_for_anyone(personas, client_for):
    company = OrganisationFactory(kind=OrganisationKind.BUSINESS)
    PartnershipFactory(
        centre=personas.centre,
        organisation_a=company,
        organisation_b=personas.ngo,
        value=Decimal("987654.32"),
    )
    for reader in (personas.partner, personas.researcher, personas.staff):
        response = client_for(reader).get(reverse(DATA))
        body = response.content.decode()
        assert "987654" not in body and '"value"' not in body, reader
        (edge,) = _json(response)["edges"]
        assert edge == [
            str(min(company.pk, personas.ngo.pk)),
            str(max(company.pk, personas.ngo.pk)),
            1,
            0,
            "funding",
        ]
    # The export is where amounts live: staff get them, a partner does not (cooperation-0002).
    staff_csv = b"".join(
        client_for(personas.staff).get(reverse("cooperation:network-export", args=["csv"])).streaming_content
    )
    partner_csv = b"".join(
        client_for(personas.partner)
        .get(reverse("cooperation:network-export", args=["csv"]))
        .streaming_content
    )
    assert b"987654" in staff_csv and b"987654" not in partner_csv


def test_gzip_when_accepted_and_a_304_on_a_matching_etag(
    personas, client_for, settings, django_capture_on_commit_callbacks
):
    hub = OrganisationFactory(kind=OrganisationKind.BUSINESS, short_name="Фонд «Большой»")
    for _n in range(30):
        PartnershipFactory(centre=personas.centre, organisation_a=hub)
    client = client_for(personas.staff)
    url = reverse(DATA)
    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) and _json(packed) == _json(plain)
    assert "Фонд «Большой»" in plain.content.decode()  # UTF-8, not \\u escapes
    etag = plain["ETag"]
    assert etag.startswith('W/"') and packed["ETag"] == etag
    assert set(map(str.strip, plain["Cache-Control"].split(","))) == {"private", "no-cache"}

    again = client.get(url, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": 'W/"another"'}).status_code == 200
    # Another filter or language is another result, with an ETag of its own.
    assert client.get(url + "?sector=business")["ETag"] != etag
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = client.get(url)
    assert russian["ETag"] != etag and "The network" not in russian.content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    with django_capture_on_commit_callbacks(execute=True):
        services.partnership_create(
            centre=personas.centre,
            actor=personas.staff,
            organisation_a=hub,
            organisation_b=personas.ngo,
            type=PartnershipType.FUNDING,
            title="Новая",
            started_on=dt.date(2025, 1, 10),
        )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag  # the data changed: a new version


def test_while_nothing_is_stored_the_data_says_so_and_then_the_last_result_with_the_page(
    personas, client_for, deferred_tasks
):
    PartnershipFactory(centre=personas.centre)
    client = client_for(personas.staff)
    page = deferred_tasks.get(client, reverse("cooperation:network"))
    assert (
        'data-state="computing"' in page.content.decode()
        and 'data-testid="network"' not in page.content.decode()
    )
    computing = client.get(reverse(DATA))
    assert computing.status_code == 409 and "no-store" in computing["Cache-Control"]
    assert _json(computing)["error"].startswith("The network is being computed")
    assert deferred_tasks.run() == 1
    first = client.get(reverse(DATA))
    assert first.status_code == 200 and first["X-Precomputed"] == "current"
    assert len(_json(first)["nodes"]) == 2

    PartnershipFactory(centre=personas.centre)  # a change the page has not yet recomputed
    with deferred_tasks._capture(execute=True):
        precomputed.data_changed(COOPERATION_TOPIC)
    stale_page = deferred_tasks.get(client, reverse("cooperation:network"))
    assert 'data-state="recomputing"' in stale_page.content.decode()
    stale = client.get(reverse(DATA), headers={"If-None-Match": first["ETag"]})
    # The page still shows the previous network: the data is that one, and a browser's copy of it still holds.
    assert stale.status_code == 304 and stale["ETag"] == first["ETag"]
    assert _json(client.get(reverse(DATA))) == _json(first)
    assert deferred_tasks.run() == 1
    fresh = client.get(reverse(DATA), headers={"If-None-Match": first["ETag"]})
    assert fresh.status_code == 200 and len(_json(fresh)["nodes"]) == 4


def test_a_current_body_is_served_as_kept_without_reading_the_result(personas, client_for, monkeypatch):
    PartnershipFactory(centre=personas.centre)
    client = client_for(personas.staff)
    first = client.get(reverse(DATA), headers={"Accept-Encoding": "gzip"})

    def unread(*args, **kwargs):
        raise AssertionError("the stored network was read again")

    monkeypatch.setattr("resurs.cooperation.overview.network_background", unread)
    again = client.get(reverse(DATA), headers={"Accept-Encoding": "gzip"})
    assert again.status_code == 200 and again.content == first.content and again["ETag"] == first["ETag"]
    assert _json(client.get(reverse(DATA))) == _json(first)  # unpacked for a client without gzip
