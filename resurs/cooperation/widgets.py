"""A select that lists only the chosen record and fills itself from a search box (HTMX), so that forms choosing
among thousands of organisations or people stay small. Without JavaScript the chosen value still round-trips."""

from __future__ import annotations

from django import forms
from django.urls import reverse


class SearchSelect(forms.Select):
    template_name = "cooperation/widgets/search_select.html"

    def __init__(self, *, search: str, kinds: tuple[str, ...] = (), attrs=None):
        super().__init__(attrs)
        self.search = search  # "organisation" or "person"
        self.kinds = kinds

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("cooperation:search", args=[self.search])
        if self.kinds:
            url += "?kind=" + ",".join(self.kinds)
        context["widget"]["search_url"] = url
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v not in (None, "")]
        groups = [(None, [self.create_option(name, "", "—", not chosen, 0)], 0)]
        queryset = getattr(self.choices, "queryset", None)
        if chosen and queryset is not None:
            try:
                rows = list(queryset.filter(pk__in=chosen))
            except (ValueError, TypeError):
                rows = []
            for index, obj in enumerate(rows, start=1):
                groups.append((None, [self.create_option(name, obj.pk, str(obj), True, index)], index))
        return groups
