"""Browser journeys: staff send a press announcement to a segment of journalists; a published report appears on
the public page, in search and in the Atom feed."""

from __future__ import annotations

import datetime as dt

import feedparser
from playwright.sync_api import expect


def test_staff_send_press_announcement_to_a_segment(page, personas, login):
    from resurs.outreach.models import MediaContact, Topic

    ageing = Topic.objects.create(slug="ageing", name_ru="Старшее поколение", name_en="Older people")
    youth = Topic.objects.create(slug="youth", name_ru="Молодёжь", name_en="Youth")
    inside = MediaContact.objects.create(
        centre=personas.centre,
        name="Анна Орлова",
        outlet_name="Радио Город",
        email="orlova@example.org",
        consent_given_on=dt.date(2026, 1, 10),
    )
    inside.topics.add(ageing)
    outside = MediaContact.objects.create(
        centre=personas.centre,
        name="Илья Белов",
        outlet_name="Вести",
        email="belov@example.org",
        consent_given_on=dt.date(2026, 1, 10),
    )
    outside.topics.add(youth)
    page.goto("/", timeout=60_000)  # the first request of a fresh server loads templates and catalogues
    personas.staff.email = "staff@centre.example.org"
    personas.staff.save()
    login(personas.staff)
    page.goto("/outreach/media/announcements/new/")
    form = page.get_by_test_id("outreach-form")
    form.locator("input[name=subject]").fill("Пресс-анонс: доклад о положении пожилых")
    form.locator("textarea[name=body]").fill("Приглашаем на презентацию доклада.")
    form.locator("select[name=topics]").select_option(label="Старшее поколение")
    form.get_by_role("button", name="Сохранить").click()
    page.wait_for_load_state("networkidle")
    recipients = page.get_by_test_id("recipients").inner_text()
    assert "orlova@example.org" in recipients and "belov@example.org" not in recipients
    # What journalists receive, before anything is sent: the e-mail as the first recipient will get it.
    preview = page.get_by_test_id("announcement-preview")
    expect(preview).to_contain_text("Приглашаем на презентацию доклада.")
    expect(preview).to_contain_text("Анна Орлова")
    # A test to oneself goes to the sender only.
    page.get_by_test_id("send-test").click()
    expect(page.get_by_text("Тестовое письмо отправлено на staff@centre.example.org")).to_be_visible()
    assert page.get_by_test_id("announcement-status").inner_text().startswith("Черновик")
    # The confirmation states how many journalists will receive it.
    page.get_by_test_id("send-announcement").click()
    expect(page.get_by_test_id("send-confirmation")).to_contain_text("1 журналисту")
    expect(page.get_by_test_id("confirm-send")).to_have_text("Отправить 1 журналисту")
    page.get_by_test_id("confirm-send").click()
    expect(page.get_by_text("Анонс отправлен 1 журналисту.")).to_be_visible()
    assert page.get_by_test_id("announcement-status").inner_text().startswith("Отправлено")
    log = page.get_by_test_id("delivery-log").inner_text()
    assert "orlova@example.org" in log and "belov@example.org" not in log


def test_published_report_on_page_in_search_and_feed(page, personas, login):
    login(personas.staff)
    page.goto("/outreach/publications/new/")
    form = page.get_by_test_id("outreach-form")
    form.locator("select[name=kind]").select_option("report")
    form.locator("input[name=title_ru]").fill("Доступность социальных услуг для пожилых в малых городах")
    form.locator("textarea[name=summary]").fill("Главные выводы исследования по районам области.")
    form.locator("input[name=published_on]").fill("2026-11-20")
    form.locator("input[name=is_published]").check()
    form.get_by_role("button", name="Сохранить").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role(
        "heading", name="Доступность социальных услуг для пожилых в малых городах"
    ).is_visible()

    page.context.clear_cookies()
    page.goto("/outreach/publications/")
    assert page.get_by_test_id("publication-list").get_by_text("Доступность социальных услуг").is_visible()
    page.locator("#id_q").fill("малых городах")
    page.locator("form[role=search]").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert (
        page.get_by_test_id("publication-list")
        .get_by_role("link")
        .first.inner_text()
        .startswith("Доступность")
    )

    response = page.request.get("/outreach/publications/feed.atom")
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    assert feed.entries[0].title == "Доступность социальных услуг для пожилых в малых городах"
