"""Precomputed results: recomputed only after their data changed, and only once the change is committed."""

from __future__ import annotations

import pytest

from resurs.core import precomputed

pytestmark = pytest.mark.django_db


def test_a_result_is_recomputed_only_after_its_data_changed(django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return {"total": len(calls)}

    assert precomputed.cached("topic", "page", compute) == {"total": 1}
    assert precomputed.cached("topic", "page", compute) == {"total": 1}
    assert len(calls) == 1
    precomputed.data_changed("another-topic")
    assert precomputed.cached("topic", "page", compute) == {"total": 1}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        precomputed.data_changed("topic")
    # Before the writing transaction commits, readers still get (and may store) the old version's result.
    assert precomputed.cached("topic", "page", compute) == {"total": 1}
    for callback in callbacks:
        callback()
    assert precomputed.cached("topic", "page", compute) == {"total": 2}
    assert len(calls) == 2


def test_latest_keeps_the_previous_result_on_view_until_the_new_one_is_stored(
    django_capture_on_commit_callbacks,
):
    assert precomputed.latest("topic", "page").value is None
    version = precomputed.data_version("topic")
    precomputed.store("topic", "page", version, "first")
    assert precomputed.latest("topic", "page") == precomputed.Latest("first", True, version, version)
    with django_capture_on_commit_callbacks(execute=True):
        precomputed.data_changed("topic")
    stale = precomputed.latest("topic", "page")
    assert (stale.value, stale.current) == ("first", False) and stale.version != version
    assert stale.value_version == version  # the version the shown value was computed for
    assert precomputed.current_version("topic", "page") is None
    precomputed.store("topic", "page", stale.version, "second")
    assert precomputed.latest("topic", "page") == precomputed.Latest(
        "second", True, stale.version, stale.version
    )
    assert precomputed.current_version("topic", "page") == stale.version


def test_a_precomputation_runs_once_per_version_with_a_job(personas, django_capture_on_commit_callbacks):
    from resurs.core.models import Job

    params = {"function": "resurs.core.tests.test_precomputed.answer", "steps": 1}
    with django_capture_on_commit_callbacks(execute=True):
        job = precomputed.precompute_queue(
            topic="t", name="n", kind="answer", owner=personas.staff, params=params
        )
        again = precomputed.precompute_queue(
            topic="t", name="n", kind="answer", owner=personas.staff, params=params
        )
    assert again.pk == job.pk and Job.objects.count() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.percent == 100
    assert precomputed.latest("t", "n") == precomputed.Latest(
        42, True, precomputed.data_version("t"), precomputed.data_version("t")
    )


def answer(*, progress):
    progress(1, 1, "done")
    return 42
