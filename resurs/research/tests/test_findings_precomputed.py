"""The study's analysis is precomputed for the data's version: a new nomination changes it, and what the page shows
equals a fresh computation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.report import ranking_table, study_findings
from resurs.research.tests.factories import make_interview, make_respondent, make_study

pytestmark = pytest.mark.django_db


def test_analysis_follows_a_new_nomination_and_equals_a_fresh_computation(personas, client_for):
    study = make_study(personas)
    interview = make_interview(make_respondent(study))
    first = OrganisationFactory(founded_on="1995-03-01")
    services.nomination_create(respondent=interview.respondent, organisation=first, areas=["information"])
    client = client_for(personas.researcher)
    url = reverse("research:analysis", args=[study.pk])
    before = client.get(url).context
    assert [row for row in before["table"]] == ranking_table(study_findings(study))
    other = make_interview(make_respondent(study))
    services.nomination_create(respondent=other.respondent, organisation=first, areas=["networks"])
    services.nomination_create(
        respondent=other.respondent, organisation=OrganisationFactory(), areas=["networks"]
    )
    after = client.get(url).context
    fresh = ranking_table(study_findings(study))
    assert after["table"] == fresh and after["table"] != before["table"]
    report = client.get(reverse("research:report", args=[study.pk])).context
    assert report["table"] == fresh[:30]
