"""File checks for partnership documents and advice-request attachments."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = (
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".txt",
    ".xls",
    ".xlsx",
    ".ods",
    ".jpg",
    ".jpeg",
    ".png",
)
# The first bytes of the binary formats we accept; text formats (.txt, .rtf) are checked by extension only.
_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}


def validate_document(file) -> None:
    """A document must be one of the office/PDF/image formats, at most 20 MB, and look like what its name says."""
    extension = Path(file.name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Upload one of: %(allowed)s.")
            % {"ext": extension or _("no extension"), "allowed": ", ".join(ALLOWED_EXTENSIONS)},
            code="file_type",
        )
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)},
            code="file_size",
        )
    signatures = _SIGNATURES.get(extension)
    if signatures:
        position = file.tell() if hasattr(file, "tell") else 0
        file.seek(0)
        head = file.read(8)
        file.seek(position)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError(
                _("The file does not look like a %(ext)s file; it may be damaged or misnamed.")
                % {"ext": extension},
                code="file_content",
            )
