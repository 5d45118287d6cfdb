import datetime as dt

import pytest

from resurs.cooperation.models import GovernanceSeat
from resurs.cooperation.tests.factories import AdviceRequestFactory, AdvisoryBodyFactory, PartnershipFactory
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory, TieFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert the English msgids; ``test_russian_messages`` checks the default (Russian) rendering."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def coop(personas):
    """A small cooperation world owned by ``personas.centre``: a business funding the persona NGO, a board seat
    of the company's director on the NGO's board, an advisory body with a member and a request for advice."""
    company = OrganisationFactory(kind=OrganisationKind.BUSINESS, short_name="ООО «Северный ветер»")
    ministry = OrganisationFactory(kind=OrganisationKind.GOVERNMENT, short_name="Минсоцразвития области")
    partnership = PartnershipFactory(
        centre=personas.centre, organisation_a=company, organisation_b=personas.ngo, title="Фонд добрых дел"
    )
    other = PartnershipFactory(centre=personas.other_centre, title="Чужое партнёрство")
    director = PersonFactory(last_name="Громов")
    seat = TieFactory(
        person=director, organisation=personas.ngo, role=TieRole.BOARD_MEMBER, started_on=dt.date(2021, 1, 1)
    )
    GovernanceSeat.objects.create(
        tie=seat, centre=personas.centre, main_affiliation=company, affiliation_sector="business"
    )
    body = AdvisoryBodyFactory(centre=personas.centre, government_body=ministry)
    advice = AdviceRequestFactory(centre=personas.centre, requester=ministry, topic="Стандарт поддержки НКО")
    other_advice = AdviceRequestFactory(centre=personas.other_centre)
    return {
        "company": company,
        "ministry": ministry,
        "partnership": partnership,
        "other_partnership": other,
        "director": director,
        "seat": seat,
        "body": body,
        "advice": advice,
        "other_advice": other_advice,
    }
