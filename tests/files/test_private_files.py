"""Every kind of private file, on local disk and on S3: who gets it, how it is handed out, and that the old
public path serves nothing."""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from resurs.accounts.tests.factories import representative_of
from resurs.core.files import FILE_RESPONSE_CSP
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = "Интервьюер: Что изменилось в регионе?\nРеспондент: Появился ресурсный центр.\n".encode()
CSV = "Строка,ИНН,Причина\n2,7700000000,нет ОГРН\n".encode()


@dataclass
class Case:
    url: str
    field_file: object
    name: str  # the name the person gave, used in Content-Disposition
    content: bytes
    allowed: list  # the owner and the authorised staff
    denied: list  # None is an anonymous visitor


def _grants_attachment(p, other_rep):
    from resurs.grants import services
    from resurs.grants.tests.factories import complete_data, open_call

    call = open_call(p.centre)
    application = services.application_start(call=call, organisation=p.ngo, actor=p.ngo_rep)
    attachment = services.attachment_add(
        application=application,
        actor=p.ngo_rep,
        field_key="letters",
        upload=SimpleUploadedFile("Письмо поддержки.pdf", PDF),
    )
    services.application_autosave(application=application, actor=p.ngo_rep, data=complete_data(call))
    services.application_submit(application=application, actor=p.ngo_rep, token=uuid.uuid4())
    return Case(
        f"/grants/applications/{application.pk}/attachments/{attachment.pk}/",
        attachment.file,
        "Письмо поддержки.pdf",
        PDF,
        [p.ngo_rep, p.staff],
        [None, other_rep, p.other_staff],
    )


def _consultation_attachment(p, other_rep):
    from resurs.learning import services

    consultation = services.consultation_request(
        centre=p.centre,
        requested_by=p.ngo_rep,
        organisation=p.ngo,
        topic="setup",
        subject="Устав",
        question="Как изменить устав?",
        files=[SimpleUploadedFile("Устав НКО.pdf", PDF)],
    )
    attachment = consultation.attachments.get()
    return Case(
        f"/learning/consultations/{consultation.pk}/attachments/{attachment.pk}/",
        attachment.file,
        "Устав НКО.pdf",
        PDF,
        [p.ngo_rep, p.staff],
        [None, other_rep, p.other_staff],
    )


def _project_document(p, other_rep):
    from resurs.learning import services

    review = services.project_review_submit(
        centre=p.centre,
        organisation=p.ngo,
        submitted_by=p.ngo_rep,
        title="Школа волонтёров",
        summary="Обучение волонтёров",
        document=SimpleUploadedFile("Описание проекта.pdf", PDF),
    )
    return Case(
        f"/learning/projects/{review.pk}/document/",
        review.document,
        "Описание проекта.pdf",
        PDF,
        [p.ngo_rep, p.staff],
        [None, other_rep, p.other_staff],
    )


def _session_material(p, other_rep):
    from resurs.learning import services
    from resurs.learning.tests.factories import SessionFactory

    session = SessionFactory(course__centre=p.centre, trainer=p.trainer)
    material = services.material_add(
        session=session, title="Раздаточный материал", file=SimpleUploadedFile("Памятка.pdf", PDF)
    )
    return Case(
        f"/learning/sessions/{session.pk}/materials/{material.pk}/",
        material.file,
        "Памятка.pdf",
        PDF,
        [p.trainer, p.staff],
        [None, other_rep, p.other_staff],
    )


def _interview_transcript(p, other_rep):
    from resurs.research import services
    from resurs.research.tests.factories import make_respondent, make_study

    study = make_study(p)
    interview = services.interview_create(
        respondent=make_respondent(study),
        held_on=dt.date(2026, 10, 1),
        consent=True,
        upload=SimpleUploadedFile("Интервью №1.txt", TEXT),
        actor=p.researcher,
    )
    return Case(
        f"/research/interviews/{interview.pk}/transcript/file/",
        interview.transcript_file,
        "Интервью №1.txt",
        TEXT,
        [p.researcher],
        [None, other_rep, p.other_staff, p.ngo_rep],
    )


