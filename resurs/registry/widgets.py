"""The one picker of the registry: wherever a form chooses a person or an organisation (events, publications,
cooperation, ties), it renders the chosen rows as ticked boxes and a search box that asks the registry's own
search (``registry:pick``: any letter case, «е» for «ё», typos on PostgreSQL) and adds a row when a result is
clicked (HTMX). A page never lists the registry's thousands of rows; validation still runs over the field's whole
queryset; without JavaScript the chosen values still round-trip."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.urls import reverse

KINDS = ("person", "organisation")


class RegistryPicker(forms.Select):
    """``kind`` "person" or "organisation"; ``multiple`` for a ModelMultipleChoiceField; ``kinds`` limits the
    organisations offered to some ``OrganisationKind`` values."""

    template_name = "registry/widgets/registry_picker.html"

    def __init__(self, *, kind: str, multiple: bool = False, kinds: tuple[str, ...] = (), attrs=None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        super().__init__(attrs)
        self.kind = kind
        self.allow_multiple_selected = multiple
        self.kinds = tuple(kinds)

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # An unticked box is absent from the data: for a multiple choice that means "none", as for SelectMultiple.
        return False if self.allow_multiple_selected else name not in data

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        queryset = getattr(self.choices, "queryset", None)
        if not chosen or queryset is None:
            return []
        try:
            rows = list(queryset.filter(pk__in=chosen))
        except (ValueError, TypeError):
            return []
        return [
            (None, [self.create_option(name, obj.pk, str(obj), True, index)], index)
            for index, obj in enumerate(rows)
        ]

    def id_for_label(self, id_, index=None):
        # The field's label names the search box, the one control a person types into.
        return f"{id_}_search" if id_ and index is None else super().id_for_label(id_, index)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        params = {"field": name, "target": f"{widget_id}_chosen"}
        if self.allow_multiple_selected:
            params["multiple"] = "1"
        if self.kinds:
            params["kinds"] = ",".join(self.kinds)
        context["widget"].update(
            {
                "picker_id": widget_id,
                "search_url": reverse("registry:pick", args=[self.kind]) + "?" + urlencode(params),
                "multiple": self.allow_multiple_selected,
            }
        )
        return context
