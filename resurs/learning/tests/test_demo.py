from importlib import import_module

import pytest

from resurs.core.demo import DemoContext


@pytest.mark.django_db(transaction=True)
def test_demo_builds_a_believable_small_sector(reference_data):
    from resurs.accounts.models import User
    from resurs.learning.choices import ProjectReviewStatus
    from resurs.learning.models import Assessment, Certificate, Consultation, Course, ProjectReview, Session

    # Only the builders learning depends on, so another app's demo cannot break this test.
    ctx = DemoContext(scale=0.05, log=lambda _m: None)
    for app in ("registry", "accounts", "learning"):
        import_module(f"resurs.{app}.demo").build(ctx)
    assert Course.objects.filter(programme__title="Школа грантмейкинга").count() == 5
    assert Course.objects.count() == 25
    assert Session.objects.count() >= 50
    ngo = User.objects.get(username="ngo")
    trainer = User.objects.get(username="trainer")
    assert ngo.enrolments.filter(completed_at__isnull=False).exists()
    assert Certificate.objects.filter(enrolment__user=ngo, revoked_at__isnull=True).exists()
    assert Consultation.objects.filter(requested_by=ngo).exists()
    assert Consultation.objects.filter(consultant=trainer).exists()
    assert Assessment.objects.filter(wave=2).exists()
    assert ProjectReview.objects.filter(status=ProjectReviewStatus.COMPLETED).exists()
