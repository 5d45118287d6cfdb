"""Small real documents for the demo, made in code: a PDF (WeasyPrint), a DOCX (Office Open XML written with
zipfile) and plain text, so that every kind of private file can be opened and its access tried by anyone."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape as html_escape


def demo_pdf(title: str, paragraphs: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{html_escape(p)}</p>" for p in paragraphs)
    html = (
        "<html><head><meta charset='utf-8'><style>body{font-family:sans-serif;font-size:11pt;margin:2cm}"
        "h1{font-size:16pt}</style></head>"
        f"<body><h1>{html_escape(title)}</h1>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def demo_docx(title: str, paragraphs: list[str]) -> bytes:
    def paragraph(text: str, bold: bool = False) -> str:
        run = '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr>' if bold else ""
        return f'<w:p><w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + paragraph(title, bold=True)
        + "".join(paragraph(p) for p in paragraphs)
        + "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def demo_upload(name: str, content: bytes) -> SimpleUploadedFile:
    """A file as if a person had uploaded it (what the services take)."""
    return SimpleUploadedFile(name, content)
