"""Browser journey of a grant competition: an NGO representative drafts an application, leaves, comes back,
submits it and downloads the PDF; staff screen it and record a decision; the public results page shows it."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded():
    import_module(settings.ROOT_URLCONF)


def test_apply_screen_decide_publish(page, personas, login):
    from resurs.grants.models import Application
    from resurs.grants.tests.factories import open_call

    call = open_call(personas.centre, actor=personas.staff)
    page.on("dialog", lambda dialog: dialog.accept())

    # The representative starts an application from the call's page and fills part of it.
    login(personas.ngo_rep)
    page.goto(call.get_absolute_url())
    page.get_by_role("button", name="Начать заявку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Черновик заявки")
    page.get_by_label("Название проекта").fill("Соседский центр «Вместе»")
    page.get_by_label("Краткое описание проекта").fill("Открываем соседский центр для жителей микрорайона.")
    page.get_by_label("Направление").select_option(label="Направление 1")
    page.get_by_label("Начало проекта").fill("2027-03-01")
    page.get_by_label("Окончание проекта").fill("2027-12-31")
    page.get_by_label("Цель проекта").fill("Создать место встреч и взаимопомощи соседей.")
    page.get_by_label("Цель проекта").press("Tab")
    expect(page.locator("#autosave-status")).to_contain_text("Черновик сохранён")

    # An over-long answer is flagged beside the field as it is typed, and nothing is lost.
    page.get_by_label("Описание проблемы").fill("ж" * 5001)
    page.get_by_label("Описание проблемы").press("Tab")
    expect(page.locator("#err-answersproblem")).to_contain_text("Не более 5000 знаков, сейчас 5001.")

    # Leave and come back: the draft is there.
    page.goto("/grants/my/")
    page.get_by_role("link", name="Черновик").click()
    page.get_by_role("link", name="Продолжить заполнение").click()
    expect(page.get_by_label("Название проекта")).to_have_value("Соседский центр «Вместе»")
    expect(page.get_by_label("Описание проблемы")).to_have_value("ж" * 5001)

    page.get_by_label("Описание проблемы").fill("В микрорайоне нет места, где соседи могут встречаться.")
    page.get_by_label("Целевые группы").fill("Жители микрорайона")
    page.get_by_label("Ожидаемые результаты").fill("300 жителей участвуют в делах центра")
    page.fill("input[name=a__budget__0__item]", "Аренда помещения")
    page.fill("input[name=a__budget__0__quantity]", "1")
    page.fill("input[name=a__budget__0__unit_cost]", "560000")
    page.fill("input[name=a__budget__0__requested]", "500000")
    page.fill("input[name=a__budget__0__cofinancing]", "60000")
    page.fill("input[name=a__plan__0__activity]", "Открытие центра")
    page.fill("input[name=a__plan__0__starts_on]", "2027-03-01")
    page.fill("input[name=a__plan__0__ends_on]", "2027-04-01")
    page.fill("input[name=a__plan__0__result]", "Центр открыт")
    page.locator("input[name=a__plan__0__result]").press("Tab")
    expect(page.get_by_test_id("total-cost")).to_contain_text("560")
    page.get_by_role("button", name="Подать заявку").click()

    expect(page.locator(".messages")).to_contain_text("Заявка подана")
    application = Application.objects.get(call=call)
    expect(page.get_by_test_id("application-number")).to_have_text(application.number)
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать PDF").click()
    assert download.value.suggested_filename == f"application-{application.number}.pdf"

    # Staff screen it and record the decision.
    page.context.clear_cookies()
    login(personas.staff)
    page.goto(f"/grants/manage/calls/{call.slug}/applications/?status=submitted")
    page.get_by_role("link", name=application.number).click()
    page.get_by_label("Допущена", exact=True).check()
    page.locator("#screening textarea[name=reason]").fill("Документы в порядке")
    page.get_by_role("button", name="Записать решение о допуске").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Допущена")
    page.get_by_label("Результат", exact=True).select_option("awarded")
    page.get_by_label("Размер гранта").fill("450000")
    page.get_by_role("button", name="Записать решение", exact=True).click()
    expect(page.get_by_test_id("application-status")).to_have_text("Победитель")

    # The call goes through its stages to published results.
    page.goto(f"/grants/manage/calls/{call.slug}/")
    for stage in ("Приём завершён", "Экспертиза", "Решения приняты", "Итоги опубликованы"):
        page.get_by_role("button", name=f"Перевести в «{stage}»").click()
        expect(page.locator(".messages")).to_contain_text("Этап конкурса изменён")

    # Anyone sees the winner on the public results page.
    page.context.clear_cookies()
    page.goto(f"/grants/calls/{call.slug}/results/")
    winners = page.get_by_test_id("winners")
    expect(winners).to_contain_text("Соседский центр «Вместе»")
    expect(winners).to_contain_text(application.number)
