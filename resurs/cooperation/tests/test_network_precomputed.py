"""The network page is precomputed until a partnership or a seat changes, draws the most connected organisations
of a large network, and its stored figures equal a fresh computation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resurs.cooperation import overview, services
from resurs.cooperation.choices import PartnershipType
from resurs.cooperation.tests.factories import PartnershipFactory
from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _fresh(limit=overview.NETWORK_DRAWN):
    from django.core.cache import cache

    cache.clear()
    return overview.network_elements(overview.NetworkFilter(), limit=limit)


def test_the_network_is_recomputed_after_a_partnership_and_equals_a_fresh_one(
    personas, client_for, django_capture_on_commit_callbacks
):
    PartnershipFactory(centre=personas.centre)
    client = client_for(personas.staff)
    url = reverse("cooperation:network")
    before = client.get(url).context
    assert (before["node_count"], before["edge_count"]) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.partnership_create(
            centre=personas.centre,
            actor=personas.staff,
            organisation_a=OrganisationFactory(kind=OrganisationKind.BUSINESS),
            organisation_b=personas.ngo,
            type=PartnershipType.FUNDING,
            title="Грант",
            started_on=dt.date(2025, 1, 10),
        )
    after = client.get(url).context
    assert (after["node_count"], after["edge_count"]) == (4, 2)
    shown = {key: after[key] for key in ("graph", "node_count", "edge_count", "drawn_nodes")}
    assert shown == _fresh()


def test_a_large_network_draws_its_most_connected_organisations(personas):
    hub = OrganisationFactory(kind=OrganisationKind.BUSINESS)
    for _ in range(5):
        PartnershipFactory(centre=personas.centre, organisation_a=hub)
    PartnershipFactory(centre=personas.centre)
    network = _fresh(limit=3)
    assert (network["node_count"], network["edge_count"], network["drawn_nodes"]) == (8, 6, 3)
    drawn = {node[0] for node in network["graph"]["nodes"]}
    assert str(hub.pk) in drawn


def test_registry_changes_the_pages_show_mark_the_cooperation_figures_changed(
    personas, django_capture_on_commit_callbacks
):
    """A renamed or moved organisation, a seat's tie begun or ended and a merge of two records all reach the
    overview and the network; an edit of what they do not show (a phone number) recomputes nothing."""
    from resurs.core import precomputed
    from resurs.registry import services as registry
    from resurs.registry.choices import TieRole
    from resurs.registry.dedup import organisation_merge
    from resurs.registry.tests.factories import PersonFactory, region

    def changed(action) -> bool:
        before = precomputed.data_version(precomputed.COOPERATION)
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return precomputed.data_version(precomputed.COOPERATION) != before

    org = personas.ngo
    staff = personas.staff
    assert changed(
        lambda: registry.organisation_update(organisation=org, actor=staff, data={"name": "Новое имя"})
    )
    spb = region("78")
    assert changed(lambda: registry.organisation_update(organisation=org, actor=staff, data={"region": spb}))
    assert not changed(
        lambda: registry.organisation_update(
            organisation=org, actor=staff, data={"phone": "+7 900 000-00-00"}
        )
    )
    ties = []
    assert changed(
        lambda: ties.append(
            registry.tie_create(
                actor=staff, person=PersonFactory(), organisation=org, role=TieRole.BOARD_MEMBER
            )
        )
    )
    assert changed(lambda: registry.tie_end(tie=ties[0], actor=staff, ended_on=dt.date.today()))
    twin = OrganisationFactory()
    assert changed(lambda: organisation_merge(survivor=org, loser=twin, actor=staff))
