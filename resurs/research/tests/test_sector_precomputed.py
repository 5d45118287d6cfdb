"""The sector page shows a precomputed network; a change of its data recomputes it in the background, and the
stored figures equal a fresh computation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.registry import services as registry_services
from resurs.registry.choices import TieRole
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _fresh():
    from resurs.research.sector import sector_summary

    return sector_summary()


def _same(shown, fresh) -> bool:
    return (shown.nodes, shown.edges, shown.components, shown.top, shown.places, shown.sources) == (
        fresh.nodes,
        fresh.edges,
        fresh.components,
        fresh.top,
        fresh.places,
        fresh.sources,
    )


def test_the_precomputed_sector_equals_a_fresh_computation_after_a_change(
    personas, client_for, django_capture_on_commit_callbacks, deferred_tasks
):
    person = PersonFactory()
    for organisation in (personas.centre.organisation, personas.ngo):
        registry_services.tie_create(
            actor=None, person=person, organisation=organisation, role=TieRole.BOARD_MEMBER
        )
    client = client_for(personas.researcher)
    url = reverse("research:sector")
    queued = deferred_tasks.get(client, url)
    assert queued.context["job"] is not None and queued.context["network"] is None
    assert deferred_tasks.run() == 1  # the worker
    first = client.get(url)
    assert first.status_code == 200 and first.context["current"] and first.context["job"] is None
    assert _same(first.context["network"], _fresh())
    assert first.context["place"]["in_degree"] == 1
    # Served from the cache while nothing changes.
    again = client.get(url)
    assert again.context["network"] is first.context["network"] or _same(
        again.context["network"], first.context["network"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        registry_services.tie_create(
            actor=None, person=person, organisation=OrganisationFactory(), role=TieRole.STAFF
        )
    stale = deferred_tasks.get(
        client, url
    )  # the previous figures stay on view while the new ones are computed
    assert not stale.context["current"] and stale.context["network"].edges == first.context["network"].edges
    assert stale.context["job"] is not None
    assert 'data-testid="sector-recomputing"' in stale.content.decode()
    assert deferred_tasks.run() == 1
    after = client.get(url)
    assert after.context["current"]
    assert after.context["network"].edges == first.context["network"].edges + 4
    assert _same(after.context["network"], _fresh())
    assert after.context["place"]["in_degree"] == 2


def test_the_sector_page_shows_progress_while_the_figures_are_computed(personas, client_for, deferred_tasks):
    # The worker has not run the queued task yet: the page says so and shows the job, which its poll follows.
    client = client_for(personas.researcher)
    response = deferred_tasks.get(client, reverse("research:sector"))
    assert response.status_code == 200 and response.context["network"] is None
    assert (
        response.context["job"] is not None
        and 'data-testid="sector-recomputing"' in response.content.decode()
    )
    poll = client.get(response.context["poll_url"], HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and f'id="job-{response.context["job"].uuid}"' in poll.content.decode()
    assert (
        client_for(personas.ngo_rep).get(response.context["poll_url"], HTTP_HX_REQUEST="true").status_code
        == 403
    )
    deferred_tasks.run()
    done = client_for(personas.researcher).get(response.context["poll_url"], HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
