"""Registry search: names in any letter case, INN/OGRN, prefixes, typos (PostgreSQL), facets equal to the naive
grouping, and a fixed number of queries for facets."""

from __future__ import annotations

import pytest

from resurs.registry.choices import OrganisationKind
from resurs.registry.models import Field, Organisation
from resurs.registry.search import (
    ResultCount,
    being_typed,
    organisation_count,
    organisation_facets,
    organisation_facets_naive,
    organisation_search,
    word_alternatives_scored,
)
from resurs.registry.tests.factories import OrganisationFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def sector():
    fund = OrganisationFactory(
        name="Благотворительный фонд «Дорога жизни»",
        short_name="БФ «Дорога жизни»",
        kind=OrganisationKind.FOUNDATION,
        description="Помогаем семьям с детьми-инвалидами",
    )
    school = OrganisationFactory(
        name='АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ "АВТОШКОЛА ВОДИТЕЛЬ"', short_name="", region=region("16")
    )
    media = OrganisationFactory(
        name="Редакция газеты «Северный край»",
        short_name="",
        kind=OrganisationKind.MEDIA,
        region=region("29"),
    )
    return {"fund": fund, "school": school, "media": media}  # fmt: skip


def names(queryset) -> list[str]:
    return [org.name for org in queryset]


def test_search_by_inn_and_ogrn_finds_exactly_one(sector):
    fund = sector["fund"]
    assert list(organisation_search(Organisation.objects.all(), fund.inn)) == [fund]
    assert list(organisation_search(Organisation.objects.all(), f" {fund.ogrn} ")) == [fund]
    assert list(organisation_search(Organisation.objects.all(), "7700000000")) == []


def test_search_finds_names_in_any_letter_case_and_by_several_words(sector):
    everything = Organisation.objects.all()
    assert names(organisation_search(everything, "автошкола")) == [sector["school"].name]
    assert names(organisation_search(everything, "ДОРОГА жизни")) == [sector["fund"].name]
    # No name has both words: SQLite finds nothing, PostgreSQL falls back to any of the words.
    assert sector["school"].name not in names(organisation_search(everything, "дорога север"))
    assert names(organisation_search(everything, "квазар")) == []
    assert set(organisation_search(everything, "")) == set(everything)


def test_search_respects_the_queryset_it_is_given(sector):
    others = Organisation.objects.exclude(pk=sector["fund"].pk)
    assert list(organisation_search(others, "дорога")) == []


@pytest.mark.postgres
def test_postgres_search_finds_a_name_with_one_typo(requires_postgres, sector):
    everything = Organisation.objects.all()
    assert names(organisation_search(everything, "автошкла"))[:1] == [sector["school"].name]
    assert names(organisation_search(everything, "дарога жизни"))[:1] == [sector["fund"].name]


@pytest.mark.postgres
def test_postgres_search_stems_prefixes_and_ranks_names_above_descriptions(requires_postgres, sector):
    everything = Organisation.objects.all()
    assert names(organisation_search(everything, "благотвор")) == [sector["fund"].name]  # as you type
    assert names(organisation_search(everything, "газета")) == [sector["media"].name]  # «газеты» stemmed
    in_description = OrganisationFactory(name="Клуб «Вместе»", description="Семьи и дети, дорога к школе")
    ranked = names(organisation_search(everything, "дорога"))
    assert ranked == [sector["fund"].name, in_description.name]


@pytest.mark.postgres
def test_postgres_search_orders_very_large_results_by_name(requires_postgres, monkeypatch, sector):
    from resurs.registry import search

    monkeypatch.setattr(search, "estimated_rows", lambda queryset: 10**6)
    result = organisation_search(Organisation.objects.all(), "организация")
    assert "ORDER BY" in str(result.query) and names(result) == [sector["school"].name]
    longer = OrganisationFactory(name='АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ "АВТОШКОЛА ВОДИТЕЛЬ" ПЛЮС')
    earlier = OrganisationFactory(name='АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ "АВТОШКОЛА ВОДИТЕЛЬ 1"')
    typed = 'автономная некоммерческая организация "автошкола водитель"'
    assert names(organisation_search(Organisation.objects.all(), typed)) == [
        sector["school"].name,
        earlier.name,
        longer.name,
    ]


