"""Factories for events and registrations."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from resurs.events.choices import EventKind, EventStatus
from resurs.events.models import Event, Registration, Session
from resurs.registry.tests.factories import CentreFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    centre = factory.SubFactory(CentreFactory)
    kind = EventKind.SEMINAR
    status = EventStatus.PUBLISHED
    title = factory.Sequence(lambda n: f"Семинар для НКО №{n}")
    summary = "Практический семинар о грантовых конкурсах"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    venue = "Дом НКО"
    address = "Москва, ул. Тверская, 1"
    capacity = 50


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Секция {n}")
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.event.starts_at + dt.timedelta(hours=1))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Участник {n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    consent_given_at = factory.LazyFunction(timezone.now)
