"""Browser journey of a private file: an NGO attaches a letter of support to its application (an HTML page named
.pdf is refused on the way), staff download it under its Russian name, an outsider gets 404 at its address."""

from __future__ import annotations

import uuid
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded():
    import_module(settings.ROOT_URLCONF)


def test_an_attachment_reaches_staff_and_no_one_else(page, personas, login, tmp_path):
    from resurs.grants import services
    from resurs.grants.models import Attachment
    from resurs.grants.tests.factories import complete_data, open_call

    call = open_call(personas.centre, actor=personas.staff)
    application = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    services.application_autosave(application=application, actor=personas.ngo_rep, data=complete_data(call))

    # The representative attaches a letter; a web page dressed as a PDF is refused with the reason.
    login(personas.ngo_rep)
    page.goto(f"/grants/applications/{application.pk}/edit/")
    page.set_input_files(
        "#file-letters",
        files=[
            {
                "name": "письмо.pdf",
                "mimeType": "application/pdf",
                "buffer": b"<html><script>alert(1)</script>",
            }
        ],
    )
    page.click("button[form=upload-letters]")
    expect(page.locator(".messages")).to_contain_text("«письмо.pdf» — не файл PDF: это веб-страница")
    page.set_input_files(
        "#file-letters",
        files=[{"name": "Письмо поддержки.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("button[form=upload-letters]")
    expect(page.get_by_role("link", name="Письмо поддержки.pdf")).to_be_visible()
    attachment = Attachment.objects.get(application=application)
    assert "Письмо" not in attachment.file.name  # stored under a random name
    services.application_submit(application=application, actor=personas.ngo_rep, token=uuid.uuid4())

    # Staff of the call's centre open the application and download the letter under its own name.
    page.context.clear_cookies()
    login(personas.staff)
    page.goto(application.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Письмо поддержки.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "Письмо поддержки.pdf"
    saved = tmp_path / "letter.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF

    # Someone signed in without a part in it, and an anonymous visitor, find nothing at the same address.
    url = f"/grants/applications/{application.pk}/attachments/{attachment.pk}/"
    page.context.clear_cookies()
    login(personas.outsider)
    assert page.goto(url).status == 404
    page.context.clear_cookies()
    assert page.goto(url).status == 404
    assert page.goto(f"/media/{attachment.file.name}").status == 404
