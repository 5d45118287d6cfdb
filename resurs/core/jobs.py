"""Services for Job rows: start, report progress, finish. Cheap conditional updates, safe from any process."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from resurs.core.models import Job


def job_create(*, owner, kind: str, params: dict[str, Any] | None = None, total: int = 0) -> Job:
    return Job.objects.create(owner=owner, kind=kind, params=params or {}, total=total)


def job_start(job: Job, *, total: int | None = None) -> None:
    job.status = Job.Status.RUNNING
    job.started_at = timezone.now()
    fields = ["status", "started_at", "updated_at"]
    if total is not None:
        job.total = total
        fields.append("total")
    job.save(update_fields=fields)


def job_progress(job: Job, *, progress: int, total: int | None = None, message: str | None = None) -> None:
    updates: dict[str, Any] = {"progress": progress, "updated_at": timezone.now()}
    if total is not None:
        updates["total"] = total
    if message is not None:
        updates["message"] = message
    Job.objects.filter(pk=job.pk).update(**updates)
    for key, value in updates.items():
        setattr(job, key, value)


def job_finish(job: Job, *, result: dict[str, Any] | None = None, message: str = "") -> None:
    job.status = Job.Status.DONE
    job.result = result or {}
    job.message = message
    job.progress = job.total or job.progress
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "message", "progress", "finished_at", "updated_at"])


def job_fail(job: Job, *, message: str) -> None:
    job.status = Job.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at", "updated_at"])