def _event_material(p, other_rep):
    from resurs.events import services
    from resurs.events.choices import EventStatus
    from resurs.events.tests.factories import EventFactory

    event = EventFactory(centre=p.centre, status=EventStatus.DRAFT)
    material = services.material_add(
        event=event, title="Программа", kind="other", file=SimpleUploadedFile("Программа форума.pdf", PDF)
    )
    return Case(
        f"/events/{event.pk}/materials/{material.pk}/",
        material.file,
        "Программа форума.pdf",
        PDF,
        [p.staff],
        [None, other_rep, p.other_staff],
    )


def _partnership_document(p, other_rep):
    from resurs.cooperation import services
    from resurs.cooperation.tests.factories import PartnershipFactory

    partnership = PartnershipFactory(centre=p.centre, organisation_b=p.ngo)
    document = services.partnership_document_add(
        partnership=partnership, actor=p.staff, title="", file=SimpleUploadedFile("Соглашение.pdf", PDF)
    )
    return Case(
        f"/cooperation/partnerships/{partnership.pk}/documents/{document.pk}/",
        document.file,
        "Соглашение.pdf",
        PDF,
        [p.ngo_rep, p.staff],
        [None, other_rep, p.other_staff],
    )


def _advice_attachment(p, other_rep):
    from resurs.cooperation import services
    from resurs.cooperation.tests.factories import AdviceRequestFactory

    advice = AdviceRequestFactory(centre=p.centre)
    attachment = services.advice_attachment_add(
        request=advice, actor=p.staff, title="Письмо", file=SimpleUploadedFile("Письмо министерства.pdf", PDF)
    )
    return Case(
        f"/cooperation/advice/{advice.pk}/attachments/{attachment.pk}/",
        attachment.file,
        "Письмо министерства.pdf",
        PDF,
        [p.staff],
        [None, other_rep, p.ngo_rep, p.other_staff],
    )


def _draft_publication_pdf(p, other_rep):
    from resurs.outreach import services

    publication = services.publication_save(
        centre=p.centre,
        actor=p.staff,
        title_ru="Доклад о положении НКО",
        pdf=SimpleUploadedFile("Доклад 2026.pdf", PDF),
    )
    return Case(
        f"/outreach/publications/{publication.pk}/pdf/",
        publication.pdf,
        "Доклад 2026.pdf",
        PDF,
        [p.staff],
        [None, other_rep, p.other_staff],
    )


def _job_file(p, other_rep):
    from resurs.core.models import Job

    job = Job.objects.create(owner=p.staff, kind="export", file_name="Выгрузка.csv")
    job.file.save("Выгрузка.csv", ContentFile(CSV))
    return Case(
        f"/jobs/{job.uuid}/file/", job.file, "Выгрузка.csv", CSV, [p.staff], [None, other_rep, p.other_staff]
    )


KINDS = {
    "grants application attachment": _grants_attachment,
    "consultation attachment": _consultation_attachment,
    "project evaluation document": _project_document,
    "session material": _session_material,
    "interview transcript": _interview_transcript,
    "event material (draft event)": _event_material,
    "partnership document": _partnership_document,
    "advice request attachment": _advice_attachment,
    "publication PDF (draft)": _draft_publication_pdf,
    "job result file": _job_file,
}


@pytest.fixture
def other_rep(personas):
    """The representative of another organisation."""
    return representative_of(OrganisationFactory(), username="other_rep_p")


def _get(client_for, user, url):
    return client_for(user).get(url)


