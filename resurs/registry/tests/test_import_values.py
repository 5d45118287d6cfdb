"""Issue 16, points 3–5, on files in the formats they came in (fixtures/): a ministry's NGO registry extract (TSV)
and a list of foundations with both OKOPF columns (name and code). Unmapped values are reported per column, bad
optional values warn instead of rejecting, and values keep their source under a precedence rule with conflicts
staff decide. Each scenario also runs on PostgreSQL (COPY path), marked ``postgres``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile

from resurs.registry.choices import ConflictStatus, OrganisationKind, OrganisationStatus
from resurs.registry.imports.mapping import guess_columns
from resurs.registry.imports.service import (
    import_batch_check,
    import_batch_configure,
    import_batch_create,
    import_batch_run,
    import_batch_warnings_preview,
    import_conflict_decide,
    unmapped_report_rows,
)
from resurs.registry.models import ImportConflict, LegalForm, Organisation
from resurs.registry.services import organisation_update
from resurs.registry.tests.factories import OrganisationFactory
from resurs.registry.validators import complete_inn10, complete_ogrn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
on_postgres = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"), time_machine.travel(TODAY):
        yield


def upload(content: bytes, name: str):
    return import_batch_create(upload=ContentFile(content, name=name), file_name=name)


def run(batch, columns=None):
    batch = import_batch_configure(batch=batch, columns=columns or batch.columns)
    counts = import_batch_run(batch)
    batch.refresh_from_db()
    return batch, counts


def foundations() -> bytes:
    return (FIXTURES / "foundations.csv").read_bytes()


def ministry(encoding="utf-8") -> bytes:
    return (FIXTURES / "ministry_registry.tsv").read_text(encoding="utf-8").encode(encoding)


def snapshot() -> list[tuple]:
    return sorted(
        Organisation.objects.values_list(
            "ogrn", "name", "status", "kind", "legal_form__code", "region__fns_code", "founded_on", "address"
        )
    )


# --- point 3: unmapped values ------------------------------------------------------------------------------------


def test_the_guess_takes_the_okopf_code_column_over_the_name_column():
    headers = ["name", "ogrn", "status", "region", "okopf", "okopf_id"]
    preview = [["Фонд", "1", "Действующая", "Москва", "Фонды", "70400"]]
    assert guess_columns(headers, preview)["legal_form_code"] == ["okopf_id"]
    # Whatever the order of the columns, the one holding codes wins.
    assert guess_columns(["okopf_id", "name", "ogrn", "okopf"], [["Фонды", "Ф", "1", "70400"]])[
        "legal_form_code"
    ] == ["okopf"]
    assert guess_columns(["Наименование", "ОГРН", "Организационно-правовая форма"])["legal_form_code"] == [
        "Организационно-правовая форма"
    ]


def _foundations_get_legal_forms_kinds_and_distinct_statuses():
    batch = upload(foundations(), "foundations.csv")
    assert batch.columns["legal_form_code"] == ["okopf_id"]
    check = import_batch_check(batch)
    batch, counts = run(batch)
    assert counts.as_dict() == {"total": 10, "created": 10, "updated": 0, "unchanged": 0, "rejected": 0}
    assert batch.warning_count == 3
    forms = dict(Organisation.objects.values_list("name", "legal_form__code"))
    assert forms["ФОНД РАЗВИТИЯ ГОРОДА ПЕРМИ"] == "70400"
    assert forms["ФОНД СОДЕЙСТВИЯ НАУКЕ"] is None  # code 70499 is in no reference: reported, not guessed
    assert Organisation.objects.filter(kind=OrganisationKind.FOUNDATION).count() == 9
    statuses = Counter(Organisation.objects.values_list("status", flat=True))
    assert statuses == {
        OrganisationStatus.ACTIVE: 6,  # five "Действующая" and the unknown status left at the default
        OrganisationStatus.LIQUIDATING: 1,
        OrganisationStatus.BANKRUPTCY: 1,
        OrganisationStatus.REORGANISING: 1,
        OrganisationStatus.LIQUIDATED: 1,
    }
    unmapped = batch.report["unmapped"]
    assert unmapped["status"]["values"] == [["Сведения уточняются", 1]]
    assert unmapped["region"]["values"] == [["Лунная область", 1]]
    assert unmapped["legal_form_code"]["values"] == [["70499", 1]]
    assert unmapped["legal_form_code"]["columns"] == ["okopf_id"]
    assert batch.report["unmapped_columns"] == ["okopf"]
    # The preview on the mapping page said the same before anything was written.
    assert (check.rows, check.rejected, check.warned, check.complete) == (10, 0, 3, True)
    assert json.loads(json.dumps(check.unmapped)) == unmapped and check.unmapped_columns == ["okopf"]
    rows = unmapped_report_rows(batch)
    assert rows[0] == ["Field", "Columns", "Value", "Rows"]
    assert ["Status", "status", "Сведения уточняются", 1] in rows
    assert ["(not imported)", "okopf", "", ""] in rows
    warnings = {row["row"]: row["reason"] for row in import_batch_warnings_preview(batch)}
    assert warnings == {
        "9": "Unknown status “Сведения уточняются”.",
        "10": "Unknown region “Лунная область”.",
        "11": "Unknown legal form “70499”.",
    }


def test_foundations_get_legal_forms_kinds_and_distinct_statuses():
    _foundations_get_legal_forms_kinds_and_distinct_statuses()


@on_postgres
def test_foundations_get_legal_forms_kinds_and_distinct_statuses_on_postgres(requires_postgres):
    _foundations_get_legal_forms_kinds_and_distinct_statuses()


def test_okopf_names_map_to_the_same_codes():
    batch = upload(foundations(), "foundations.csv")
    batch, _counts = run(batch, {**batch.columns, "legal_form_code": ["okopf"]})
    forms = dict(Organisation.objects.values_list("name", "legal_form__code"))
    assert forms["БЛАГОТВОРИТЕЛЬНЫЙ ФОНД «ДОРОГА ЖИЗНИ»"] == "70401"
    assert forms["ФОНД РАЗВИТИЯ ГОРОДА ПЕРМИ"] == "70400"
    assert Organisation.objects.filter(kind=OrganisationKind.FOUNDATION).count() == 9
    assert batch.report["unmapped"]["legal_form_code"]["values"] == [["Фонды поддержки", 1]]
    assert batch.report["unmapped_columns"] == ["okopf_id"]


def _ministry_extract_imports_and_windows_1251_gives_identical_results():
    batch = upload(ministry(), "reestr.tsv")
    assert batch.delimiter == "\t"
    assert batch.columns == {
        "name": ["Наименование"],
        "ogrn": ["ОГРН"],
        "region": ["Регион"],
        "address": ["Адрес"],
        "founded_on": ["Дата присвоения ОГРН"],
        "status": ["Статус"],
        "legal_form_code": ["Организационно-правовая форма"],
    }
    batch, counts = run(batch)
    assert counts.as_dict() == {"total": 7, "created": 5, "updated": 0, "unchanged": 0, "rejected": 2}
    assert batch.report["unmapped_columns"] == ["Раздел реестра", "Учетный номер"]
    assert batch.report["unmapped"]["legal_form_code"]["values"] == [["Некоммерческое партнерство", 1]]
    rows = {org[1]: org for org in snapshot()}
    andreevsky = rows["Фонд «Андреевский»"]
    assert andreevsky[2:6] == (OrganisationStatus.LIQUIDATING, OrganisationKind.FOUNDATION, "70400", "77")
    assert rows["Частное учреждение культуры «Музей дома»"][4] == "75500"
    assert rows["Частное учреждение культуры «Музей дома»"][6] is None  # 31.02.2010: warned, left out
    assert rows["Региональная общественная организация «Союз ветеранов»"][4] == "20200"
    assert rows["Некоммерческое партнёрство «Гильдия реставраторов»"][2] == OrganisationStatus.LIQUIDATED
    first = snapshot()
    report = batch.report

    Organisation.objects.all().delete()
    again = upload(ministry("cp1251"), "reestr-1251.tsv")
    assert again.encoding == "cp1251"
    again, counts_1251 = run(again)
    assert counts_1251.as_dict() == counts.as_dict()
    assert snapshot() == first and again.report == report
    # Re-importing changes nothing.
    third, counts_again = run(upload(ministry(), "reestr.tsv"))
    assert counts_again.as_dict() == {"total": 7, "created": 0, "updated": 0, "unchanged": 5, "rejected": 2}
    assert third.conflict_count == 0 and snapshot() == first


def test_ministry_extract_imports_and_windows_1251_gives_identical_results():
    _ministry_extract_imports_and_windows_1251_gives_identical_results()


@on_postgres
def test_ministry_extract_imports_and_windows_1251_gives_identical_results_on_postgres(requires_postgres):
    _ministry_extract_imports_and_windows_1251_gives_identical_results()


# --- point 4: warnings, not rejects ------------------------------------------------------------------------------


def _a_bad_optional_value_updates_a_registered_organisation_with_a_warning():
    registered = OrganisationFactory(
        name="Фонд «Опора»", inn=complete_inn10("770000011"), ogrn=complete_ogrn("102770000011"), city=""
    )
    header = ["ИНН", "ОГРН", "Наименование", "Регион", "Город", "Сайт"]
    rows = [
        [registered.inn, registered.ogrn, "Благотворительный фонд «Опора»", "Атлантида", "Тверь", "."],
        [complete_inn10("770000012"), "", "АНО «Свет»", "Тверская область", "", "svet.ru"],
        ["", "", "Без номеров", "Москва", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    batch, counts = run(upload(buffer.getvalue().encode(), "rating.csv"))
    assert counts.as_dict() == {"total": 3, "created": 1, "updated": 1, "unchanged": 0, "rejected": 1}
    registered.refresh_from_db()
    assert (registered.name, registered.city, registered.website) == (
        "Благотворительный фонд «Опора»",
        "Тверь",
        "",
    )
    assert batch.warning_count == 1
    [warned] = import_batch_warnings_preview(batch)
    assert warned["row"] == "2"
    assert warned["reason"] == "Unknown region “Атлантида”. The website “.” is not a web address."


def test_a_bad_optional_value_updates_a_registered_organisation_with_a_warning():
    _a_bad_optional_value_updates_a_registered_organisation_with_a_warning()


@on_postgres
def test_a_bad_optional_value_updates_a_registered_organisation_with_a_warning_on_postgres(requires_postgres):
    _a_bad_optional_value_updates_a_registered_organisation_with_a_warning()


# --- point 5: sources, precedence, conflicts ---------------------------------------------------------------------


def names_file(name: str, ogrn: str, **extra) -> bytes:
    header = ["Наименование", "ОГРН", *extra]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, [name, ogrn, *extra.values()]])
    return buffer.getvalue().encode()


def _a_short_name_never_replaces_the_full_one_and_conflicts_are_decided(staff):
    ogrn = complete_ogrn("102770000021")
    full = "НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ «АНДРЕЕВСКИЙ ФОНД ПОДДЕРЖКИ СЕЛЬСКИХ ХРАМОВ»"
    first, _counts = run(upload(names_file(full, ogrn, Город="Москва"), "egrul.csv"))
    org = Organisation.objects.get(ogrn=ogrn)
    assert org.source_of("name") == {"b": first.pk, "d": "2026-11-26"}

    second, counts = run(upload(names_file("АНДРЕЕВСКИЙ ФОНД, НО", ogrn), "rating.csv"))
    org.refresh_from_db()
    assert (org.name, org.short_name) == (full, "АНДРЕЕВСКИЙ ФОНД, НО")
    assert counts.updated == 1 and second.conflict_count == 0
    assert org.source_of("short_name")["b"] == second.pk and org.source_of("name")["b"] == first.pk

    third, _counts = run(upload(names_file("АНДРЕЕВСКИЙ ФОНД", ogrn), "list.csv"))
    assert third.conflict_count == 1
    conflict = ImportConflict.objects.get()
    assert (conflict.field, conflict.current, conflict.proposed) == ("name", full, "АНДРЕЕВСКИЙ ФОНД")
    # A re-import lists nothing new and changes nothing.
    again, counts = run(upload(names_file("АНДРЕЕВСКИЙ ФОНД", ogrn), "list.csv"))
    assert (again.conflict_count, counts.unchanged) == (0, 1) and ImportConflict.objects.count() == 1

    # A value entered by hand is not written over by an import: a conflict; staff accept it.
    organisation_update(organisation=org, actor=staff, data={"city": "Химки"})
    org.refresh_from_db()
    assert org.sources["city"]["m"] == staff.pk
    hand, counts = run(upload(names_file(full, ogrn, Город="Москва"), "egrul.csv"))
    assert hand.conflict_count == 1 and Organisation.objects.get(pk=org.pk).city == "Химки"
    city = ImportConflict.objects.get(field="city")
    import_conflict_decide(conflict=city, accept=True, user=staff)
    org.refresh_from_db()
    assert org.city == "Москва" and org.sources["city"] == {"b": hand.pk, "d": "2026-11-26", "m": staff.pk}
    # Keeping the registry's name: asked once, not again.
    import_conflict_decide(conflict=conflict, accept=False, user=staff)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.decided_by) == (ConflictStatus.KEPT, staff)
    org.refresh_from_db()
    assert org.name == full
    last, _counts = run(upload(names_file("АНДРЕЕВСКИЙ ФОНД", ogrn), "list.csv"))
    assert last.conflict_count == 0 and ImportConflict.objects.filter(status=ConflictStatus.OPEN).count() == 0


def test_a_short_name_never_replaces_the_full_one_and_conflicts_are_decided(personas):
    _a_short_name_never_replaces_the_full_one_and_conflicts_are_decided(personas.staff)


@on_postgres
def test_a_short_name_never_replaces_the_full_one_and_conflicts_are_decided_on_postgres(
    requires_postgres, personas
):
    _a_short_name_never_replaces_the_full_one_and_conflicts_are_decided(personas.staff)


def test_a_recorded_liquidation_is_not_undone_by_an_active_status():
    ogrn = complete_ogrn("102770000031")
    OrganisationFactory(name="Фонд «Былое»", ogrn=ogrn, inn="", status=OrganisationStatus.LIQUIDATED)
    batch, _counts = run(upload(names_file("Фонд «Былое»", ogrn, Статус="Действующая"), "old.csv"))
    assert Organisation.objects.get(ogrn=ogrn).status == OrganisationStatus.LIQUIDATED
    assert batch.conflict_count == 1
    assert ImportConflict.objects.get().field == "status"


def test_an_empty_cell_never_clears_a_value():
    ogrn = complete_ogrn("102770000041")
    OrganisationFactory(name="Фонд «Полный»", ogrn=ogrn, inn="", city="Тула")
    run(upload(names_file("Фонд «Полный»", ogrn, Город=""), "empty.csv"))
    assert Organisation.objects.get(ogrn=ogrn).city == "Тула"


def test_legal_forms_are_referenced_by_code():
    assert LegalForm.objects.filter(code="70400", name="Фонды").exists()
