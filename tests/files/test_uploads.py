"""Uploads through the real forms: refused by content, cut off by size while being read, odd names handled,
and what the person typed is kept."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import FakePayload

from resurs.core.uploads import MB
from resurs.learning.models import Consultation, ConsultationAttachment, ProjectReview

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML_WITH_SCRIPT = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
BOUNDARY = "----resurs-test-boundary"


def _consultation(client, upload_name: str, content: bytes, *, centre, raw_name: bool = False, language="en"):
    fields = {
        "centre": str(centre.pk),
        "topic": "setup",
        "subject": "Вопрос об уставе",
        "question": "Как быть?",
    }
    if not raw_name:
        return client.post(
            "/learning/consultations/new/",
            {**fields, "files": SimpleUploadedFile(upload_name, content)},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    # A name exactly as a browser may send it (the test client would strip the folders itself).
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{upload_name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.post(
        "/learning/consultations/new/",
        b"".join(parts),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _error(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.context["form"].errors.get("files", []))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("вопрос.html", HTML_WITH_SCRIPT, "Files of type “.html” are not accepted here."),
        ("схема.svg", SVG_WITH_SCRIPT, "Files of type “.svg” are not accepted here."),
        (
            "устав.pdf",
            HTML_WITH_SCRIPT,
            "“устав.pdf” is not a PDF file: it is a web page or an image with scripts",
        ),
        (
            "устав.docx",
            SVG_WITH_SCRIPT,
            "“устав.docx” is not a DOCX file: it is a web page or an image with scripts",
        ),
        ("устав.pdf", b"MZ\x90\x00" + b"\x00" * 200, "“устав.pdf” is not a PDF file: it is a program."),
        (
            "устав.pdf",
            b"\x00\x01\x02" * 100,
            "The content of “устав.pdf” is not a PDF file; it may be damaged",
        ),
        ("пусто.pdf", b"", "The file “пусто.pdf” is empty (0 bytes). Choose the right file."),
    ],
)
def test_a_refused_file_is_explained_and_the_question_kept(name, content, message, personas, client_for):
    response = _consultation(client_for(personas.ngo_rep), name, content, centre=personas.centre)
    assert message in _error(response)
    assert not Consultation.objects.exists() and not ConsultationAttachment.objects.exists()
    page = response.content.decode()
    assert "Вопрос об уставе" in page and "Как быть?" in page  # nothing typed is lost


def test_a_script_bearing_svg_is_not_a_project_document(personas, client_for):
    response = client_for(personas.ngo_rep).post(
        "/learning/projects/new/",
        {
            "centre": personas.centre.pk,
            "organisation": personas.ngo.pk,
            "title": "Школа волонтёров",
            "summary": "Обучение",
            "document": SimpleUploadedFile("проект.svg", SVG_WITH_SCRIPT, content_type="image/svg+xml"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Files of type “.svg” are not accepted here. Accepted: PDF, DOCX, ODT, DOC, RTF." in " ".join(
        response.context["form"].errors["document"]
    )
    assert not ProjectReview.objects.exists()


def test_an_html_file_named_pdf_is_not_a_grant_attachment(personas, client_for):
    from resurs.grants import services
    from resurs.grants.tests.factories import open_call

    application = services.application_start(
        call=open_call(personas.centre), organisation=personas.ngo, actor=personas.ngo_rep
    )
    response = client_for(personas.ngo_rep).post(
        f"/grants/applications/{application.pk}/attachments/",
        {"field_key": "letters", "file": SimpleUploadedFile("письмо.pdf", HTML_WITH_SCRIPT)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "“письмо.pdf” is not a PDF file: it is a web page" in response.content.decode()
    assert not application.attachments.exists()


def test_a_60_mb_upload_is_cut_off_at_the_limit(personas, client_for, monkeypatch):
    """The consultation form takes 20 MB: reading stops within one chunk past it, not at 60 MB."""
    read = []
    original = FakePayload.read

    def counting(self, size=-1):
        chunk = original(self, size)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(FakePayload, "read", counting)
    response = _consultation(
        client_for(personas.ngo_rep), "отчёт.pdf", PDF + b"0" * (60 * MB), centre=personas.centre
    )
    assert "The file “отчёт.pdf” is larger than 20.0\xa0MB, the limit here." in _error(response)
    chunk = 64 * 1024
    assert 20 * MB < sum(read) <= 20 * MB + chunk + 4096, sum(read)  # + the multipart headers before the file
    assert not Consultation.objects.exists()
    assert "Вопрос об уставе" in response.content.decode()


def test_names_with_folders_long_names_and_cyrillic(personas, client_for):
    client = client_for(personas.ngo_rep)
    response = _consultation(
        client, "..\\..\\C:\\Документы/отчёт за 2026.pdf", PDF, raw_name=True, centre=personas.centre
    )
    assert response.status_code == 302
    attachment = ConsultationAttachment.objects.get()
    assert attachment.name == "отчёт за 2026.pdf"  # the folders are dropped, the Cyrillic name kept
    assert re.fullmatch(r"learning/consultations/\d{4}/[0-9a-f]{32}\.pdf", attachment.file.name)
    long_name = "Годовой отчёт " * 25 + ".pdf"  # 354 characters
    assert _consultation(client, long_name, PDF, centre=personas.centre).status_code == 302
    kept = ConsultationAttachment.objects.latest("pk").name
    assert len(kept) == 255 and kept.endswith(".pdf") and kept.startswith("Годовой отчёт Годовой")


def test_the_refusal_speaks_the_persons_language(personas, client_for):
    response = _consultation(
        client_for(personas.ngo_rep), "устав.pdf", HTML_WITH_SCRIPT, centre=personas.centre, language="ru"
    )
    assert _error(response) == (
        "«устав.pdf» — не файл PDF: это веб-страница или изображение со скриптами (HTML, SVG). Такие файлы не "
        "принимаются. Сохраните документ как PDF, DOCX, ODT, DOC, RTF, XLSX, ODS, XLS, TXT, PNG, JPEG и загрузите "
        "снова."
    )
