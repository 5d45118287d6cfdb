"""The reviews demo builds a pool, runs the assignment on the call in review and scores most assignments."""

from __future__ import annotations

import pytest

from resurs.accounts.tests.factories import representative_of
from resurs.core.demo import DemoContext
from resurs.criteria.models import Evaluation
from resurs.grants.choices import CallStatus
from resurs.grants.services import call_set_status
from resurs.grants.tests.factories import eligible_application, open_call
from resurs.registry.models import Region
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory
from resurs.reviews import demo, selectors
from resurs.reviews.models import Assignment, ExpertProfile

pytestmark = pytest.mark.django_db


def test_demo_builds_a_scored_round(personas):
    call = open_call(personas.centre, actor=personas.staff)
    for _ in range(5):
        org = OrganisationFactory()
        eligible_application(call, org, representative_of(org), personas.staff)
    call_set_status(call=call, actor=personas.staff, status=CallStatus.CLOSED)
    call_set_status(call=call, actor=personas.staff, status=CallStatus.REVIEW)
    region = Region.objects.first()
    for _ in range(12):
        PersonFactory(region=region)
    personas.expert.username = "expert"
    personas.expert.person = PersonFactory(region=region)
    personas.expert.save(update_fields=["username", "person"])
    logs = []
    demo.build(DemoContext(scale=0.05, log=logs.append))
    assert ExpertProfile.objects.filter(user=personas.expert).exists()
    assert ExpertProfile.objects.count() >= 8
    active = Assignment.objects.filter(call=call, status="active")
    assert active.count() >= 5 * call.experts_per_application
    submitted = selectors.evaluations_for_call(call).filter(status=Evaluation.Status.SUBMITTED).count()
    assert submitted >= active.count() // 2
    # The demo expert still has something to score.
    assert selectors.assignments_for_expert(personas.expert).exists()
    ranking = selectors.call_ranking(call)
    assert any(i.extra["row"].calibrated is not None for i in ranking.items)
    assert "reviews" in logs[-1]
