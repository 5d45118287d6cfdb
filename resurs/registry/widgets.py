"""The one picker of the project: wherever a form chooses a person or an organisation (events, publications,
cooperation, ties), it renders the chosen rows as ticked boxes and a search box that asks the registry's own
search (``registry:pick``: any letter case, «е» for «ё», typos on PostgreSQL) and adds a row when a result is
clicked (HTMX). A page never lists the registry's thousands of rows; validation still runs over the field's whole
queryset; without JavaScript the chosen values still round-trip. ``SearchPicker`` is the same box over another
app's endpoint (the assignment page's search of a call's pool of experts, ``reviews:expert-pick``)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

KINDS = ("person", "organisation")


def pick_request(params) -> tuple[str, str, bool]:
    """The field name, the target (the chosen list's id) and ``multiple`` of a picker's request to its endpoint
    (``params``: ``request.GET``). The names are echoed into the answer's HTML: anything but a plain id is a 404."""
    field, target = params.get("field", ""), params.get("target", "")
    if not (re.fullmatch(r"[A-Za-z0-9_-]{1,64}", field) and re.fullmatch(r"[A-Za-z0-9_-]{1,80}", target)):
        raise Http404
    return field, target, params.get("multiple") == "1"


def results_id(target: str) -> str:
    """The id of a picker's result list, from its chosen list's (a single choice closes the results)."""
    return target.removesuffix("_chosen") + "_results"


class SearchPicker(forms.Select):
    """A search box that asks ``search_url`` as one types and adds the clicked result as a ticked box (HTMX).

    The endpoint answers GET ``field``, ``target`` (the id of the chosen list), ``multiple`` and ``<field>__search``
    (the words typed) with result rows (``registry/widgets/_pick_results.html``: buttons that ask again with
    ``pk``), and ``pk`` with one chosen row (``registry/widgets/_picked.html``). ``registry:pick`` is the registry's
    endpoint; an app with a smaller list to choose from (a call's pool of experts) has its own, access-checked."""

    template_name = "registry/widgets/registry_picker.html"

    def __init__(self, *, search_url: str = "", multiple: bool = False, placeholder=None, attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.placeholder = placeholder
        self.allow_multiple_selected = multiple

    def get_search_url(self) -> str:
        return self.search_url

    def search_params(self) -> dict:
        """Parameters of the endpoint besides the field, the target and ``multiple``."""
        return {}

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
        params.update(self.search_params())
        context["widget"].update(
            {
                "picker_id": widget_id,
                "search_url": self.get_search_url() + "?" + urlencode(params),
                "multiple": self.allow_multiple_selected,
                "placeholder": self.placeholder or _("Type a name…"),
            }
        )
        return context


class RegistryPicker(SearchPicker):
    """``kind`` "person" or "organisation"; ``multiple`` for a ModelMultipleChoiceField; ``kinds`` limits the
    organisations offered to some ``OrganisationKind`` values."""

    def __init__(self, *, kind: str, multiple: bool = False, kinds: tuple[str, ...] = (), attrs=None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        super().__init__(multiple=multiple, attrs=attrs)
        self.kind = kind
        self.kinds = tuple(kinds)

    def get_search_url(self) -> str:
        return reverse("registry:pick", args=[self.kind])

    def search_params(self) -> dict:
        return {"kinds": ",".join(self.kinds)} if self.kinds else {}
