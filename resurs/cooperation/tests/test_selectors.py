import datetime as dt

import pytest

from resurs.cooperation.selectors import governance_edges, partner_organisation_ids, partnership_edges
from resurs.cooperation.tests.factories import PartnershipFactory
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_partner_organisation_ids_both_sides_and_since(reference_data):
    ngo = OrganisationFactory()
    old = PartnershipFactory(
        organisation_b=ngo, started_on=dt.date(2016, 1, 1), ended_on=dt.date(2018, 12, 31)
    )
    ongoing = PartnershipFactory(organisation_b=ngo, started_on=dt.date(2022, 1, 1))
    given = PartnershipFactory(
        organisation_a=ngo, started_on=dt.date(2023, 1, 1), ended_on=dt.date(2025, 6, 30)
    )
    PartnershipFactory()  # unrelated

    assert partner_organisation_ids(ngo.pk) == {
        old.organisation_a_id,
        ongoing.organisation_a_id,
        given.organisation_b_id,
    }
    assert partner_organisation_ids(ngo.pk, since=dt.date(2025, 6, 30)) == {
        ongoing.organisation_a_id,
        given.organisation_b_id,
    }
    assert partner_organisation_ids(ngo.pk, since=dt.date(2025, 7, 1)) == {ongoing.organisation_a_id}


def test_partnership_edges(reference_data):
    p = PartnershipFactory(value=None)
    assert list(partnership_edges()) == [(p.organisation_a_id, p.organisation_b_id, "funding", None)]
    assert list(governance_edges()) == []
