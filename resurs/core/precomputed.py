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


def cached(topic: str, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s result for the current version of ``topic`` (``name`` tells results of one topic apart,
    e.g. a language or a filter)."""
    version = data_version(topic)
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


def latest(topic: str, name: str) -> Latest:
    version = data_version(topic)
    value = cache.get(_result_key(topic, name, version))
    if value is not None:
        return Latest(value, True, version)
    stored = cache.get(f"precomputed:latest:{topic}:{name}")
    return Latest(stored[1] if stored else None, False, version)


def precompute_queue(*, topic: str, name: str, kind: str, owner, params: dict | None = None):
    """Start, once per version of ``topic``, the background task that computes ``kind`` (a name registered in
    ``resurs.core.tasks.PRECOMPUTATIONS``) and stores it; returns the Job that tracks it."""
    from resurs.core.jobs import job_create
    from resurs.core.models import Job
    from resurs.core.tasks import precompute_task

    version = data_version(topic)
    marker = f"precomputed:job:{topic}:{name}:{version}"
    job_uuid = cache.get(marker)
    if job_uuid is not None:
        job = Job.objects.filter(uuid=job_uuid).first()
        if job is not None and job.status != Job.Status.FAILED:
            return job
    job = job_create(
        owner=owner, kind=f"precompute:{kind}", params={"topic": topic, "name": name, **(params or {})}
    )
    if not cache.add(marker, str(job.uuid), TIMEOUT):  # another request started it a moment ago
        job.delete()
        return Job.objects.filter(uuid=cache.get(marker)).first()
    transaction.on_commit(lambda: precompute_task.enqueue(job.pk, version))
    return job


# Topics more than one app writes to. The sector network (research.sector) is built from registry ties, partnerships
# and board seats, grants awarded and the centres' services: each of those services marks it changed.
SECTOR_NETWORK = "sector-network"
