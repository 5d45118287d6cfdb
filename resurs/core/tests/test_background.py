"""Results computed in the background for a page (``precomputed.background``): the last one stays on view with its
job while the current one is computed; the page's own poll shows the progress, then refreshes the page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from resurs.core import precomputed
from resurs.core.htmx import precompute_context, precompute_poll, precompute_poll_response
from resurs.core.models import Job

pytestmark = pytest.mark.django_db

FUNCTION = "resurs.core.tests.test_background.greeting"


def greeting(*, progress, who: str) -> str:
    from django.utils.translation import gettext as _

    progress(1, 2, "half")
    return f"{_('Yes')}, {who}"


def _shown(user, **extra):
    return precomputed.background(
        "t", "n", function=FUNCTION, user=user, kwargs={"who": "Ann"}, steps=2, **extra
    )


def test_the_immediate_backend_computes_at_once_in_the_requests_language(personas):
    with translation.override("ru"):
        shown = _shown(personas.staff)
    assert shown == precomputed.Background("Да, Ann", True, None, precomputed.data_version("t"))
    job = Job.objects.get()
    assert (job.status, job.owner, job.params["language"], job.percent) == ("done", personas.staff, "ru", 100)


def test_a_change_shows_the_last_result_with_the_job_until_the_worker_runs_it(personas, deferred_tasks):
    with deferred_tasks._capture(execute=True):
        first = _shown(personas.staff)
    assert first.value is None and not first.current and first.job.status == Job.Status.QUEUED
    assert not first.recomputing  # nothing to show yet: only the progress
    assert deferred_tasks.run() == 1
    assert _shown(personas.staff) == precomputed.Background(
        "Да, Ann", True, None, precomputed.data_version("t")
    )

    with deferred_tasks._capture(execute=True):
        precomputed.data_changed("t")
    with deferred_tasks._capture(execute=True):
        stale = _shown(personas.staff)
        again = _shown(personas.expert)  # another reader meanwhile: the same job, not a second one
    assert stale.value == "Да, Ann" and not stale.current and stale.recomputing
    assert again.job.pk == stale.job.pk and Job.objects.filter(status="queued").count() == 1
    assert deferred_tasks.run() == 1
    assert _shown(personas.staff).current


def test_an_anonymous_readers_visit_starts_a_job_nobody_owns(db, deferred_tasks):
    with deferred_tasks._capture(execute=True):
        shown = _shown(AnonymousUser())
    assert shown.job.owner is None
    deferred_tasks.run()
    shown.job.refresh_from_db()
    assert shown.job.status == Job.Status.DONE


def test_a_failed_job_is_tried_again_on_the_next_visit_not_by_the_poll(personas, deferred_tasks, monkeypatch):
    with deferred_tasks._capture(execute=True):
        failed = _shown(personas.staff)
    Job.objects.filter(pk=failed.job.pk).update(status=Job.Status.FAILED, message="no memory")
    polled = _shown(personas.staff, start=False)
    assert polled.job.pk == failed.job.pk and Job.objects.count() == 1
    with deferred_tasks._capture(execute=True):
        retried = _shown(personas.staff)
    assert retried.job.pk != failed.job.pk and retried.job.status == Job.Status.QUEUED


def test_the_poll_answers_the_progress_then_a_refresh(personas, deferred_tasks):
    factory = RequestFactory()
    with deferred_tasks._capture(execute=True):
        shown = _shown(personas.staff)
    page = factory.get("/page/", {"year": "2025"})
    poll_url = precompute_context(page, shown)["poll_url"]
    assert poll_url == f"/page/?year=2025&precompute={shown.job.uuid}"
    poll = factory.get(poll_url, HTTP_HX_REQUEST="true")
    assert precompute_poll(poll) and not precompute_poll(page)
    progress = precompute_poll_response(poll, _shown(personas.staff, start=False))
    body = progress.content.decode()
    assert (
        progress.status_code == 200
        and f'id="job-{shown.job.uuid}"' in body
        and poll_url.replace("&", "&amp;") in body
    )
    deferred_tasks.run()
    done = precompute_poll_response(poll, _shown(personas.staff, start=False))
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")


def test_the_job_status_endpoint_stays_its_owners(personas, client_for, deferred_tasks):
    from django.urls import reverse

    with deferred_tasks._capture(execute=True):
        shown = _shown(personas.staff)
    url = reverse("core:job-status", args=[shown.job.uuid])
    assert client_for(personas.staff).get(url).status_code == 200
    assert client_for(personas.expert).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to sign in
