"""Browser journeys of the registry: staff add an organisation (fixing a wrong INN) and find it; a visitor
switches the language; an NGO representative proposes an edit that staff approve."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from resurs.registry.validators import complete_inn10


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded():
    """Import every app's views before the browser's first request: on a busy machine the first import of the
    URL configuration can take longer than a page's timeout."""
    import_module(settings.ROOT_URLCONF)


def test_staff_adds_an_organisation_fixing_a_wrong_inn_and_finds_it(page, personas, login):
    login(personas.staff)
    page.goto("/registry/organisations/new/")
    page.get_by_label("Полное наименование").fill("Автономная некоммерческая организация «Городские истории»")
    page.get_by_label("Краткое наименование").fill("АНО «Городские истории»")
    page.get_by_label("ИНН", exact=True).fill("5400000001")  # wrong check digit
    page.get_by_label("Город").fill("Новосибирск")
    page.get_by_role("button", name="Сохранить").click()

    error = page.locator("#id_inn_error")
    expect(error).to_contain_text("контрольная цифра")
    # nothing typed is lost
    expect(page.get_by_label("Город")).to_have_value("Новосибирск")

    page.get_by_label("ИНН", exact=True).fill(complete_inn10("540000000"))
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("АНО «Городские истории»")
    expect(page.locator(".messages")).to_contain_text("Организация добавлена в реестр")

    page.goto("/registry/organisations/")
    page.locator("input[name=q]").fill("Городские истор")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="АНО «Городские истории»")).to_be_visible()
    expect(page.get_by_test_id("result-count")).to_contain_text("1")
    assert "q=" in page.url  # the search is in the address, so it can be shared and reloaded


def test_visitor_switches_the_language(page, reference_data):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("link", name="Войти")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("link", name="Войти")).to_be_visible()


def test_representative_proposes_an_edit_that_staff_approve(page, personas, login):
    organisation = personas.ngo
    login(personas.ngo_rep)
    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name="Предложить изменения").click()
    page.get_by_label("Город").fill("Екатеринбург")
    page.get_by_label("Комментарий для сотрудников").fill("Переехали в 2026 году")
    page.get_by_role("button", name="Отправить предложение").click()
    expect(page.locator(".messages")).to_contain_text("Сотрудники рассмотрят")
    expect(page.get_by_text("Ждёт рассмотрения")).to_be_visible()

    page.context.clear_cookies()
    login(personas.staff)
    expect(page.get_by_test_id("pending-proposals")).to_contain_text("1")
    page.get_by_test_id("pending-proposals").click()
    page.get_by_role("link", name=re.compile(re.escape(str(organisation)))).click()
    expect(page.locator("table.diff")).to_contain_text("Екатеринбург")
    page.get_by_role("button", name="Одобрить и внести").click()
    expect(page.locator(".messages")).to_contain_text("Изменения внесены")

    page.goto(organisation.get_absolute_url())
    expect(page.get_by_test_id("org-city")).to_have_text("Екатеринбург")
    expect(page.locator("#history")).to_contain_text("Екатеринбург")
