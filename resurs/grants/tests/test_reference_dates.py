"""Ages are computed for a stated day: an organisation's age in the eligibility check is its age on the call's
deadline (screening later gives the same answer); the profile names the day."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from resurs.grants import services
from resurs.grants.tests.factories import open_call, submitted_application

pytestmark = pytest.mark.django_db


def test_organisation_age_on_a_day():
    from resurs.registry.models import Organisation

    org = Organisation(founded_on=dt.date(2000, 7, 1))
    assert (org.age_on(dt.date(2020, 6, 30)), org.age_on(dt.date(2020, 7, 1))) == (19, 20)
    assert Organisation().age_on(dt.date(2020, 1, 1)) is None


def test_age_rule_is_checked_on_the_deadline(personas):
    personas.ngo.founded_on = dt.date(2024, 3, 1)
    personas.ngo.save()
    deadline = timezone.make_aware(dt.datetime(2026, 2, 20, 18))
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC), tick=False):
        call = open_call(
            personas.centre, actor=personas.staff, deadline=deadline, min_organisation_age_years=2
        )
        application = submitted_application(call, personas.ngo, personas.ngo_rep)
    # Two years old on 1 March 2026, after the deadline: screened in April the rule still fails.
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC), tick=False):
        checks = {c.code: c for c in services.eligibility_checks(application)}
    assert checks["age"].passed is False
