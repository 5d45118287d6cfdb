"""What the people of a grant competition see: the expert scores with the whole application beside the score sheet,
an applicant's typing survives leaving the page, staff screen applications one after another by keyboard, and a
call's key facts are in view at desktop and phone widths without sideways scrolling."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.visual import assert_accessible

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded():
    import_module(settings.ROOT_URLCONF)


# --- Local visual helpers (tests.e2e.visual from uikit offers the same; these stay until the lead swaps them) ---


def in_view(locator) -> bool:
    """The element is inside the viewport and is what the browser hits at its centre (not covered, not clipped
    by a scrolled box)."""
    return locator.evaluate(
        """el => {
          const r = el.getBoundingClientRect();
          const x = r.left + r.width / 2, y = r.top + r.height / 2;
          if (r.width === 0 || r.height === 0 || x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
          const hit = document.elementFromPoint(x, y);
          return hit === el || el.contains(hit);
        }"""
    )


def sideways_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits its width)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def scrolled_in_view(locator) -> bool:
    locator.scroll_into_view_if_needed()
    return in_view(locator)


# --- Fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture
def assigned(personas):
    from django.test import TestCase

    from resurs.reviews import services
    from resurs.reviews.tests.factories import review_round

    rnd = review_round(personas)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    return rnd


# --- The expert's scoring page ----------------------------------------------------------------------------------


def test_scoring_page_keeps_budget_and_every_field_in_view_together(page, personas, login, assigned):
    from resurs.reviews import selectors

    mine = list(selectors.assignments_for_expert(personas.expert))
    criteria = list(assigned.call.criteria_scheme.criteria.all())
    page.set_viewport_size(DESKTOP)
    login(personas.expert)
    page.goto(f"/reviews/assignments/{mine[0].pk}/")

    budget = page.get_by_test_id("budget-table")
    expect(budget).to_contain_text("Работа координатора")
    assert_accessible(page)  # every field labelled, no critical or serious axe-core finding
    budget.scroll_into_view_if_needed()
    assert in_view(budget)
    for criterion in criteria:
        for name in (f"score_{criterion.code}", f"comment_{criterion.code}"):
            field = page.locator(f"[name={name}]")
            # Every field has one label, with words in it.
            assert field.evaluate("el => el.labels.length === 1 && el.labels[0].textContent.trim() !== ''"), (
                name
            )
            assert scrolled_in_view(field), name
            assert in_view(budget), f"the budget left the screen while reaching {name}"
    assert sideways_overflow(page) == 0

    # A score of 11 on a 0–10 scale: the message appears beside that field, in view, as it is typed ...
    first = page.locator(f"[name=score_{criteria[0].code}]")
    first.fill("11")
    error = page.locator(f"#id_score_{criteria[0].code}_error")
    expect(error).to_be_visible()
    assert "10" in error.inner_text()
    assert in_view(error) and in_view(first)
    field_box, error_box = first.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 24  # right under the field
    assert abs(error_box["x"] - field_box["x"]) < 24

    # ... and after saving: the page comes back with the field marked and brought into view.
    page.get_by_role("button", name="Сохранить черновик").click()
    page.wait_for_load_state("networkidle")
    first = page.locator(f"[name=score_{criteria[0].code}]")
    error = page.locator(f"#id_score_{criteria[0].code}_error")
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(error).to_be_visible()
    assert in_view(first) and in_view(error)


def test_scoring_page_stacks_on_a_phone_and_moves_between_assignments(page, personas, login, assigned):
    from resurs.reviews import selectors

    mine = list(selectors.assignments_for_expert(personas.expert))
    assert len(mine) >= 2
    page.set_viewport_size(PHONE)
    login(personas.expert)
    page.goto(f"/reviews/assignments/{mine[0].pk}/")
    assert sideways_overflow(page) == 0
    for name in ("score", "comment"):
        for field in page.locator(f".score-sheet [name^={name}_]").all():
            assert scrolled_in_view(field)
    assert scrolled_in_view(page.get_by_test_id("budget-table"))
    page.get_by_test_id("assignment-nav").get_by_role("link", name="Следующая").click()
    page.wait_for_url(f"**/reviews/assignments/{mine[1].pk}/")
    page.keyboard.press("k")
    page.wait_for_url(f"**/reviews/assignments/{mine[0].pk}/")


# --- The applicant's form ---------------------------------------------------------------------------------------


@pytest.fixture
def draft(personas):
    from resurs.grants import services
    from resurs.grants.tests.factories import open_call

    call = open_call(personas.centre, actor=personas.staff)
    return services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)


def _answers(application):
    application.refresh_from_db()
    return application.answers


def test_typed_text_survives_leaving_the_page_two_seconds_later(page, personas, login, draft):
    page.on("dialog", lambda dialog: dialog.accept())
    login(personas.ngo_rep)
    page.goto(f"/grants/applications/{draft.pk}/edit/")
    expect(page.get_by_test_id("autosave-status")).to_contain_text("сохраняются по мере ввода")
    assert_accessible(page)
    goal = page.get_by_label("Цель проекта")
    goal.press_sequentially("Создать место встреч соседей", delay=15)
    page.wait_for_timeout(2000)  # the scenario: type, pause, follow a link (no blur, no button)
    page.get_by_role("link", name="Мои заявки").first.click()
    page.wait_for_url("**/grants/my/")
    page.goto(f"/grants/applications/{draft.pk}/edit/")
    expect(page.get_by_label("Цель проекта")).to_have_value("Создать место встреч соседей")
    assert _answers(draft)["goal"] == "Создать место встреч соседей"


def test_text_typed_just_before_leaving_is_sent_on_the_way_out(page, personas, login, draft):
    page.on("dialog", lambda dialog: dialog.accept())
    login(personas.ngo_rep)
    page.goto(f"/grants/applications/{draft.pk}/edit/")
    page.get_by_label("Целевые группы").press_sequentially("Жители микрорайона", delay=10)
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Сохраняем")
    page.goto("/grants/my/")  # at once: the debounced save has not gone yet; the page's beacon carries it
    # The beacon is delivered on its own schedule (it may reach a busy server after the next page): reopen the form
    # until the text is there, for at most ten seconds.
    field = page.get_by_label("Целевые группы")
    for _attempt in range(20):
        page.goto(f"/grants/applications/{draft.pk}/edit/")
        if field.input_value() == "Жители микрорайона":
            break
        page.wait_for_timeout(500)
    expect(field).to_have_value("Жители микрорайона")


def test_autosave_status_shows_the_time_of_the_save(page, personas, login, draft):
    login(personas.ngo_rep)
    page.goto(f"/grants/applications/{draft.pk}/edit/")
    page.get_by_label("Название проекта").press_sequentially("Соседский центр", delay=10)
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Черновик сохранён в")
    status = page.get_by_test_id("autosave-status").inner_text()
    assert any(ch.isdigit() for ch in status) and ":" in status
    assert in_view(page.get_by_test_id("autosave-status"))  # the status bar stays at the foot of the screen
    # The file chooser sits in its own section, above the form's buttons.
    chooser = page.locator("input[type=file]").first
    section = page.locator("fieldset", has=chooser)
    expect(section).to_contain_text("Письма поддержки")


# --- Staff screening --------------------------------------------------------------------------------------------


def test_screening_moves_through_the_queue_by_keyboard(page, personas, login):
    from resurs.accounts.tests.factories import representative_of
    from resurs.grants.tests.factories import open_call, submitted_application
    from resurs.registry.tests.factories import OrganisationFactory

    call = open_call(personas.centre, actor=personas.staff)
    apps = []
    for _ in range(3):
        org = OrganisationFactory()
        apps.append(submitted_application(call, org, representative_of(org)))
    login(personas.staff)
    page.goto(f"/grants/applications/{apps[0].pk}/")
    nav = page.get_by_test_id("screening-nav")
    expect(nav).to_contain_text("Заявка 1 из 3")
    assert_accessible(page)
    expect(nav.locator("kbd").first).to_be_visible()  # the hint names the keys
    page.keyboard.press("j")
    page.wait_for_url(f"**/grants/applications/{apps[1].pk}/**")
    page.keyboard.press("j")
    page.wait_for_url(f"**/grants/applications/{apps[2].pk}/**")
    page.keyboard.press("k")
    page.wait_for_url(f"**/grants/applications/{apps[1].pk}/**")
    # Typing "j" into the verdict's reason types the letter and stays on the page.
    reason = page.locator("#screening textarea[name=reason]")
    reason.press_sequentially("jk")
    expect(reason).to_have_value("jk")
    assert page.url.split("#")[0].endswith(f"/grants/applications/{apps[1].pk}/")
    # Record the verdict and go straight to the next one.
    page.locator("#screening").get_by_label("Допущена", exact=True).check()
    page.get_by_role("button", name="Записать и открыть следующую").click()
    page.wait_for_url(f"**/grants/applications/{apps[2].pk}/**")
    apps[1].refresh_from_db()
    assert apps[1].status == "eligible"


# --- The call's public page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_call_key_facts_in_view_without_sideways_scroll(page, personas, viewport):
    from resurs.grants.tests.factories import open_call

    call = open_call(personas.centre, actor=personas.staff)
    page.set_viewport_size(viewport)
    page.goto(call.get_absolute_url())
    values = page.locator(".key-facts dd")
    assert values.count() >= 4
    for value in values.all():
        assert scrolled_in_view(value), value.inner_text()
    expect(page.locator(".key-facts")).to_contain_text("Срок подачи")
    assert sideways_overflow(page) == 0
    assert_accessible(page)


# --- The ranking on a phone -------------------------------------------------------------------------------------


def test_ranking_fits_a_phone_with_the_proposal_in_view(page, personas, login, assigned):
    from resurs.reviews import services
    from resurs.reviews.models import Assignment
    from resurs.reviews.tests.factories import full_scores

    for number, assignment in enumerate(Assignment.objects.filter(call=assigned.call, status="active")):
        services.review_save(
            assignment=assignment,
            actor=assignment.expert.user,
            scores=full_scores(assigned.call, 6 + number % 4),
            submit=True,
        )
    page.set_viewport_size(PHONE)
    login(personas.staff)
    page.goto(f"/reviews/calls/{assigned.call.slug}/ranking/")
    table = page.get_by_test_id("ranking")
    expect(table).to_be_visible()
    assert sideways_overflow(page) == 0
    # The table fits its box: nothing (the proposal above all) hides behind a sideways scroll inside it.
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    for cell in table.locator("tbody tr td:last-child").all():
        assert scrolled_in_view(cell)
    for tile in page.locator(".stat-tile").all():
        assert scrolled_in_view(tile)
