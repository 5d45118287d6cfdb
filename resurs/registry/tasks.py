"""Background work of the registry: imports run here so that a long file never holds up a web request."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def import_organisations_task(batch_id: int) -> None:
    """Run one import batch, reporting progress on its Job."""
    from resurs.core.jobs import job_fail, job_finish, job_progress, job_start
    from resurs.registry.imports.reading import ImportFileError
    from resurs.registry.imports.service import import_batch_fail, import_batch_run
    from resurs.registry.models import ImportBatch

    batch = ImportBatch.objects.select_related("job").get(pk=batch_id)
    if batch.is_finished:  # idempotent: a retried task does not import twice
        return
    job = batch.job
    if job is not None:
        job_start(job)

    def progress(done: int, total: int) -> None:
        if job is not None:
            job_progress(job, progress=done, total=total)

    # Reasons of rejected rows are written in the language of the person who started the import.
    language = (job.params.get("language") if job else "") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            counts = import_batch_run(batch, progress=progress)
    except ImportFileError as error:
        import_batch_fail(batch, message=str(error))
        if job is not None:
            job_fail(job, message=str(error))
        return
    except Exception:
        import_batch_fail(
            batch, message=_("The import stopped on an unexpected error; staff have been told.")
        )
        if job is not None:
            job_fail(job, message=_("The import stopped on an unexpected error."))
        raise
    if job is not None:
        job_finish(
            job,
            result={**counts.as_dict(), "url": reverse("registry:import-detail", args=[batch.pk])},
            message=_(
                "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d rejected."
            )
            % counts.as_dict(),
        )


@task()
def find_duplicates_task(job_id: int) -> None:
    """Run the duplicate search a member of staff started from the duplicates page, reporting on its Job."""
    from resurs.core.jobs import job_fail, job_finish, job_progress, job_start
    from resurs.core.models import Job
    from resurs.registry.dedup import duplicate_search_run
    from resurs.registry.models import Region

    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.is_finished:  # idempotent: a retried task does not search twice
        return
    job_start(job)
    region = Region.objects.filter(pk=job.params.get("region")).first() if job.params.get("region") else None
    language = job.params.get("language") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            search, _candidates = duplicate_search_run(
                region=region,
                started_by=job.owner,
                progress=lambda done, total: job_progress(job, progress=done, total=total),
            )
    except Exception:
        with translation.override(language):
            job_fail(job, message=_("The search stopped on an unexpected error."))
        raise
    url = reverse("registry:duplicate-list")
    with translation.override(language):
        job_finish(
            job,
            result={"url": f"{url}?region={region.pk}" if region else url, "search": search.pk},
            message=_("Found %(duplicates)d probable duplicates and %(successors)d probable successors.")
            % {"duplicates": search.duplicates, "successors": search.successors},
        )
