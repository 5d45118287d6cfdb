"""Browser journey: staff create an event, a visitor registers and downloads the .ics."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import expect

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


def test_check_in_counter_changes_without_reload_and_every_registration_is_reachable(page, personas, login):
    """261 registrations: the total is shown, the last page is reachable, and "Arrived" counts up in place."""
    from resurs.events.tests.factories import EventFactory, RegistrationFactory

    event = EventFactory(centre=personas.centre, title="Форум НКО")
    RegistrationFactory.create_batch(260, event=event)
    last = RegistrationFactory(event=event, name="Яковлева Ярослава")
    page.goto("/", timeout=60_000)
    login(personas.staff)
    page.goto(f"/events/{event.pk}/check-in/")
    assert "из 261" in page.get_by_test_id("checkin-total").inner_text()
    assert page.get_by_test_id("arrived-count").inner_text() == "0"
    page.goto(f"/events/{event.pk}/check-in/?page=3")
    assert page.get_by_text("Яковлева Ярослава").is_visible()
    page.evaluate("window.__marker = 'same page'")  # survives only if the page is not reloaded
    page.get_by_test_id(f"check-in-{last.code}").click()
    expect(page.get_by_test_id("arrived-count")).to_have_text("1")
    assert page.evaluate("window.__marker") == "same page"
    assert page.get_by_test_id("arrived-count").inner_text() == "1"


def test_ticket_shows_a_qr_code_and_the_desk_scans_it(page, personas, login):
    """The participant's ticket page shows the QR code; at the desk the scanned code (as a hand scanner or the
    camera hands it to the form) checks them in once, and a second scan says when they arrived."""
    from resurs.events import services
    from resurs.events.tests.factories import EventFactory, RegistrationFactory
    from resurs.events.tickets import ticket_token

    event = EventFactory(centre=personas.centre, title="Форум НКО")
    registration = RegistrationFactory(event=event, name="Петрова Ольга")
    page.goto(f"/events/registrations/{services.registration_token(registration)}/", timeout=60_000)
    qr = page.get_by_test_id("ticket-qr").locator("svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150

    login(personas.staff)
    page.goto(f"/events/{event.pk}/check-in/")
    page.get_by_test_id("scan-mode").click()
    assert page.locator("#scan-camera").count() == 1
    assert page.get_by_test_id("arrived-count").inner_text() == "0"
    page.get_by_label("Код билета").fill(ticket_token(registration))
    page.get_by_label("Код билета").press("Enter")
    page.locator("[data-outcome=checked_in]").wait_for()
    assert "Петрова Ольга" in page.get_by_test_id("scan-result").inner_text()
    assert page.get_by_test_id("arrived-count").inner_text() == "1"
    page.get_by_label("Код билета").fill(ticket_token(registration))
    page.get_by_label("Код билета").press("Enter")
    page.locator("[data-outcome=already]").wait_for()
    assert "уже отмечен" in page.get_by_test_id("scan-result").inner_text()
    page.get_by_label("Код билета").fill("НЕТАКОГО")
    page.get_by_label("Код билета").press("Enter")
    page.locator("[data-outcome=unknown]").wait_for()
    assert page.get_by_test_id("arrived-count").inner_text() == "1"


def test_month_grid_shows_events_and_collapses_into_a_day_list_on_a_phone(page):
    import datetime as dt

    from django.utils import timezone

    from resurs.events.tests.factories import EventFactory

    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    EventFactory(title="Семинар «Отчётность НКО»", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    nxt = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=3)
    later = timezone.make_aware(dt.datetime.combine(nxt, dt.time(11)))
    EventFactory(title="Форум «Ресурс»", starts_at=later, ends_at=later + dt.timedelta(hours=5))
    page.goto("/events/", timeout=60_000)
    page.get_by_test_id("month-tab").click()
    grid = page.get_by_test_id("month-grid")
    expect(grid).to_be_visible()
    assert grid.locator("th").first.inner_text().strip().lower().startswith("пн")  # Monday first in Russian
    cell = grid.locator(f"td[data-date='{today:%Y-%m-%d}']")
    assert cell.get_attribute("aria-current") == "date"
    expect(cell.get_by_role("link", name="Семинар «Отчётность НКО»")).to_be_visible()
    page.get_by_test_id("month-next").click()
    expect(grid.get_by_role("link", name="Форум «Ресурс»")).to_be_visible()
    grid.get_by_role("link", name="Форум «Ресурс»").click()
    expect(page.get_by_role("heading", name="Форум «Ресурс»")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/events/month/")
    expect(page.get_by_test_id("month-grid")).to_be_hidden()
    days = page.get_by_test_id("month-days")
    expect(days.get_by_role("link", name="Семинар «Отчётность НКО»")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _qr_video(text: str, path: Path) -> Path:
    """A one-frame Y4M video of ``text`` as a QR code, for Chromium's fake camera."""
    import segno

    width, height, scale = 640, 480, 8
    matrix = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=scale, border=4)]
    luma = bytearray([235]) * (width * height)
    top, left = (height - len(matrix)) // 2, (width - len(matrix[0])) // 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * width + left + x] = 16
    chroma = bytes([128]) * (width * height // 4)
    path.write_bytes(
        f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
        + b"FRAME\n"
        + luma
        + chroma
        + chroma
    )
    return path


def test_desk_camera_reads_the_ticket_qr_code(browser, live_server, transactional_db, personas, tmp_path):
    """With Chromium's fake camera showing a ticket's QR code, starting the camera checks the person in."""
    from resurs.accounts.tests.factories import PASSWORD
    from resurs.events.tests.factories import EventFactory, RegistrationFactory
    from resurs.events.tickets import ticket_token
    from resurs.registry.reference import ensure_reference_data

    from .conftest import CHROMIUM, CHROMIUM_ARGS

    ensure_reference_data()
    event = EventFactory(centre=personas.centre, title="Форум НКО")
    registration = RegistrationFactory(event=event, name="Петрова Ольга")
    video = _qr_video(ticket_token(registration), tmp_path / "ticket.y4m")
    camera_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(locale="ru-RU", base_url=live_server.url)
        context.grant_permissions(["camera"])
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto("/accounts/login/", timeout=60_000)
        page.fill("input[name=login]", personas.staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"/events/{event.pk}/check-in/?mode=scan")
        page.get_by_test_id("scan-start").click()
        # A busy machine decodes the fake camera's frames slowly: the first read may take a while.
        page.locator("[data-outcome], #scan-camera-error:visible").first.wait_for(timeout=90_000)
        assert page.locator("#scan-camera-error").is_hidden(), "the camera did not start"
        expect(page.locator("[data-outcome]")).to_have_attribute("data-outcome", "checked_in")
        assert "Петрова Ольга" in page.get_by_test_id("scan-result").inner_text()
        expect(page.get_by_test_id("arrived-count")).to_have_text("1")
        registration.refresh_from_db()
        assert registration.checked_in_at is not None
    finally:
        camera_browser.close()
