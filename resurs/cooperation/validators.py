"""File checks for partnership documents and advice-request attachments: the project's upload policy."""

from __future__ import annotations

from resurs.core.uploads import DOCUMENTS, check_upload

DOCUMENT_POLICY = DOCUMENTS


def validate_document(file) -> None:
    """A document of the office/PDF/image kinds, checked by content (kept by name for migration 0001)."""
    check_upload(file, DOCUMENT_POLICY)
