"""A multiple choice over a large registry table (thousands of people or organisations) that renders only what is
chosen; more are found with a search box that asks the server (HTMX) and adds them one by one."""

from __future__ import annotations

from django import forms
from django.urls import reverse


class RegistryPicker(forms.CheckboxSelectMultiple):
    """Ticked checkboxes for the chosen rows plus a search box. Validation still runs over the field's full
    queryset; only rendering is limited, so a page never lists every person in the registry."""

    template_name = "events/widgets/registry_picker.html"

    def __init__(self, *, kind: str, attrs=None):
        super().__init__(attrs)
        self.kind = kind  # "people" or "organisations"

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        if not chosen:
            return []
        iterator = self.choices
        queryset = iterator.queryset.filter(pk__in=chosen)
        groups = []
        for index, obj in enumerate(queryset):
            option_value, label = iterator.choice(obj)
            option = self.create_option(name, option_value, label, True, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups

    def id_for_label(self, id_, index=None):
        # The field's label names the search box, the one control a person types into.
        return f"{id_}_search" if id_ and index is None else super().id_for_label(id_, index)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse("events:registry-search", args=[self.kind])
        return context
