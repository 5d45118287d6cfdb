"""The service quality figures are computed in the background when the centres' services change: the page answers
at once with the previous figures and a notice with the job's progress, and the worker's run makes them current.
Only the centres' staff may follow the progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.core import precomputed
from resurs.core.models import Job
from resurs.learning.quality import quality_figures
from resurs.learning.services import QUALITY_TOPIC

pytestmark = pytest.mark.django_db

NOTICE = 'data-testid="precomputing" data-state="recomputing"'


def test_a_change_shows_the_previous_figures_until_the_worker_has_run(
    personas, client_for, deferred_tasks, django_capture_on_commit_callbacks
):
    client = client_for(personas.admin)
    url = reverse("learning:service-quality") + "?start=2025-01-01&end=2025-12-31"
    computing = deferred_tasks.get(client, url)
    assert 'data-state="computing"' in computing.content.decode() and "total" not in computing.context
    deferred_tasks.run()
    before = client.get(url)
    assert before.context["precomputed"].current
    expected = quality_figures(start="2025-01-01", end="2025-12-31", centre_ids=None, compare=True)
    assert before.context["total"] == expected["total"]

    with django_capture_on_commit_callbacks(execute=True):
        precomputed.data_changed(QUALITY_TOPIC)  # what the learning services call when a session changes
    stale = deferred_tasks.get(client, url)
    body = stale.content.decode()
    job = stale.context["precomputed"].job
    assert NOTICE in body and f'id="job-{job.uuid}"' in body and job.status == Job.Status.QUEUED
    assert stale.context["total"] == before.context["total"]
    assert job.params["kwargs"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "centre_ids": None,
        "compare": True,
    }
    deferred_tasks.run()
    after = client.get(url)
    assert after.context["precomputed"].current and NOTICE not in after.content.decode()


def test_the_progress_is_for_the_centres_staff(personas, client_for, deferred_tasks):
    shown = deferred_tasks.get(client_for(personas.staff), reverse("learning:service-quality")).context
    job = shown["precomputed"].job
    assert job.params["kwargs"]["centre_ids"] == [
        personas.centre.pk
    ]  # a manager's figures: their centres only
    assert client_for(personas.staff).get(shown["poll_url"], HTTP_HX_REQUEST="true").status_code == 200
    for user in (personas.expert, personas.ngo_rep, personas.researcher):
        assert client_for(user).get(shown["poll_url"], HTTP_HX_REQUEST="true").status_code == 403
        assert client_for(user).get(reverse("core:job-status", args=[job.uuid])).status_code == 404
