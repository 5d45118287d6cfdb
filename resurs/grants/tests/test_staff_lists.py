"""Staff list pages at scale: counts per call from one grouped query, pages read as ids first, in the same order
and with the same rows as the plain querysets."""

import pytest
from django.urls import reverse

from resurs.accounts.tests.factories import representative_of
from resurs.grants import selectors, services
from resurs.grants.models import Call
from resurs.grants.tests.factories import open_call, submitted_application
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _submit(call, n):
    applications = []
    for _ in range(n):
        organisation = OrganisationFactory()
        applications.append(submitted_application(call, organisation, representative_of(organisation)))
    return applications


def test_call_counts_equal_a_count_per_call(personas, call):
    other = open_call(personas.centre, actor=personas.staff)
    first = _submit(call, 3)
    _submit(other, 1)
    services.application_screen(application=first[0], actor=personas.staff, eligible=True, reason="проверено")
    calls = selectors.with_application_counts(selectors.call_list_for_staff(personas.staff))
    assert [c.pk for c in calls] == list(
        Call.objects.filter(pk__in=[c.pk for c in calls]).order_by("-created_at").values_list("pk", flat=True)
    )
    for c in calls:
        applications = c.applications.all()
        assert c.submitted_count == applications.exclude(status__in=["draft", "withdrawn"]).count()
        assert c.to_screen_count == applications.filter(status="submitted").count()
    by_pk = {c.pk: c for c in calls}
    assert (by_pk[call.pk].submitted_count, by_pk[call.pk].to_screen_count) == (3, 2)
    assert (by_pk[other.pk].submitted_count, by_pk[other.pk].to_screen_count) == (1, 1)


def test_pipeline_pages_keep_the_order_and_rows(personas, call):
    _submit(call, 5)
    applications = selectors.application_list_for_staff(personas.staff, call)
    expected = list(applications.values_list("pk", flat=True))
    seen = []
    for number in (1, 2, 3):
        page = selectors.application_page(applications, number, per_page=2)
        seen += [a.pk for a in page.object_list]
        assert all(a.organisation.name and a.call_id == call.pk for a in page.object_list)
    assert seen == expected
    searched = selectors.application_page(
        applications.filter(pk__in=expected[:3]), 1, per_page=2, searched=True
    )
    assert searched.paginator.count == 3
    assert [a.pk for a in searched.object_list] == expected[:2]


def test_pipeline_search_and_deep_page_render(client_for, personas, call):
    applications = _submit(call, 3)
    client = client_for(personas.staff)
    url = reverse("grants:pipeline", args=[call.slug])
    response = client.get(url, {"q": applications[0].number})
    assert applications[0].number in response.text
    assert applications[1].number not in response.text
    assert client.get(url, {"page": 99}).status_code == 200


def _plain_search(applications, query):
    """The pipeline's search as the plain fold over the four fields (no index), and the INN."""
    from resurs.core.search import search_filter

    return search_filter(applications, query, list(selectors.PIPELINE_SEARCH_FIELDS)) | applications.filter(
        organisation__inn=query
    )


PIPELINE_QUERIES = (
    "центр",
    "ЦЕНТР",
    "ресурсный центр",
    "лед",
    "Ёлка",
    "ёлк",
    "Мост",
    "мост лед",
    "нет-такого",
)


def _searchable_call(call):
    """A call's applications whose words sit in titles, organisation names and short names (with «ё»)."""
    rows = [
        ("Растопим лёд: клуб для подростков", "АНО «Ресурсный центр»", "РЦ"),
        ("Ёлка во дворе", "Фонд «Мост»", ""),
        ("Школа наставников", "Центр «ЁЛКИ»", "центр ёлки"),
        ("Летний лагерь", "Клуб «Маяк»", "Мост"),
        ("Вечерняя школа", "Союз «Берег»", ""),
    ]
    applications = []
    for title, name, short_name in rows:
        organisation = OrganisationFactory(name=name, short_name=short_name)
        applications.append(
            submitted_application(call, organisation, representative_of(organisation), title=title)
        )
    return applications


def test_pipeline_search_finds_what_the_plain_fold_finds(personas, call):
    applications = _searchable_call(call)
    staff_list = selectors.application_list_for_staff(personas.staff, call)
    for query in (*PIPELINE_QUERIES, applications[0].number, applications[3].organisation.inn):
        found = list(selectors.application_search(staff_list, query).values_list("pk", flat=True))
        assert found == list(_plain_search(staff_list, query).values_list("pk", flat=True)), query

    def titles(query):
        return {application.title for application in selectors.application_search(staff_list, query)}

    assert titles("лед") == {"Растопим лёд: клуб для подростков"}
    assert titles("ёлк") == {"Ёлка во дворе", "Школа наставников"}
    assert titles("мост") == {"Ёлка во дворе", "Летний лагерь"}
    assert titles("центр лед") == {"Растопим лёд: клуб для подростков"}
    assert titles(applications[3].organisation.inn) == {"Летний лагерь"}
    assert titles("нет-такого") == set()


@pytest.mark.postgres
@pytest.mark.parametrize("common", ["none", "all", "центр"], ids=["through-indexes", "row-by-row", "mixed"])
def test_pipeline_search_on_postgres_finds_what_the_plain_fold_finds_either_way(
    requires_postgres, personas, call, monkeypatch, common
):
    """Both ways of matching an organisation's name: through its trigram indexes (a rare word), or on the call's
    own organisations one by one (a word the planner expects in more organisations than the call has
    applications: every word, or only «центр», checked then on the organisations of the applications that hold
    the other words)."""
    from resurs.core import search
    from resurs.registry.models import Organisation

    def estimate(queryset):
        if queryset.model is not Organisation:
            return 10
        return 10**6 if common == "all" or (common in str(queryset.query)) else 1

    monkeypatch.setattr(search, "estimated_rows", estimate)
    _searchable_call(call)
    staff_list = selectors.application_list_for_staff(personas.staff, call)
    for query in PIPELINE_QUERIES:
        found = selectors.application_search(staff_list, query)
        assert list(found.values_list("pk", flat=True)) == list(
            _plain_search(staff_list, query).values_list("pk", flat=True)
        ), query
    assert ("= ANY(ARRAY(" in str(selectors.application_search(staff_list, "мост").query)) is (
        common == "all"
    )
    assert ("= ANY(ARRAY(" in str(selectors.application_search(staff_list, "центр лед").query)) is (
        common != "none"
    )


@pytest.mark.postgres
def test_pipeline_search_reads_the_trigram_indexes(requires_postgres, personas, call):
    """The words are looked up in the trigram indexes of the folded organisation name (registry 0020) and
    application title and number (grants 0009), with sequential scans off as on a table too large to scan."""
    from django.db import connection

    from resurs.core.search import words_condition
    from resurs.grants.models import Application

    _searchable_call(call)
    found = selectors.application_search(selectors.application_list_for_staff(personas.staff, call), "мост")
    by_title = Application.objects.filter(words_condition(["мост"], ["title", "number"]))
    plans = []
    for queryset in (found, by_title):
        sql, params = queryset.values_list("pk", flat=True).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert "organisation_name_folded_trgm" in plans[0]
    assert "organisation_short_name_folded_trgm" in plans[0]
    assert "application_title_folded_trgm" in plans[1]
    assert "application_number_folded_trgm" in plans[1]
