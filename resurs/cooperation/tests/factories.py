"""Factories for cooperation rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from resurs.cooperation.choices import AdviceStatus, AdvisoryLevel, PartnershipType, sector_of
from resurs.cooperation.models import AdviceRequest, AdvisoryBody, CorporateVolunteering, Partnership
from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import CentreFactory, OrganisationFactory


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    centre = factory.SubFactory(CentreFactory)
    organisation_a = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BUSINESS)
    organisation_b = factory.SubFactory(OrganisationFactory)
    sector_a = factory.LazyAttribute(lambda o: sector_of(o.organisation_a.kind))
    sector_b = factory.LazyAttribute(lambda o: sector_of(o.organisation_b.kind))
    type = PartnershipType.FUNDING
    title = factory.Sequence(lambda n: f"Партнёрство {n}")
    started_on = dt.date(2024, 3, 1)
    value = Decimal("500000.00")


class CorporateVolunteeringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorporateVolunteering

    centre = factory.SubFactory(CentreFactory)
    company = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BUSINESS)
    year = 2025
    volunteers = 40
    hours = 320


class AdvisoryBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisoryBody

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.ADVISORY_BODY)
    government_body = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.GOVERNMENT)
    level = AdvisoryLevel.REGIONAL
    centre = factory.SubFactory(CentreFactory)


class AdviceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdviceRequest

    centre = factory.SubFactory(CentreFactory)
    topic = factory.Sequence(lambda n: f"Вопрос о поддержке СО НКО {n}")
    requester = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.GOVERNMENT)
    received_on = dt.date(2026, 11, 10)
    due_on = dt.date(2026, 12, 10)
    status = AdviceStatus.RECEIVED
