"""Browser journeys: staff import a CSV with some bad rows, map its columns, read why rows were rejected or warned
about, and find an imported organisation by search; staff see unmapped values with counts in the preview, import,
download the report and decide a conflict."""

from __future__ import annotations

import csv
import io

from resurs.registry.validators import complete_inn10, complete_ogrn


def _csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Организация", "ИНН", "ОГРН", "Субъект", "Создана"])
    writer.writerow(["Благотворительный фонд «Дорога жизни»", complete_inn10("770000001"),
                     complete_ogrn("102770000001"), "Москва", "17.05.2010"])  # fmt: skip
    writer.writerow(
        ["АНО «Центр развития добровольчества»", complete_inn10("770000002"), "", "Республика Татарстан", ""]
    )
    writer.writerow(["Фонд из ниоткуда", complete_inn10("770000003"), "", "Атлантида", ""])
    writer.writerow(["Фонд с опечаткой в ИНН", "7700000049", "", "Москва", ""])
    return buffer.getvalue().encode("cp1251")


def test_staff_import_a_file_with_bad_rows_and_find_an_organisation(page, personas, login):
    page.goto("/", timeout=60_000)  # the live server's first request loads every app: slow on a busy machine
    login(personas.staff)
    page.goto("/registry/imports/")
    page.set_input_files(
        "input[name=file]", {"name": "partners.csv", "mimeType": "text/csv", "buffer": _csv()}
    )
    page.locator("[data-testid=import-upload] button[type=submit]").click()

    # The mapping step: the preview shows the file (read from Windows-1251), the columns are chosen by hand.
    page.wait_for_selector("[data-testid=import-mapping]")
    assert page.locator("[data-testid=import-preview]").get_by_text("Фонд из ниоткуда").is_visible()
    page.select_option("select[name=col_name]", "Организация")
    page.select_option("select[name=col_inn]", "ИНН")
    page.select_option("select[name=col_ogrn]", "ОГРН")
    page.select_option("select[name=col_region]", "Субъект")
    page.select_option("select[name=col_founded_on]", "Создана")
    page.locator("[data-testid=start-import]").click()

    # The unknown region is left out with a warning; only the bad INN rejects its row.
    page.wait_for_selector("[data-testid=count-created]")
    assert page.locator("[data-testid=count-created]").inner_text() == "3"
    assert page.locator("[data-testid=count-rejected]").inner_text() == "1"
    assert page.locator("[data-testid=warned-rows]").get_by_text("Атлантида").first.is_visible()
    rejected = page.locator("[data-testid=rejected-rows]")
    assert rejected.locator("tbody tr").count() == 1
    assert "7700000049" in rejected.locator("tbody tr").nth(0).locator("td").nth(1).inner_text()

    page.goto("/registry/organisations/?q=дорога+жизни")
    assert page.get_by_text("Благотворительный фонд «Дорога жизни»").first.is_visible()


def _foundations_csv(ogrn_known: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "ogrn", "status", "region", "city", "okopf", "okopf_id"])
    writer.writerow(["ФОНД «ОПОРА»", ogrn_known, "Действующая", "Москва", "Москва", "Фонды", "70400"])
    writer.writerow(["ФОНД «ЗАРЯ»", complete_ogrn("112770000302"), "Ликвидируется", "Пермский край", "", "Фонды", "70400"])  # fmt: skip
    writer.writerow(["ФОНД «РАССВЕТ»", complete_ogrn("112770000303"), "Сведения уточняются", "Лунная область", "", "Фонды", "70400"])  # fmt: skip
    return buffer.getvalue().encode("cp1251")


def test_staff_see_unmapped_values_and_warnings_import_download_the_report_and_decide_a_conflict(
    page, personas, login
):
    from resurs.registry.services import organisation_update
    from resurs.registry.tests.factories import OrganisationFactory

    known = OrganisationFactory(name="ФОНД «ОПОРА»", inn="", ogrn=complete_ogrn("112770000301"), city="")
    organisation_update(organisation=known, actor=personas.staff, data={"city": "Химки"})

    page.goto("/", timeout=60_000)
    login(personas.staff)
    page.goto("/registry/imports/")
    page.set_input_files(
        "input[name=file]",
        {"name": "foundations.csv", "mimeType": "text/csv", "buffer": _foundations_csv(known.ogrn)},
    )
    page.locator("[data-testid=import-upload] button[type=submit]").click()

    # The preview: the code column was taken, the names column is listed as not imported, and the values that
    # match nothing are counted per column, with the rows that will carry a warning.
    page.wait_for_selector("[data-testid=import-check]")
    assert page.locator("select[name=col_legal_form_code]").input_value() == "okopf_id"
    check = page.locator("[data-testid=import-check]")
    assert check.locator("[data-testid=unmapped-status]").get_by_text("Сведения уточняются").is_visible()
    assert check.locator("[data-testid=unmapped-region] td").nth(1).inner_text() == "1"
    assert check.locator("[data-testid=unmapped-columns]").get_by_text("okopf", exact=True).is_visible()
    assert check.locator("[data-testid=check-warned]").inner_text().startswith("1")
    page.select_option("select[name=col_city]", "city")
    page.locator("[data-testid=start-import]").click()

    page.wait_for_selector("[data-testid=count-created]")
    assert page.locator("[data-testid=count-created]").inner_text() == "2"
    assert page.locator("[data-testid=count-rejected]").inner_text() == "0"
    assert page.locator("[data-testid=count-warned]").inner_text() == "1"
    assert page.locator("[data-testid=count-conflicts]").inner_text() == "1"
    assert page.locator("[data-testid=warned-rows]").get_by_text("Лунная область").first.is_visible()
    with page.expect_download() as download_info:
        page.locator("[data-testid=download-unmapped]").click()
    report = download_info.value.path().read_text(encoding="utf-8-sig")
    assert "Сведения уточняются,1" in report and "Лунная область,1" in report
    with page.expect_download() as download_info:
        page.locator("[data-testid=download-warnings]").click()
    assert "Лунная область" in download_info.value.path().read_text(encoding="utf-8")

    # The conflict: the city entered by hand was not written over; staff accept the file's value.
    page.locator("[data-testid=conflicts-link] a").click()
    conflict = page.locator("[data-testid=conflict]")
    assert conflict.locator("[data-testid=conflict-current]").inner_text() == "Химки"
    assert conflict.locator("[data-testid=conflict-proposed]").inner_text() == "Москва"
    conflict.locator("button[value=accept]").click()
    page.wait_for_selector("[data-testid=conflict-decision]")
    page.goto(f"/registry/organisations/{known.pk}/")
    assert page.locator("[data-testid=org-city]").inner_text() == "Москва"
    assert page.locator("[data-testid=org-sources]").get_by_text("foundations.csv").first.is_visible()
