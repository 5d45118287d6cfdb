"""Service quality of the centres over a period: the figures and charts of the service quality page, computed in
the background (a year of a national network takes seconds)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from resurs.core.chartspec import bar_spec, chart_spec, month_label
from resurs.learning import selectors
from resurs.registry.models import Centre


def quality_figures(
    *, start: str, end: str, centre_ids: list[int] | None, compare: bool, progress=None
) -> dict:
    """The service quality page's figures and charts for a period (ISO dates) and centres (None: all of them, each
    compared with the others when ``compare``); run by ``core.tasks.precompute_task`` in the page's language."""

    def step(done, message=""):
        if progress is not None:
            progress(done, 3, message)

    start, end = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    centre_ids = set(centre_ids) if centre_ids is not None else None
    step(0, _("Counting sessions, participants and consultations"))

    quality = selectors.service_quality(start=start, end=end, centre_ids=centre_ids)
    total = quality["total"]
    step(1, _("Describing the organisations served"))
    breakdown = selectors.organisations_breakdown(total.organisations)
    monthly = selectors.monthly_activity(start=start, end=end, centre_ids=centre_ids)
    step(2, _("Drawing the charts"))
    charts = {}
    if breakdown["by_region"]:
        top = breakdown["by_region"][:15]
        charts["region"] = bar_spec(
            "served-by-region",
            title=_("Organisations served by region"),
            labels=[r for r, _n in top],
            values=[n for _r, n in top],
            name=_("Organisations"),
            label_header=_("Region"),
        )
    if breakdown["by_kind"]:
        charts["kind"] = bar_spec(
            "served-by-kind",
            title=_("Organisations served by kind"),
            labels=[k for k, _n in breakdown["by_kind"]],
            values=[n for _k, n in breakdown["by_kind"]],
            name=_("Organisations"),
            label_header=_("Kind"),
        )
    if monthly["months"]:
        charts["monthly"] = chart_spec(
            "activity-by-month",
            title=_("Activity by month"),
            labels=[month_label(m) for m in monthly["months"]],
            series={
                _("Participants of sessions"): monthly["participants"],
                _("Consultations requested"): monthly["consultations"],
            },
            kind="line",
            label_header=_("Month"),
        )
    comparison = []
    if compare:
        names = dict(
            Centre.objects.filter(pk__in=quality["per_centre"].keys()).values_list(
                "pk", "organisation__short_name"
            )
        )
        comparison = sorted(
            ((names.get(pk) or str(pk), q) for pk, q in quality["per_centre"].items()),
            key=lambda item: -item[1].organisations_served,
        )
        if comparison:
            top = comparison[:20]
            charts["comparison"] = bar_spec(
                "served-by-centre",
                title=_("Organisations served by centre"),
                labels=[name for name, _q in top],
                values=[q.organisations_served for _n, q in top],
                name=_("Organisations"),
                label_header=_("Centre"),
            )
    step(3)
    return {"total": total, "breakdown": breakdown, "charts": charts, "comparison": comparison}
