"""The demo study reproduces the national study's picture: many respondents, mostly old organisations in the two
capitals, a coded subset with two coders, unmatched names waiting to be resolved."""

import pytest
from django.contrib.auth import get_user_model

from resurs.core.demo import DemoContext
from resurs.research.models import CodedSegment, Interview, Study
from resurs.research.report import study_findings
from resurs.research.selectors import coder_agreement

pytestmark = pytest.mark.django_db


def test_demo_builds_a_believable_study(reference_data, client_for):
    from resurs.accounts import demo as accounts_demo
    from resurs.registry import demo as registry_demo
    from resurs.research import demo

    ctx = DemoContext(scale=0.05, log=lambda message: None)
    registry_demo.build(ctx)
    accounts_demo.build(ctx)
    demo.build(ctx)

    study = Study.objects.get(title="Влияние инфраструктурных НКО на развитие некоммерческого сектора")
    assert study.is_published
    assert study.respondents.count() >= 8
    assert Interview.objects.filter(respondent__study=study).count() == study.respondents.count()
    findings = study_findings(study)
    assert findings.chars.total >= 10
    assert findings.chars.over_20_percent > 60
    assert findings.chars.capitals_percent > 50
    assert findings.unmatched == 3
    users = get_user_model().objects
    agreement = coder_agreement(study, users.get(username="researcher"), users.get(username="staff"))
    assert agreement["interviews"] >= 3
    assert 0.5 < agreement["overall"].kappa < 1
    assert (
        CodedSegment.objects.filter(interview__respondent__study=study).values("coder").distinct().count()
        == 2
    )

    researcher = users.get(username="researcher")
    client = client_for(researcher)
    for url in (
        f"/research/{study.pk}/",
        f"/research/{study.pk}/analysis/",
        f"/research/{study.pk}/coding/",
        f"/research/{study.pk}/nominations/",
        "/research/sector/",
    ):
        assert client.get(url).status_code == 200, url
    assert client_for(None).get(f"/research/{study.pk}/report/").status_code == 200