def test_facets_equal_the_naive_grouping(sector, django_assert_num_queries):
    children = Field.objects.first()
    sector["fund"].fields.add(children)
    sector["school"].fields.add(children, Field.objects.last())
    for queryset in (Organisation.objects.all(), organisation_search(Organisation.objects.all(), "дорога")):
        with django_assert_num_queries(2):
            ours = organisation_facets(queryset)
        naive = organisation_facets_naive(queryset)
        for key, column in (("kind", "kind"), ("region", "region"), ("federal_district", "region__federal_district"),
                            ("field", "fields")):  # fmt: skip
            assert {row[column]: row["count"] for row in ours[key]} == {
                row[column]: row["count"] for row in naive[key]
            }, key
        assert ours["region"][0]["region__name_ru"]


def test_facets_of_an_empty_result(sector):
    facets = organisation_facets(Organisation.objects.none())
    assert facets == {"kind": [], "region": [], "federal_district": [], "field": []}


@pytest.mark.postgres
def test_postgres_search_puts_the_organisation_named_exactly_first(requires_postgres, sector):
    for number in range(3):
        OrganisationFactory(
            name=f"Автошкола «Водитель» — автошкола водитель, автошкола номер {number}",
            description="автошкола водитель автошкола водитель",
        )
    typed = 'автономная некоммерческая организация "автошкола водитель"'
    result = names(organisation_search(Organisation.objects.all(), typed))
    assert result[0] == sector["school"].name


@pytest.mark.postgres
def test_postgres_search_treats_only_the_last_word_as_a_prefix(requires_postgres, sector):
    everything = Organisation.objects.all()
    assert names(organisation_search(everything, "дорога жиз")) == [sector["fund"].name]
    assert names(organisation_search(everything, "автономная некоммерческая автош")) == [
        sector["school"].name
    ]


@pytest.mark.postgres
def test_postgres_search_takes_the_last_word_as_complete_after_a_closing_quote(requires_postgres, sector):
    central = OrganisationFactory(
        name='АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ "АВТОШКОЛА ВОДИТЕЛЬСКАЯ"', short_name=""
    )
    everything = Organisation.objects.all()
    typing = names(organisation_search(everything, "автономная некоммерческая организация автошкола водит"))
    assert set(typing) == {sector["school"].name, central.name}
    pasted = names(
        organisation_search(everything, 'АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ "АВТОШКОЛА ВОДИТЕЛЬ"')
    )
    assert pasted == [sector["school"].name]


@pytest.mark.postgres
def test_postgres_search_finds_an_organisation_by_its_exact_name_whatever_the_parser_makes_of_it(
    requires_postgres, sector
):
    # The text parser reads «СТК-1» as «стк» and the signed number «-1»; the query's words are «стк» and «1».
    named = OrganisationFactory(name='КРАЕВАЯ ОРГАНИЗАЦИЯ "ЕДИНСТВО СТК-1"', short_name="")
    OrganisationFactory(name='КРАЕВАЯ ОРГАНИЗАЦИЯ "ЕДИНСТВО СТК"', short_name="")
    found = names(organisation_search(Organisation.objects.all(), 'краевая организация "единство стк-1"'))
    assert found[0] == named.name


@pytest.mark.postgres
def test_a_large_result_of_a_full_name_opens_at_that_name_and_pages_agree(requires_postgres, monkeypatch):
    """A pasted full name with thousands of matches: the organisation named so first, then the names from it on,
    then those before it; every page that ``organisation_page`` reads from the indexes equals that slice."""
    from resurs.registry import search

    monkeypatch.setattr(search, "DENSE_NAMED_RESULTS", 1)
    typed = 'ЧАСТНОЕ УЧРЕЖДЕНИЕ "ЦЕНТР"'
    for proper in ["АЛЬФА", "БЕТА", "ЦЕНТР", "ЦЕНТР ДЕТСТВА", "ЯСЕНЬ", "ЦВЕТ"]:
        OrganisationFactory(name=f'ЧАСТНОЕ УЧРЕЖДЕНИЕ "{proper}" ЦЕНТР', short_name="")
    OrganisationFactory(name="Частное учреждение «Центр»", short_name="")
    OrganisationFactory(name=typed.lower(), short_name="")  # named so, in another letter case
    OrganisationFactory(name="АВТОНОМНОЕ ЧАСТНОЕ УЧРЕЖДЕНИЕ ЦЕНТР", short_name="")
    result = organisation_search(Organisation.objects.all(), typed)
    assert search._pinned_name(result) == typed
    ordered = names(result)
    assert ordered[0] == typed.lower()
    after = [name for name in ordered[1:] if name >= typed]
    before = [name for name in ordered[1:] if name < typed]
    assert ordered[1:] == after + before and after == sorted(after) and before == sorted(before)
    for offset, limit in [(0, 3), (1, 3), (3, 3), (6, 3), (0, 20), (8, 5), (20, 5)]:
        _count, rows = search.organisation_page(result, offset=offset, limit=limit)
        assert [org.name for org in rows] == ordered[offset : offset + limit]


