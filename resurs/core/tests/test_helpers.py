import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from resurs.core.charts import bar_chart, line_chart
from resurs.core.tabular import safe_cell, xlsx_bytes
from resurs.core.templatetags.core_tags import format_money


@pytest.mark.parametrize("value", ["=1+2", "+7 999", "-SUM(A1)", "@cmd", "\t=x"])
def test_formula_like_text_is_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_numbers_and_dates_stay_typed():
    assert safe_cell(Decimal("12.5")) == Decimal("12.5")
    assert safe_cell(dt.date(2026, 11, 26)) == dt.date(2026, 11, 26)
    assert safe_cell(None) == ""


def test_xlsx_export_round_trips_cyrillic_and_escapes_formulas(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes(["Название", "Сумма"], [["=HYPERLINK(1)", 100], ["Фонд «Добро»", 2.5]]))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows == [("Название", "Сумма"), ("'=HYPERLINK(1)", 100), ("Фонд «Добро»", 2.5)]


def test_money_follows_the_locale():
    with translation.override("ru"):
        assert format_money(Decimal("1234567")) == "1\u00a0234\u00a0567\u00a0₽"
    with translation.override("en"):
        assert format_money(1234567) == "RUB 1,234,567"
    assert format_money(None) == "—"


def test_amounts_in_inputs_read_as_typed_and_parse_back():
    from resurs.core.templatetags.core_tags import amount_input

    with translation.override("ru"):
        assert amount_input(Decimal("40000.00")) == "40 000"
        assert amount_input("1234.5") == "1 234,50"
        assert amount_input("40 000,5") == "40 000,5"  # what the person typed stays
    with translation.override("en"):
        assert amount_input(Decimal("1234.50")) == "1 234.50"
    assert amount_input(None) == "" and amount_input("") == ""


def test_charts_are_inline_svg_with_labels():
    svg = bar_chart(["Москва", "Санкт-Петербург"], [12, 7], title="Организации")
    assert svg.startswith("<svg") and "Москва" in svg and "Организации" in svg
    assert line_chart([2024, 2025], {"A": [1, 2], "B": [2, 3]}).startswith("<svg")


def test_tile_map_shades_regions_and_names_them_for_screen_readers():
    from resurs.core.charts import tile_map

    svg = tile_map(
        [
            ("Центральный", [("МСК", "Москва", 12), ("ТУЛ", "Тульская область", 0)]),
            ("Сибирский", [("НСК", "Новосибирская область", 3)]),
        ],
        title="Организации",
        unit="орг.",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Москва: 12 орг.</title>" in svg and "<title>Тульская область: 0 орг.</title>" in svg
    assert svg.count("<rect") == 3
