"""Checks for uploaded files: a publication's PDF, by the project's upload policy."""

from __future__ import annotations

from resurs.core.uploads import UploadPolicy, check_upload

PUBLICATION_PDF = UploadPolicy(("pdf",), 20)


def validate_pdf(upload) -> None:
    """A PDF of at most 20 MB, checked by its content (not by its name or claimed type)."""
    check_upload(upload, PUBLICATION_PDF)