@pytest.mark.postgres
def test_a_query_the_planner_underestimates_is_counted_in_a_sample_first(
    requires_postgres, monkeypatch, sector
):
    from resurs.registry import search

    for number in range(4):
        OrganisationFactory(name=f"Автошкола «Дорога» {number}", short_name="")
    monkeypatch.setattr(search, "estimated_rows", lambda queryset: 2)  # the planner expects two matches
    monkeypatch.setattr(search, "PROBE_UNDERESTIMATE", 4)  # probed from 1 (of 4) or 1.25 (of 5) expected on
    monkeypatch.setattr(search, "PROBE_SHARE", 1.0)  # the "sample" is the whole table
    monkeypatch.setattr(search, "DENSE_RESULTS", 4)
    result = organisation_search(Organisation.objects.all(), "автошкола дорога")
    assert list(result.query.order_by) == ["name", "pk"]  # large: walked in name order, not ranked
    assert search._expected_matches(result) == 4
    monkeypatch.setattr(search, "DENSE_RESULTS", 5)  # the sample finds 4: ranked
    result = organisation_search(Organisation.objects.all(), "автошкола дорога")
    assert list(result.query.order_by) != ["name", "pk"]
    assert search._expected_matches(result) == 4  # and counted exactly: fewer than LARGE_RESULTS
    assert search.organisation_count(result) == ResultCount(4)


def test_a_word_is_being_typed_until_punctuation_closes_it():
    assert being_typed("автошкола вод")
    assert not being_typed('АНО "АВТОШКОЛА"')
    assert not being_typed("фонд.")
    assert not being_typed("   ")


def test_a_small_result_is_counted_exactly(sector):
    count = organisation_count(organisation_search(Organisation.objects.all(), "дорога"))
    assert count == ResultCount(1) and count.exact


@pytest.fixture
def sample_everything(monkeypatch):
    """Every result counts as large, and the "sample" is every page of the table: the estimate must then equal
    the exact numbers."""
    from resurs.registry import search

    monkeypatch.setattr(search, "LARGE_RESULTS", 1)
    monkeypatch.setattr(search, "estimated_rows", lambda queryset: 10**6)
    monkeypatch.setattr(search, "MIN_SAMPLE_SHARE", 1.0)
    monkeypatch.setattr(search, "MAX_SAMPLE_SHARE", 1.0)


@pytest.mark.postgres
def test_a_large_result_is_estimated_from_a_sample_and_its_facets_too(
    requires_postgres, sample_everything, sector
):
    children = Field.objects.first()
    sector["fund"].fields.add(children)
    sector["school"].fields.add(children, Field.objects.last())
    queryset = Organisation.objects.filter(merged_into__isnull=True).select_related("region")
    for filtered in (queryset, queryset.filter(fields=children), queryset.filter(kind=OrganisationKind.NGO)):
        count = organisation_count(filtered)
        assert not count.exact and count.share == 1.0
        assert count.value == filtered.count()
        estimated = organisation_facets(filtered, count=count)
        exact = organisation_facets(filtered)
        for key, column in (("kind", "kind"), ("region", "region"), ("federal_district", "region__federal_district"),
                            ("field", "fields")):  # fmt: skip
            assert {row[column]: row["count"] for row in estimated[key]} == {
                row[column]: row["count"] for row in exact[key]
            }, key
            assert all(row["estimate"] for row in estimated[key])


@pytest.mark.postgres
def test_a_query_the_sample_cannot_take_is_counted_exactly(requires_postgres, sample_everything, sector):
    # The table appears twice (a subquery): TABLESAMPLE would be ambiguous, so the count is exact.
    queryset = Organisation.objects.filter(pk__in=Organisation.objects.filter(kind=OrganisationKind.MEDIA))
    count = organisation_count(queryset)
    assert count == ResultCount(1) and count.exact


