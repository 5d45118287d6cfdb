"""PDF documents from HTML templates with WeasyPrint (receipts, certificates, reports)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(
    template: str, context: dict, *, filename: str, request=None, inline: bool = False
) -> HttpResponse:
    return pdf_file_response(render_pdf(template, context, request=request), filename=filename, inline=inline)


def pdf_file_response(data: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """A PDF already rendered (e.g. kept for the current version of its data)."""
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.pdf"'
    return response
