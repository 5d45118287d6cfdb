"""FilterSets shared by the public pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from resurs.core.filters import EARLIEST_YEAR, LATEST_YEAR, YearFilter
from resurs.outreach.choices import PublicationKind, Trend
from resurs.outreach.models import Publication, SocialChallenge, Topic
from resurs.outreach.selectors import publication_search
from resurs.registry.models import Region


class PublicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=PublicationKind.choices, empty_label=_("All types of publication")
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), field_name="topics", queryset=Topic.objects.all(), empty_label=_("All topics")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="regions", queryset=Region.objects.all(), empty_label=_("All regions")
    )
    year = YearFilter(
        label=_("Year"),
        field_name="published_on",
        lookup_expr="year",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )

    class Meta:
        model = Publication
        fields = ["q", "kind", "topic", "region", "year"]

    def search(self, queryset, name, value):
        return publication_search(queryset, value)


class ChallengeFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="regions", queryset=Region.objects.all(), empty_label=_("All regions")
    )
    trend = django_filters.ChoiceFilter(label=_("Trend"), choices=Trend.choices, empty_label=_("Any trend"))

    class Meta:
        model = SocialChallenge
        fields = ["region", "trend"]
