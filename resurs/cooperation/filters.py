"""FilterSets: one per list, used by the HTML page, its exports and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resurs.cooperation.choices import OPEN_ADVICE_STATUSES, AdviceStatus, PartnershipType, Sector
from resurs.cooperation.models import AdviceRequest, Partnership
from resurs.core.filters import EARLIEST_YEAR, LATEST_YEAR, YearFilter
from resurs.core.search import indexed_words_condition, query_words, search_filter
from resurs.registry.models import Region

PARTNERSHIP_SEARCH_FIELDS = (
    "title",
    "organisation_a__name",
    "organisation_a__short_name",
    "organisation_b__name",
    "organisation_b__short_name",
)


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or organisation")}),
    )
    sector = django_filters.ChoiceFilter(choices=Sector.choices, method="filter_sector", label=_("Sector"))
    type = django_filters.ChoiceFilter(choices=PartnershipType.choices, label=_("Type"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), method="filter_region", label=_("Region")
    )
    year = YearFilter(
        method="filter_year", label=_("Active in year"), min_value=EARLIEST_YEAR, max_value=LATEST_YEAR
    )

    class Meta:
        model = Partnership
        fields = ["q", "sector", "type", "region", "year"]

    def filter_q(self, queryset, name, value):
        """Every word in the title or in a partner's name or short name, folded (``resurs.core.search``). On
        PostgreSQL each table is matched in a subquery of its own, from the trigram indexes of its folded fields
        (cooperation 0005, registry 0020): the partners of every partnership are not joined and folded."""
        words = query_words(value)
        if not words:
            return queryset
        return queryset.filter(indexed_words_condition(queryset, words, PARTNERSHIP_SEARCH_FIELDS))

    def filter_sector(self, queryset, name, value):
        return queryset.filter(Q(sector_a=value) | Q(sector_b=value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(organisation_a__region=value) | Q(organisation_b__region=value))

    def filter_year(self, queryset, name, value):
        year = int(value)
        return active_in_year(queryset, year)


def active_in_year(queryset, year: int):
    """Partnerships active at some time during ``year``."""
    return queryset.filter(started_on__lte=dt.date(year, 12, 31)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=dt.date(year, 1, 1))
    )


class AdviceRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AdviceStatus.choices, label=_("Status"))
    open = django_filters.BooleanFilter(
        method="filter_open", label=_("Open only"), widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue"), widget=forms.CheckboxInput
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = AdviceRequest
        fields = ["status", "open", "overdue", "q"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_ADVICE_STATUSES) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=OPEN_ADVICE_STATUSES, due_on__lt=timezone.localdate())

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, value, ["topic", "requester__name", "requester__short_name"])
