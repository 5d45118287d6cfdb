"""A study's findings, computed from its data: headline sentences, rankings with their stability, the nomination
network, the characteristics of the nominated set and the charts. The analysis page, the report page, the PDF
and the exports all use ``study_findings`` so that they never disagree."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from resurs.core import charts, chartspec
from resurs.registry.selectors import region_tile_layout
from resurs.research import selectors
from resurs.research.analysis import (
    Characteristics,
    areas_by_category,
    characteristics,
    filter_rows,
    network_metrics,
    nomination_graph,
    ranking,
)
from resurs.research.choices import ImpactArea, RespondentCategory


def _pct(value: float) -> str:
    return number_format(round(value), 0)


def headline_sentences(chars: Characteristics) -> list[str]:
    """The report's headline, e.g. "58 organisations were named; 74% had operated for over 20 years on 30 June
    2020; 66% are in Moscow or St Petersburg" (as separate sentences, with correct plural forms in Russian)."""
    if chars.total == 0:
        return [_("No organisations have been named yet.")]
    return [
        ngettext("%(count)s organisation was named.", "%(count)s organisations were named.", chars.total)
        % {"count": chars.total},
        _("%(percent)s%% had operated for over 20 years on %(date)s.")
        % {"percent": _pct(chars.over_20_percent), "date": date_format(chars.as_of)},
        _("%(percent)s%% are in Moscow or St Petersburg.") % {"percent": _pct(chars.capitals_percent)},
    ]


@dataclass
class Findings:
    respondents: int
    rows: list
    organisations: dict
    chars: Characteristics
    headline: list[str]
    ranking: list
    ranking_no_self: list
    ranking_no_self_partner: list
    by_category: list  # (label, ranking)
    areas: list  # (category label, {area label: count})
    metrics: dict
    graph: object
    unmatched: int

    def top(self, n: int = 15) -> list:
        return self.ranking[:n]


def study_findings(study, *, stability: bool = True) -> Findings:
    """Everything the study's pages show, with ages anchored at ``study.reference_date``."""
    rows = selectors.nomination_rows(study)
    organisations = selectors.organisations_by_id(
        [r.org_id for r in rows] + [r.respondent_org_id for r in rows if r.respondent_org_id]
    )
    nominated = {r.org_id: organisations[r.org_id] for r in rows}
    chars = characteristics(selectors.org_facts(nominated), today=study.reference_date)
    respondents = len({r.respondent_id for r in rows})
    graph = nomination_graph(rows)
    metrics = network_metrics(graph)
    category_labels = dict(RespondentCategory.choices)
    area_labels = dict(ImpactArea.choices)
    by_category = []
    for category in RespondentCategory.values:
        subset = filter_rows(rows, category=category)
        if subset:
            by_category.append((category_labels[category], ranking(subset)))
    areas = [
        (category_labels.get(cat, cat), {area_labels.get(a, a): n for a, n in counter.most_common()})
        for cat, counter in sorted(areas_by_category(rows).items())
    ]
    return Findings(
        respondents=respondents,
        rows=rows,
        organisations=organisations,
        chars=chars,
        headline=headline_sentences(chars),
        ranking=ranking(rows, stability=stability),
        ranking_no_self=ranking(filter_rows(rows, exclude_self=True)),
        ranking_no_self_partner=ranking(filter_rows(rows, exclude_self=True, exclude_partners=True)),
        by_category=by_category,
        areas=areas,
        metrics=metrics,
        graph=graph,
        unmatched=selectors.unmatched_nominations(study).count(),
    )


def ranking_table(findings: Findings) -> list[dict]:
    """The main ranking with the alternative ranks and network metrics, one dict per organisation."""
    no_self = {r.org_id: r.rank for r in findings.ranking_no_self}
    no_partner = {r.org_id: r.rank for r in findings.ranking_no_self_partner}
    table = []
    for item in findings.ranking:
        metric = findings.metrics.get(item.org_id)
        table.append(
            {
                "item": item,
                "organisation": findings.organisations[item.org_id],
                "rank_no_self": no_self.get(item.org_id),
                "rank_no_partner": no_partner.get(item.org_id),
                "pagerank": metric.pagerank if metric else None,
                "in_degree": metric.in_degree if metric else 0,
                "community": metric.community if metric else None,
            }
        )
    return table


