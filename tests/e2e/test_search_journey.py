"""Browser journey: staff type Russian in lower case and with «е» for «ё» into list search boxes and find what
the capitalised, «ё»-spelt name finds (issue 15)."""

from __future__ import annotations

from playwright.sync_api import expect

from resurs.events.tests.factories import EventFactory
from resurs.registry.tests.factories import PersonFactory


def test_lowercase_russian_typed_into_search_boxes_finds_people_and_events(page, personas, login):
    PersonFactory(last_name="Семёнова", first_name="Ольга", patronymic="Игоревна")
    PersonFactory(last_name="Петрова", first_name="Анна", patronymic="Сергеевна")
    EventFactory(centre=personas.centre, title="Семинар «Растопим лёд»")
    EventFactory(centre=personas.centre, title="Форум «Добрые соседи»")
    page.goto("/", timeout=60_000)
    login(personas.staff)

    page.goto("/registry/people/")
    page.get_by_label("Поиск по имени").press_sequentially("семенова ольга", delay=30)
    results = page.locator("#results")
    expect(results).not_to_contain_text("Петрова")  # the list narrows as the words are typed
    expect(results).to_contain_text("Семёнова Ольга Игоревна")
    assert "q=" in page.url  # the search as typed is in the address, to share or reload

    page.goto("/events/")
    page.locator("input[name=q]").fill("растопим лед")
    page.locator("input[name=q]").press("Enter")
    page.wait_for_load_state("networkidle")
    main = page.locator("main")
    main.get_by_text("Семинар «Растопим лёд»").first.wait_for()
    assert "Добрые соседи" not in main.inner_text()
