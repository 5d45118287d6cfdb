"""Import pages: staff only; upload → map columns → run → counts and rejected rows; bad files get clear messages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from resurs.registry.imports.service import import_batch_rejected_preview, import_batch_warnings_preview
from resurs.registry.models import ImportBatch, ImportMapping, Organisation
from resurs.registry.tests.test_import import GOOD_ROWS, HEADER, csv_bytes, inn

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
STAFF_PERSONAS = {"admin", "staff", "manager", "other_staff"}


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are asserted by their English msgids (the UI's default language is Russian)."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def upload(client, content: bytes, name: str = "orgs.csv", **extra):
    return client.post(
        reverse("registry:import-list"),
        {"file": SimpleUploadedFile(name, content), **extra},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def mapping_data(**overrides):
    data = {"col_name": "Наименование", "col_inn": "ИНН", "col_ogrn": "ОГРН", "col_region": "Регион"}
    data.update(col_founded_on="Дата регистрации", col_website="Сайт")
    data.update(overrides)
    return data


@pytest.mark.parametrize("url_name", ["registry:import-list", "registry:duplicate-list"])
def test_only_staff_and_admins_open_import_and_duplicate_pages(personas, client_for, url_name):
    url = reverse(url_name)
    for name, user in personas.all().items():
        response = client_for(user).get(url)
        assert response.status_code == (200 if name in STAFF_PERSONAS else 403), name
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@time_machine.travel(TODAY)
def test_others_cannot_upload_map_or_download(personas, client_for):
    staff = client_for(personas.staff)
    upload(staff, csv_bytes(GOOD_ROWS + [["Плохой", "123", "", "Москва", "", ""]]))
    batch = ImportBatch.objects.get()
    for user in (personas.expert, personas.ngo_rep, personas.outsider):
        client = client_for(user)
        assert upload(client, csv_bytes(GOOD_ROWS)).status_code == 403
        assert (
            client.post(reverse("registry:import-mapping", args=[batch.pk]), mapping_data()).status_code
            == 403
        )
        assert client.get(reverse("registry:import-detail", args=[batch.pk])).status_code == 403
    assert ImportBatch.objects.count() == 1
    assert ImportBatch.objects.get().status == ImportBatch.Status.UPLOADED
    assert Organisation.objects.exclude(pk__in=[personas.ngo.pk, personas.centre.organisation_id,
                                                personas.other_centre.organisation_id]).count() == 0  # fmt: skip


@time_machine.travel(TODAY)
def test_upload_map_and_run_shows_counts_and_rejected_rows(
    personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.staff)
    rows = [
        *GOOD_ROWS,
        ["Фонд из ниоткуда", inn(6), "", "Атлантида", "2011-01-01", ""],
        ["Фонд с опечаткой", inn(7)[:-1] + str((int(inn(7)[-1]) + 1) % 10), "", "Москва", "", ""],
    ]
    response = upload(client, csv_bytes(rows))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:import-mapping", args=[batch.pk]
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Фонд из ниоткуда" in page.content.decode()  # the preview
    assert page.context["form"]["col_inn"].initial == "ИНН"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import-mapping", args=[batch.pk]), mapping_data(save_as="Партнёры")
        )
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.rejected_count, batch.warning_count) == ("done", 4, 1, 1)
    assert batch.job.status == "done" and batch.job.result["created"] == 4
    assert ImportMapping.objects.get(name="Партнёры").columns["inn"] == ["ИНН"]

    page = client.get(batch.get_absolute_url()).content.decode()
    [rejected] = import_batch_rejected_preview(batch)
    assert rejected["row"] == "6" and "7700000071" in rejected["reason"]
    assert escape(rejected["reason"]) in page
    [warned] = import_batch_warnings_preview(batch)
    assert warned["row"] == "5" and escape(warned["reason"]) in page
    assert "Атлантида" in page and 'data-testid="unmapped-region"' in page
    warnings = client.get(reverse("registry:import-warnings", args=[batch.pk]))
    assert "Атлантида" in b"".join(warnings.streaming_content).decode("utf-8")
    unmapped = client.get(reverse("registry:import-unmapped", args=[batch.pk]))
    assert "Атлантида,1" in b"".join(unmapped.streaming_content).decode("utf-8")
    download = client.get(reverse("registry:import-rejected", args=[batch.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8")
    assert rejected["reason"] in body
    # the finished status partial stops polling
    partial = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and 'data-testid="count-created">4<' in partial


@time_machine.travel(TODAY)
def test_mapping_without_identifier_column_is_refused_beside_the_field(personas, client_for):
    client = client_for(personas.staff)
    upload(client, csv_bytes(GOOD_ROWS))
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("registry:import-mapping", args=[batch.pk]),
        mapping_data(col_inn="", col_ogrn=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "INN or the OGRN" in str(response.context["form"].errors["col_inn"])
    batch.refresh_from_db()
    assert (
        batch.status == ImportBatch.Status.UPLOADED and Organisation.objects.filter(inn=inn(1)).count() == 0
    )


def test_bad_files_get_clear_messages_and_leave_nothing(personas, client_for, settings):
    client = client_for(personas.staff)
    cases = [
        (b"", "orgs.csv", "The file “orgs.csv” is empty (0 bytes)"),
        (csv_bytes([]), "orgs.csv", "no organisations below it"),
        ("名前,INN\n東京,1\n".encode("utf-16-le"), "orgs.csv", "encoding could not be recognised"),
        (b"%PDF-1.4", "orgs.pdf", "Files of type “.pdf” are not accepted here"),
        (b"<html><script>alert(1)</script>", "orgs.csv", "it is a web page"),
    ]
    for content, name, message in cases:
        response = upload(client, content, name)
        assert response.status_code == 400, name
        assert message in str(response.context["form"].errors), (message, response.context["form"].errors)
    settings.MAX_UPLOAD_MB = 1
    response = upload(client, b"x" * (3 * 1024 * 1024))  # cut off at 1 MB while it is read
    assert response.status_code == 400
    assert "is larger than 1.0\xa0MB, the limit here" in str(response.context["form"].errors)
    assert ImportBatch.objects.count() == 0


@time_machine.travel(TODAY)
def test_a_saved_mapping_is_applied_on_upload(personas, client_for):
    ImportMapping.objects.create(name="Мои колонки", columns={"name": ["Наименование"], "ogrn": ["ОГРН"]})
    client = client_for(personas.staff)
    mapping = ImportMapping.objects.get(name="Мои колонки")
    upload(client, csv_bytes(GOOD_ROWS), mapping=mapping.pk)
    batch = ImportBatch.objects.get()
    assert batch.mapping == mapping and batch.columns == {"name": ["Наименование"], "ogrn": ["ОГРН"]}


def test_import_list_query_count(personas, client_for, django_assert_max_num_queries):
    for number in range(5):
        ImportBatch.objects.create(file_name=f"f{number}.csv", created_by=personas.staff, headers=HEADER)
    client = client_for(personas.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:import-list"))
    assert response.status_code == 200 and len(response.context["batches"]) == 5


def _conflict(staff):
    """An organisation whose city was entered by hand, and an import that brings another city."""
    from django.core.files.base import ContentFile

    from resurs.registry.imports.service import import_batch_configure, import_batch_create, import_batch_run
    from resurs.registry.services import organisation_update
    from resurs.registry.tests.factories import OrganisationFactory

    org = OrganisationFactory(name="Фонд «Опора»", inn=inn(31), ogrn="", city="")
    organisation_update(organisation=org, actor=staff, data={"city": "Химки"})
    content = csv_bytes([["Фонд «Опора»", inn(31), "Москва"]], header=["Наименование", "ИНН", "Город"])
    batch = import_batch_create(upload=ContentFile(content, name="list.csv"), file_name="list.csv")
    import_batch_run(import_batch_configure(batch=batch, columns=batch.columns))
    return org, batch


@time_machine.travel(TODAY)
def test_staff_decide_a_conflict_on_the_conflicts_page_and_others_cannot(
    personas, client_for, django_assert_max_num_queries
):
    from resurs.registry.models import ImportConflict

    org, batch = _conflict(personas.staff)
    conflict = ImportConflict.objects.get()
    url = reverse("registry:import-conflicts")
    decide = reverse("registry:import-conflict-decide", args=[conflict.pk])
    for name, user in personas.all().items():
        if name not in STAFF_PERSONAS:
            client = client_for(user)
            assert client.get(url).status_code == 403
            assert client.post(decide, {"decision": "accept"}).status_code == 403
    assert ImportConflict.objects.get().status == "open"

    staff = client_for(personas.staff)
    with django_assert_max_num_queries(12):
        page = staff.get(url, {"batch": batch.pk}).content.decode()
    assert "Химки" in page and "Москва" in page and 'data-testid="conflict"' in page
    profile = staff.get(org.get_absolute_url()).content.decode()
    assert 'data-testid="org-sources"' in profile and str(personas.staff) in profile
    partial = staff.post(decide, {"decision": "accept"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="conflict-decision"' in partial and "text-bg-success" in partial
    org.refresh_from_db()
    assert org.city == "Москва" and org.sources["city"]["b"] == batch.pk
    profile = staff.get(org.get_absolute_url()).content.decode()
    assert "list.csv" in profile
    assert 'data-testid="conflict"' not in staff.get(url).content.decode()


@time_machine.travel(TODAY)
def test_the_mapping_page_reports_unmapped_values_and_checks_another_mapping(personas, client_for):
    from pathlib import Path

    content = (Path(__file__).parent / "fixtures" / "foundations.csv").read_bytes()
    client = client_for(personas.staff)
    response = upload(client, content, "foundations.csv")
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="unmapped-status"' in page and "Сведения уточняются" in page
    assert 'data-testid="unmapped-columns"' in page and ">okopf<" in page
    # Checking the names column instead: the names match except one, and nothing is imported.
    data = {
        "col_name": "name",
        "col_ogrn": "ogrn",
        "col_status": "status",
        "col_region": "region",
        "col_legal_form_code": "okopf",
        "check": "1",
    }
    page = client.post(reverse("registry:import-mapping", args=[batch.pk]), data).content.decode()
    assert "Фонды поддержки" in page and ">okopf_id<" in page
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED and batch.columns["legal_form_code"] == ["okopf"]
    assert Organisation.objects.filter(ogrn__startswith="11277").count() == 0