def charts_for(findings: Findings, *, top: int = 20) -> dict[str, str]:
    """Inline SVG charts drawn on the server, for the PDF (pages use ``chart_specs_for``)."""
    result = {"regions_map": regions_map(findings)} if findings.chars.by_region_code else {}
    if findings.ranking:
        items = findings.ranking[:top]
        result["ranking"] = charts.bar_chart(
            [str(findings.organisations[i.org_id]) for i in items],
            [i.count for i in items],
            title=_("Organisations named most often"),
            xlabel=_("respondents who named the organisation"),
        )
    if findings.chars.by_district:
        result["districts"] = charts.bar_chart(
            [name for name, _n in findings.chars.by_district],
            [n for _name, n in findings.chars.by_district],
            title=_("Nominated organisations by federal district"),
            color=charts.PALETTE[2],
        )
    if findings.chars.total:
        result["cities"] = charts.bar_chart(
            [_("Moscow"), _("St Petersburg"), _("Other cities"), _("Unknown")],
            [
                findings.chars.moscow,
                findings.chars.st_petersburg,
                findings.chars.elsewhere,
                findings.chars.no_region,
            ],
            title=_("Where the nominated organisations are"),
            color=charts.PALETTE[1],
        )
    if findings.areas:
        area_names = [str(label) for label in ImpactArea.labels]
        result["areas"] = charts.stacked_bar_chart(
            [label for label, _c in findings.areas],
            {area: [counts.get(area, 0) for _l, counts in findings.areas] for area in area_names},
            title=_("Areas of impact named, by respondent category"),
        )
    return result


def regions_map(findings: Findings) -> str:
    """The tile map of nominated organisations by region (SVG, for the page and the PDF)."""
    counts = findings.chars.by_region_code
    return charts.tile_map(
        [
            (
                district.name.replace(" федеральный округ", "").replace(" Federal District", ""),
                [(short, name, counts.get(code, 0)) for code, short, name in regions],
            )
            for district, regions in region_tile_layout()
        ],
        title=_("Nominated organisations by region"),
        unit=pgettext("count", "organisations"),
    )


def chart_specs_for(findings: Findings, *, top: int = 20) -> dict:
    """The charts of the analysis and report pages (drawn in the browser, with their numbers as a table)."""
    result: dict = {}
    if findings.ranking:
        items = findings.ranking[:top]
        result["ranking"] = chartspec.bar_spec(
            "ranking",
            title=_("Organisations named most often"),
            labels=[str(findings.organisations[i.org_id]) for i in items],
            values=[i.count for i in items],
            name=_("Nominations"),
            axis=_("respondents who named the organisation"),
            label_header=_("Organisation"),
        )
    if findings.chars.by_district:
        result["districts"] = chartspec.bar_spec(
            "by-district",
            title=_("Nominated organisations by federal district"),
            labels=[name for name, _n in findings.chars.by_district],
            values=[n for _name, n in findings.chars.by_district],
            name=_("Organisations"),
            label_header=_("Federal district"),
        )
    if findings.chars.by_region_code:
        result["regions_map"] = regions_map(findings)
    if findings.chars.total:
        result["cities"] = chartspec.bar_spec(
            "cities",
            title=_("Where the nominated organisations are"),
            labels=[_("Moscow"), _("St Petersburg"), _("Other cities"), _("Unknown")],
            values=[
                findings.chars.moscow,
                findings.chars.st_petersburg,
                findings.chars.elsewhere,
                findings.chars.no_region,
            ],
            name=_("Organisations"),
            label_header=_("Location of the organisation"),
        )
    if findings.areas:
        area_names = [str(label) for label in ImpactArea.labels]
        result["areas"] = chartspec.chart_spec(
            "areas",
            title=_("Areas of impact named, by respondent category"),
            labels=[label for label, _c in findings.areas],
            series={area: [counts.get(area, 0) for _l, counts in findings.areas] for area in area_names},
            horizontal=True,
            stacked=True,
            label_header=_("Respondent category"),
        )
    return result


