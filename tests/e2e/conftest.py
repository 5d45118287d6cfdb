"""Browser journeys: Playwright driving Debian's Chromium (/usr/bin/chromium) against the live test server.

Every test in this folder is marked ``e2e``. Without Chromium they skip with a clear message on a developer's
machine; in CI (CI=true) a skip is turned into a failure by the root conftest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser journeys need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _warm_up_the_application():
    """Import every URL module (and with them matplotlib, WeasyPrint, NumPy...) before the first page, so that
    the first request of a journey does not pay for it and time out on a busy machine."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    import resurs.core.charts  # noqa: F401


# --- Content-Security-Policy: a journey fails when the browser refuses anything on a page it visits ----------


def _is_csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def page(browser, live_server, transactional_db, settings):
    """A fresh browser page (Russian locale, the product's default) pointing at the live server. The test fails
    if the browser reports a Content-Security-Policy violation on any page it opened."""
    from resurs.registry.reference import ensure_reference_data

    ensure_reference_data()
    context = browser.new_context(
        locale="ru-RU", base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console", lambda message: violations.append(message.text) if _is_csp_violation(message) else None
    )
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def login(page):
    """``login(user)``: sign in through the login form as a person would."""
    from resurs.accounts.tests.factories import PASSWORD

    def do_login(user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", password)
        page.click("[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return do_login
