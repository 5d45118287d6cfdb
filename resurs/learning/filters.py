"""One FilterSet per list, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resurs.core.search import search_filter
from resurs.learning.choices import ConsultationStatus, SessionFormat, Topic
from resurs.learning.models import Consultation, Course
from resurs.registry.models import Centre


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Topic.choices)
    centre = django_filters.ModelChoiceFilter(
        label=_("Centre"),
        queryset=Centre.objects.select_related("organisation").filter(courses__isnull=False).distinct(),
    )
    format = django_filters.ChoiceFilter(label=_("Format"), choices=SessionFormat.choices, method="by_format")
    upcoming = django_filters.BooleanFilter(
        label=_("Only with upcoming sessions"), method="only_upcoming", widget=forms.CheckboxInput
    )

    class Meta:
        model = Course
        fields = ["q", "topic", "centre", "format", "upcoming"]

    def search(self, queryset, name, value):
        return search_filter(queryset, value, ["title", "summary"], typos=True)

    def by_format(self, queryset, name, value):
        return queryset.filter(sessions__format=value).distinct()

    def only_upcoming(self, queryset, name, value):
        if value:
            return queryset.filter(
                sessions__starts_on__gte=timezone.localdate(), sessions__status="planned"
            ).distinct()
        return queryset


class ConsultationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ConsultationStatus.choices)
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Topic.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="only_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Consultation
        fields = ["status", "topic", "overdue"]

    def only_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(first_response_at__isnull=True, respond_by__lt=timezone.now())
        return queryset