def test_estimates_are_rounded_to_three_significant_figures():
    from resurs.registry.search import round_estimate

    assert [round_estimate(value) for value in (7, 97.4, 97_583, 5_049.9, 123_456)] == [
        7,
        97,
        97_600,
        5_050,
        123_000,
    ]


def sample_registry() -> None:
    """The 3,999 real NGOs of data/registry_sample as organisations (names, identifiers, regions)."""
    import csv

    from django.conf import settings

    from resurs.registry.imports.rows import References
    from resurs.registry.validators import normalise_identifier

    references = References()
    with open(
        f"{settings.DATA_DIR}/registry_sample/ngo_egrul_2022_jul.csv", encoding="utf-8", newline=""
    ) as handle:
        rows = list(csv.DictReader(handle))
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=row["full_name"],
                short_name=row["short_name"].split(";")[0].strip()[:300],
                inn=normalise_identifier(row["inn"]),
                ogrn=normalise_identifier(row["ogrn"]),
                region_id=references.region(row["region"]),
            )
            for row in rows
        ],
        batch_size=1000,
    )


@pytest.mark.postgres
def test_postgres_search_finds_misspelt_real_names_in_the_first_three(requires_postgres):
    """240 realistic misspellings of real NGO names (data/registry_sample/search_typos.csv) against the 3,999 real
    organisations they come from: the organisation among the first three results."""
    from resurs.registry.evaluation import typo_recall

    sample_registry()
    everything = Organisation.objects.all()

    def top(query: str) -> list[str]:
        return [org.ogrn for org in organisation_search(everything, query)[:3]]

    figures = typo_recall(top)
    assert figures["queries"] == 240
    assert figures["recall"] >= 0.9, figures


@pytest.mark.postgres
def test_postgres_search_corrects_at_the_level_of_the_whole_name(requires_postgres):
    vera = OrganisationFactory(name="Благотворительный фонд помощи хосписам «Вера»", short_name="")
    OrganisationFactory(name="АНО «Вирта»", short_name="")
    adamant = OrganisationFactory(name="АНО «Центр «Адамант»", short_name="")
    OrganisationFactory(name="АНО «Адам»", short_name="")
    OrganisationFactory(name="АНО «Центр развития»", short_name="")
    everything = Organisation.objects.all()
    assert names(organisation_search(everything, "хоспис вира"))[:1] == [vera.name]
    assert names(organisation_search(everything, "адамнт центр"))[:1] == [adamant.name]
    assert names(organisation_search(everything, "[jcgbcfv"))[:1] == [vera.name]  # «хосписам», Latin layout


@pytest.mark.postgres
def test_a_misspelt_name_is_found_without_the_legal_form_words_its_record_lacks(requires_postgres):
    """«АНО» typed, but the record has no short name with it: the telling word decides, not the legal form."""
    real = OrganisationFactory(
        name="АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ КРАЕВОЙ ЦЕНТР «КРАСНОЯРЬЕ»", short_name=""
    )
    OrganisationFactory(name="АНО «Красная горка»", short_name="АНО «Красная горка»")
    assert names(organisation_search(Organisation.objects.all(), "ано краснлярье"))[:1] == [real.name]


@pytest.mark.postgres
def test_a_name_with_the_nearest_word_comes_before_one_with_a_farther_word(requires_postgres):
    nearest = OrganisationFactory(name="Фонд «Вдохновение»", short_name="")
    OrganisationFactory(name="Фонд «Вдохновенный»", short_name="")
    assert names(organisation_search(Organisation.objects.all(), "фонд вдахновение"))[:1] == [nearest.name]


@pytest.mark.postgres
def test_typo_alternatives_are_words_of_names_nearest_first(requires_postgres):
    OrganisationFactory(name="АНО «Вера»", short_name="")
    OrganisationFactory(name="АНО «Вирта»", short_name="")
    options = word_alternatives_scored(["вира", "ано"])
    assert set(options) == {"вира"}  # words of fewer than four letters are taken as typed
    words = [word for word, _score in options["вира"]]
    scores = [score for _word, score in options["вира"]]
    assert {"вера", "вирта"} <= set(words)
    assert scores == sorted(scores, reverse=True) and all(0.25 <= score <= 1 for score in scores)


def test_search_reads_a_query_typed_in_the_latin_layout(sector):
    assert names(organisation_search(Organisation.objects.all(), "fdnjirjkf")) == [sector["school"].name]