def _body(response, storage: str) -> tuple[bytes, str]:
    """The bytes a browser ends up with and the Content-Disposition it sees."""
    if storage == "s3":
        assert response.status_code == 302
        with urllib.request.urlopen(response["Location"], timeout=10) as fetched:  # the local S3 server
            return fetched.read(), fetched.headers["Content-Disposition"]
    assert response.status_code == 200
    return b"".join(response.streaming_content), response["Content-Disposition"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_private_file_reaches_the_owner_and_staff_only(kind, file_storage, personas, other_rep, client_for):
    case = KINDS[kind](personas, other_rep)
    assert re.fullmatch(r"[a-z/]+/\d{4}/[0-9a-f]{32}\.(pdf|txt|csv)", case.field_file.name), (
        case.field_file.name
    )
    for user in case.allowed:
        response = _get(client_for, user, case.url)
        content, disposition = _body(response, file_storage)
        assert content == case.content, (kind, user)
        assert disposition.startswith("attachment; ")
        assert f"filename*=UTF-8''{quote(case.name, safe='')}" in disposition
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == FILE_RESPONSE_CSP
        assert response["Cache-Control"] == "private, no-store"
    for user in case.denied:
        response = _get(client_for, user, case.url)
        assert response.status_code in (403, 404), (kind, user, response.status_code)
        assert "Location" not in response and b"%PDF" not in response.content
    # The old public path serves nothing, and on disk nothing is left under MEDIA_ROOT.
    for user in (None, case.allowed[0]):
        assert _get(client_for, user, f"/media/{case.field_file.name}").status_code == 404


@pytest.mark.parametrize("kind", list(KINDS))
def test_behind_nginx_the_file_goes_out_through_x_accel_redirect(
    kind, personas, other_rep, client_for, settings
):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    case = KINDS[kind](personas, other_rep)
    response = _get(client_for, case.allowed[0], case.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{case.field_file.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not (settings.MEDIA_ROOT / case.field_file.name).exists()
    assert (settings.PRIVATE_MEDIA_ROOT / case.field_file.name).read_bytes() == case.content


def test_public_objects_files_reach_everyone(file_storage, personas, client_for):
    """A published report's PDF and a published event's material: anyone may download them, still through the
    door (a draft's would be 404), still as attachments."""
    from resurs.events import services as events
    from resurs.events.tests.factories import EventFactory
    from resurs.outreach import services as outreach

    publication = outreach.publication_save(
        centre=personas.centre,
        actor=personas.staff,
        title_ru="Доклад",
        is_published=True,
        pdf=SimpleUploadedFile("Доклад.pdf", PDF),
    )
    event = EventFactory(centre=personas.centre)
    material = events.material_add(
        event=event, title="Резолюция", kind="other", file=SimpleUploadedFile("Резолюция.pdf", PDF)
    )
    for url in (publication.pdf_url, material.href):
        response = _get(client_for, None, url)
        content, disposition = _body(response, file_storage)
        assert content == PDF and disposition.startswith("attachment; ")
    page = _get(client_for, None, publication.get_absolute_url()).content.decode()
    assert f'href="{publication.pdf_url}"' in page and 'href="/media/' not in page


def test_registry_rejected_rows_are_for_staff(file_storage, personas, client_for):
    from resurs.registry.models import ImportBatch

    batch = ImportBatch.objects.create(file_name="Организации.csv", created_by=personas.staff)
    batch.rejected_file.save("x.csv", ContentFile(CSV))
    url = f"/registry/imports/{batch.pk}/rejected.csv"
    content, disposition = _body(_get(client_for, personas.staff, url), file_storage)
    assert content == CSV
    assert quote("Организации-rejected.csv", safe="") in disposition
    assert _get(client_for, personas.ngo_rep, url).status_code in (403, 404)
    anonymous = _get(client_for, None, url)
    assert anonymous.status_code in (302, 403, 404) and CSV not in anonymous.content


def test_a_form_shows_the_current_file_by_its_given_name(personas, client_for):
    """Editing a publication that has a PDF: the form names the file as uploaded and links nowhere public."""
    from resurs.outreach import services

    publication = services.publication_save(
        centre=personas.centre,
        actor=personas.staff,
        title_ru="Доклад",
        pdf=SimpleUploadedFile("Доклад.pdf", PDF),
    )
    response = _get(client_for, personas.staff, f"/outreach/publications/{publication.pk}/edit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Доклад.pdf" in page and 'name="pdf-clear"' in page
    assert publication.pdf.name not in page
    assert 'href="/media/' not in page
