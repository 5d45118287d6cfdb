"""The overview counts "active" partnerships and "current" seats on a stated day: the end of the chosen year, or
today; the page says which day."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from resurs.cooperation.tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_active_partnerships_are_counted_on_the_end_of_the_chosen_year(personas, client_for):
    PartnershipFactory(
        centre=personas.centre,
        organisation_b=personas.ngo,
        started_on=dt.date(2019, 3, 1),
        ended_on=dt.date(2021, 6, 30),
    )
    PartnershipFactory(centre=personas.centre, organisation_b=personas.ngo, started_on=dt.date(2024, 1, 10))
    client = client_for(personas.admin)
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC), tick=False):
        today = client.get(reverse("cooperation:overview"), HTTP_ACCEPT_LANGUAGE="en")
        in_2020 = client.get(reverse("cooperation:overview") + "?year=2020", HTTP_ACCEPT_LANGUAGE="en")
    assert (today.context["as_of"], today.context["totals"]["current"]) == (dt.date(2026, 12, 6), 1)
    assert (in_2020.context["as_of"], in_2020.context["totals"]["current"]) == (dt.date(2020, 12, 31), 1)
    assert in_2020.context["totals"]["count"] == 1  # the 2024 partnership was not active in 2020
    assert "active on 12/31/2020" in in_2020.content.decode()
