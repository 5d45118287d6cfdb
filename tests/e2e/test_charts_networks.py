"""What a person sees of charts and networks: charts drawn large enough to read at 1366 px and fitting at 390 px,
ticks in Russian number formats (roubles, no "1e6"), counts in whole numbers, the same numbers as a table; the
network drawn in WebGL, and finding an organisation focuses it and its ties."""

import datetime as dt
import re
from decimal import Decimal

from resurs.cooperation.tests.factories import PartnershipFactory
from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import OrganisationFactory
from tests.e2e.visual import assert_accessible, assert_no_sideways_scroll

VALUE_CHART = "[data-chart='chart-partnership-value-by-year']"
COUNT_CHART = "[data-chart='chart-partnerships-by-year']"


def _ticks(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{selector} svg text").all_text_contents() if t.strip()]


def test_overview_charts_are_readable_localised_and_tabled(page, login, personas):
    PartnershipFactory(centre=personas.centre, value=Decimal("1500000"), started_on=dt.date(2024, 3, 1))
    PartnershipFactory(centre=personas.centre, value=Decimal("2250000"), started_on=dt.date(2025, 5, 1))
    PartnershipFactory(centre=personas.centre, value=Decimal("750000"), started_on=dt.date(2025, 9, 1))
    login(personas.staff)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/cooperation/")
    page.wait_for_selector(f"{VALUE_CHART}[data-drawn] svg text")
    box = page.locator(f"{VALUE_CHART} svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 200

    money = _ticks(page, VALUE_CHART)
    assert any("млн" in t and "₽" in t for t in money), money  # "1,5 млн ₽", not "1.5e6"
    assert not any(re.search(r"\de[+-]?\d", t) for t in money), money
    counts = [t for t in _ticks(page, COUNT_CHART) if re.fullmatch(r"[\d.,\s]+", t)]
    assert counts and all(re.fullmatch(r"\d+", t) for t in counts), counts  # whole numbers only

    table = page.locator(VALUE_CHART).locator("xpath=..").get_by_test_id("chart-table")
    table.locator("summary").click()
    assert re.search(r"1\s500\s000\s₽", table.inner_text())

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector(f"{VALUE_CHART}[data-drawn] svg text")
    narrow = page.locator(f"{VALUE_CHART} svg").bounding_box()
    assert 250 < narrow["width"] <= 390 and narrow["height"] > 200
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_network_draws_and_finding_an_organisation_focuses_it(page, login, personas):
    hub = OrganisationFactory(kind=OrganisationKind.BUSINESS, short_name="ООО «Сибирский лён»")
    for _ in range(3):
        PartnershipFactory(centre=personas.centre, organisation_a=hub)
    PartnershipFactory(centre=personas.centre)
    login(personas.staff)
    page.set_viewport_size({"width": 1366, "height": 768})
    fetched = []
    page.on("response", lambda r: fetched.append(r) if "/cooperation/network/data.json" in r.url else None)
    html = page.goto("/cooperation/network/")
    assert "Сибирский лён" not in html.text()  # the network is not in the page: the script fetches it
    network = page.get_by_test_id("network")
    page.wait_for_selector("[data-testid=network][data-ready=true] canvas")
    assert page.evaluate("window.resursNetwork.graph.order") == 6
    assert (
        network.get_attribute("data-state") == "drawn" and page.get_by_test_id("network-status").is_hidden()
    )
    assert [r.status for r in fetched] == [200]
    page.wait_for_selector("[data-testid=network][data-layout=done]")
    box = network.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    print("network first paint, ms:", network.get_attribute("data-first-paint-ms"))

    page.get_by_test_id("network-find").fill("сибирский")
    page.get_by_test_id("network-find").press("Enter")
    page.wait_for_selector(f"[data-testid=network][data-focus='{hub.pk}']")
    focus = page.get_by_test_id("network-focus")
    assert "Сибирский лён" in focus.inner_text() and "связей: 3" in focus.inner_text()
    assert focus.get_by_role("link").get_attribute("href") == f"/registry/organisations/{hub.pk}/"

    page.get_by_role("button", name="Показать всю сеть").click()
    page.wait_for_selector("[data-testid=network][data-focus='']")


def test_the_network_says_when_its_data_cannot_be_loaded(page, login, personas):
    PartnershipFactory(centre=personas.centre)
    login(personas.staff)
    status = page.get_by_test_id("network-status")
    held = []
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        held.clear()
        page.route("**/cooperation/network/data.json*", lambda route: held.append(route))
        page.goto("/cooperation/network/")
        page.wait_for_selector("[data-testid=network][data-state=loading]")
        assert status.inner_text() == "Загружаем сеть…" and status.is_visible()
        assert_accessible(page)
        assert_no_sideways_scroll(page)
        held[0].abort()  # the connection drops
        page.wait_for_selector("[data-testid=network][data-state=failed]")
        assert (
            status.inner_text() == "Не удалось загрузить сеть. Обновите страницу, чтобы попробовать ещё раз."
        )
        page.unroute("**/cooperation/network/data.json*")

    # The server's own reason, in the reader's language: the session ended (in another tab) before the fetch.
    held.clear()
    page.route("**/cooperation/network/data.json*", lambda route: held.append(route))
    page.goto("/cooperation/network/")
    page.wait_for_selector("[data-testid=network][data-state=loading]")
    page.context.clear_cookies()
    held[0].continue_()
    page.wait_for_selector("[data-testid=network][data-state=failed]")
    assert (
        status.inner_text() == "Не удалось загрузить сеть. Сеанс завершён: войдите снова, чтобы это увидеть."
    )
