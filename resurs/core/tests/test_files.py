"""The file policy's parts: names, headers and content checks."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from resurs.core.files import content_disposition, local_path, random_name
from resurs.core.uploads import DOCUMENTS, UploadPolicy, check_upload, identify


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_content_disposition_keeps_cyrillic_names_by_rfc_5987():
    assert content_disposition("report.pdf") == 'attachment; filename="report.pdf"'
    assert content_disposition("Отчёт за 2026 год.pdf") == (
        "attachment; filename=\"file.pdf\"; filename*=UTF-8''"
        "%D0%9E%D1%82%D1%87%D1%91%D1%82%20%D0%B7%D0%B0%202026%20%D0%B3%D0%BE%D0%B4.pdf"
    )
    assert (
        content_disposition('a"b\r\n;c.txt')
        == "attachment; filename=\"file.txt\"; filename*=UTF-8''a%22b%20%3Bc.txt"
    )


def test_stored_names_are_random_and_keep_only_known_extensions():
    first, second = (
        random_name("grants/attachments", "Устав.PDF", year=2026),
        random_name("x", "a.html", year=2026),
    )
    assert (
        first.startswith("grants/attachments/2026/") and first.endswith(".pdf") and len(first) == 24 + 32 + 4
    )
    assert second.startswith("x/2026/") and "." not in second.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "docx"),
        (_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}), "xlsx"),
        (_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), "odt"),
        (_zip({"evil.exe": "MZ"}), "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "ole"),
        (b"{\\rtf1\\ansi text}", "rtf"),
        ("Привет, это расшифровка интервью.".encode(), "text"),
        ("Наименование;ИНН\nФонд;7700000000\n".encode("cp1251"), "text"),
        ("Текст".encode("utf-16"), "text"),
        (b"<!doctype html><script>alert(1)</script>", "html"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "html"),
        (b"note: <script>alert(1)</script>", "html"),
        (b"MZ\x90\x00" + b"\x00" * 60, "program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "program"),
    ],
)
def test_identify_reads_the_bytes_not_the_name(content, expected):
    assert identify(SimpleUploadedFile("whatever.pdf", content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a/b.pdf", b"%PDF-1.4", "path"),
        ("..\\b.pdf", b"%PDF-1.4", "path"),
        ("а" * 296 + ".pdf", b"%PDF-1.4", "name_too_long"),
        ("пусто.pdf", b"", "empty"),
        ("script.js", b"alert(1)", "file_type"),
        ("page.pdf", b"<html></html>", "file_content"),
    ],
)
def test_check_upload_refuses_with_a_reason(name, content, code):
    with pytest.raises(ValidationError) as error:
        check_upload(File(io.BytesIO(content), name=name), DOCUMENTS)
    assert error.value.code == code


def test_check_upload_accepts_cyrillic_names_and_applies_the_smaller_limit(settings):
    assert check_upload(SimpleUploadedFile("Отчёт.pdf", b"%PDF-1.4 x"), DOCUMENTS) == "pdf"
    settings.MAX_UPLOAD_MB = 1
    assert UploadPolicy(("pdf",), 20).max_bytes == 1024 * 1024  # the site-wide limit caps every field
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2 * 1024 * 1024), DOCUMENTS)
    assert error.value.code == "too_large"


def test_local_path_is_the_file_on_disk():
    storage = storages["private"]
    name = storage.save("t/x.csv", ContentFile(b"a,b\n"))

    class FieldFileLike:
        pass

    field_file = FieldFileLike()
    field_file.storage, field_file.name = storage, name
    with local_path(field_file) as path:
        assert path.read_bytes() == b"a,b\n" and str(path).startswith(str(storage.location))
