"""The list of partnerships finds the partnerships of the plain fold (every word in the title or in a partner's name
or short name, any letter case, «е» for «ё») on SQLite and PostgreSQL, each table matched on its own
(``indexed_words_condition``); on PostgreSQL the title's condition is answered by its trigram index (cooperation
0005), the partners' by the organisations' (registry 0020)."""

import pytest
from django.db import connection
from django.urls import reverse

from resurs.cooperation.filters import PARTNERSHIP_SEARCH_FIELDS, PartnershipFilter
from resurs.cooperation.models import Partnership
from resurs.cooperation.tests.factories import PartnershipFactory
from resurs.core.search import fold, search_filter
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnerships(personas):
    bank = OrganisationFactory(name="Банк «Развитие»", short_name="БР")
    fund = OrganisationFactory(name="Фонд «Растём вместе»", short_name="Растём")
    elka = OrganisationFactory(name="Центр «Ёлка»", short_name="")
    PartnershipFactory(
        centre=personas.centre, organisation_a=bank, organisation_b=fund, title="Гранты для детей"
    )
    PartnershipFactory(
        centre=personas.centre, organisation_a=bank, organisation_b=elka, title="Волонтёры банка"
    )
    PartnershipFactory(centre=personas.centre, title="Зелёный город «Растём»")


def plain_fold(query: str) -> list[int]:
    words = fold(query).split()
    found = []
    for row in Partnership.objects.select_related("organisation_a", "organisation_b"):
        values = [
            row.title,
            row.organisation_a.name,
            row.organisation_a.short_name,
            row.organisation_b.name,
            row.organisation_b.short_name,
        ]
        if all(any(word in fold(value) for value in values) for word in words):
            found.append(row)
    return sorted(row.pk for row in found)


@pytest.mark.parametrize(
    "query", ["растем", "БАНК", "елка волонтеры", "развитие детей", "зеленый растем", "нет"]
)
def test_the_partnership_list_finds_the_rows_of_the_plain_fold(client_for, personas, partnerships, query):
    expected = plain_fold(query)
    assert query == "нет" or expected, "the query finds something (the comparison is not of two empty lists)"
    response = client_for(personas.staff).get(reverse("cooperation:partnership-list"), {"q": query})
    assert sorted(row.pk for row in response.context["page_obj"]) == expected
    rows = Partnership.objects.all()
    assert (
        sorted(search_filter(rows, query, PARTNERSHIP_SEARCH_FIELDS).values_list("pk", flat=True)) == expected
    )


def test_a_partner_searches_only_its_own_partnerships(client_for, personas, partnerships):
    """A partner's list holds the partnerships of the organisations it represents; the search stays within them."""
    partner = personas.partner
    elka = Partnership.objects.get(title="Волонтёры банка").organisation_b
    partner.representations.create(organisation=elka)
    response = client_for(partner).get(reverse("cooperation:partnership-list"), {"q": "банк"})
    assert [row.title for row in response.context["page_obj"]] == ["Волонтёры банка"]
    nobody = PartnershipFilter({"q": "банк"}, Partnership.objects.none()).qs
    assert list(nobody) == []


@pytest.mark.postgres
def test_the_title_search_is_answered_by_its_trigram_index(requires_postgres, partnerships):
    sql, params = PartnershipFilter({"q": "растем"}, Partnership.objects.all()).qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "partnership_title_folded_trgm" in plan
