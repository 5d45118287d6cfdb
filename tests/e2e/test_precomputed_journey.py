"""The analysis page with a worker that has not yet run (TASK_BACKEND=django_tasks_db.DatabaseBackend): it says the
figures are being computed and shows the job's progress; when the worker has run, the page updates itself. After a
new nomination it shows the previous figures with a notice, then the fresh ones, again by itself."""

from playwright.sync_api import expect

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.tests.factories import make_respondent, make_study
from tests.e2e.visual import assert_accessible, assert_no_sideways_scroll


def _run_the_worker() -> int:
    """What ``manage.py db_worker`` does with the queued tasks (here, in the test's process)."""
    from django_tasks_db.models import DBTaskResult

    from resurs.core.tasks import precompute_task

    ran = 0
    for result in DBTaskResult.objects.filter(
        task_path__endswith="precompute_task", finished_at__isnull=True
    ):
        precompute_task.call(*result.args_kwargs["args"])
        DBTaskResult.objects.filter(pk=result.pk).delete()
        ran += 1
    return ran


def test_the_analysis_is_computed_in_the_background_and_the_page_follows(page, personas, login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    study = make_study(personas)
    first = OrganisationFactory(short_name="Фонд «Первый»", name="Фонд «Первый»")
    for _n in range(2):
        services.nomination_create(
            respondent=make_respondent(study), organisation=first, areas=["information"]
        )
    login(personas.researcher)

    page.goto(f"/research/{study.pk}/analysis/")
    notice = page.get_by_test_id("precomputing")
    expect(notice).to_have_attribute("data-state", "computing")
    expect(notice).to_contain_text("В очереди")
    assert _run_the_worker() == 1
    expect(notice).to_have_count(0, timeout=10_000)  # the poll saw the figures ready and refreshed the page
    expect(page.get_by_test_id("headline")).to_be_visible()
    expect(page.get_by_test_id("ranking")).to_contain_text("Фонд «Первый»")

    later = OrganisationFactory(short_name="Фонд «Поздний»", name="Фонд «Поздний»")
    for _n in range(3):
        services.nomination_create(respondent=make_respondent(study), organisation=later, areas=["networks"])
    page.reload()
    expect(notice).to_have_attribute("data-state", "recomputing")
    expect(notice).to_contain_text("Данные изменились")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_sideways_scroll(page)
    expect(page.get_by_test_id("ranking")).not_to_contain_text(
        "Фонд «Поздний»"
    )  # the previous figures meanwhile
    assert _run_the_worker() == 1
    expect(notice).to_have_count(0, timeout=10_000)
    expect(page.get_by_test_id("ranking")).to_contain_text("Фонд «Поздний»")
