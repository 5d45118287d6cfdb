"""Browser journey: staff create an event, a visitor registers and downloads the .ics."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

from resurs.registry.tests.factories import PersonFactory


def test_staff_create_event_visitor_registers_and_downloads_ics(page, personas, login):
    page.goto("/", timeout=60_000)  # the first request of a fresh server loads templates and catalogues
    login(personas.staff)
    page.goto("/events/new/")
    form = page.get_by_test_id("event-form")
    form.locator("select[name=kind]").select_option("seminar")
    form.locator("select[name=status]").select_option("published")
    form.locator("input[name=title]").fill("Семинар «Как написать заявку на грант»")
    form.locator("input[name=starts_at]").fill("2030-03-10T10:00")
    form.locator("input[name=ends_at]").fill("2030-03-10T13:00")
    form.locator("select[name=time_zone]").select_option("Asia/Novosibirsk")
    form.locator("input[name=venue]").fill("Дом НКО")
    form.locator("input[name=capacity]").fill("25")
    form.get_by_role("button", name="Создать мероприятие").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Мероприятие создано").is_visible()
    # The programme: a session with a speaker found in the registry through the picker's search.
    speaker = PersonFactory(last_name="Докладчикова", first_name="Вера", patronymic="Павловна")
    session = page.locator("form[action$='/sessions/']")
    session.locator("input[name=session-title]").fill("Как читать критерии экспертизы")
    session.locator("#id_session-speakers_search").fill("Докладч")
    session.get_by_role("button", name="+ Докладчикова Вера Павловна").click()
    session.locator(f"#id_session-speakers_chosen input[value='{speaker.pk}']").wait_for()
    session.get_by_role("button", name="Добавить сессию").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Сессия добавлена в программу").is_visible()
    page.get_by_role("link", name="Открыть публичную страницу").click()
    event_url = page.url
    assert "Докладчикова Вера Павловна" in page.get_by_test_id("programme").inner_text()

    # A visitor (anonymous) registers as a guest.
    page.context.clear_cookies()
    page.goto(event_url)
    assert page.get_by_role("heading", name="Семинар «Как написать заявку на грант»").is_visible()
    registration = page.get_by_test_id("registration-form")
    registration.locator("input[name=name]").fill("Петрова Ольга Ивановна")
    registration.locator("input[name=email]").fill("olga@example.org")
    registration.locator("input[name=consent]").check()
    registration.get_by_role("button", name="Зарегистрироваться").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("registration-status").inner_text().startswith("Подтвержд")
    code = page.get_by_test_id("registration-code").inner_text()
    assert len(code) == 6

    with page.expect_download() as download_info:
        page.get_by_test_id("ics-link").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Семинар «Как написать заявку на грант»"
    start = vevent.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (10, "Asia/Novosibirsk")

    # Staff see the participant at check-in and mark them arrived (HTMX).
    login(personas.staff)
    page.goto(event_url + "check-in/")
    page.get_by_label("Имя, почта или код").fill(code)
    page.get_by_test_id(f"check-in-{code}").click()
    assert page.get_by_text("Пришли").first.is_visible()
    page.wait_for_selector("text=Отменить отметку")
