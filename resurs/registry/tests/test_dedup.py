"""Duplicates: candidates by identifiers, normalised and similar names; merge keeps every tie and the history."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from resurs.accounts.models import Representation
from resurs.accounts.tests.factories import UserFactory
from resurs.registry.choices import OrganisationStatus
from resurs.registry.dedup import (
    MergeError,
    duplicate_candidates,
    duplicate_dismiss,
    normalised_name,
    organisation_merge,
)
from resurs.registry.models import ChangeProposal, DuplicateDismissal, Field, Organisation, Tie
from resurs.registry.tests.factories import CentreFactory, OrganisationFactory, TieFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_normalised_name_drops_legal_form_words_quotes_and_case():
    assert normalised_name("Автономная некоммерческая организация «Рассвет»") == "рассвет"
    assert normalised_name('АНО "РАССВЕТ"') == "рассвет"
    assert normalised_name("Благотворительный фонд помощи детям «Ёлка»") == "помощи детям елка"
    assert normalised_name("РОО «Молодёжь Севера»") == "молодежь севера"


def test_candidates_by_normalised_name_in_the_same_region_only():
    a = OrganisationFactory(name="Автономная некоммерческая организация «Рассвет»")
    b = OrganisationFactory(name='АНО "РАССВЕТ"', inn="", ogrn=OrganisationFactory.build().ogrn)
    OrganisationFactory(name="АНО «Рассвет»", region=region("16"))  # another region: a different organisation
    OrganisationFactory(name="АНО «Закат»")
    pairs = [(c.key, c.reason) for c in duplicate_candidates()]
    assert pairs == [((a.pk, b.pk), "name")]


def test_dismissed_and_merged_pairs_are_not_proposed_again():
    staff = UserFactory()
    a = OrganisationFactory(name="АНО «Рассвет»")
    b = OrganisationFactory(name="Автономная некоммерческая организация Рассвет")
    duplicate_dismiss(first=b, second=a, actor=staff)
    assert DuplicateDismissal.objects.get().first_id == min(a.pk, b.pk)
    assert duplicate_candidates() == []
    c = OrganisationFactory(name="Рассвет, АНО")
    assert {candidate.key for candidate in duplicate_candidates()} == {(a.pk, c.pk), (b.pk, c.pk)}
    organisation_merge(survivor=a, loser=c, actor=staff)
    assert duplicate_candidates() == []


def test_similar_names_within_a_region():
    a = OrganisationFactory(name="АНО «Центр развития добровольчества»")
    b = OrganisationFactory(name="АНО «Центр развития добровольчесва»")
    OrganisationFactory(name="АНО «Музей северного края»")
    assert duplicate_candidates() == []
    [candidate] = duplicate_candidates(region=region("77"), similar=True)
    assert (candidate.key, candidate.reason) == ((a.pk, b.pk), "similar")
    assert 0.6 <= candidate.score < 1


def test_merge_keeps_every_tie_and_records_the_history():
    staff = UserFactory()
    survivor = OrganisationFactory(name="Фонд «Рассвет»", website="", description="")
    loser = OrganisationFactory(name="БФ Рассвет", website="https://rassvet.example", description="Помогаем")
    kept_tie = TieFactory(organisation=survivor)
    moved_ties = [TieFactory(organisation=loser), TieFactory(organisation=loser)]
    both = UserFactory()
    Representation.objects.create(user=both, organisation=survivor)
    Representation.objects.create(user=both, organisation=loser)  # the survivor already has it
    rep = Representation.objects.create(user=UserFactory(), organisation=loser)
    proposal = ChangeProposal.objects.create(
        organisation=loser, proposed_by=rep.user, changes={"city": "Казань"}
    )
    field = Field.objects.first()
    loser.fields.add(field)
    loser_ogrn = loser.ogrn

    moved = organisation_merge(survivor=survivor, loser=loser, actor=staff, take={"ogrn": loser.pk})

    survivor.refresh_from_db()
    loser.refresh_from_db()
    assert set(Tie.objects.filter(organisation=survivor)) == {kept_tie, *moved_ties}
    assert not Tie.objects.filter(organisation=loser).exists()
    assert set(Representation.objects.filter(organisation=survivor).values_list("user", flat=True)) == {
        both.pk,
        rep.user_id,
    }
    assert ChangeProposal.objects.get(pk=proposal.pk).organisation == survivor
    assert list(survivor.fields.all()) == [field]
    assert (survivor.website, survivor.description, survivor.ogrn) == (
        "https://rassvet.example",
        "Помогаем",
        loser_ogrn,
    )
    assert (loser.merged_into, loser.status, loser.ogrn) == (survivor, OrganisationStatus.LIQUIDATED, "")
    assert moved["registry.tie.organisation"] == 2 and moved["accounts.representation.organisation"] == 1
    survivor_event = LogEntry.objects.get_for_object(survivor).get(additional_data__event="merge")
    loser_event = LogEntry.objects.get_for_object(loser).get(additional_data__event="merged_into")
    assert survivor_event.actor == staff and survivor_event.additional_data["merged"] == loser.pk
    assert loser_event.additional_data["survivor"] == survivor.pk


def test_merge_moves_a_centre_and_refuses_two_centres():
    staff = UserFactory()
    centre = CentreFactory()
    survivor = OrganisationFactory()
    organisation_merge(survivor=survivor, loser=centre.organisation, actor=staff)
    centre.refresh_from_db()
    assert centre.organisation == survivor
    other = CentreFactory()
    with pytest.raises(MergeError):
        organisation_merge(survivor=survivor, loser=other.organisation, actor=staff)
    other.refresh_from_db()
    assert other.organisation.merged_into is None
    with pytest.raises(MergeError):
        organisation_merge(survivor=survivor, loser=survivor, actor=staff)


def test_duplicate_pages_compare_merge_and_dismiss(personas, client_for):
    a = OrganisationFactory(name="АНО «Рассвет»")
    b = OrganisationFactory(name="Автономная некоммерческая организация «Рассвет»", city="Казань")
    TieFactory(organisation=b)
    url = reverse("registry:duplicate-compare", args=[a.pk, b.pk])
    for user in (personas.expert, personas.ngo_rep, personas.outsider, personas.researcher):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"survivor": a.pk}).status_code == 403
        assert client.post(reverse("registry:duplicate-dismiss", args=[a.pk, b.pk])).status_code == 403
    assert Organisation.objects.get(pk=b.pk).merged_into is None and not DuplicateDismissal.objects.exists()
    assert client_for(None).get(url).status_code == 302

    client = client_for(personas.staff)
    listing = client.get(reverse("registry:duplicate-list"))
    assert [(pair[1], pair[2]) for pair in listing.context["pairs"]] == [(a, b)]
    page = client.get(url)
    assert page.status_code == 200 and "take_city" in page.context["form"].fields
    response = client.post(url, {"survivor": a.pk, "take_name": a.pk, "take_city": b.pk, "take_inn": a.pk,
                                 "take_ogrn": a.pk, "take_short_name": a.pk})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == a.get_absolute_url()
    a.refresh_from_db()
    assert a.city == "Казань" and a.ties.count() == 1
    assert Organisation.objects.get(pk=b.pk).merged_into == a
    assert client.get(url).status_code == 302  # already merged: back to the list


def test_dismiss_from_the_page(personas, client_for):
    a = OrganisationFactory(name="АНО «Рассвет»")
    b = OrganisationFactory(name="АНО Рассвет")
    response = client_for(personas.manager).post(reverse("registry:duplicate-dismiss", args=[a.pk, b.pk]))
    assert response.status_code == 302 and DuplicateDismissal.objects.filter(first=a, second=b).exists()


def test_duplicate_list_query_count(personas, client_for, django_assert_max_num_queries):
    for number in range(6):
        OrganisationFactory(name=f"АНО «Рассвет {number}»")
        OrganisationFactory(name=f"Автономная некоммерческая организация Рассвет {number}")
    client = client_for(personas.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:duplicate-list"))
    assert len(response.context["pairs"]) == 6
