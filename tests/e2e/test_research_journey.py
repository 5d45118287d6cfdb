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
    expect(page.get_by_test_id("headline")).to_contain_text(
        re.compile(r"100% на .+ действовали более 20 лет\.")
    )
    # The study has no end date: the page says the figures are as of today and will change.
    expect(page.get_by_test_id("reference-date")).to_contain_text("на сегодня")
    expect(page.get_by_test_id("report-chart").locator("[data-chart] svg")).to_be_visible()


NAMES_ONLY = (
    "record,respondent,last_name,first_name,patronymic,category,region_code,consent,nominee\n"
    "respondent,R01,Белова,Анна,,expert,77,да,\n"
    "respondent,R02,Орлов,Пётр,Ильич,infrastructure_leader,54,да,\n"
    "nomination,R01,,,,,,,«Опора-5»\n"
    "nomination,R02,,,,,,,опора-5\n"
    "nomination,R02,,,,,,,Фонд «Надежда-Плюс»\n"
)


def test_researcher_imports_a_spreadsheet_of_names(page, personas, login, tmp_path):
    """A researcher with a spreadsheet of names only: the respondents are created in the registry with consent,
    «Опора-5» is matched by its exact name despite «Опора-53», an unknown name waits in the review list, and the
    report states the date its figures are computed for (the end of fieldwork)."""
    import datetime as dt

    from resurs.registry.models import Person
    from resurs.research.tests.factories import make_study

    _warm_up()
    OrganisationFactory(name="Автономная некоммерческая организация «Опора-53»", short_name="АНО «Опора-53»")
    exact = OrganisationFactory(
        name="Автономная некоммерческая организация «Опора-5»",
        short_name="АНО «Опора-5»",
        founded_on="1995-02-01",
    )
    study = make_study(
        personas, title="Кто влиял в 2019–2020", starts_on=dt.date(2019, 9, 1), ends_on=dt.date(2020, 6, 30)
    )
    upload = tmp_path / "names.csv"
    upload.write_text(NAMES_ONLY, encoding="utf-8")
    login(personas.researcher)

    page.goto(f"/research/{study.pk}/import/")
    page.get_by_label("Файл CSV или XLSX").set_input_files(str(upload))
    page.get_by_role("button", name="Импорт", exact=True).click()
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("по точному названию: 2, оставлено для проверки: 1")
    expect(page.get_by_test_id("people-created")).to_contain_text("Белова Анна")
    expect(page.get_by_test_id("people-created")).to_contain_text("Орлов Пётр Ильич")
    expect(page.get_by_test_id("import-review")).to_contain_text("Фонд «Надежда-Плюс»")
    assert Person.objects.filter(last_name="Орлов", consent_given_at__isnull=False).count() == 1

    page.get_by_role("link", name="Проверить названия").click()
    expect(page.get_by_test_id("unmatched")).to_contain_text("Фонд «Надежда-Плюс»")
    assert set(Nomination.objects.exclude(organisation=None).values_list("organisation", flat=True)) == {
        exact.pk
    }

    page.goto(f"/research/{study.pk}/report/")
    expect(page.get_by_test_id("headline")).to_contain_text(
        "100% на 30 июня 2020 г. действовали более 20 лет."
    )
    expect(page.get_by_test_id("reference-date")).to_contain_text("окончания полевого этапа")
