"""Staff run the optimal assignment; an expert signs in, reads an assigned application and scores it; staff see
the calibrated ranking and confirm the proposed awards."""

from decimal import Decimal

from playwright.sync_api import expect

from resurs.criteria.models import Evaluation
from resurs.grants.choices import ApplicationStatus
from resurs.reviews import selectors, services
from resurs.reviews.affinity import lemmatise
from resurs.reviews.models import Assignment
from resurs.reviews.tests.factories import full_scores, review_round
from tests.e2e.visual import assert_accessible, assert_in_view, assert_no_sideways_scroll


def test_assignment_scoring_and_ranking(page, login, personas):
    # The live server runs in this process: load the lemmatiser's dictionaries and scikit-learn before the clock
    # of the first click starts (a cold start takes seconds on a busy machine).
    lemmatise("проверка")
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401

    rnd = review_round(personas)
    call = rnd.call
    call.score_threshold = Decimal(10)  # no third expert in this journey
    call.save(update_fields=["score_threshold"])

    # 1. Staff run the assignment and see the matrix with the affinity explained.
    login(personas.staff)
    page.goto(f"/reviews/calls/{call.slug}/assignment/")
    page.get_by_test_id("run-assignment").click(timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=60_000)
    matrix = page.get_by_test_id("assignment-matrix")
    matrix.wait_for()
    assert Assignment.objects.filter(call=call, status="active").count() == 8
    assert rnd.applications[0].number in matrix.inner_text()

    # 1b. Staff add an expert to an application by hand: the row's picker searches the pool as they type (the page
    # never lists the pool), offers only experts who may evaluate the application, and the reason is audited.
    application = rnd.applications[0]
    assigned = set(
        Assignment.objects.filter(application=application, status="active").values_list("expert", flat=True)
    )
    extra = next(e for e in rnd.experts[1:] if e.pk not in assigned)
    busy = str(next(e for e in rnd.experts if e.pk in assigned))
    row = page.locator(f"#app-{application.pk}")
    search = row.get_by_label(f"Найти эксперта из пула для заявки {application.number}")
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        search.fill("")
        # The first letters of the name, in lower case: every expert of this pool is found but those already
        # evaluating the application.
        search.press_sequentially(extra.person.last_name[:4].lower(), delay=30)
        results = row.locator(f"#id_app{application.pk}_add_expert_results button")
        results.first.wait_for()
        names = results.all_inner_texts()
        assert any(str(extra) in name for name in names), names
        assert not any(busy in name for name in names), names
        assert_accessible(page)
        assert_no_sideways_scroll(page)
        assert_in_view(page, row.locator("input:not([type=hidden]), button"), what="control")
    # By keyboard: the result is a button; once chosen, the focus is on the chosen row, not lost.
    row.locator(f"#id_app{application.pk}_add_expert_results button", has_text=str(extra)).press("Enter")
    row.locator(f"#id_app{application.pk}_add_expert_chosen input[name=add_expert]:checked").wait_for()
    expect(page.locator("input[name=add_expert]:focus")).to_have_count(1)
    row.get_by_label(f"Причина добавления эксперта к заявке {application.number}").fill("профильный эксперт")
    row.get_by_role("button", name="Добавить").click()
    page.wait_for_url(f"**/assignment/#app-{application.pk}")
    added = Assignment.objects.get(application=application, expert=extra, status="active")
    assert added.source == "manual" and added.reason == "профильный эксперт"
    assert str(extra) in page.locator(f"#app-{application.pk}").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})

    # Everyone but our expert scores (severities differ: one expert is lenient).
    lenient = rnd.experts[1].pk
    for assignment in Assignment.objects.filter(call=call, status="active").exclude(
        expert__user=personas.expert
    ):
        value = 6 + (2 if assignment.expert_id == lenient else 0)
        services.review_save(
            assignment=assignment, actor=assignment.expert.user, scores=full_scores(call, value), submit=True
        )

    # 2. The expert reads an assigned application and scores it.
    mine = selectors.assignments_for_expert(personas.expert).first()
    page.context.clear_cookies()
    login(personas.expert)
    page.goto("/reviews/")
    page.get_by_role("link", name=mine.application.title).first.click()
    page.wait_for_url(f"**/reviews/assignments/{mine.pk}/")
    assert "наставник" in page.get_by_test_id("application-text").inner_text().lower()
    for criterion in call.criteria_scheme.criteria.all():
        page.fill(f"input[name=score_{criterion.code}]", "7")
    page.fill("textarea[name=overall_comment]", "Проект реалистичен, команда опытная.")
    page.click("button[name=submit]")
    page.wait_for_url(f"**/reviews/assignments/{mine.pk}/")
    evaluation = services.evaluation_of(mine)
    assert evaluation.status == Evaluation.Status.SUBMITTED and evaluation.total == Decimal("7.000")

    # 3. Staff see raw and calibrated scores side by side, and confirm the proposed awards.
    page.context.clear_cookies()
    login(personas.staff)
    page.goto(f"/reviews/calls/{call.slug}/ranking/")
    table = page.get_by_test_id("ranking")
    assert "выше среднего" in table.inner_text() or "above average" in table.inner_text()
    proposed = [i.key for i in selectors.call_ranking(call).items if i.outcome == "proposed"]
    assert proposed
    page.get_by_test_id("confirm-awards").click()
    page.wait_for_load_state("networkidle")
    for application in rnd.applications:
        application.refresh_from_db()
    awarded = {a.pk for a in rnd.applications if a.status == ApplicationStatus.AWARDED}
    assert awarded == set(proposed)
