"""The overview and the network are computed in the background when partnerships or seats change: the page answers
at once with the previous figures and a notice with the job's progress, and the worker's run makes them current.
Only those who may see the overview may follow the progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resurs.cooperation import overview, services
from resurs.cooperation.choices import PartnershipType
from resurs.cooperation.tests.factories import PartnershipFactory
from resurs.core.models import Job
from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOTICE = 'data-testid="precomputing" data-state="recomputing"'


def _record(personas):
    services.partnership_create(
        centre=personas.centre,
        actor=personas.staff,
        organisation_a=OrganisationFactory(kind=OrganisationKind.BUSINESS),
        organisation_b=personas.ngo,
        type=PartnershipType.FUNDING,
        title="Грант",
        started_on=dt.date(2025, 1, 10),
        value=2_000_000,
    )


@pytest.mark.parametrize(
    ("name", "figures"),
    [
        (
            "cooperation:overview",
            lambda c: (c["totals"]["count"], c["totals"]["value"], len(c["pairs"].rows)),
        ),
        ("cooperation:network", lambda c: (c["node_count"], c["edge_count"])),
    ],
)
def test_a_change_shows_the_previous_figures_until_the_worker_has_run(
    name, figures, personas, client_for, deferred_tasks, django_capture_on_commit_callbacks
):
    PartnershipFactory(centre=personas.centre)
    client = client_for(personas.staff)
    url = reverse(name)
    computing = deferred_tasks.get(client, url)
    assert 'data-state="computing"' in computing.content.decode()
    deferred_tasks.run()
    before = client.get(url)
    assert (
        before.context["precomputed"].current and 'data-testid="precomputing"' not in before.content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        _record(personas)
    stale = deferred_tasks.get(client, url)
    body = stale.content.decode()
    job = stale.context["precomputed"].job
    assert NOTICE in body and f'id="job-{job.uuid}"' in body and job.status == Job.Status.QUEUED
    assert figures(stale.context) == figures(before.context)  # the previous figures, at once
    assert deferred_tasks.run() == 1
    after = client.get(url)
    assert after.context["precomputed"].current and NOTICE not in after.content.decode()
    assert figures(after.context) != figures(before.context)
    if name == "cooperation:network":
        fresh = overview.network_elements(overview.NetworkFilter())
        assert {key: after.context[key] for key in fresh} == fresh
    else:
        assert after.context["totals"]["count"] == 2 and after.context["totals"]["value_millions"] >= 2


def test_the_overview_keeps_its_figures_per_filter(personas, client_for):
    PartnershipFactory(centre=personas.centre, type=PartnershipType.FUNDING)
    PartnershipFactory(centre=personas.centre, type=PartnershipType.INFORMATION)
    client = client_for(personas.staff)
    everything = client.get(reverse("cooperation:overview")).context["totals"]["count"]
    funding = client.get(reverse("cooperation:overview") + "?type=funding").context["totals"]["count"]
    assert (everything, funding) == (2, 1)


@pytest.mark.parametrize("name", ["cooperation:overview", "cooperation:network"])
def test_the_progress_is_for_those_who_may_see_the_overview(name, personas, client_for, deferred_tasks):
    shown = deferred_tasks.get(client_for(personas.researcher), reverse(name)).context
    poll_url, job = shown["poll_url"], shown["precomputed"].job
    assert client_for(personas.partner).get(poll_url, HTTP_HX_REQUEST="true").status_code == 200
    for user, status in ((personas.expert, 403), (personas.outsider, 403), (None, 302)):
        assert client_for(user).get(poll_url, HTTP_HX_REQUEST="true").status_code == status
    assert client_for(personas.partner).get(reverse("core:job-status", args=[job.uuid])).status_code == 404
    deferred_tasks.run()
    assert client_for(personas.researcher).get(poll_url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
