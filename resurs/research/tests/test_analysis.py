"""Rankings, stability, the nomination network and the characteristics of the nominated set on small hand-made
data, and the headline sentences in both languages."""

import datetime as dt

import pytest
from django.utils import translation

from resurs.research.analysis import (
    NominationRow,
    OrgFacts,
    areas_by_category,
    characteristics,
    filter_rows,
    network_metrics,
    nomination_graph,
    ranking,
)
from resurs.research.report import headline_sentences

X, Y, Z, A, B = 100, 101, 102, 200, 201
ROWS = [
    NominationRow(1, A, "expert", X, ("information",)),
    NominationRow(1, A, "expert", Y, ("information", "authorities")),
    NominationRow(2, B, "resource_centre_head", X, ("training_grants",)),
    NominationRow(2, B, "resource_centre_head", Z, (), is_self=True),
    NominationRow(3, None, "expert", X, ("information",), is_partner=True),
]


def test_ranking_counts_and_competition_ranks():
    result = {r.org_id: r for r in ranking(ROWS)}
    assert (result[X].count, result[X].rank) == (3, 1)
    assert (result[Y].count, result[Y].rank) == (1, 2)
    assert (result[Z].count, result[Z].rank) == (1, 2)
    assert result[X].share == pytest.approx(1.0)
    assert [r.org_id for r in ranking(ROWS)] == [X, Y, Z]


def test_leave_one_out_ranges_by_hand():
    # without respondent 1: X=2, Z=1, Y=0 -> Y ranks 3; without 2: Z ranks 3; without 3: X=2, Y=1, Z=1
    result = {r.org_id: r for r in ranking(ROWS, stability=True)}
    assert result[X].loo_range == (1, 1)
    assert result[Y].loo_range == (2, 3)
    assert result[Z].loo_range == (2, 3)
    low, high = result[X].bootstrap_interval
    assert 1 <= low <= high <= 3


def test_bootstrap_is_seeded():
    first = [r.bootstrap_interval for r in ranking(ROWS, stability=True, seed=5)]
    second = [r.bootstrap_interval for r in ranking(ROWS, stability=True, seed=5)]
    assert first == second


def test_rankings_without_self_and_partner_nominations_and_by_category():
    no_self = {r.org_id: r.count for r in ranking(filter_rows(ROWS, exclude_self=True))}
    assert no_self == {X: 3, Y: 1}
    no_partner = {
        r.org_id: r.count for r in ranking(filter_rows(ROWS, exclude_self=True, exclude_partners=True))
    }
    assert no_partner == {X: 2, Y: 1}
    experts = {r.org_id: r.count for r in ranking(filter_rows(ROWS, category="expert"))}
    assert experts == {X: 2, Y: 1}


def test_areas_by_category():
    table = areas_by_category(ROWS)
    assert table["expert"] == {"information": 3, "authorities": 1}
    assert table["resource_centre_head"] == {"training_grants": 1}


def test_nomination_network_metrics_by_hand():
    graph = nomination_graph(ROWS)
    # A -> X, A -> Y, B -> X, B -> Z, respondent 3 (no organisation) -> X
    assert set(graph.edges) == {(A, X), (A, Y), (B, X), (B, Z), (-3, X)}
    metrics = network_metrics(graph)
    assert metrics[X].in_degree == 3
    assert metrics[Y].in_degree == 1
    assert metrics[A].in_degree == 0
    assert max(metrics, key=lambda n: metrics[n].pagerank) == X
    assert sum(m.pagerank for m in metrics.values()) == pytest.approx(1.0)
    assert {m.community for m in metrics.values()} <= set(range(len(metrics)))
    assert metrics[A].community == metrics[Y].community


def test_characteristics_by_hand():
    facts = [
        OrgFacts(1, dt.date(2000, 1, 1), "77", "Москва", "Центральный"),
        OrgFacts(2, dt.date(2006, 11, 27), "78", "Санкт-Петербург", "Северо-Западный"),
        OrgFacts(3, dt.date(2006, 11, 26), "16", "Татарстан", "Приволжский"),  # exactly 20 years: not over
        OrgFacts(4, None, None, "", ""),
    ]
    chars = characteristics(facts, today=dt.date(2026, 11, 26))
    assert (chars.total, chars.known_age, chars.over_20) == (4, 3, 1)
    assert (chars.moscow, chars.st_petersburg, chars.elsewhere, chars.no_region) == (1, 1, 1, 1)
    assert chars.over_20_percent == pytest.approx(25.0)
    assert chars.capitals_percent == pytest.approx(50.0)
    assert len(chars.by_district) == 3


def _chars(total: int, over: int, capitals: int):
    facts = [
        OrgFacts(
            i,
            dt.date(1995, 1, 1) if i < over else dt.date(2020, 1, 1),
            "77" if i < capitals else "16",
            "",
            "",
        )
        for i in range(total)
    ]
    return characteristics(facts, today=dt.date(2026, 11, 26))


def test_headline_sentences_in_english():
    with translation.override("en"):
        assert headline_sentences(_chars(58, 43, 38)) == [
            "58 organisations were named.",
            "74% had operated for over 20 years on Nov. 26, 2026.",
            "66% are in Moscow or St Petersburg.",
        ]
        assert headline_sentences(_chars(1, 1, 0))[0] == "1 organisation was named."


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (1, "Названа 1 организация."),
        (3, "Названы 3 организации."),
        (21, "Названа 21 организация."),
        (58, "Названо 58 организаций."),
    ],
)
def test_headline_sentences_in_russian_with_plural_forms(total, expected):
    with translation.override("ru"):
        sentences = headline_sentences(_chars(total, total, total))
    assert sentences[0] == expected
    assert sentences[1] == "100% на 26 ноября 2026 г. действовали более 20 лет."
    assert sentences[2] == "100% находятся в Москве или Санкт-Петербурге."
