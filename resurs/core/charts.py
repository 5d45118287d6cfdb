"""Charts for PDFs as inline SVG, rendered on the server with matplotlib, 7 inches wide (the text width of an A4
page), numbers formatted for the active language ("1 234,5" in Russian). Pages draw their charts in the browser
(``resurs.core.chartspec``). Each function returns an SVG string ready for ``|safe`` in a template.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence

import matplotlib
from django.utils.formats import number_format

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator

PALETTE = ["#1f5f8b", "#d9822b", "#3a8d5c", "#a23b72", "#6c757d", "#c9a227", "#4b3f72", "#2a9d8f"]
plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    }
)


def localised(value: float, decimals: int = 0) -> str:
    """A number as the active language writes it: no "1e6", a no-break space between thousands in Russian."""
    if decimals == 0:
        value = round(value)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


_TICKS = FuncFormatter(lambda value, _pos: localised(value, 0 if float(value).is_integer() else 1))


def _localise_axis(axis, *, integer: bool = True) -> None:
    axis.set_major_formatter(_TICKS)
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))


def _to_svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    start = svg.find("<svg")
    return without_inline_styles(svg[start:] if start >= 0 else svg)


# --- Inline SVG under the Content-Security-Policy (docs/decisions/0005) ---------------------------------------
# matplotlib writes style="fill: …; stroke: …" and a <style> block; a page whose policy says style-src 'self'
# refuses both. The same properties as SVG presentation attributes are not styles, so the chart looks the same.
PRESENTATION_ATTRIBUTES = frozenset(
    [
        "alignment-baseline",
        "baseline-shift",
        "clip-path",
        "clip-rule",
        "color",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "filter",
        "font-family",
        "font-size",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "marker-end",
        "marker-mid",
        "marker-start",
        "mask",
        "opacity",
        "paint-order",
        "shape-rendering",
        "stop-color",
        "stop-opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "text-decoration",
        "text-rendering",
        "visibility",
        "word-spacing",
        "writing-mode",
    ]
)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>")


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in css.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip() and value.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _as_attributes(pairs: list[tuple[str, str]]) -> str:
    unknown = [name for name, _ in pairs if name not in PRESENTATION_ATTRIBUTES]
    if unknown:
        raise ValueError(f"no SVG presentation attribute for {unknown}")
    return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in pairs)


def without_inline_styles(svg: str) -> str:
    """The SVG with every style attribute turned into presentation attributes, and matplotlib's document-wide
    ``<style>*{…}</style>`` moved onto the root element (the properties are inherited)."""
    root_attributes = ""
    if match := _STYLE_ELEMENT.search(svg):
        root_attributes = _as_attributes(_declarations(match.group(1)))
        svg = svg[: match.start()] + svg[match.end() :]
    svg = _STYLE_ATTRIBUTE.sub(lambda m: _as_attributes(_declarations(html.unescape(m.group(1)))), svg)
    if root_attributes:
        svg = svg.replace("<svg", "<svg" + root_attributes, 1)
    return svg


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    xlabel: str = "",
    horizontal: bool = True,
    color: str = PALETTE[0],
    value_format=localised,
) -> str:
    """A bar chart (horizontal by default, which suits long Russian labels)."""
    count = max(len(labels), 1)
    if horizontal:
        fig, ax = plt.subplots(figsize=(7, 0.32 * count + 0.9))
        positions = range(len(labels))
        bars = ax.barh(list(positions), list(values), color=color)
        ax.set_yticks(list(positions), [str(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        _localise_axis(ax.xaxis)
        for bar, value in zip(bars, values, strict=False):
            ax.text(
                bar.get_width(),
                bar.get_y() + bar.get_height() / 2,
                " " + value_format(value),
                va="center",
                fontsize=8,
            )
    else:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        ax.bar([str(label) for label in labels], list(values), color=color)
        ax.set_ylabel(xlabel)
        _localise_axis(ax.yaxis)
        ax.tick_params(axis="x", labelrotation=30)
    if title:
        ax.set_title(title, loc="left", fontsize=10)
    return _to_svg(fig)


def line_chart(x: Sequence, series: dict[str, Sequence[float]], *, title: str = "", ylabel: str = "") -> str:
    """One or more lines over a shared x axis (years, months)."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for name, values in series.items():
        ax.plot([str(v) for v in x], list(values), marker="o", label=name)
    if len(series) > 1:
        ax.legend(frameon=False)
    ax.set_ylabel(ylabel)
    _localise_axis(ax.yaxis, integer=False)
    if title:
        ax.set_title(title, loc="left", fontsize=10)
    return _to_svg(fig)


def stacked_bar_chart(labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str = "") -> str:
    """Horizontal stacked bars: one bar per label, one colour per series."""
    fig, ax = plt.subplots(figsize=(7, 0.34 * max(len(labels), 1) + 1.2))
    left = [0.0] * len(labels)
    for name, values in series.items():
        ax.barh(range(len(labels)), list(values), left=left, label=name)
        left = [a + b for a, b in zip(left, values, strict=False)]
    ax.set_yticks(range(len(labels)), [str(label) for label in labels])
    ax.invert_yaxis()
    _localise_axis(ax.xaxis)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, loc="left", fontsize=10)
    return _to_svg(fig)


def tile_map(
    columns: Sequence[tuple[str, Sequence[tuple[str, str, float]]]], *, title: str = "", unit: str = ""
) -> str:
    """A tile map: one square per region, regions stacked in columns (e.g. federal districts from west to east),
    shaded by value. ``columns`` is ``[(column label, [(short label, full name, value), ...]), ...]``.

    Drawn directly as SVG (each tile carries a ``<title>`` with the full name and value for screen readers and
    hovering), because no chart library draws this layout."""
    from html import escape

    tile, gap, top, left = 34, 4, 44 if title else 24, 6
    height_tiles = max(((len(regions) + 1) // 2 for _label, regions in columns), default=0)
    column = (tile + gap) * 2 + 14
    width = left * 2 + len(columns) * column
    height = top + height_tiles * (tile + gap) + 10
    peak = max((value for _label, regions in columns for _s, _n, value in regions), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'font-family="DejaVu Sans, sans-serif" font-size="9">',
        f"<title>{escape(title or unit)}</title>",  # its name for screen readers (role="img")
    ]
    if title:
        parts.append(f'<text x="{left}" y="16" font-size="12">{escape(title)}</text>')
    for index, (label, regions) in enumerate(columns):
        x0 = left + index * column
        parts.append(f'<text x="{x0}" y="{top - 6}" font-size="7.5" fill="#5b6776">{escape(label)}</text>')
        for row, (short, name, value) in enumerate(regions):
            x, y = x0 + (row % 2) * (tile + gap), top + (row // 2) * (tile + gap)
            share = value / peak
            fill = "#eef1f4" if value == 0 else _blend("#cfe0ee", PALETTE[0], share)
            ink = "#ffffff" if share > 0.55 else "#1d2733"
            shown = localised(value) if value else ""
            parts.append(
                f"<g><title>{escape(name)}: {shown or 0} {escape(unit)}</title>"
                f'<rect x="{x}" y="{y}" width="{tile}" height="{tile}" rx="3" fill="{fill}"/>'
                f'<text x="{x + tile / 2}" y="{y + 14}" text-anchor="middle" fill="{ink}" font-size="7">{escape(short)}</text>'
                f'<text x="{x + tile / 2}" y="{y + 27}" text-anchor="middle" fill="{ink}" font-weight="bold">{shown}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _blend(low: str, high: str, share: float) -> str:
    a = [int(low[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))
