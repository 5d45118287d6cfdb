"""The cooperation overview: figures by sector pair, year and region, and the network of cross-sector ties
(partnerships and governance seats) as a networkx graph for the page, CSV and GraphML."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import networkx as nx
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from resurs.cooperation.choices import KIND_TO_SECTOR, SECTOR_COLOURS, PartnershipType, Sector, sector_of
from resurs.cooperation.filters import active_in_year
from resurs.cooperation.models import GovernanceSeat, Partnership
from resurs.cooperation.services import COOPERATION_TOPIC
from resurs.core import chartspec
from resurs.registry.choices import TieRole
from resurs.registry.models import Organisation


def sector_pair_label(a: str, b: str) -> str:
    return f"{Sector(a).label} → {Sector(b).label}"


@dataclass
class YearTable:
    """Counts and values by row key and year, ready for a table and a chart."""

    years: list[int]
    rows: list[dict] = field(default_factory=list)  # {"label", "counts": [...], "values": [...], "total_*"}


def by_sector_pair_and_year(partnerships: QuerySet[Partnership]) -> YearTable:
    """New partnerships and their value by sector pair (first → second party) and starting year."""
    data = (
        partnerships.annotate(year=ExtractYear("started_on"))
        .values("sector_a", "sector_b", "year")
        .annotate(count=Count("pk"), value=Sum("value"))
        .order_by()
    )
    cells: dict[tuple[str, str], dict[int, tuple[int, Decimal]]] = defaultdict(dict)
    years: set[int] = set()
    for row in data:
        cells[(row["sector_a"], row["sector_b"])][row["year"]] = (row["count"], row["value"] or Decimal(0))
        years.add(row["year"])
    ordered_years = sorted(years)
    table = YearTable(years=ordered_years)
    for (a, b), by_year in sorted(cells.items(), key=lambda item: -sum(c for c, _v in item[1].values())):
        counts = [by_year.get(y, (0, 0))[0] for y in ordered_years]
        values = [by_year.get(y, (0, Decimal(0)))[1] for y in ordered_years]
        table.rows.append(
            {
                "key": f"{a}-{b}",
                "label": sector_pair_label(a, b),
                "counts": counts,
                "values": values,
                "total_count": sum(counts),
                "total_value": sum(values, Decimal(0)),
            }
        )
    return table


def overview_charts(pairs: YearTable) -> tuple[dict | None, dict | None]:
    """The two overview charts (specs for ``includes/chart.html``): new partnerships and their value by year,
    one series per pair of sectors (the six largest)."""
    if not pairs.rows:
        return None, None
    years = [str(year) for year in pairs.years]
    rows = pairs.rows[:6]
    return (
        chartspec.chart_spec(
            "partnerships-by-year",
            title=_("New partnerships by year"),
            labels=years,
            series={row["label"]: row["counts"] for row in rows},
            stacked=True,
            label_header=_("Year"),
        ),
        chartspec.chart_spec(
            "partnership-value-by-year",
            title=_("Value of new partnerships"),
            labels=years,
            series={row["label"]: row["values"] for row in rows},
            kind="line",
            fmt="money",
            label_header=_("Year"),
        ),
    )


def by_region(partnerships: QuerySet[Partnership], *, limit: int = 20) -> list[dict]:
    """Partnerships and value by the region of the second (receiving) party, largest first."""
    return list(
        partnerships.filter(organisation_b__region__isnull=False)
        .values(
            "organisation_b__region__pk", "organisation_b__region__name_ru", "organisation_b__region__name_en"
        )
        .annotate(
            count=Count("pk"),
            value=Sum("value"),
            business=Count("pk", filter=Q(sector_a=Sector.BUSINESS)),
            government=Count("pk", filter=Q(sector_a=Sector.GOVERNMENT)),
        )
        .order_by("-count", "organisation_b__region__name_ru")[:limit]
    )


def by_type(partnerships: QuerySet[Partnership]) -> list[dict]:
    rows = partnerships.values("type").annotate(count=Count("pk"), value=Sum("value")).order_by("-count")
    return [{**row, "label": PartnershipType(row["type"]).label} for row in rows]


# --- The network ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkFilter:
    sector: str = ""
    type: str = ""
    region: int | None = None
    year: int | None = None
    governance: bool = True  # include board and advisory ties


def build_network(partnerships: QuerySet[Partnership], flt: NetworkFilter) -> nx.Graph:
    """Organisations as nodes (with name, sector, region), one edge per tied pair aggregating its partnerships
    (kinds, count, value) and governance seats (a member's main affiliation → the organisation of the seat).

    ``sector`` keeps ties that touch that sector; ``region`` ties with an end in that region; ``year`` ties active
    in that year; ``type`` partnerships of that type (governance ties are a type of their own: "board")."""
    rows = partnerships
    if flt.type and flt.type not in ("board", "advisory"):
        rows = rows.filter(type=flt.type)
    if flt.sector:
        rows = rows.filter(Q(sector_a=flt.sector) | Q(sector_b=flt.sector))
    if flt.region:
        rows = rows.filter(Q(organisation_a__region_id=flt.region) | Q(organisation_b__region_id=flt.region))
    if flt.year:
        rows = active_in_year(rows, flt.year)
    edges: dict[tuple[int, int], dict] = {}

    def edge(a: int, b: int) -> dict:
        key = (a, b) if a < b else (b, a)
        return edges.setdefault(key, {"kinds": set(), "partnerships": 0, "seats": 0, "value": Decimal(0)})

    if flt.type not in ("board", "advisory"):
        for a, b, kind, value in rows.values_list("organisation_a_id", "organisation_b_id", "type", "value"):
            data = edge(a, b)
            data["kinds"].add(kind)
            data["partnerships"] += 1
            data["value"] += value or 0
    if flt.governance and (not flt.type or flt.type in ("board", "advisory")):
        seats = GovernanceSeat.objects.filter(main_affiliation__isnull=False).exclude(
            main_affiliation_id=F("tie__organisation_id")
        )
        if flt.type == "board":
            seats = seats.filter(tie__role=TieRole.BOARD_MEMBER)
        elif flt.type == "advisory":
            seats = seats.filter(tie__role=TieRole.ADVISORY_MEMBER)
        if flt.sector:
            seats = seats.filter(
                Q(affiliation_sector=flt.sector) | Q(tie__organisation__kind__in=kinds_of(flt.sector))
            )
        if flt.region:
            seats = seats.filter(
                Q(main_affiliation__region_id=flt.region) | Q(tie__organisation__region_id=flt.region)
            )
        if flt.year:
            seats = seats.filter(
                Q(tie__started_on__isnull=True) | Q(tie__started_on__year__lte=flt.year),
                Q(tie__ended_on__isnull=True) | Q(tie__ended_on__year__gte=flt.year),
            )
        for a, b, role in seats.values_list("main_affiliation_id", "tie__organisation_id", "tie__role"):
            data = edge(a, b)
            data["kinds"].add("board" if role == TieRole.BOARD_MEMBER else "advisory")
            data["seats"] += 1

    ids = {n for pair in edges for n in pair}
    organisations = (
        Organisation.objects.filter(pk__in=ids)
        .select_related("region")
        .only("id", "name", "short_name", "kind", "region__name_ru", "region__name_en", "region__fns_code")
    )
    graph = nx.Graph()
    for org in organisations:
        sector = sector_of(org.kind)
        graph.add_node(
            org.pk,
            label=org.display_name,
            sector=sector,
            kind=org.kind,
            region=org.region.name if org.region else "",
            region_code=org.region.fns_code if org.region else "",
        )
    for (a, b), data in edges.items():
        if a in graph and b in graph:
            graph.add_edge(
                a,
                b,
                kinds=";".join(sorted(data["kinds"])),
                partnerships=data["partnerships"],
                seats=data["seats"],
                value=float(data["value"]),
            )
    return graph


def kinds_of(sector: str) -> list[str]:
    """The registry organisation kinds counted in ``sector``."""
    return [kind for kind, s in KIND_TO_SECTOR.items() if s == sector]


def graph_data(graph: nx.Graph) -> dict:
    """Nodes and edges in the compact form static/js/network.js draws with sigma.js: a node is
    ``[id, label, colour, size, region, sector, profile URL]``, an edge ``[source, target, weight, governance,
    kinds]``. Positions are laid out in the browser (ForceAtlas2), so the payload carries no coordinates."""
    degree = dict(graph.degree())
    profile = reverse("registry:organisation-detail", args=[0]).replace("/0/", "/{}/")
    nodes = [
        [
            str(node),
            data["label"],
            SECTOR_COLOURS.get(data["sector"], "#999999"),
            round(3 + 2.2 * degree.get(node, 0) ** 0.5, 1),
            data["region"],
            data["sector"],
        ]
        for node, data in graph.nodes(data=True)
    ]
    edges = [
        [str(a), str(b), data["partnerships"] + data["seats"], 1 if data["seats"] else 0, data["kinds"]]
        for a, b, data in graph.edges(data=True)
    ]
    return {"directed": False, "profile": profile, "nodes": nodes, "edges": edges}


# Organisations drawn at most: sigma.js draws 10,000 in WebGL, and the layout runs in the browser.
NETWORK_DRAWN = 10_000


def network_elements(flt: NetworkFilter, *, limit: int = NETWORK_DRAWN, progress=None) -> dict:
    """The page's network: the ``limit`` most connected organisations of the filtered network and the ties
    between them, as ``graph_data`` with the whole network's size."""

    def step(done, message=""):
        if progress is not None:
            progress(done, 2, message)

    step(0, _("Reading the partnerships and seats"))
    graph = build_network(Partnership.objects.all(), flt)
    step(1, _("Choosing the most connected organisations"))
    drawn = graph
    if graph.number_of_nodes() > limit:
        degree = sorted(graph.degree(), key=lambda item: (-item[1], item[0]))[:limit]
        drawn = graph.subgraph(node for node, _d in degree)
    elements = {
        "graph": graph_data(drawn),
        "node_count": graph.number_of_nodes(),
        "edge_count": graph.number_of_edges(),
        "drawn_nodes": drawn.number_of_nodes(),
    }
    step(2)
    return elements


def network_figures(*, flt: dict, limit: int = NETWORK_DRAWN, progress=None) -> dict:
    """``network_elements`` for a filter given as plain values (run by ``core.tasks.precompute_task``)."""
    return network_elements(NetworkFilter(**flt), limit=limit, progress=progress)


def network_result_name(flt: NetworkFilter, *, limit: int = NETWORK_DRAWN) -> str:
    """The name the page's network for ``flt`` is stored under (per language: labels and regions are translated)."""
    return (
        f"network:{get_language()}:{flt.sector}:{flt.type}:{flt.region}:{flt.year}:{flt.governance}:{limit}"
    )


def network_background(flt: NetworkFilter, *, user, limit: int = NETWORK_DRAWN, start: bool = True):
    """The page's network (``network_elements``) for the current version of the partnerships and seats
    (``COOPERATION_TOPIC``), computed in the background: the last one stays on view meanwhile."""
    from dataclasses import asdict

    from resurs.core import precomputed

    return precomputed.background(
        COOPERATION_TOPIC,
        network_result_name(flt, limit=limit),
        function="resurs.cooperation.overview.network_figures",
        user=user,
        kwargs={"flt": asdict(flt), "limit": limit},
        steps=2,
        start=start,
    )


def drop_values(graph: nx.Graph) -> None:
    """Remove the money from the edges (for readers who may see ties but not amounts)."""
    for _a, _b, data in graph.edges(data=True):
        data.pop("value", None)


def graphml_bytes(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def edge_rows(graph: nx.Graph):
    """CSV rows of the network: one per tied pair, with both organisations' sector and region."""
    for a, b, data in graph.edges(data=True):
        na, nb = graph.nodes[a], graph.nodes[b]
        yield [
            a,
            na["label"],
            Sector(na["sector"]).label,
            na["region"],
            b,
            nb["label"],
            Sector(nb["sector"]).label,
            nb["region"],
            data["kinds"],
            data["partnerships"],
            data["seats"],
            data.get("value", ""),
        ]


def overview_figures(*, query: dict, as_of: str, progress=None) -> dict:
    """The overview page's figures for its filter (``query``: the filter's values as the page got them) on the
    day ``as_of`` (ISO): totals, new partnerships by sector pair and year with their charts, by region and type,
    and the board and council seats; run by ``core.tasks.precompute_task`` in the page's language."""
    import datetime as dt

    from django.db.models import Max
    from django.http import QueryDict

    from resurs.cooperation.filters import PartnershipFilter

    def step(done, message=""):
        if progress is not None:
            progress(done, 3, message)

    day = dt.date.fromisoformat(as_of)
    params = QueryDict(mutable=True)
    params.update(query)
    partnerships = PartnershipFilter(params, Partnership.objects.all()).qs
    step(0, _("Counting the partnerships"))
    totals = partnerships.aggregate(
        count=Count("pk"),
        value=Sum("value"),
        current=Count(
            "pk", filter=Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        ),
        last=Max("updated_at"),
    )
    totals["value_millions"] = (totals["value"] or 0) / 1_000_000
    step(1, _("Tabulating sector pairs and years"))
    pairs = by_sector_pair_and_year(partnerships)
    count_chart, value_chart = overview_charts(pairs)
    step(2, _("Tabulating regions and types"))
    figures = {
        "totals": totals,
        "pairs": pairs,
        "count_chart": count_chart,
        "value_chart": value_chart,
        "regions": by_region(partnerships),
        "types": by_type(partnerships),
    }
    step(3)
    return figures


def overview_background(query: dict, as_of, *, user, start: bool = True):
    """``overview_figures`` for the current version of the partnerships and seats (``COOPERATION_TOPIC``),
    computed in the background: the last figures stay on view meanwhile."""
    from urllib.parse import urlencode

    from resurs.core import precomputed

    query = {key: value for key, value in sorted(query.items()) if value}
    return precomputed.background(
        COOPERATION_TOPIC,
        f"overview:{get_language()}:{as_of.isoformat()}:{urlencode(query)}",
        function="resurs.cooperation.overview.overview_figures",
        user=user,
        kwargs={"query": query, "as_of": as_of.isoformat()},
        steps=3,
        start=start,
    )
