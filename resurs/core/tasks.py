"""Background work of the core app: precomputing a result for ``resurs.core.precomputed``."""

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django_tasks import task

from resurs.core import precomputed
from resurs.core.jobs import job_fail, job_finish, job_progress, job_start
from resurs.core.models import Job


@task()
def precompute_task(job_id: int, version: str) -> str:
    """Compute ``job.params["function"]`` (a dotted path; it takes ``progress(done, total, message)`` and the job's
    ``kwargs``), in the language of the request that started it, and store it as the result of the job's topic at
    ``version``. A version that has moved on meanwhile is stored as well: it is
    then the latest result, shown as out of date until the next run."""
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job.status  # already ran (a retried task is harmless)
    params = job.params
    job_start(job, total=params.get("steps", 1))
    try:
        compute = import_string(params["function"])
        with translation.override(params.get("language") or settings.LANGUAGE_CODE):
            value = compute(
                progress=lambda done, total, message="": job_progress(
                    job, progress=done, total=total, message=str(message)
                ),
                **params.get("kwargs", {}),
            )
    except Exception as error:  # the page shows why; the worker log has the trace
        job_fail(job, message=str(error)[:500])
        raise
    precomputed.store(params["topic"], params["name"], version, value)
    job_finish(job)
    return job.status
