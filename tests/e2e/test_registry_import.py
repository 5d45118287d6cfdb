"""Browser journey: staff import a CSV with some bad rows, map its columns, read why rows were rejected, and find
an imported organisation by search."""

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
    page.locator("[data-testid=import-mapping] button[type=submit]").click()

    page.wait_for_selector("[data-testid=count-created]")
    assert page.locator("[data-testid=count-created]").inner_text() == "2"
    assert page.locator("[data-testid=count-rejected]").inner_text() == "2"
    rejected = page.locator("[data-testid=rejected-rows]")
    assert rejected.get_by_text("Атлантида").first.is_visible()
    assert rejected.locator("tbody tr").count() == 2
    assert rejected.locator("tbody tr").nth(1).locator("td").nth(1).inner_text().strip() != ""

    page.goto("/registry/organisations/?q=дорога+жизни")
    assert page.get_by_text("Благотворительный фонд «Дорога жизни»").first.is_visible()
