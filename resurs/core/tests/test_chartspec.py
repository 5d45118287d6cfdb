"""Chart specs for pages: labels, values and number formats as the browser and the table receive them."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from resurs.core.chartspec import bar_spec, chart_spec, month_label


def test_bar_spec_carries_labels_values_and_money_format():
    with translation.override("ru"):
        spec = bar_spec(
            "Awarded by region",
            title="Распределено",
            labels=["Москва", "Тула"],
            values=[Decimal("1500000.00"), Decimal("250000.50")],
            fmt="money",
        )
    assert spec["id"] == "chart-awarded-by-region"
    data = spec["data"]
    assert data["labels"] == ["Москва", "Тула"]
    assert data["series"] == [{"name": "Распределено", "values": [1500000, 250000.5]}]
    assert data["format"] == "money" and data["horizontal"] is True and data["kind"] == "bar"
    # The table: Russian grouping with a no-break space, roubles, no "1e6".
    assert spec["rows"] == [["Москва", "1\xa0500\xa0000\xa0₽"], ["Тула", "250\xa0000\xa0₽"]]


def test_counts_are_whole_numbers_in_english_and_gaps_stay_gaps():
    with translation.override("en"):
        spec = chart_spec(
            "waves",
            title="Participants",
            labels=["2025", "2026"],
            series={"Sessions": [1234, None], "Consultations": [3.0, 7]},
            kind="line",
        )
    assert spec["columns"] == ["Sessions", "Consultations"]
    assert spec["rows"] == [["2025", "1,234", "3"], ["2026", "—", "7"]]
    assert spec["data"]["series"][0]["values"] == [1234, None]


def test_month_labels_are_localised():
    with translation.override("ru"):
        assert month_label(datetime.date(2026, 3, 1)) == "Мар 2026"
    with translation.override("en"):
        assert month_label(datetime.date(2026, 3, 1)) == "Mar 2026"


def test_mismatched_series_and_unknown_format_are_refused():
    with pytest.raises(ValueError):
        chart_spec("x", title="t", labels=["a"], series={"s": [1, 2]})
    with pytest.raises(ValueError):
        chart_spec("x", title="t", labels=["a"], series={"s": [1]}, fmt="percent")


def test_include_embeds_the_spec_as_json_and_the_numbers_as_a_table():
    with translation.override("ru"):
        spec = bar_spec("hours", title="Часы", labels=["2025"], values=[12500])
        html = render_to_string("includes/chart.html", {"chart": spec})
    assert 'data-chart="chart-hours"' in html
    assert '<script id="chart-hours" type="application/json">' in html
    assert "<details" in html and "12\xa0500" in html
    assert "style=" not in html


def test_json_data_keeps_cyrillic_and_escapes_markup():
    from resurs.core.templatetags.core_tags import json_data

    html = json_data({"label": "Фонд </script> & «Мы»"}, "network-data")
    assert html == (
        '<script id="network-data" type="application/json">'
        '{"label":"Фонд \\u003C/script\\u003E \\u0026 «Мы»"}</script>'
    )
