"""Factories for registry rows: checksum-valid INN/OGRN, real regions from the reference data."""

from __future__ import annotations

import datetime as dt

import factory

from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Centre, Organisation, Person, Region, Tie
from resurs.registry.validators import complete_inn10, complete_ogrn


def region(code: str = "77") -> Region:
    return Region.objects.get(fns_code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Автономная некоммерческая организация «Тестовая {n}»")
    short_name = factory.Sequence(lambda n: f"АНО «Тестовая {n}»")
    kind = OrganisationKind.NGO
    inn = factory.Sequence(lambda n: complete_inn10(f"77{n + 1000000:07d}"))
    ogrn = factory.Sequence(lambda n: complete_ogrn(f"11077{n + 1000000:07d}"))
    region = factory.LazyFunction(lambda: region("77"))
    founded_on = dt.date(2010, 5, 17)


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.RESOURCE_CENTRE)
    slug = factory.Sequence(lambda n: f"centre-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = factory.Sequence(lambda n: f"Иванова{n}")
    first_name = "Мария"
    patronymic = "Петровна"
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class TieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tie

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = TieRole.STAFF
    started_on = dt.date(2020, 1, 1)
