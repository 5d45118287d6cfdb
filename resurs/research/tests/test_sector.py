"""The sector view's network: ties through shared people, optional sources from sibling apps, a centre's place."""

import sys
import types

import pytest

from resurs.registry.tests.factories import OrganisationFactory, PersonFactory, TieFactory
from resurs.research import sector

pytestmark = pytest.mark.django_db


def test_shared_people_link_organisations_both_ways_and_missing_sources_are_named(personas, monkeypatch):
    a, b, c = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    person = PersonFactory()
    TieFactory(person=person, organisation=a)
    TieFactory(person=person, organisation=b)
    fake = types.ModuleType("resurs_fake_selectors")
    fake.edges = lambda: iter([(c.pk, a.pk, "funding", 10.0), (c.pk, c.pk, "self", None)])
    monkeypatch.setitem(sys.modules, "resurs_fake_selectors", fake)
    monkeypatch.setattr(
        sector,
        "OPTIONAL_SOURCES",
        [
            ("grants", "resurs_fake_selectors", "edges", False),
            ("services", "resurs_absent_app.selectors", "x", False),
        ],
    )
    network = sector.sector_network()
    assert network.sources == {"people": 2, "grants": 1}
    assert network.missing == ["services"]
    place_a = network.place(a.pk)
    assert place_a["in_degree"] == 2  # from b (shared person) and c (grant)
    assert place_a["rank"] == 1
    assert place_a["component_size"] == 3
    assert network.place(b.pk)["in_degree"] == 1
    assert network.top(1)[0][0] == a.pk


def test_symmetric_sources_count_both_ways(personas, monkeypatch):
    a, b = OrganisationFactory(), OrganisationFactory()
    fake = types.ModuleType("resurs_fake_partnerships")
    fake.edges = lambda: iter([(a.pk, b.pk, "joint_programme", None)])
    monkeypatch.setitem(sys.modules, "resurs_fake_partnerships", fake)
    monkeypatch.setattr(
        sector, "OPTIONAL_SOURCES", [("partnerships", "resurs_fake_partnerships", "edges", True)]
    )
    network = sector.sector_network()
    assert network.sources["partnerships"] == 2
    assert network.place(a.pk)["in_degree"] == network.place(b.pk)["in_degree"] == 1


def test_every_source_of_the_sector_network_is_provided_by_its_app(personas):
    """Memberships, partnerships, seats, grants and services all feed the sector view (none missing)."""
    network = sector.sector_network()
    assert network.missing == []


def test_a_consultation_becomes_a_tie_from_the_centre_to_the_organisation(personas):
    from resurs.learning.choices import Topic
    from resurs.learning.selectors import service_edges
    from resurs.learning.services import consultation_request

    consultation_request(
        centre=personas.centre,
        requested_by=personas.ngo_rep,
        organisation=personas.ngo,
        topic=list(Topic)[0],
        subject="Устав",
        question="Как изменить устав?",
    )
    assert (personas.centre.organisation_id, personas.ngo.pk) in set(service_edges())
