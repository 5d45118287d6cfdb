"""How every form field looks: django-bootstrap5's renderer with Resurs's conventions (``BOOTSTRAP5`` setting).

- Numbers, dates and times are as wide as what they hold, not the whole column; text, choices and text areas
  take the column's width.
- A field with an error is marked invalid; the others are left plain (no green "valid" borders on a form that
  came back with one mistake).
- A file field says what it accepts: the types from its widget's ``accept`` attribute and the size limit from
  its widget's ``data-max-mb`` attribute, added to its help text.
"""

from __future__ import annotations

import mimetypes

from django.forms.widgets import FileInput, Input
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_bootstrap5.renderers import FieldRenderer as BootstrapFieldRenderer

NARROW_INPUT_TYPES = {"number", "date", "time", "datetime-local", "month", "week"}


class FieldRenderer(BootstrapFieldRenderer):
    def __init__(self, field, **kwargs):
        super().__init__(field, **kwargs)
        if isinstance(self.widget, FileInput):
            hint = file_hint(self.widget.attrs)
            if hint:
                self.help_text = f"{self.help_text} {hint}".strip() if self.help_text else hint

    def add_widget_class_attrs(self, widget=None):
        widget = widget or self.widget
        super().add_widget_class_attrs(widget)
        if isinstance(widget, Input) and widget.input_type in NARROW_INPUT_TYPES:
            widget.attrs["class"] = f"{widget.attrs['class']} w-auto mw-100"

    def get_server_side_validation_classes(self):
        return "is-invalid" if self.field_errors else ""


def file_hint(attrs: dict) -> str:
    """ "Accepted: PDF, DOCX. Up to 20 MB." from a file input's ``accept`` and ``data-max-mb`` attributes
    (HTML-escaped: help text is rendered as HTML)."""
    parts = []
    kinds = _accepted_kinds(attrs.get("accept", ""))
    if kinds:
        parts.append(_("Accepted: %(kinds)s.") % {"kinds": ", ".join(kinds)})
    max_mb = attrs.get("data-max-mb")
    if max_mb:
        parts.append(_("Up to %(mb)s MB.") % {"mb": max_mb})
    return escape(" ".join(parts))


def _accepted_kinds(accept: str) -> list[str]:
    kinds: list[str] = []
    for token in (part.strip().lower() for part in accept.split(",")):
        if not token:
            continue
        if token.startswith("."):
            kind = token[1:].upper()
        elif token == "image/*":
            kind = _("images")
        else:
            extension = mimetypes.guess_extension(token) or ""
            kind = extension[1:].upper() or token
        if kind not in kinds:
            kinds.append(kind)
    return kinds
