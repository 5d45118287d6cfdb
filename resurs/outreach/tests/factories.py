"""Factories for the information space."""

from __future__ import annotations

import datetime as dt

import factory

from resurs.outreach.choices import PublicationKind
from resurs.outreach.models import MediaContact, PressAnnouncement, Publication, SocialChallenge, Topic
from resurs.registry.tests.factories import CentreFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_ru = factory.Sequence(lambda n: f"Тема {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class MediaContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaContact

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Журналист {n}")
    outlet_name = "Городские новости"
    email = factory.Sequence(lambda n: f"press{n}@example.org")
    consent_given_on = dt.date(2026, 1, 15)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PressAnnouncement

    centre = factory.SubFactory(CentreFactory)
    subject = factory.Sequence(lambda n: f"Анонс №{n}")
    body = "Приглашаем журналистов на форум некоммерческих организаций."


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialChallenge

    centre = factory.SubFactory(CentreFactory)
    title_ru = factory.Sequence(lambda n: f"Социальная проблема {n}")
    description = "Описание проблемы"


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    centre = factory.SubFactory(CentreFactory)
    kind = PublicationKind.REPORT
    title_ru = factory.Sequence(lambda n: f"Доклад о положении НКО №{n}")
    summary = "Краткое содержание доклада"
    published_on = dt.date(2026, 10, 1)
    is_published = True
