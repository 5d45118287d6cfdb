"""Checks for uploaded files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_PDF_BYTES = 20 * 1024 * 1024


def validate_pdf(upload) -> None:
    """A PDF of at most 20 MB: checked by size, extension and the file's own signature (not by its claimed type)."""
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Please compress the PDF or split it.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_PDF_BYTES)},
            code="too_large",
        )
    name = getattr(upload, "name", "") or ""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if not name.lower().endswith(".pdf") or head != b"%PDF-":
        raise ValidationError(_("Only PDF files can be attached (the file is not a PDF)."), code="not_pdf")
