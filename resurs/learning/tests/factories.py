"""Factories for learning rows."""

from __future__ import annotations

import datetime as dt

import factory

from resurs.learning.choices import SessionFormat, Topic
from resurs.learning.models import Course, Session, SessionDay
from resurs.registry.tests.factories import CentreFactory

TODAY = dt.date(2026, 11, 26)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Фандрайзинг для НКО, поток {n}")
    topic = Topic.FUNDRAISING
    summary = "Как привлекать частные пожертвования и строить отношения с донорами."
    hours = 16
    min_attendance_percent = 75
    feedback_required = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    starts_on = TODAY + dt.timedelta(days=7)
    ends_on = factory.LazyAttribute(lambda s: s.starts_on + dt.timedelta(days=1))
    format = SessionFormat.IN_PERSON
    venue = "Москва, ул. Тверская, 12, зал 3"
    capacity = 2
    requires_approval = False

    @factory.post_generation
    def days(self, create, extracted, **kwargs):
        if not create:
            return
        dates = extracted or [
            self.starts_on + dt.timedelta(days=i) for i in range((self.ends_on - self.starts_on).days + 1)
        ]
        SessionDay.objects.bulk_create([SessionDay(session=self, date=d) for d in dates])
