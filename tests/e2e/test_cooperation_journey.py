"""Staff record a business–NGO partnership and a business person's seat on the NGO's board, see both on the
organisation's cooperation profile and in the network, and answer a request for advice from a regional ministry."""

import datetime as dt

from resurs.cooperation.models import AdviceRequest, GovernanceSeat, Partnership
from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory


def choose(page, field: str, query: str, label: str) -> None:
    """Type into the registry picker's search box and pick the result with ``label``."""
    page.fill(f"#id_{field}_search", query)
    page.locator(f"#id_{field}_results button", has_text=label).first.click()
    page.locator(f"#id_{field}_chosen input[name={field}]:checked", has_text="").first.wait_for(
        state="attached"
    )
    assert label in page.locator(f"#id_{field}_chosen").inner_text()


def test_staff_record_partnership_and_board_seat_and_answer_advice(page, login, personas):
    company = OrganisationFactory(kind=OrganisationKind.BUSINESS, short_name="ООО «Уральский хлеб»")
    ngo = personas.ngo
    ministry = OrganisationFactory(
        kind=OrganisationKind.GOVERNMENT, short_name="Министерство социальной политики Свердловской области"
    )
    person = PersonFactory(last_name="Кравцов", first_name="Игорь", patronymic="Олегович")
    advice = AdviceRequest.objects.create(
        centre=personas.centre,
        topic="Критерии регионального конкурса субсидий",
        requester=ministry,
        contact_name="Смирнова Ольга Петровна",
        received_on=dt.date.today() - dt.timedelta(days=20),
        due_on=dt.date.today() - dt.timedelta(days=2),
    )
    login(personas.staff)

    # 1. The partnership.
    page.goto("/cooperation/partnerships/new/")
    choose(page, "organisation_a", "уральский", str(company))  # typed in lower case
    choose(page, "organisation_b", str(ngo).split("«")[1][:6], str(ngo))
    page.select_option("select[name=type]", value="funding")
    page.fill("input[name=title]", "Грант на программу «Старшее поколение»")
    page.fill("input[name=started_on]", "2026-03-01")
    page.fill("input[name=ended_on]", "2025-03-01")  # before the start: refused with a message
    page.fill("input[name=value]", "1200000")
    page.click("main form button[type=submit]")
    assert "2026" in page.locator("#id_ended_on_error").inner_text()
    assert page.input_value("input[name=title]") == "Грант на программу «Старшее поколение»"
    page.fill("input[name=ended_on]", "2026-12-31")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/cooperation/partnerships/*/")
    partnership = Partnership.objects.get(title="Грант на программу «Старшее поколение»")
    assert (partnership.sector_a, partnership.sector_b) == ("business", "ngo")

    # 2. The board seat of the company's director.
    page.goto(f"/cooperation/memberships/new/?organisation={ngo.pk}")
    choose(page, "person", "Кравцов", person.full_name)
    page.select_option("select[name=role]", value="board_member")
    page.fill("input[name=title]", "Председатель попечительского совета")
    page.fill("input[name=started_on]", "2025-09-01")
    choose(page, "main_affiliation", "хлеб", str(company))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/cooperation/organisations/{ngo.pk}/")
    assert GovernanceSeat.objects.get(tie__person=person).main_affiliation == company

    # 3. Both on the organisation's profile (the partial the registry profile includes too).
    section = page.get_by_test_id("organisation-cooperation")
    assert section.get_by_text("Грант на программу «Старшее поколение»").is_visible()
    assert section.get_by_test_id("organisation-members").get_by_text("Кравцов Игорь Олегович").is_visible()
    page.goto(f"/cooperation/people/{person.pk}/")
    assert page.get_by_test_id("person-cooperation").get_by_text(str(company)).is_visible()

    # 4. In the network: the company and the NGO are nodes, tied once (funding + board seat).
    page.goto("/cooperation/network/")
    # (The network is fetched beside the page; wait for it drawn. wait_for_function would eval, which the CSP refuses.)
    page.wait_for_selector("[data-testid=network][data-ready=true] canvas")
    nodes = page.evaluate("window.resursNetwork.graph.mapNodes((n, a) => a.label)")
    assert str(company) in nodes and str(ngo) in nodes
    kinds = page.evaluate("window.resursNetwork.graph.mapEdges((e, a) => a.kinds)")
    assert "board;funding" in kinds
    page.goto("/cooperation/network/?type=board")
    page.wait_for_selector("[data-testid=network][data-ready=true] canvas")
    assert page.evaluate("window.resursNetwork.graph.size") == 1

    # 5. The overdue request from the regional ministry: take it, answer it.
    page.goto("/cooperation/advice/")
    row = page.get_by_test_id("advice-queue").locator("tr", has_text=advice.topic)
    assert "overdue" in (row.get_attribute("class") or "")
    row.get_by_role("link", name=advice.topic).click()
    page.wait_for_url(f"**/cooperation/advice/{advice.pk}/")
    page.click(f"form[action='/cooperation/advice/{advice.pk}/take/'] button")
    page.wait_for_url(f"**/cooperation/advice/{advice.pk}/")
    page.fill(
        "textarea[name=response]", "Рекомендуем добавить критерий устойчивости проекта и публиковать оценки."
    )
    page.click(f"form[action='/cooperation/advice/{advice.pk}/answer/'] button")
    page.wait_for_url(f"**/cooperation/advice/{advice.pk}/")
    advice.refresh_from_db()
    assert advice.status == "answered" and advice.answered_by == personas.staff
    assert advice.response.startswith("Рекомендуем")
    assert page.get_by_test_id("advice-status").is_visible()


def test_partner_files_a_request_for_advice_and_follows_the_answer(page, login, personas):
    """A company's CSR manager starts on their desk, asks the centre for advice, and sees the answer there."""
    from playwright.sync_api import expect

    from resurs.accounts.models import Representation

    company = OrganisationFactory(kind=OrganisationKind.BUSINESS, short_name="ООО «Уральский хлеб»")
    Representation.objects.create(user=personas.partner, organisation=company)
    page.goto("/", timeout=60_000)
    login(personas.partner)
    page.goto("/desk/")
    desk = page.get_by_test_id("desk-my-advice")
    expect(desk).to_contain_text("ООО «Уральский хлеб»")
    # In the navigation, under Cooperation.
    expect(page.locator("nav a[href='/cooperation/advice/mine/']")).to_have_text("Запросы на консультацию")
    desk.get_by_test_id("ask-advice").click()
    form = page.get_by_test_id("advice-ask-form")
    form.get_by_label("Центр", exact=True).select_option(str(personas.centre.pk))
    form.get_by_label("Тема", exact=True).fill("Волонтёрство сотрудников в 2027 году")
    form.get_by_label("Вопрос", exact=True).fill("С какими НКО региона работать регулярно?")
    form.get_by_role("button", name="Отправить запрос").click()
    expect(page.get_by_test_id("advice-status")).to_have_text("Получен")
    advice = AdviceRequest.objects.get(topic="Волонтёрство сотрудников в 2027 году")
    assert advice.requester == company

    from resurs.cooperation import services

    services.advice_request_answer(request=advice, actor=personas.staff, response="Начните с трёх НКО.")
    page.goto("/desk/")
    page.get_by_role("link", name="Волонтёрство сотрудников в 2027 году").click()
    expect(page.get_by_test_id("advice-answer")).to_contain_text("Начните с трёх НКО.")