def network_data(findings: Findings) -> dict:
    """The nomination network in the compact form static/js/network.js draws with sigma.js: a node is
    ``[id, label, colour, size, region, community]``, an edge ``[source, target, weight]`` (directed: from the
    respondent's organisation to the organisation named). Colour shows the community, size how often named."""
    nodes = []
    for node in findings.graph.nodes:
        metric = findings.metrics[node]
        org = findings.organisations.get(node) if node > 0 else None
        community = metric.community if metric.community is not None else -1
        nodes.append(
            [
                str(node),
                str(org) if org else str(_("Respondent without an organisation")),
                chartspec.PALETTE[community % len(chartspec.PALETTE)] if community >= 0 else "#9aa5b1",
                round(3 + 2.5 * metric.in_degree**0.5, 1),
                (org.region.name if org and org.region else ""),
                str(community),
            ]
        )
    edges = [[str(a), str(b), data["weight"]] for a, b, data in findings.graph.edges(data=True)]
    return {"directed": True, "profile": "", "nodes": nodes, "edges": edges}


def export_graph(findings: Findings, fmt: str) -> bytes:
    """The nomination network as GEXF or GraphML for Gephi, with names and metrics as node attributes."""
    import networkx as nx

    graph = nx.DiGraph()
    for node in findings.graph.nodes:
        metric = findings.metrics[node]
        org = findings.organisations.get(node) if node > 0 else None
        graph.add_node(
            str(node),
            label=str(org) if org else _("Respondent without an organisation"),
            region=(org.region.name_ru if org and org.region else ""),
            nominations=int(findings.graph.in_degree(node, weight="weight")),
            in_degree=int(metric.in_degree),
            pagerank=float(metric.pagerank),
            community=int(metric.community),
        )
    for source, target, data in findings.graph.edges(data=True):
        graph.add_edge(str(source), str(target), weight=int(data["weight"]))
    buffer = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(graph, buffer)
    elif fmt == "graphml":
        nx.write_graphml(graph, buffer)
    else:
        raise ValueError(f"unknown graph format {fmt!r}")
    return buffer.getvalue()


def study_figures(*, study_id: int, progress=None) -> dict:
    """The analysis page's and the report's figures: the findings with their table, charts and network (seconds
    for a national study of 2,000 nominations; run by ``core.tasks.precompute_task`` in the page's language)."""
    from resurs.research.models import Study

    def step(done, message=""):
        if progress is not None:
            progress(done, 2, message)

    study = Study.objects.select_related("centre").get(pk=study_id)
    step(0, _("Analysing the nominations"))
    findings = study_findings(study)
    step(1, _("Drawing the charts and the network"))
    figures = {
        "findings": findings,
        "table": ranking_table(findings),
        "charts": chart_specs_for(findings),
        "network": network_data(findings),
    }
    step(2)
    return figures


def report_context(study, figures: dict) -> dict:
    """What the report shows (the page and the PDF): the study's figures and its respondents by category."""
    counts = selectors.respondent_counts(study)
    return {
        "study": study,
        "findings": figures["findings"],
        "table": figures["table"][:30],
        "charts": figures["charts"],
        "category_lines": [
            (label, counts[value]) for value, label in RespondentCategory.choices if counts.get(value)
        ],
    }


def study_topic(study) -> str:
    return f"study:{study.pk}"


def study_version(study) -> str:
    """The version the study's precomputed figures and PDF are kept under (``selectors.study_data_version``)."""
    import hashlib

    return hashlib.sha256(selectors.study_data_version(study).encode()).hexdigest()[:24]


def study_figures_cached(study) -> dict:
    """The study's current figures, computed now if the background has not yet (for downloads, which cannot
    wait on a page)."""
    from django.utils.translation import get_language

    from resurs.core import precomputed

    return precomputed.cached(
        study_topic(study),
        get_language(),
        lambda: study_figures(study_id=study.pk),
        version=study_version(study),
    )


def report_pdf(*, study_id: int, progress=None) -> bytes:
    """The report as a PDF (run by ``core.tasks.precompute_task``): the study's figures, charts drawn on the server
    for print at A4 width with localised numbers. It depends on the data and the language only, no reader's names
    or rights."""
    from django.utils.translation import get_language

    from resurs.core.pdf import render_pdf
    from resurs.research.models import Study

    def step(done, message=""):
        if progress is not None:
            progress(done, 3, message)

    study = Study.objects.select_related("centre").get(pk=study_id)
    step(0, _("Analysing the nominations"))
    context = report_context(study, study_figures_cached(study))
    step(1, _("Drawing the charts"))
    context["charts"] = charts_for(context["findings"])
    context["pdf"] = True
    context["LANGUAGE_CODE"] = get_language()
    step(2, _("Setting the document"))
    data = render_pdf("research/report_pdf.html", context)
    step(3)
    return data
