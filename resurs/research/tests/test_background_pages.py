"""The analysis, the report and its PDF are computed in the background when the study's data change: the page
answers at once with the previous figures and a notice with the job's progress (the PDF with a page that offers the
download when it is ready), and the worker's run makes them current. The progress is the page's: whoever may not
read the page may not follow it; anonymous readers of a published report may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.core.models import Job
from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.report import ranking_table, study_findings
from resurs.research.tests.factories import make_respondent, make_study

pytestmark = pytest.mark.django_db

NOTICE = 'data-testid="precomputing" data-state="recomputing"'


@pytest.fixture
def study(personas):
    study = make_study(personas)
    named = OrganisationFactory(short_name="Фонд «Первый»")
    for _n in range(2):
        services.nomination_create(
            respondent=make_respondent(study), organisation=named, areas=["information"]
        )
    return study


def _nominate(study):
    later = OrganisationFactory(short_name="Фонд «Поздний»")
    for _n in range(3):
        services.nomination_create(respondent=make_respondent(study), organisation=later, areas=["networks"])


@pytest.mark.parametrize("name", ["research:analysis", "research:report"])
def test_a_change_shows_the_previous_figures_until_the_worker_has_run(
    name, study, personas, client_for, deferred_tasks
):
    client = client_for(personas.researcher)
    url = reverse(name, args=[study.pk])
    computing = deferred_tasks.get(client, url)
    assert computing.status_code == 200 and 'data-state="computing"' in computing.content.decode()
    assert "findings" not in computing.context
    deferred_tasks.run()
    before = client.get(url)
    assert (
        before.context["precomputed"].current and 'data-testid="precomputing"' not in before.content.decode()
    )
    assert before.context["table"][0]["organisation"].short_name == "Фонд «Первый»"

    _nominate(study)
    stale = deferred_tasks.get(client, url)
    body = stale.content.decode()
    assert stale.status_code == 200 and NOTICE in body
    assert stale.context["table"] == before.context["table"]  # the previous figures, at once
    job = stale.context["precomputed"].job
    assert job.status == Job.Status.QUEUED and f'id="job-{job.uuid}"' in body
    assert deferred_tasks.run() == 1
    after = client.get(url)
    fresh = ranking_table(study_findings(study))
    assert after.context["precomputed"].current and NOTICE not in after.content.decode()
    assert after.context["table"] == (fresh if name == "research:analysis" else fresh[:30])
    assert after.context["table"][0]["organisation"].short_name == "Фонд «Поздний»"


def test_the_progress_is_the_pages_readers_own(study, personas, client_for, deferred_tasks):
    url = reverse("research:analysis", args=[study.pk])
    shown = deferred_tasks.get(client_for(personas.researcher), url).context
    poll_url, job = shown["poll_url"], shown["precomputed"].job
    assert poll_url == f"{url}?precompute={job.uuid}"
    progress = client_for(personas.researcher).get(poll_url, HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and f'id="job-{job.uuid}"' in progress.content.decode()
    for outsider in (
        personas.ngo_rep,
        personas.outsider,
    ):  # the study is not theirs: neither page nor progress
        assert client_for(outsider).get(poll_url, HTTP_HX_REQUEST="true").status_code == 404
        assert client_for(outsider).get(reverse("core:job-status", args=[job.uuid])).status_code == 404
    assert client_for(None).get(poll_url, HTTP_HX_REQUEST="true").status_code == 302  # to sign in
    deferred_tasks.run()
    done = client_for(personas.researcher).get(poll_url, HTTP_HX_REQUEST="true")
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")


def test_anonymous_readers_of_a_published_report(study, personas, client_for, deferred_tasks):
    url = reverse("research:report", args=[study.pk])
    anonymous = client_for(None)
    assert anonymous.get(url).status_code == 404  # not published yet
    services.study_update(study=study, actor=personas.researcher, is_published=True)
    computing = deferred_tasks.get(anonymous, url)
    job = computing.context["precomputed"].job
    assert computing.status_code == 200 and job.owner is None  # nobody's: everyone's who may read the report
    poll = anonymous.get(computing.context["poll_url"], HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and f'id="job-{job.uuid}"' in poll.content.decode()
    assert anonymous.get(reverse("core:job-status", args=[job.uuid])).status_code == 302
    deferred_tasks.run()
    shown = anonymous.get(url)
    assert shown.context["precomputed"].current and "Фонд «Первый»" in shown.content.decode()


def test_the_pdf_is_prepared_then_offered(study, personas, client_for, deferred_tasks):
    services.study_update(study=study, actor=personas.researcher, is_published=True)
    client = client_for(None)
    url = reverse("research:report-pdf", args=[study.pk])
    preparing = deferred_tasks.get(client, url)
    assert preparing.status_code == 200 and preparing["Content-Type"].startswith("text/html")
    assert 'data-testid="report-pdf-preparing"' in preparing.content.decode()
    poll_url = preparing.context["poll_url"]
    assert "report-pdf-ready" not in client.get(poll_url, HTTP_HX_REQUEST="true").content.decode()
    assert deferred_tasks.run() == 1
    ready = client.get(poll_url, HTTP_HX_REQUEST="true")
    assert ready.status_code == 200 and 'data-testid="report-pdf-ready"' in ready.content.decode()
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf" and first.content.startswith(b"%PDF")

    _nominate(study)  # an older PDF is never handed out: the page says the new one is being prepared
    again = deferred_tasks.get(client, url)
    assert again["Content-Type"].startswith("text/html") and again.context["precomputed"].job is not None
    deferred_tasks.run()
    fresh = client.get(url)
    assert fresh["Content-Type"] == "application/pdf" and fresh.content != first.content
