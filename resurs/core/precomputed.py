"""Results computed from data that changes rarely (analysis pages), kept in Django's cache under a key versioned by
the data's last change.

A *topic* names a body of data: ``"sector-network"``, ``"cooperation"``, ``"study:12"``. The services that write
that data call ``data_changed(topic, ...)``; it takes effect when their transaction commits, so no reader can
store a result computed from data about to change under the new version. Readers call ``cached(topic, name,
compute)``: the result is recomputed only when the topic changed since it was stored. Domain logic never hangs on
signals (STYLE 12): a service names the topics it touches.

Computations that take long run as a background task instead (``resurs.core.tasks.precompute_task``): ``latest``
answers the last stored result with whether it is current, ``precompute_queue`` starts (once per version) the task
that stores the current one, with a Job the page polls. With the immediate task backend (laptops, the tests) the
task runs inline, so the page shows the fresh result at once.

The cache is per process by default (LocMem) and Redis when ``CACHE_URL`` is set, so that every app process and
worker shares the results and the versions.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 30 * 24 * 3600  # results of an unchanged topic stay; a change makes them unreachable anyway


def _version_key(topic: str) -> str:
    return f"precomputed:version:{topic}"


def data_version(topic: str) -> str:
    """The current version of ``topic`` (a new one when the cache has none: its results are then recomputed)."""
    key = _version_key(topic)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(8), TIMEOUT)
        version = cache.get(key)
    return version


def data_changed(*topics: str) -> None:
    """Mark ``topics`` changed when the current transaction commits (at once outside one)."""

    def bump():
        cache.set_many({_version_key(topic): secrets.token_hex(8) for topic in topics}, TIMEOUT)

    transaction.on_commit(bump)


def _result_key(topic: str, name: str, version: str) -> str:
    return f"precomputed:result:{topic}:{name}:{version}"


def cached(topic: str, name: str, compute: Callable[[], Any], *, version: str | None = None) -> Any:
    """``compute()``'s result for the current version of ``topic`` (``name`` tells results of one topic apart,
    e.g. a language or a filter). ``version``, when given, is the data's own version (e.g. read from the rows'
    counts and last changes) instead of the one ``data_changed`` keeps."""
    version = version or data_version(topic)
    key = _result_key(topic, name, version)
    value = cache.get(key)
    if value is None:
        value = compute()
        store(topic, name, version, value)
    return value


def store(topic: str, name: str, version: str, value: Any) -> None:
    """Keep ``value`` as the result of ``topic``/``name`` at ``version`` and as its latest result."""
    cache.set_many(
        {_result_key(topic, name, version): value, f"precomputed:latest:{topic}:{name}": (version, value)},
        TIMEOUT,
    )


@dataclass(frozen=True)
class Latest:
    """The last stored result of a topic (``value`` None when there is none yet) and whether it is current."""

    value: Any
    current: bool
    version: str
    value_version: str | None = None  # the version ``value`` was computed for (``version`` when current)


def latest(topic: str, name: str, *, version: str | None = None) -> Latest:
    version = version or data_version(topic)
    value = cache.get(_result_key(topic, name, version))
    if value is not None:
        return Latest(value, True, version, version)
    stored = cache.get(f"precomputed:latest:{topic}:{name}")
    return Latest(stored[1] if stored else None, False, version, stored[0] if stored else None)


def current_version(topic: str, name: str, *, version: str | None = None) -> str | None:
    """The current version of ``topic`` when its result ``name`` is stored for it, else None: answers whether a
    client's copy is still current without reading the (possibly large) result itself."""
    version = version or data_version(topic)
    return version if cache.has_key(_result_key(topic, name, version)) else None


def _job_marker(topic: str, name: str, version: str) -> str:
    return f"precomputed:job:{topic}:{name}:{version}"


def precompute_job(topic: str, name: str, *, version: str | None = None):
    """The Job computing ``topic``/``name`` at its current version (or ``version``), None when none was started."""
    from resurs.core.models import Job

    job_uuid = cache.get(_job_marker(topic, name, version or data_version(topic)))
    return Job.objects.filter(uuid=job_uuid).first() if job_uuid is not None else None


