"""Background work of the reviews app: thin wrappers that reload by id and call one service."""

from django_tasks import task

from resurs.reviews.models import AssignmentRun
from resurs.reviews.services import assignment_run_execute


@task()
def run_assignment_task(run_id: int) -> str:
    run = AssignmentRun.objects.select_related("call", "job").get(pk=run_id)
    if run.status not in ("queued",):
        return run.status  # already ran (a retried task is harmless)
    return assignment_run_execute(run=run).status
