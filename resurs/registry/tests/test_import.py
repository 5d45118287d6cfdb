"""Bulk import of organisations: encodings, delimiters, mapping, validation, upsert, rejected rows, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from openpyxl import Workbook

from resurs.registry.choices import OrganisationStatus
from resurs.registry.imports.mapping import EGRUL_MAPPING_NAME
from resurs.registry.imports.reading import ImportFileError
from resurs.registry.imports.service import (
    builtin_mapping_ensure,
    import_batch_configure,
    import_batch_create,
    import_batch_rejected_preview,
    import_batch_run,
    import_batch_warnings_preview,
)
from resurs.registry.models import ImportBatch, ImportMapping, Organisation
from resurs.registry.tests.factories import OrganisationFactory
from resurs.registry.validators import complete_inn10, complete_ogrn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted by their English msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield


TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
HEADER = ["Наименование", "ИНН", "ОГРН", "Регион", "Дата регистрации", "Сайт"]


def inn(n: int) -> str:
    return complete_inn10(f"77{n:07d}")


def ogrn(n: int) -> str:
    return complete_ogrn(f"10277{n:07d}")


def csv_bytes(rows, *, header=HEADER, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def run_import(content: bytes, name: str = "orgs.csv", *, columns=None, dry_run=False, user=None):
    batch = import_batch_create(upload=ContentFile(content, name=name), file_name=name, user=user)
    batch = import_batch_configure(batch=batch, columns=columns or batch.columns, dry_run=dry_run)
    counts = import_batch_run(batch)
    batch.refresh_from_db()
    return batch, counts


GOOD_ROWS = [
    ["Благотворительный фонд «Дорога жизни»", inn(1), ogrn(1), "Москва", "2010-05-17", "fond-doroga.ru"],
    ["АНО «Центр развития добровольчества»", inn(2), ogrn(2), "Республика Татарстан", "17.03.2015", ""],
    ["РОО «Молодёжь Севера»", inn(3), ogrn(3), "89", "2001-01-09", ""],
]


@time_machine.travel(TODAY)
def test_csv_is_imported_with_guessed_mapping_and_region_by_name_or_code():
    batch, counts = run_import(csv_bytes(GOOD_ROWS))
    assert batch.columns["name"] == ["Наименование"] and batch.columns["inn"] == ["ИНН"]
    assert counts.as_dict() == {"total": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    fund = Organisation.objects.get(inn=inn(1))
    assert fund.name == "Благотворительный фонд «Дорога жизни»"
    assert fund.ogrn == ogrn(1) and fund.region.fns_code == "77"
    assert fund.founded_on == dt.date(2010, 5, 17) and fund.website == "http://fond-doroga.ru"
    assert Organisation.objects.get(inn=inn(2)).region.fns_code == "16"
    assert Organisation.objects.get(inn=inn(2)).founded_on == dt.date(2015, 3, 17)
    assert Organisation.objects.get(inn=inn(3)).region.fns_code == "89"
    assert (batch.status, batch.created_count, batch.rejected_file.name) == (ImportBatch.Status.DONE, 3, "")


@time_machine.travel(TODAY)
def test_reimport_changes_nothing_and_a_changed_row_updates_only_that_row():
    run_import(csv_bytes(GOOD_ROWS))
    stamps = dict(Organisation.objects.values_list("inn", "updated_at"))
    _batch, counts = run_import(csv_bytes(GOOD_ROWS))
    assert counts.as_dict() == {"total": 3, "created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert dict(Organisation.objects.values_list("inn", "updated_at")) == stamps

    changed = [row[:] for row in GOOD_ROWS]
    changed[1][0] = "АНО «Центр развития добровольчества и НКО»"
    batch, counts = run_import(csv_bytes(changed))
    assert counts.as_dict() == {"total": 3, "created": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    org = Organisation.objects.get(inn=inn(2))
    assert org.name == "АНО «Центр развития добровольчества и НКО»"
    entry = LogEntry.objects.get_for_object(org).get(additional_data__event="import")
    assert entry.changes["name"] == ["АНО «Центр развития добровольчества»", org.name]
    assert entry.additional_data["batch"] == batch.pk
    assert Organisation.objects.get(inn=inn(1)).updated_at == stamps[inn(1)]


@time_machine.travel(TODAY)
def test_existing_organisation_is_matched_by_ogrn_then_inn():
    by_ogrn = OrganisationFactory(name="Старое название", inn="", ogrn=ogrn(1))
    by_inn = OrganisationFactory(name="Другое старое", inn=inn(2), ogrn="")
    _batch, counts = run_import(csv_bytes(GOOD_ROWS[:2]))
    assert (counts.created, counts.updated) == (0, 2)
    by_ogrn.refresh_from_db()
    by_inn.refresh_from_db()
    assert (by_ogrn.name, by_ogrn.inn) == (GOOD_ROWS[0][0], inn(1))
    assert (by_inn.name, by_inn.ogrn) == (GOOD_ROWS[1][0], ogrn(2))


@time_machine.travel(TODAY)
def test_bad_identifiers_and_names_reject_a_row_bad_optional_values_only_warn():
    bad_inn = inn(5)[:-1] + str((int(inn(5)[-1]) + 1) % 10)
    rows = [
        *GOOD_ROWS,
        ["Фонд с ошибкой в ИНН", bad_inn, "", "Москва", "2011-01-01", ""],
        ["Фонд из ниоткуда", inn(6), "", "Атлантида", "2011-01-01", ""],
        ["Фонд из будущего", inn(7), "", "Москва", "2031-01-01", ""],
        ["", inn(8), "", "Москва", "", ""],
        ["Фонд без номеров", "", "", "Москва", "", ""],
        ["Фонд-двойник", inn(1), "", "Москва", "", ""],
        ["Фонд с плохой датой", inn(9), "", "Москва", "30.02.2015", "."],
    ]
    batch, counts = run_import(csv_bytes(rows))
    assert counts.as_dict() == {"total": 10, "created": 6, "updated": 0, "unchanged": 0, "rejected": 4}
    assert (batch.warning_count, batch.rejected_count) == (3, 4)
    assert not Organisation.objects.filter(inn=inn(8)).exists()
    nowhere = Organisation.objects.get(inn=inn(6))
    assert (nowhere.name, nowhere.region_id, nowhere.founded_on) == (
        "Фонд из ниоткуда",
        None,
        dt.date(2011, 1, 1),
    )
    assert Organisation.objects.get(inn=inn(7)).founded_on is None
    assert Organisation.objects.get(inn=inn(9)).website == ""
    reasons = {row["row"]: row["reason"] for row in import_batch_rejected_preview(batch)}
    assert set(reasons) == {"5", "8", "9", "10"}
    assert "check digit" in reasons["5"]
    assert reasons["8"] == "The name is empty."
    assert "Neither INN nor OGRN" in reasons["9"]
    assert "already in row 2 of this file" in reasons["10"]
    warnings = {row["row"]: row["reason"] for row in import_batch_warnings_preview(batch)}
    assert warnings["6"] == "Unknown region “Атлантида”."
    assert "in the future" in warnings["7"]
    assert "is not a date" in warnings["11"] and "“.” is not a web address" in warnings["11"]
    with batch.rejected_file.open("rb") as handle:
        records = list(csv.reader(io.TextIOWrapper(handle, encoding="utf-8")))
    assert records[0] == ["Row", *HEADER, "Reason"]
    assert sorted(int(record[0]) for record in records[1:]) == [5, 8, 9, 10]
    with batch.warnings_file.open("rb") as handle:
        records = list(csv.reader(io.TextIOWrapper(handle, encoding="utf-8")))
    assert records[0] == ["Row", *HEADER, "Warning"]
    assert [int(record[0]) for record in records[1:]] == [6, 7, 11]
    assert batch.report["unmapped"]["region"]["values"] == [["Атлантида", 1]]


@time_machine.travel(TODAY)
def test_rejected_reasons_follow_the_importers_language():
    from django.utils import translation

    with translation.override("ru"):
        batch, _counts = run_import(csv_bytes([["Фонд", inn(1), "", "Атлантида", "", ""]]))
        reason = import_batch_warnings_preview(batch)[0]["reason"]
    assert reason.startswith("Неизвестный регион")


@time_machine.travel(TODAY)
def test_windows_1251_with_semicolons_and_utf8_with_bom_are_detected():
    batch, counts = run_import(csv_bytes(GOOD_ROWS, encoding="cp1251", delimiter=";"))
    assert (batch.encoding, batch.delimiter, counts.created) == ("cp1251", ";", 3)
    assert Organisation.objects.get(inn=inn(1)).name == "Благотворительный фонд «Дорога жизни»"
    Organisation.objects.all().delete()
    batch, counts = run_import(b"\xef\xbb\xbf" + csv_bytes(GOOD_ROWS, delimiter="\t"))
    assert (batch.encoding, batch.delimiter, counts.created) == ("utf-8-sig", "\t", 3)
    assert batch.headers[0] == "Наименование"


def test_unknown_encoding_is_refused_with_a_clear_message():
    content = "名前,INN\n東京の財団,7700000000\n".encode("utf-16-le")
    with pytest.raises(ImportFileError, match="encoding could not be recognised"):
        run_import(content)
    assert ImportBatch.objects.count() == 0


def test_empty_file_and_header_only_file_are_refused():
    with pytest.raises(ImportFileError, match="The file is empty"):
        run_import(b"")
    with pytest.raises(ImportFileError, match="no organisations below it"):
        run_import(csv_bytes([]))
    assert ImportBatch.objects.count() == 0


def test_missing_mandatory_columns_are_named():
    batch = import_batch_create(
        upload=ContentFile(csv_bytes([["Фонд", "Москва"]], header=["Название", "Регион"])), file_name="a.csv"
    )
    with pytest.raises(ImportFileError, match="INN or the OGRN"):
        import_batch_configure(batch=batch, columns=batch.columns)
    with pytest.raises(ImportFileError, match="organisation's name"):
        import_batch_configure(batch=batch, columns={"region": ["Регион"]})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1
    content = csv_bytes(
        [["Фонд " + "x" * 1000, inn(n % 9000 + 1), "", "Москва", "", ""] for n in range(1100)]
    )
    assert len(content) > 1024 * 1024
    with pytest.raises(ImportFileError, match="the largest file Resurs accepts is 1 MB"):
        run_import(content)
    assert ImportBatch.objects.count() == 0


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="neither"):
        run_import(b"%PDF-1.4", name="report.pdf")
    with pytest.raises(ImportFileError, match="not a readable XLSX"):
        run_import(b"not a zip at all", name="broken.xlsx")


@time_machine.travel(TODAY)
def test_xlsx_with_dates_numbers_and_formulas_stores_formulas_as_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "inn", "ogrn", "region", "founded_on", "description"])
    sheet.append(["Фонд «Север»", int(inn(1)), float(ogrn(1)), 77, dt.datetime(2012, 4, 1), "=1+2"])
    sheet.append(['=HYPERLINK("http://evil.example","Нажми")', inn(2), "", "Москва", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch, counts = run_import(buffer.getvalue(), name="orgs.xlsx")
    assert (batch.file_format, counts.created, counts.rejected) == ("xlsx", 2, 0)
    north = Organisation.objects.get(inn=inn(1))
    assert (north.ogrn, north.founded_on, north.description) == (ogrn(1), dt.date(2012, 4, 1), "=1+2")
    assert Organisation.objects.get(inn=inn(2)).name == '=HYPERLINK("http://evil.example","Нажми")'


@time_machine.travel(TODAY)
def test_rejected_rows_file_neutralises_formulas():
    batch, _counts = run_import(csv_bytes([["=cmd|' /C calc'!A0", "123", "", "", "", ""]]))
    with batch.rejected_file.open("rb") as handle:
        text = handle.read().decode("utf-8")
    assert "'=cmd" in text


@time_machine.travel(TODAY)
def test_dry_run_counts_and_writes_nothing():
    batch, counts = run_import(csv_bytes(GOOD_ROWS), dry_run=True)
    assert (counts.created, counts.rejected) == (3, 0)
    assert batch.dry_run and Organisation.objects.count() == 0


@time_machine.travel(TODAY)
def test_egrul_extract_columns_use_the_builtin_mapping_and_float_identifiers():
    header = ["name_x", "ogrn", "short_name", "full_name", "address_x", "website", "reg_date", "liq_date"]
    header += ["status_x", "inn", "region", "okved_code", "okopf_code"]
    inn_region_05 = complete_inn10("052101617")
    rows = [
        ["ЛАДА, НОЧУ", f"{ogrn(1)}.0", 'НОЧУ "ЛАДА"; НОЧУ "ЛАДА-2"', 'НЕГОСУДАРСТВЕННОЕ ЧАСТНОЕ УЧРЕЖДЕНИЕ "ЛАДА"',
         "г. Махачкала", "lada.ru, www.lada.info", "2008-11-18", "2020-04-09", "Недействующая",
         f"{int(inn_region_05)}.0", "Дагестан (Республика)", "85.42.1", "75500.0"],
    ]  # fmt: skip
    builtin_mapping_ensure()  # added by migration 0005; a flushed test database may have lost it
    assert ImportMapping.objects.get(name=EGRUL_MAPPING_NAME).is_builtin
    batch, counts = run_import(csv_bytes(rows, header=header))
    assert counts.created == 1, import_batch_rejected_preview(batch)
    org = Organisation.objects.get()
    assert (org.inn, org.ogrn) == (inn_region_05, ogrn(1))
    assert org.short_name == 'НОЧУ "ЛАДА"' and org.website == "http://lada.ru"
    assert org.region.fns_code == "05" and org.status == OrganisationStatus.LIQUIDATED
    assert org.liquidated_on == dt.date(2020, 4, 9) and org.legal_form.code == "75500"
    assert org.main_okved.code == "85.42.1" and org.fields.exists()


def test_real_registry_sample_imports_every_row_or_rejects_it_with_a_reason():
    path = Path(settings.DATA_DIR) / "registry_sample" / "ngo_egrul_2022_jul.csv"
    with time_machine.travel(TODAY):
        batch, counts = run_import(path.read_bytes(), name=path.name)
    assert counts.total == 3999
    assert counts.created + counts.rejected == 3999
    assert counts.created > 3900
    assert Organisation.objects.count() == counts.created
    rejected = import_batch_rejected_preview(batch, limit=5000)
    assert len(rejected) == counts.rejected
    assert all(row["reason"] for row in rejected)
    with time_machine.travel(TODAY):
        _batch, again = run_import(path.read_bytes(), name=path.name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, counts.created)


@time_machine.travel(TODAY)
def test_command_imports_a_file_and_reports_counts(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_organisations", str(path), stdout=out, stderr=io.StringIO(), verbosity=0)
    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()
    out = io.StringIO()
    call_command(
        "import_organisations", str(path), "--dry-run", stdout=out, stderr=io.StringIO(), verbosity=0
    )
    assert "Dry run: 3 rows: 0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert Organisation.objects.count() == 3


def test_command_explains_an_unknown_mapping_and_a_bad_file(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "orgs.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_organisations", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="No mapping named"):
        call_command("import_organisations", str(path), "--mapping", "nope", stderr=io.StringIO())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@time_machine.travel(TODAY)
def test_a_large_import_writes_on_writer_connections_with_the_same_result(requires_postgres, monkeypatch):
    """Above PIPELINE_AFTER rows (outside a transaction) chunks are written on writer threads, several at once,
    while the next one is read: same counts, same rows, field links, rejected rows in file order."""
    from resurs.registry.imports import service
    from resurs.registry.models import Field

    monkeypatch.setattr(service, "PIPELINE_AFTER", 1)
    registered = OrganisationFactory(inn=inn(100), ogrn=ogrn(100))
    header = [*HEADER, "ОКВЭД"]
    rows = [[f"Фонд номер {n}", inn(n), ogrn(n), "Москва", "2012-04-01", "", "85.41"] for n in range(1, 41)]
    rows[3][3] = "Атлантида"  # row 5, imported with a warning
    rows[22][1] = inn(2)  # row 24, rejected while reading: the INN of row 3
    rows[22][2] = ""
    rows[29][2] = ogrn(
        100
    )  # row 31, rejected while writing: the OGRN of another organisation in the registry
    rows[37][4] = "2031-01-01"  # row 39, imported with a warning
    content = csv_bytes(rows, header=header)
    batch = import_batch_create(upload=ContentFile(content, name="big.csv"), file_name="big.csv")
    batch = import_batch_configure(batch=batch, columns={**batch.columns, "okved_code": ["ОКВЭД"]})
    assert service._can_pipeline(40)
    counts = import_batch_run(batch, chunk_rows=4)
    assert counts.as_dict() == {"total": 40, "created": 38, "updated": 0, "unchanged": 0, "rejected": 2}
    assert Organisation.objects.exclude(pk=registered.pk).count() == 38
    from resurs.registry.imports.rows import References

    field_ids = References().fields_for_okved("85.41")
    assert field_ids
    for field in Field.objects.filter(pk__in=field_ids):
        assert field.organisations.count() == 38
    batch.refresh_from_db()
    assert [int(row["row"]) for row in import_batch_rejected_preview(batch)] == [24, 31]
    assert [int(row["row"]) for row in import_batch_warnings_preview(batch)] == [5, 39]
    assert Organisation.objects.get(inn=inn(1)).source_of("name") == {"b": batch.pk, "d": "2026-11-26"}
    again = import_batch_create(upload=ContentFile(content, name="big.csv"), file_name="big.csv")
    again = import_batch_configure(batch=again, columns={**again.columns, "okved_code": ["ОКВЭД"]})
    assert import_batch_run(again, chunk_rows=4).as_dict()["unchanged"] == 38