def precompute_queue(
    *, topic: str, name: str, kind: str, owner, params: dict | None = None, version: str | None = None
):
    """Start, once per version of ``topic`` (or ``version``), the background task that calls
    ``params["function"]`` (see ``resurs.core.tasks.precompute_task``) and stores its result; returns the Job that
    tracks it. ``owner`` may be None: a visit of an anonymous reader starts the computation everyone then sees."""
    from resurs.core.jobs import job_create
    from resurs.core.models import Job
    from resurs.core.tasks import precompute_task

    version = version or data_version(topic)
    marker = _job_marker(topic, name, version)
    job = precompute_job(topic, name, version=version)
    if job is not None and job.status != Job.Status.FAILED:
        return job
    if job is not None:  # failed: this visit tries again
        cache.delete(marker)
    job = job_create(
        owner=owner if owner is not None and owner.is_authenticated else None,
        kind=f"precompute:{kind}",
        params={"topic": topic, "name": name, **(params or {})},
    )
    if not cache.add(marker, str(job.uuid), TIMEOUT):  # another request started it a moment ago
        theirs = Job.objects.filter(uuid=cache.get(marker)).first()
        if theirs is not None:
            job.delete()
            return theirs
        # Not committed yet: this one runs as well (the same result, stored twice) rather than show no job.
    from django_tasks.backends.immediate import ImmediateBackend

    if isinstance(precompute_task.get_backend(), ImmediateBackend):
        # Runs here and now (laptops, the tests): the page that asked shows the fresh result at once.
        precompute_task.enqueue(job.pk, version)
        job.refresh_from_db()
    else:  # a worker must find the job's row: queued when it is committed
        transaction.on_commit(lambda: precompute_task.enqueue(job.pk, version))
    return job


@dataclass(frozen=True)
class Background:
    """What a page shows of a result computed in the background: the last stored ``value`` (None when there is
    none yet), whether it is ``current``, and the ``job`` computing the current one (None when it is current)."""

    value: Any
    current: bool
    job: Any = None
    version: str | None = None  # the version ``value`` was computed for (None when there is no value)

    @property
    def recomputing(self) -> bool:
        """An older result is on view while the current one is computed."""
        return self.job is not None and self.value is not None


def background(
    topic: str,
    name: str,
    *,
    function: str,
    user,
    kwargs: dict | None = None,
    steps: int = 1,
    version: str | None = None,
    start: bool = True,
) -> Background:
    """The result of ``function`` (a dotted path called as ``function(progress=..., **kwargs)`` in the task, in the
    language of this request) for the current version of ``topic``/``name``; when it is not current, the last one
    stored with the Job (started now unless ``start`` is False: a page's progress poll only looks) that computes
    it. With the immediate task backend the job runs here and now: the page reads current at once."""
    from django.utils.translation import get_language

    shown = latest(topic, name, version=version)
    if shown.current:
        return Background(shown.value, True, version=shown.value_version)
    if not start:
        return Background(
            shown.value, False, precompute_job(topic, name, version=shown.version), shown.value_version
        )
    job = precompute_queue(
        topic=topic,
        name=name,
        kind=function.rsplit(".", 1)[-1],
        owner=user,
        params={"function": function, "steps": steps, "kwargs": kwargs or {}, "language": get_language()},
        version=shown.version,
    )
    if job.status == job.Status.DONE:  # the immediate backend has run it already
        shown = latest(topic, name, version=shown.version)
    return Background(shown.value, shown.current, None if shown.current else job, shown.value_version)


# Topics more than one app writes to. The sector network (research.sector) is built from registry ties, partnerships
# and board seats, grants awarded and the centres' services: each of those services marks it changed.
SECTOR_NETWORK = "sector-network"
# The cooperation overview and network (resurs.cooperation.overview) show partnerships and board or council seats
# with their organisations' names, sectors and regions: the cooperation services mark it, and so do the registry's
# services that change an organisation, a tie (a seat is one) or merge two records.
COOPERATION = "cooperation"
