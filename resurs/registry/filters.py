"""The one FilterSet of the organisation list: the registry page, its exports and the API all use it."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from resurs.core.filters import LATEST_YEAR, YearFilter
from resurs.core.widgets import QuickSelect
from resurs.registry.choices import OrganisationKind, OrganisationStatus
from resurs.registry.models import FederalDistrict, Field, Organisation, Region
from resurs.registry.search import organisation_search

EARLIEST_FOUNDING_YEAR = 1700  # the registry keeps old charities too
NAMES = ("pk", "name_ru", "name_en")  # all a choice of the reference selects shows
SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "founded": ("founded_on", "name", "pk"),
    "-founded": ("-founded_on", "name", "pk"),
}


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, INN or OGRN"), "autocomplete": "off"}
        ),
    )
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"), widget=QuickSelect)
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.only(*NAMES), label=_("Region"), widget=QuickSelect
    )
    federal_district = django_filters.ModelChoiceFilter(
        field_name="region__federal_district",
        queryset=FederalDistrict.objects.only(*NAMES),
        label=_("Federal district"),
        widget=QuickSelect,
    )
    field = django_filters.ModelChoiceFilter(
        field_name="fields",
        queryset=Field.objects.only(*NAMES),
        label=_("Field of activity"),
        widget=QuickSelect,
    )
    founded_from = YearFilter(
        field_name="founded_on__year",
        lookup_expr="gte",
        label=_("Founded from (year)"),
        min_value=EARLIEST_FOUNDING_YEAR,
        max_value=LATEST_YEAR,
    )
    founded_to = YearFilter(
        field_name="founded_on__year",
        lookup_expr="lte",
        label=_("Founded until (year)"),
        min_value=EARLIEST_FOUNDING_YEAR,
        max_value=LATEST_YEAR,
    )
    status = django_filters.ChoiceFilter(
        choices=OrganisationStatus.choices, label=_("Status"), widget=QuickSelect
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Sort by"),
        widget=QuickSelect,
        choices=[
            ("name", _("name, A to Z")),
            ("-name", _("name, Z to A")),
            ("founded", _("founding year, oldest first")),
            ("-founded", _("founding year, newest first")),
        ],
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return organisation_search(queryset, value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, ("name",)))

    @property
    def qs(self):
        queryset = super().qs
        data = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        if not data.get("sort") and not data.get("q"):
            queryset = queryset.order_by("name", "pk")
        return queryset


def organisation_filter(data, queryset) -> OrganisationFilter:
    """Bind the filter to request data, with a sensible year check (from ≤ to)."""
    filterset = OrganisationFilter(data or None, queryset=queryset)
    form = filterset.form
    if filterset.is_bound and form.is_valid():
        start, end = form.cleaned_data.get("founded_from"), form.cleaned_data.get("founded_to")
        if start is not None and end is not None and start > end:
            form.add_error("founded_to", _("The end year is earlier than the start year."))
    return filterset
