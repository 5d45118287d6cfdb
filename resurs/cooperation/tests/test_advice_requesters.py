"""Partners and officials file and follow their own requests for advice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resurs.accounts.choices import Role
from resurs.accounts.models import Representation
from resurs.accounts.tests.factories import user_with_role
from resurs.cooperation.choices import AdviceStatus
from resurs.cooperation.models import AdviceRequest
from resurs.cooperation.tests.factories import AdviceRequestFactory
from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(personas):
    company = OrganisationFactory(kind=OrganisationKind.BUSINESS, short_name="ООО «Северный ветер»")
    Representation.objects.create(user=personas.partner, organisation=company)
    return company


@pytest.fixture
def official(personas):
    ministry = OrganisationFactory(kind=OrganisationKind.GOVERNMENT, short_name="Минсоцразвития области")
    user = user_with_role(Role.PARTNER, username="official_p", email="official@gov.example.org")
    Representation.objects.create(user=user, organisation=ministry)
    return user


def _ask(client, organisation, centre, **extra):
    data = {
        "requester": organisation.pk,
        "centre": centre.pk,
        "topic": "Волонтёрство сотрудников",
        "question": "С какими НКО работать?",
        **extra,
    }
    return client.post(reverse("cooperation:advice-ask"), data)


def test_partner_desk_starts_with_advice_not_grants(client_for, personas, company):
    client = client_for(personas.partner)
    desk = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="desk-my-advice"' in desk and reverse("cooperation:advice-ask") in desk
    assert reverse("cooperation:advice-mine") in desk  # in the navigation as well
    assert client.get(reverse("cooperation:advice-list")).url == reverse("cooperation:advice-mine")


def test_partner_files_a_request_and_follows_it(client_for, personas, company):
    client = client_for(personas.partner)
    assert client.get(reverse("cooperation:advice-ask")).status_code == 200
    response = _ask(client, company, personas.centre)
    advice = AdviceRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "cooperation:advice-mine-detail", args=[advice.pk]
    )
    assert advice.requester == company and advice.centre == personas.centre
    assert advice.status == AdviceStatus.RECEIVED and advice.contact_email == personas.partner.email
    assert advice.due_on - advice.received_on == dt.timedelta(days=30)
    page = client.get(response.url).content.decode()
    assert "С какими НКО работать?" in page and "The centre has received your request" in page
    # The centre answers; the partner sees the answer.
    staff = client_for(personas.staff)
    staff.post(reverse("cooperation:advice-answer", args=[advice.pk]), {"response": "Начните с трёх НКО."})
    client = client_for(personas.partner)
    assert (
        "Начните с трёх НКО."
        in client.get(reverse("cooperation:advice-mine-detail", args=[advice.pk])).content.decode()
    )
    assert "Волонтёрство сотрудников" in client.get(reverse("cooperation:advice-mine")).content.decode()


def test_official_files_for_their_ministry(client_for, personas, official):
    ministry = Representation.objects.get(user=official).organisation
    response = _ask(client_for(official), ministry, personas.centre, due_on="2099-01-31")
    assert response.status_code == 302
    advice = AdviceRequest.objects.get()
    assert advice.requester == ministry and advice.due_on == dt.date(2099, 1, 31)


def test_cannot_file_for_an_organisation_one_does_not_act_for(client_for, personas, company, official):
    ministry = Representation.objects.get(user=official).organisation
    response = _ask(client_for(personas.partner), ministry, personas.centre)
    assert response.status_code == 200 and not AdviceRequest.objects.exists()


def test_requesters_see_only_their_organisations_requests(client_for, personas, company, official):
    ministry = Representation.objects.get(user=official).organisation
    theirs = AdviceRequestFactory(centre=personas.centre, requester=ministry, topic="Порядок субсидий")
    mine = AdviceRequestFactory(centre=personas.centre, requester=company, topic="Софинансирование")
    partner = client_for(personas.partner)
    listing = partner.get(reverse("cooperation:advice-mine")).content.decode()
    assert "Софинансирование" in listing and "Порядок субсидий" not in listing
    assert partner.get(reverse("cooperation:advice-mine-detail", args=[theirs.pk])).status_code == 404
    assert partner.get(reverse("cooperation:advice-mine-detail", args=[mine.pk])).status_code == 200
    # The centre's working page (assignee, answer form) stays the centre's.
    assert partner.get(reverse("cooperation:advice-detail", args=[mine.pk])).status_code == 404


@pytest.mark.parametrize("name", ["ngo_rep", "expert", "outsider", "researcher", None])
def test_wrong_user_cannot_file_or_follow(client_for, personas, company, name):
    advice = AdviceRequestFactory(centre=personas.centre, requester=company)
    user = getattr(personas, name) if name else None
    client = client_for(user)
    for url in (reverse("cooperation:advice-ask"), reverse("cooperation:advice-mine")):
        assert client.get(url).status_code == (302 if user is None else 403), url
    assert client.get(reverse("cooperation:advice-mine-detail", args=[advice.pk])).status_code in (302, 404)
    _ask(client, company, personas.centre)
    assert AdviceRequest.objects.count() == 1
