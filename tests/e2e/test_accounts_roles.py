"""Browser journey: an administrator makes a user staff of a centre; the user then sees the staff menu."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded():
    """Import every app's views before the browser's first request: on a busy machine the first import of the
    URL configuration can take longer than a page's timeout."""
    import_module(settings.ROOT_URLCONF)


def test_admin_grants_a_centre_role(page, personas, login):
    login(personas.admin)
    page.goto("/accounts/users/")
    page.get_by_role("link", name=str(personas.outsider)).click()
    page.get_by_label("Роль").select_option("staff")
    page.get_by_role("button", name="Назначить").click()
    # a centre role without a centre: the error is next to the field, the chosen role is kept
    expect(page.locator("#id_centre_error")).to_be_visible()
    expect(page.get_by_label("Роль")).to_have_value("staff")
    page.get_by_label("Центр").select_option(str(personas.centre.pk))
    page.get_by_role("button", name="Назначить").click()
    expect(page.locator(".messages")).to_contain_text("Роль назначена")
    expect(page.locator("main")).to_contain_text(str(personas.centre))

    page.context.clear_cookies()
    login(personas.outsider)
    navigation = page.get_by_role("navigation", name="Основная навигация")
    navigation.locator("summary", has_text="Реестр").click()  # the registry's menu group opens
    expect(navigation.get_by_role("link", name="Предложения")).to_be_visible()
