"""One FilterSet for the public list of events (page and API)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.events.choices import EventKind
from resurs.events.models import Event
from resurs.registry.models import Region


class EventFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        method="filter_when",
        empty_label=None,
    )
    kind = django_filters.ChoiceFilter(
        label=pgettext_lazy("event format", "Kind"), choices=EventKind.choices, empty_label=_("All kinds")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("All regions")
    )
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")

    class Meta:
        model = Event
        fields = ["when", "kind", "region", "q"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("when"):
            data["when"] = "upcoming"
        super().__init__(data, *args, **kwargs)

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lt=now).order_by("-starts_at")
        return queryset.filter(ends_at__gte=now).order_by("starts_at")
