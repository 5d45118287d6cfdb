"""Charts in pages: a small spec built on the server, drawn in the browser by Apache ECharts (static/js/charts.js)
and repeated as a table of the same numbers for screen readers, printing and anyone who prefers figures.

A spec is a plain dict: the page passes it to ``{% include "includes/chart.html" with chart=spec %}``, which
embeds it with ``json_script`` (the Content-Security-Policy forbids inline script bodies) and renders the table.
Numbers in the table are formatted here for the active language; the browser formats the chart's ticks and
tooltips with ``Intl.NumberFormat`` for the page's language, so neither shows "1e6" or English separators in
Russian. Server-side (matplotlib) charts remain only for PDFs (``resurs.core.charts``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import date_format, number_format

from resurs.core.templatetags.core_tags import format_money

PALETTE = ["#1f5f8b", "#d9822b", "#3a8d5c", "#a23b72", "#6c757d", "#c9a227", "#4b3f72", "#2a9d8f"]
FORMATS = ("integer", "money", "decimal")


def format_value(value, fmt: str) -> str:
    """One number as the table shows it in the active language."""
    if value is None:
        return "—"
    if fmt == "money":
        return format_money(value)
    if fmt == "integer":
        return number_format(round(value), decimal_pos=0, use_l10n=True, force_grouping=True)
    return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)


def month_label(month: datetime.date) -> str:
    """A month as a short axis label in the active language ("янв. 2026" / "Jan 2026")."""
    return date_format(month, "M Y")


def _number(value) -> float | int | None:
    if value is None:
        return None  # a gap in a line, "—" in the table
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return round(float(value), 2)


def _height(kind: str, horizontal: bool, count: int) -> str:
    """A CSS size class (no style attributes under the CSP): horizontal bars grow with their labels."""
    if kind == "bar" and horizontal:
        if count <= 5:
            return "chart-s"
        if count <= 10:
            return "chart-m"
        return "chart-l" if count <= 16 else "chart-xl"
    return "chart-m"


def chart_spec(
    key: str,
    *,
    title: str,
    labels: Sequence,
    series: dict[str, Sequence],
    kind: str = "bar",
    fmt: str = "integer",
    horizontal: bool = False,
    stacked: bool = False,
    label_header: str = "",
    axis: str = "",
) -> dict:
    """A chart of one or more series over shared labels. ``fmt`` is "integer" (counts), "money" (roubles) or
    "decimal"; ``kind`` is "bar", "line" or "pie" (one series)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown number format {fmt!r}")
    if kind not in ("bar", "line", "pie"):
        raise ValueError(f"unknown chart kind {kind!r}")
    labels = [str(label) for label in labels]
    named = [(str(name), [_number(v) for v in values]) for name, values in series.items()]
    for name, values in named:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    element_id = "chart-" + re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")
    return {
        "id": element_id,
        "title": str(title),
        "size": _height(kind, horizontal, len(labels)),
        "label_header": str(label_header),
        "columns": [name for name, _values in named],
        "rows": [
            [label, *(format_value(values[index], fmt) for _name, values in named)]
            for index, label in enumerate(labels)
        ],
        "data": {
            "kind": kind,
            "format": fmt,
            "horizontal": horizontal,
            "stacked": stacked,
            "axis": str(axis),
            "labels": labels,
            "series": [{"name": name, "values": values} for name, values in named],
            "palette": PALETTE,
        },
    }


def bar_spec(key: str, *, title: str, labels: Sequence, values: Sequence, name: str = "", **options) -> dict:
    """One series as bars (horizontal by default: long Russian names read better down the side)."""
    options.setdefault("horizontal", True)
    return chart_spec(key, title=title, labels=labels, series={name or title: values}, **options)
