"""A researcher runs a small study end to end in the browser: creates it, adds a respondent and an interview,
codes a passage by selecting it in the transcript, records a nomination and sees the ranking, the chart, the
network and the report."""

import re

from playwright.sync_api import expect

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research.models import CodedSegment, Nomination

TRANSCRIPT = (
    "Интервьюер: Какие организации сильнее всего повлияли на сектор?\n"
    "Респондент: Прежде всего Агентство социальных новостей. Они задают информационную повестку для всех НКО."
)


def _warm_up():
    """Load URLconf, views and templates in this process before the browser's first request: on a busy shared
    machine the first page otherwise spends most of the browser's timeout importing modules."""
    from django.test import Client

    Client().get("/accounts/login/")


def test_researcher_runs_a_study(page, personas, login):
    _warm_up()
    nominee = OrganisationFactory(
        name="Автономная некоммерческая организация «Агентство социальных новостей»",
        short_name="Агентство социальных новостей",
        founded_on="1998-04-01",
    )
    login(personas.researcher)

    page.goto("/research/")
    page.get_by_role("link", name="Новое исследование").click()
    page.get_by_label("Название").fill("Кто двигает сектор")
    page.get_by_label("Метод").fill("Полуструктурированные интервью")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Кто двигает сектор")).to_be_visible()

    page.get_by_role("link", name="Добавить респондента").click()
    page.get_by_label("Фамилия").fill("Соколова")
    page.get_by_label("Имя", exact=True).fill("Ирина")
    page.get_by_label("Организация").fill(personas.ngo.inn)
    page.get_by_label("Категория").select_option("infrastructure_leader")
    page.get_by_role("button", name="Добавить респондента").click()
    expect(page.get_by_role("heading", name=re.compile("Соколова"))).to_be_visible()

    page.get_by_role("link", name="Добавить интервью").click()
    page.get_by_label("Дата").fill("2026-10-01")
    page.get_by_label("Расшифровка").fill(TRANSCRIPT)
    page.get_by_role("button", name="Сохранить интервью").click()
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text("Агентство социальных новостей")

    # Select a passage as a mouse would leave it: a DOM selection inside the transcript.
    expect(page.locator("html")).to_have_attribute("data-coding-ready", "true")
    page.evaluate(
        """() => {
            const node = document.getElementById('transcript').firstChild;
            const start = node.textContent.indexOf('Они задают');
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + 'Они задают информационную повестку'.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }"""
    )
    expect(page.get_by_test_id("selection-preview")).to_contain_text("Они задают информационную повестку")
    page.get_by_label("Код").select_option(label="Информационное пространство")
    page.get_by_role("button", name="Применить код").click()
    expect(page.get_by_test_id("segments")).to_contain_text("Они задают информационную повестку")
    segment = CodedSegment.objects.get()
    assert segment.text == "Они задают информационную повестку"

    # Applying a code with nothing selected gives a clear message and saves nothing.
    page.get_by_role("button", name="Применить код").click()
    expect(page.locator("#coding-panel")).to_contain_text("Выделите фрагмент расшифровки")
    assert CodedSegment.objects.count() == 1

    page.get_by_role("link", name=re.compile("^R01")).click()
    page.get_by_label("Организация (как назвал респондент)").fill("Агентство социальных новостей")
    page.get_by_label("Информационное пространство").check()
    page.get_by_label("Место").fill("1")
    page.get_by_role("button", name="Внести номинацию").click()
    expect(page.get_by_test_id("nominations")).to_contain_text("Агентство социальных новостей")
    assert Nomination.objects.get().organisation == nominee

    page.goto(f"/research/{segment.interview.respondent.study_id}/analysis/")
    expect(page.get_by_test_id("ranking")).to_contain_text("Агентство социальных новостей")
    expect(page.get_by_test_id("ranking-chart").locator("[data-chart] svg")).to_be_visible()
    expect(page.get_by_test_id("network")).to_have_attribute("data-ready", "true")

    page.get_by_role("link", name="Отчёт").click()
    expect(page.get_by_test_id("headline")).to_contain_text("Названа 1 организация.")
    expect(page.get_by_test_id("headline")).to_contain_text("100% действуют более 20 лет.")
    expect(page.get_by_test_id("report-chart").locator("[data-chart] svg")).to_be_visible()
