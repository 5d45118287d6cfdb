"""Registry pages: list with filters, facets, search-as-you-type and export; profiles; staff forms."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from resurs.registry.choices import OrganisationKind, ProposalStatus, TieRole
from resurs.registry.models import Field, Organisation, Person, Tie
from resurs.registry.services import organisation_update
from resurs.registry.tests.factories import (
    CentreFactory,
    OrganisationFactory,
    PersonFactory,
    TieFactory,
    region,
)
from resurs.registry.validators import complete_inn10, complete_ogrn

pytestmark = pytest.mark.django_db
LIST = reverse("registry:organisation-list")


def valid_inn(seed: int) -> str:
    return complete_inn10(f"54{seed:07d}")


def organisation_post(**overrides) -> dict:
    data = {
        "name": "Благотворительный фонд «Открытые сердца»",
        "short_name": "БФ «Открытые сердца»",
        "kind": OrganisationKind.FOUNDATION,
        "inn": valid_inn(1234),
        "ogrn": complete_ogrn("115540012345"),
        "region": region("54").pk,
        "city": "Новосибирск",
        "founded_on": "2015-03-02",
        "status": "active",
        "website": "https://example.org",
    }
    data.update(overrides)
    return data


class TestOrganisationList:
    def test_lists_filters_and_counts(self, personas, client_for):
        OrganisationFactory(name="Фонд «Северное сияние»", short_name="", region=region("10"))
        OrganisationFactory(name="АНО «Южный ветер»", short_name="", kind=OrganisationKind.MEDIA)
        client = client_for(personas.outsider)
        response = client.get(LIST, {"q": "сияние"})
        assert response.status_code == 200
        names = [org.name for org in response.context["organisations"]]
        assert names == ["Фонд «Северное сияние»"]
        response = client.get(LIST, {"kind": OrganisationKind.MEDIA})
        assert [org.name for org in response.context["organisations"]] == ["АНО «Южный ветер»"]
        response = client.get(LIST, {"region": region("10").pk})
        assert [org.name for org in response.context["organisations"]] == ["Фонд «Северное сияние»"]
        district = region("10").federal_district_id
        response = client.get(LIST, {"federal_district": district})
        assert "Фонд «Северное сияние»" in [org.name for org in response.context["organisations"]]

    def test_founding_year_range_and_sort(self, personas, client_for):
        for year in (1995, 2005, 2015):
            OrganisationFactory(
                name=f"Организация {year}", founded_on=dt.date(year, 1, 1), kind=OrganisationKind.UNIVERSITY
            )
        client = client_for(personas.staff)
        response = client.get(LIST, {"founded_from": 2000, "founded_to": 2009})
        assert [org.name for org in response.context["organisations"]] == ["Организация 2005"]
        response = client.get(LIST, {"sort": "-founded", "kind": OrganisationKind.UNIVERSITY})
        assert [org.name for org in response.context["organisations"]] == [
            "Организация 2015",
            "Организация 2005",
            "Организация 1995",
        ]
        response = client.get(LIST, {"founded_from": 2010, "founded_to": 2000})
        assert "founded_to" in response.context["filter"].form.errors

    def test_field_filter_and_facets(self, personas, client_for):
        children = Field.objects.first()
        tagged = OrganisationFactory(name="Детский центр")
        tagged.fields.add(children)
        client = client_for(personas.expert)
        response = client.get(LIST, {"field": children.pk})
        assert [org.name for org in response.context["organisations"]] == ["Детский центр"]
        facets = response.context["facets"]
        assert facets["field"][0]["value"] == children.pk and facets["field"][0]["count"] == 1
        assert facets["kind"] == [{"value": "ngo", "label": "НКО", "count": 1, "estimate": False}]
        assert facets["estimated"] is False
        assert f"field={children.pk}".encode() in client.get(LIST).content

    def test_paging_by_25(self, personas, client_for):
        OrganisationFactory.create_batch(30)
        response = client_for(personas.staff).get(LIST, {"page": 2})
        # personas add 3 organisations (two centres and the NGO): 33 in all
        assert response.context["page_obj"].paginator.count == 33
        assert len(response.context["organisations"]) == 8

    def test_htmx_renders_the_partial_with_facets_out_of_band(self, personas, client_for):
        OrganisationFactory(name="Фонд «Северное сияние»", short_name="")
        response = client_for(personas.staff).get(LIST, {"q": "сияние"}, headers={"HX-Request": "true"})
        content = response.content.decode()
        assert "<html" not in content
        assert "Северное сияние" in content
        assert 'id="facets"' in content and 'hx-swap-oob="true"' in content

    def test_query_count_does_not_grow_with_rows(self, personas, client_for, django_assert_max_num_queries):
        OrganisationFactory.create_batch(40)
        client = client_for(personas.staff)
        client.get(LIST)  # warm caches (content types, site name)
        with django_assert_max_num_queries(22):
            response = client.get(LIST, {"q": "Тестовая", "sort": "name"})
        assert len(response.context["organisations"]) == 25

    def test_anonymous_goes_to_login(self, client_for, reference_data):
        response = client_for(None).get(LIST)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_staff_export_is_filtered_and_formula_safe(self, personas, client_for, fmt):
        OrganisationFactory(name="=HYPERLINK(1)", short_name="", city="Тверь")
        OrganisationFactory(name="Другая", city="Москва")
        response = client_for(personas.staff).get(LIST, {"q": "HYPERLINK", "export": fmt})
        assert response.status_code == 200
        if fmt == "csv":
            text = b"".join(response.streaming_content).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))
            assert len(rows) == 2
            assert rows[1][0] == "'=HYPERLINK(1)"
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(response.content)).active
            values = [[cell.value for cell in row] for row in sheet.iter_rows()]
            assert len(values) == 2 and values[1][0] == "'=HYPERLINK(1)"

    @pytest.mark.parametrize("persona", ["outsider", "expert", "ngo_rep", "trainer", "partner"])
    def test_export_forbidden_to_non_staff(self, personas, client_for, persona):
        response = client_for(getattr(personas, persona)).get(LIST, {"export": "csv"})
        assert response.status_code == 403


class TestOrganisationProfile:
    def test_profile_shows_ties_centre_and_history_for_staff(self, personas, client_for):
        centre = personas.centre
        organisation = centre.organisation
        person = PersonFactory(last_name="Петрова")
        TieFactory(organisation=organisation, person=person, role=TieRole.LEADER, title="Директор")
        TieFactory(
            organisation=organisation,
            person=PersonFactory(last_name="Смирнов"),
            started_on=dt.date(2010, 1, 1),
            ended_on=dt.date(2012, 1, 1),
        )
        organisation_update(organisation=organisation, actor=personas.staff, data={"city": "Казань"})
        response = client_for(personas.staff).get(organisation.get_absolute_url())
        assert response.status_code == 200
        assert [tie.person.last_name for tie in response.context["current_ties"]] == ["Петрова"]
        assert [tie.person.last_name for tie in response.context["past_ties"]] == ["Смирнов"]
        assert response.context["centre"] == centre
        content = response.content.decode()
        assert 'data-testid="centre-badge"' in content
        history = response.context["history"]
        city_change = [row for row in history if any(c["new"] == "Казань" for c in row["changes"])]
        assert city_change and city_change[0]["actor"] == personas.staff
        assert str(city_change[0]["action"]) == "изменено"

    def test_history_hidden_from_non_staff(self, personas, client_for):
        response = client_for(personas.expert).get(personas.ngo.get_absolute_url())
        assert response.status_code == 200
        assert response.context["history"] is None
        assert "Журнал изменений" not in response.content.decode()

    def test_missing_organisation_is_404(self, personas, client_for):
        assert client_for(personas.staff).get("/registry/organisations/999999/").status_code == 404


class TestOrganisationForms:
    def test_staff_creates_an_organisation(self, personas, client_for):
        field = Field.objects.first()
        response = client_for(personas.staff).post(
            reverse("registry:organisation-create"), organisation_post(fields=[field.pk])
        )
        organisation = Organisation.objects.get(inn=valid_inn(1234))
        assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
        assert list(organisation.fields.all()) == [field]
        from auditlog.models import LogEntry

        entry = LogEntry.objects.get_for_object(organisation).first()
        assert entry.actor == personas.staff

    @pytest.mark.parametrize(
        "overrides, field, fragment",
        [
            ({"inn": "7707083894"}, "inn", "контрольн"),
            ({"inn": "77070838"}, "inn", "10 цифр"),
            ({"ogrn": "1027700132190"}, "ogrn", "контрольн"),
            ({"founded_on": "2027-01-01"}, "founded_on", "будущ"),
            ({"name": ""}, "name", "Обязательное поле"),
            ({"name": "Ф" * 501}, "name", "500"),
            ({"liquidated_on": "2010-01-01"}, "liquidated_on", "раньше"),
        ],
    )
    def test_bad_input_gets_a_message_next_to_the_field(
        self, personas, client_for, overrides, field, fragment
    ):
        with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
            response = client_for(personas.staff).post(
                reverse("registry:organisation-create"), organisation_post(**overrides)
            )
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert field in errors, errors
        assert any(fragment in message for message in errors[field]), errors[field]
        # nothing typed is lost
        assert response.context["form"]["city"].value() == "Новосибирск"
        assert f'id="id_{field}_error"' in response.content.decode()
        assert not Organisation.objects.filter(city="Новосибирск").exists()

    def test_duplicate_inn_names_the_existing_organisation(self, personas, client_for):
        existing = OrganisationFactory(short_name="АНО «Первая»")
        response = client_for(personas.staff).post(
            reverse("registry:organisation-create"), organisation_post(inn=existing.inn, ogrn=existing.ogrn)
        )
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "АНО «Первая»" in errors["inn"][0]
        assert "АНО «Первая»" in errors["ogrn"][0]
        assert Organisation.objects.filter(inn=existing.inn).count() == 1

    def test_staff_edits_and_keeps_own_inn(self, personas, client_for):
        organisation = personas.ngo
        data = organisation_post(inn=organisation.inn, ogrn=organisation.ogrn, name="Новое имя")
        response = client_for(personas.manager).post(
            reverse("registry:organisation-edit", args=[organisation.pk]), data
        )
        assert response.status_code == 302
        organisation.refresh_from_db()
        assert organisation.name == "Новое имя"


class TestPeopleAndTies:
    def test_person_contacts_visible_to_staff_and_self_only(self, personas, client_for):
        person = PersonFactory(email="secret@example.org")
        personas.outsider.person = person
        personas.outsider.save(update_fields=["person"])
        url = person.get_absolute_url()
        for user, visible in [
            (personas.staff, True),
            (personas.admin, True),
            (personas.outsider, True),
            (personas.expert, False),
            (personas.ngo_rep, False),
        ]:
            content = client_for(user).get(url).content.decode()
            assert ("secret@example.org" in content) is visible, user

    def test_person_create_with_consent(self, personas, client_for):
        response = client_for(personas.staff).post(
            reverse("registry:person-create"),
            {"last_name": "Кузнецова", "first_name": "Ольга", "consent": "on"},
        )
        person = Person.objects.get(last_name="Кузнецова")
        assert response.status_code == 302
        assert person.has_consent and person.consent_text_version

    def test_person_list_search(self, personas, client_for, django_assert_max_num_queries):
        PersonFactory(last_name="Романова")
        PersonFactory.create_batch(30)
        client = client_for(personas.outsider)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("registry:person-list"), {"q": "Роман"})
        assert [p.last_name for p in response.context["people"]] == ["Романова"]

    def test_tie_create_and_end(self, personas, client_for):
        person = PersonFactory()
        organisation = personas.ngo
        client = client_for(personas.staff)
        response = client.post(
            reverse("registry:tie-create", args=[organisation.pk]),
            {
                "person": person.pk,
                "role": TieRole.BOARD_MEMBER,
                "started_on": "2020-05-01",
                "ended_on": "2019-01-01",
            },
        )
        assert response.status_code == 400
        assert "ended_on" in response.context["form"].errors
        assert not Tie.objects.filter(person=person).exists()
        response = client.post(
            reverse("registry:tie-create", args=[organisation.pk]),
            {"person": person.pk, "role": TieRole.BOARD_MEMBER, "started_on": "2020-05-01"},
        )
        assert response.status_code == 302
        tie = Tie.objects.get(person=person)
        response = client.post(reverse("registry:tie-end", args=[tie.pk]), {"ended_on": "2019-01-01"})
        assert response.status_code == 400
        tie.refresh_from_db()
        assert tie.ended_on is None
        response = client.post(reverse("registry:tie-end", args=[tie.pk]), {"ended_on": "2025-01-01"})
        assert response.status_code == 302
        tie.refresh_from_db()
        assert tie.ended_on == dt.date(2025, 1, 1)


def test_home_shows_registry_figures(client_for, reference_data):
    CentreFactory(is_hub=True)
    OrganisationFactory(region=region("54"))
    response = client_for(None).get("/")
    assert 'data-testid="registry-figures"' in response.content.decode()


def test_active_filters_can_be_removed(personas, client_for):
    response = client_for(personas.staff).get(LIST, {"kind": OrganisationKind.MEDIA, "q": "ветер", "page": 2})
    active = {item["label"]: item for item in response.context["active_filters"]}
    assert str(active["Тип"]["value"]) == "СМИ"
    assert active["Тип"]["remove"] == "?q=%D0%B2%D0%B5%D1%82%D0%B5%D1%80"


class TestDesk:
    def test_staff_see_pending_proposals(self, personas, client_for):
        from resurs.registry.services import proposal_create

        proposal_create(organisation=personas.ngo, user=personas.ngo_rep, values={"city": "Курган"})
        content = client_for(personas.staff).get("/desk/").content.decode()
        assert 'data-testid="pending-proposals"' in content and "1 предложение ждёт" in content

    def test_representative_sees_own_organisations(self, personas, client_for):
        content = client_for(personas.ngo_rep).get("/desk/").content.decode()
        assert personas.ngo.get_absolute_url() in content
        assert reverse("registry:proposal-create", args=[personas.ngo.pk]) in content

    def test_outsider_sees_neither(self, personas, client_for):
        content = client_for(personas.outsider).get("/desk/").content.decode()
        assert 'data-testid="pending-proposals"' not in content
        assert reverse("registry:proposal-create", args=[personas.ngo.pk]) not in content


class TestProposalPages:
    def test_representative_proposes_through_the_form(self, personas, client_for):
        from resurs.registry.models import ChangeProposal

        org = personas.ngo
        client = client_for(personas.ngo_rep)
        data = {"name": org.name, "short_name": org.short_name, "city": "Курган", "comment": "Переехали"}
        response = client.post(reverse("registry:proposal-create", args=[org.pk]), data)
        assert response.status_code == 302
        proposal = ChangeProposal.objects.get()
        assert proposal.changes == {"city": [org.city, "Курган"]} and proposal.comment == "Переехали"
        org.refresh_from_db()
        assert org.city != "Курган"
        response = client.post(reverse("registry:proposal-create", args=[org.pk]), {**data, "city": org.city})
        assert response.status_code == 400
        assert "ничего не меняет" in response.content.decode()

    def test_staff_reject_needs_a_note_then_approve_another(
        self, personas, client_for, django_assert_max_num_queries
    ):
        from resurs.registry.services import proposal_create

        first = proposal_create(organisation=personas.ngo, user=personas.ngo_rep, values={"city": "Курган"})
        client = client_for(personas.staff)
        url = reverse("registry:proposal-detail", args=[first.pk])
        page = client.get(url)
        rows = page.context["rows"]
        assert rows[0]["new"] == "Курган" and rows[0]["old"] == personas.ngo.city
        assert client.post(url, {"decision": "reject", "note": ""}).status_code == 400
        first.refresh_from_db()
        assert first.status == ProposalStatus.PENDING
        assert client.post(url, {"decision": "reject", "note": "Не подтверждено"}).status_code == 302
        first.refresh_from_db()
        assert first.status == ProposalStatus.REJECTED
        second = proposal_create(
            organisation=personas.ngo, user=personas.ngo_rep, values={"phone": "+7 3522 00-00-00"}
        )
        response = client.post(reverse("registry:proposal-detail", args=[second.pk]), {"decision": "approve"})
        assert response.status_code == 302
        personas.ngo.refresh_from_db()
        assert personas.ngo.phone == "+7 3522 00-00-00"
        for _ in range(5):
            proposal_create(organisation=personas.ngo, user=personas.ngo_rep, values={"city": f"Город {_}"})
        with django_assert_max_num_queries(14):
            response = client.get(reverse("registry:proposal-list"))
        assert len(response.context["proposals"]) == 5
        response = client.get(reverse("registry:proposal-list"), {"status": "all"})
        assert len(response.context["proposals"]) == 7


def test_a_user_asks_to_act_for_an_organisation_and_an_admin_confirms(personas, client_for):
    from resurs.accounts.models import Representation

    org = personas.centre.organisation
    client = client_for(personas.outsider)
    response = client.post(
        reverse("registry:representation-request", args=[org.pk]), {"position": "Директор"}
    )
    assert response.status_code == 302
    representation = Representation.objects.get(user=personas.outsider)
    assert representation.status == Representation.Status.PENDING and representation.position == "Директор"
    # pending: no right to propose yet
    assert client.get(reverse("registry:proposal-create", args=[org.pk])).status_code == 403
    client.post(reverse("registry:representation-request", args=[org.pk]))
    assert Representation.objects.filter(user=personas.outsider).count() == 1
    client_for(personas.admin).post(
        reverse("accounts:representation-status", args=[representation.pk]), {"status": "confirmed"}
    )
    client = client_for(personas.outsider)
    assert client.get(reverse("registry:proposal-create", args=[org.pk])).status_code == 200


def test_representation_request_needs_login(client_for, personas):
    response = client_for(None).post(reverse("registry:representation-request", args=[personas.ngo.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_tie_form_chooses_the_person_through_the_registry_picker(personas, client_for):
    PersonFactory.create_batch(5)
    client = client_for(personas.staff)
    url = reverse("registry:tie-create", args=[personas.ngo.pk])
    page = client.get(url).content.decode()
    assert reverse("registry:pick", args=["person"]) + "?field=person" in page
    assert 'name="person"' not in page  # nobody listed until searched and chosen
    other = PersonFactory(last_name="Яковлева")
    response = client.post(url, {"person": other.pk, "role": TieRole.VOLUNTEER})
    assert response.status_code == 302
    assert Tie.objects.filter(person=other, organisation=personas.ngo).exists()


def test_profiles_show_blocks_other_apps_contribute(personas, client_for, monkeypatch):
    seen = {}

    def fake_collect(hook, request, **kwargs):
        seen[hook] = kwargs
        return [
            {"template": "registry/partials/_home_figures.html", "order": 1, "figures": {"organisations": 7}}
        ]

    monkeypatch.setattr("resurs.registry.views.collect_sections", fake_collect)
    client = client_for(personas.expert)
    content = client.get(personas.ngo.get_absolute_url()).content.decode()
    assert seen["organisation_profile"] == {"organisation": personas.ngo}
    assert 'data-testid="registry-figures"' in content
    person = PersonFactory()
    client.get(person.get_absolute_url())
    assert seen["person_profile"] == {"person": person}


@pytest.mark.postgres
def test_a_very_large_result_shows_estimated_counts(requires_postgres, personas, client_for, monkeypatch):
    """Past LARGE_RESULTS the total, the pages and the facets say they are estimates."""
    from resurs.registry import search

    monkeypatch.setattr(search, "LARGE_RESULTS", 1)
    monkeypatch.setattr(search, "estimated_rows", lambda queryset: 10**6)
    monkeypatch.setattr(search, "MIN_SAMPLE_SHARE", 1.0)
    monkeypatch.setattr(search, "MAX_SAMPLE_SHARE", 1.0)
    OrganisationFactory.create_batch(30)
    response = client_for(personas.staff).get(LIST)
    assert response.context["page_obj"].paginator.estimated
    assert response.context["page_obj"].paginator.count == 33
    assert response.context["facets"]["estimated"]
    text = response.content.decode()
    assert "Найдено около 33 организаций" in text and "≈" in text and "Страница 1 из примерно 2" in text


def test_a_deep_page_of_organisations_is_the_same_as_slicing_the_list(personas, client_for):
    """A page past the first is read as a window of ids (``id_window``): the same rows in the same order."""
    OrganisationFactory.create_batch(60)
    client = client_for(personas.staff)
    expected = list(
        Organisation.objects.filter(merged_into=None).order_by("name", "pk").values_list("pk", flat=True)
    )
    shown = []
    for page in (1, 2, 3):
        shown += [org.pk for org in client.get(LIST, {"page": page}).context["organisations"]]
    assert shown == expected[:75]


def test_people_pages_in_name_order_and_a_search_counted_exactly(personas, client_for):
    for last_name in ("Яковлева", "Иванова", "Абрамова", "Иванов", "Петрова"):
        PersonFactory(last_name=last_name, first_name="Анна")
    PersonFactory.create_batch(30, last_name="Сидорова")
    client = client_for(personas.staff)
    people = list(Person.objects.filter(erased_at=None).order_by("last_name", "first_name", "pk"))
    response = client.get(reverse("registry:person-list"), {"page": 2})
    assert list(response.context["people"]) == people[25:50]
    found = client.get(reverse("registry:person-list"), {"q": "иванов"}).context["page_obj"]
    assert found.paginator.count == 2
    assert [person.last_name for person in found.object_list] == ["Иванов", "Иванова"]


@pytest.mark.postgres
def test_the_whole_people_list_is_counted_by_an_estimate(
    requires_postgres, personas, client_for, monkeypatch
):
    from resurs.registry import selectors

    monkeypatch.setattr(selectors, "LARGE_RESULTS", 1)
    for last_name in ("Яковлева", "Иванова", "Абрамова"):
        PersonFactory(last_name=last_name)
    client = client_for(personas.staff)
    page = client.get(reverse("registry:person-list")).context["page_obj"]
    assert page.paginator.estimated
    found = client.get(reverse("registry:person-list"), {"q": "иванова"})
    assert found.context["page_obj"].paginator.count == 1
    assert [person.last_name for person in found.context["people"]] == ["Иванова"]


@pytest.mark.postgres
def test_a_misspelt_common_name_lists_its_nearest_people_at_most_and_says_at_least(
    requires_postgres, personas, client_for, monkeypatch
):
    """«иваноф» is near every «Иванов», but also every «Ивановна» (and «Иван»): at national scale tens of
    thousands of people. The fallback lists a bounded number of them (``TYPO_CANDIDATES``), whole names alike
    first, and the page says "at least"; a typo near few people lists them all, counted exactly."""
    from resurs.core import search

    monkeypatch.setattr(search, "TYPO_CANDIDATES", 4)
    wanted = [PersonFactory(last_name="Иванов", first_name=first) for first in ("Олег", "Юрий", "Павел")]
    PersonFactory.create_batch(6, last_name="Петрова", patronymic="Ивановна")
    PersonFactory(last_name="Семёнова", first_name="Анна")
    client = client_for(personas.staff)
    response = client.get(reverse("registry:person-list"), {"q": "иваноф"})
    page = response.context["page_obj"]
    assert page.paginator.count == 4 and page.paginator.at_least
    assert {person.pk for person in page.object_list[:3]} == {person.pk for person in wanted}
    assert all("иван" in search.fold(f"{p.last_name} {p.patronymic}") for p in page.object_list)
    assert "Найдено по меньшей мере 4 человека" in response.content.decode()
    few = client.get(reverse("registry:person-list"), {"q": "семенава"}).context["page_obj"]
    assert [person.last_name for person in few.object_list] == ["Семёнова"]
    assert few.paginator.count == 1 and not few.paginator.at_least


def test_home_figures_follow_new_people_and_organisations(personas, django_capture_on_commit_callbacks):
    from resurs.registry import selectors, services

    before = selectors.registry_figures()
    with django_capture_on_commit_callbacks(execute=True):
        services.person_create(actor=personas.staff, data={"last_name": "Новикова", "first_name": "Ольга"})
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_create(
            actor=personas.staff, data={"name": "Фонд «Новый»", "kind": OrganisationKind.FOUNDATION}
        )
    after = selectors.registry_figures()
    assert after["people"] == before["people"] + 1
    assert after["organisations"] == before["organisations"] + 1
    assert before["people"] == Person.objects.filter(erased_at=None).count() - 1


@pytest.mark.postgres
def test_a_misspelt_common_name_fills_the_cap_with_the_nearest_names(
    requires_postgres, personas, client_for, monkeypatch
):
    """«иваноф» is as near every «Иван» (a first name) as the «Иванов» it means, at the first threshold: of more
    near people than the cap, the list holds those named most alike — every «Иванов» it can hold — not the
    first read (here three «Иван»s and an «Иванов», first in the table and in name order)."""
    from resurs.core import search

    monkeypatch.setattr(search, "TYPO_CANDIDATES", 4)
    PersonFactory.create_batch(3, last_name="Абрамов", first_name="Иван")
    ivanovs = [PersonFactory(last_name="Иванов", first_name="Олег")]
    PersonFactory.create_batch(3, last_name="Иванова", first_name="Анна")
    ivanovs += [PersonFactory(last_name="Иванов", first_name=name) for name in ("Юрий", "Павел", "Глеб")]
    found = client_for(personas.staff).get(reverse("registry:person-list"), {"q": "иваноф"})
    page = found.context["page_obj"]
    assert page.paginator.count == 4 and page.paginator.at_least
    assert {person.pk for person in page.object_list} == {person.pk for person in ivanovs}
