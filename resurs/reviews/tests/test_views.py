"""Pages and API of expert evaluation: every persona, object-level access, nothing changed on refusal, query
counts of the list pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.criteria.models import Evaluation
from resurs.reviews import selectors, services
from resurs.reviews.models import Assignment, AssignmentRun, CallExpert, ConflictDeclaration, ExpertProfile
from resurs.reviews.tests.factories import full_scores, review_round

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["call", "pool", "settings", "conflicts", "assignment", "moderation", "ranking"]
ALLOWED = {"staff", "manager", "admin"}


@pytest.fixture
def assigned(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    return rnd


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_for_every_persona(personas, client_for, assigned, page):
    url = reverse(f"reviews:{page}", args=[assigned.call.slug])
    for name, user in personas.all().items():
        response = client_for(user).get(url)
        expected = 200 if name in ALLOWED else 403
        assert response.status_code == expected, (name, page, response.status_code)
    assert client_for(None).get(url).status_code == 302


def test_staff_posts_are_refused_to_others_and_change_nothing(personas, client_for, assigned):
    slug = assigned.call.slug
    application = assigned.applications[0]
    assignment = Assignment.objects.filter(application=application, status="active").first()
    runs = AssignmentRun.objects.count()
    for user in (personas.other_staff, personas.expert, personas.outsider, personas.ngo_rep):
        client = client_for(user)
        assert client.post(reverse("reviews:assignment", args=[slug])).status_code == 403
        assert (
            client.post(
                reverse("reviews:override", args=[slug, application.pk]),
                {"remove": assignment.pk, "reason": "x"},
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("reviews:ranking", args=[slug]), {"application": [application.pk]}
            ).status_code
            == 403
        )
        assert client.post(reverse("reviews:close", args=[slug])).status_code == 403
    assert AssignmentRun.objects.count() == runs
    assignment.refresh_from_db()
    assert assignment.status == "active"
    assert not services.call_review_for(assigned.call).is_closed


def test_expert_sees_only_assigned_non_conflicted_applications(personas, client_for, assigned):
    mine = list(selectors.assignments_for_expert(personas.expert))
    assert mine
    client = client_for(personas.expert)
    listing = client.get(reverse("reviews:my"))
    assert listing.status_code == 200
    for a in mine:
        assert a.application.title in listing.content.decode()
        assert client.get(reverse("reviews:review", args=[a.pk])).status_code == 200
    others = Assignment.objects.filter(call=assigned.call, status="active").exclude(
        expert__user=personas.expert
    )
    for a in others:
        assert client.get(reverse("reviews:review", args=[a.pk])).status_code == 404
    # Other users, even staff, cannot open an expert's review page.
    for user in (personas.staff, personas.outsider, personas.admin):
        assert client_for(user).get(reverse("reviews:review", args=[mine[0].pk])).status_code == 404
    # A conflict makes the assignment disappear (404) even though the row is still there.
    ConflictDeclaration.objects.create(expert=mine[0].expert, application=mine[0].application, reason="x")
    client = client_for(personas.expert)
    assert client.get(reverse("reviews:review", args=[mine[0].pk])).status_code == 404


def test_scoring_from_the_page_keeps_the_draft_on_bad_input(personas, client_for, assigned):
    mine = selectors.assignments_for_expert(personas.expert).first()
    client = client_for(personas.expert)
    criteria = list(assigned.call.criteria_scheme.criteria.all())
    data = {f"score_{c.code}": 7 for c in criteria}
    data[f"score_{criteria[0].code}"] = 12
    data[f"score_{criteria[1].code}"] = 1  # needs a comment
    data["submit"] = "1"
    response = client.post(reverse("reviews:review", args=[mine.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_score_{criteria[0].code}_error"' in body  # the error beside the score out of scale
    assert "is-invalid" in body
    evaluation = services.evaluation_of(mine)
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.scores.count() == len(criteria) - 1
    data[f"score_{criteria[0].code}"] = 8
    data[f"comment_{criteria[1].code}"] = "слабое обоснование"
    response = client.post(reverse("reviews:review", args=[mine.pk]), data)
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED


def test_other_experts_scores_are_hidden_until_the_round_closes(personas, client_for, assigned):
    mine = selectors.assignments_for_expert(personas.expert).first()
    other = (
        Assignment.objects.filter(application=mine.application, status="active").exclude(pk=mine.pk).first()
    )
    services.review_save(
        assignment=other, actor=other.expert.user, scores=full_scores(assigned.call, 4), submit=True
    )
    client = client_for(personas.expert)
    page = client.get(reverse("reviews:review", args=[mine.pk])).content.decode()
    assert "4,00" not in page and "4.00" not in page
    api = client.get(f"/api/v1/reviews/my/assignments/{mine.pk}/evaluation").json()
    assert api["status"] == "draft" and api["scores"] == []  # only their own (empty) evaluation
    services.round_close(call=assigned.call, actor=personas.staff)
    page = client.get(reverse("reviews:review", args=[mine.pk])).content.decode()
    assert "4,00" in page or "4.00" in page


def test_expert_actions_on_foreign_assignments_are_404_and_change_nothing(personas, client_for, assigned):
    foreign = (
        Assignment.objects.filter(call=assigned.call, status="active")
        .exclude(expert__user=personas.expert)
        .first()
    )
    client = client_for(personas.expert)
    assert client.post(reverse("reviews:decline", args=[foreign.pk]), {"reason": "x"}).status_code == 404
    assert (
        client.post(reverse("reviews:declare-conflict", args=[foreign.pk]), {"reason": "x"}).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.status == "active"
    assert not ConflictDeclaration.objects.filter(expert=foreign.expert).exists()


def test_invitation_answer_only_by_the_invited_expert(personas, client_for, assigned):
    invitation = CallExpert.objects.get(call=assigned.call, expert__user=personas.expert)
    invitation.status = "invited"
    invitation.save(update_fields=["status"])
    assert (
        client_for(personas.outsider)
        .post(reverse("reviews:invitation-respond", args=[invitation.pk]), {"accept": "1"})
        .status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.status == "invited"
    assert (
        client_for(personas.expert)
        .post(reverse("reviews:invitation-respond", args=[invitation.pk]), {"accept": "1"})
        .status_code
        == 302
    )
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_staff_run_override_and_confirm_from_the_pages(
    personas, client_for, assigned, django_capture_on_commit_callbacks
):
    client = client_for(personas.staff)
    slug = assigned.call.slug
    application = assigned.applications[0]
    assignment = Assignment.objects.filter(application=application, status="active").first()
    response = client.post(
        reverse("reviews:override", args=[slug, application.pk]), {"remove": assignment.pk, "reason": ""}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "active"  # no reason, no change
    client.post(
        reverse("reviews:override", args=[slug, application.pk]),
        {"remove": assignment.pk, "reason": "отпуск"},
    )
    assignment.refresh_from_db()
    assert assignment.status == "replaced" and assignment.reason == "отпуск"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:assignment", args=[slug]))
    assert AssignmentRun.objects.filter(call=assigned.call).count() == 2
    page = client.get(reverse("reviews:assignment", args=[slug])).content.decode()
    assert 'data-testid="assignment-matrix"' in page


def test_list_pages_query_counts(personas, client_for, assigned, django_assert_max_num_queries):
    slug = assigned.call.slug
    for url, user, limit in [
        (reverse("reviews:my"), personas.expert, 14),
        (reverse("reviews:calls"), personas.staff, 12),
        (reverse("reviews:pool", args=[slug]), personas.staff, 16),
        (reverse("reviews:assignment", args=[slug]), personas.staff, 18),
        (reverse("reviews:call", args=[slug]), personas.staff, 20),
        (reverse("reviews:ranking", args=[slug]), personas.staff, 21),  # + the proposals not yet awarded
        (reverse("reviews:conflicts", args=[slug]), personas.staff, 14),
    ]:
        client = client_for(user)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_api_for_experts_and_staff(personas, client_for, assigned, django_assert_max_num_queries):
    expert = client_for(personas.expert)
    rows = expert.get("/api/v1/reviews/my/assignments").json()
    mine = set(selectors.assignments_for_expert(personas.expert).values_list("pk", flat=True))
    assert {r["id"] for r in rows} == mine
    foreign = Assignment.objects.filter(call=assigned.call, status="active").exclude(pk__in=mine).first()
    assert expert.get(f"/api/v1/reviews/my/assignments/{foreign.pk}/evaluation").status_code == 404
    slug = assigned.call.slug
    assert expert.get(f"/api/v1/reviews/calls/{slug}/assignments").status_code == 403
    assert client_for(personas.other_staff).get(f"/api/v1/reviews/calls/{slug}/ranking").status_code == 403
    staff = client_for(personas.staff)
    with django_assert_max_num_queries(10):  # a page of a call's assignments: no query per row
        page = staff.get(f"/api/v1/reviews/calls/{slug}/assignments?limit=5").json()
    assert page["count"] == 8 and len(page["items"]) == 5
    rest = staff.get(f"/api/v1/reviews/calls/{slug}/assignments?limit=5&offset=5").json()["items"]
    assert len(rest) == 3 and {a["id"] for a in page["items"]}.isdisjoint(a["id"] for a in rest)
    assert page["items"][0]["application_number"] and page["items"][0]["expert"]
    ranking = staff.get(f"/api/v1/reviews/calls/{slug}/ranking").json()
    assert {r["application_id"] for r in ranking} == {a.pk for a in assigned.applications}
    assert client_for(None).get("/api/v1/reviews/my/assignments").status_code == 401


def test_list_endpoints_query_counts(personas, client_for, assigned, django_assert_max_num_queries):
    client = client_for(personas.expert)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/reviews/my/assignments").status_code == 200
    client = client_for(personas.staff)
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/v1/reviews/calls/{assigned.call.slug}/assignments").status_code == 200


def test_desk_shows_reviews_due(personas, client_for, assigned):
    from resurs.reviews.sections import desk

    class Request:
        user = personas.expert

    sections = desk(Request())
    assert sections and sections[0]["due_count"] == selectors.assignments_for_expert(personas.expert).count()
    assert desk(type("R", (), {"user": personas.outsider})()) == []


def test_desk_page_renders_the_reviews_section(personas, client_for, assigned):
    page = client_for(personas.expert).get(reverse("core:dashboard"))
    assert page.status_code == 200
    assert 'data-testid="desk-reviews"' in page.content.decode()


def test_settings_bad_input_is_explained_and_nothing_changes(personas, client_for, assigned):
    slug = assigned.call.slug
    before = services.call_review_for(assigned.call).weights
    data = {
        "weight_fields": 0,
        "weight_region": 0,
        "weight_text": 0,
        "pass_mark_0": 5,
        "pass_mark_1": 5.5,
        "pass_mark_2": 6,
        "pass_mark_3": "много",
    }
    response = client_for(personas.staff).post(reverse("reviews:settings", args=[slug]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "weight_fields" in form.errors and "pass_mark_3" in form.errors
    assert services.call_review_for(assigned.call).weights == before
    data.update(
        {"weight_fields": 1, "weight_region": 0, "weight_text": 3, "pass_mark_3": 7, "require_regional": "on"}
    )
    response = client_for(personas.staff).post(reverse("reviews:settings", args=[slug]), data)
    assert response.status_code == 302
    review = services.call_review_for(assigned.call)
    assert review.weights == {"fields": 1.0, "region": 0.0, "text": 3.0} and review.require_regional
    assert review.bands[-1] == {"up_to": None, "pass_mark": 7.0}


def test_regional_rule_gives_every_application_a_regional_expert(
    personas, django_capture_on_commit_callbacks
):
    rnd = review_round(personas)
    review = services.call_review_for(rnd.call)
    review.require_regional = True
    review.save(update_fields=["require_regional"])
    # Experts' own region: the person's region in the registry (the factory gives experts two regions in turn).
    for expert in rnd.experts:
        expert.person.region = expert.regions.first()
        expert.person.save(update_fields=["region"])
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    for application in rnd.applications:
        regions = {
            a.expert.person.region_id
            for a in Assignment.objects.filter(application=application, status="active").select_related(
                "expert__person"
            )
        }
        assert application.organisation.region_id in regions


def test_expert_edits_own_profile_with_errors_beside_fields(personas, client_for, assigned):
    client = client_for(personas.expert)
    url = reverse("reviews:profile")
    assert client.get(url).status_code == 200
    response = client.post(url, {"languages": "ru", "min_load": 5, "max_load": 2, "bio": "Экология"})
    assert response.status_code == 200 and "min_load" in response.context["form"].errors
    expert = assigned.experts[0]
    expert.refresh_from_db()
    assert expert.max_load == 4
    response = client.post(
        url, {"languages": "ru, en", "min_load": 1, "max_load": 6, "bio": "Экология", "is_available": "on"}
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.min_load, expert.max_load, expert.languages) == (1, 6, "ru, en")
    for user in (personas.outsider, personas.staff):
        assert client_for(user).get(url).status_code == 404


def test_staff_add_registry_people_to_the_pool(personas, client_for, assigned, django_assert_max_num_queries):
    from resurs.registry.tests.factories import PersonFactory

    person = PersonFactory(last_name="Журавлёва")
    url = reverse("reviews:experts")
    # The pool is shared by all centres: staff of any centre may add to it.
    for name, user in personas.all().items():
        expected = 200 if name in ALLOWED | {"other_staff"} else 403
        assert client_for(user).get(url).status_code == expected, name
    assert client_for(personas.expert).post(url, {"person": person.pk}).status_code == 403
    client = client_for(personas.staff)
    page = client.get(url, {"q": "Журавл"}).content.decode()
    assert "Журавлёва" in page
    assert client.post(url, {"person": person.pk}).status_code == 302
    assert ExpertProfile.objects.get(person=person).max_load == 10
    # A person with an account gets the expert role (and so the "My reviews" menu).
    from resurs.accounts.access import has_role
    from resurs.accounts.tests.factories import UserFactory

    with_account = PersonFactory(last_name="Соколова")
    account = UserFactory(person=with_account)
    assert client.post(url, {"person": with_account.pk}).status_code == 302
    account.refresh_from_db()
    assert has_role(account, "expert")
    assert client.post(url, {"person": person.pk}).status_code == 404  # already an expert
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_scoring_page_shows_the_whole_application_beside_the_sheet(personas, client_for, assigned):
    mine = list(selectors.assignments_for_expert(personas.expert))
    client = client_for(personas.expert)
    body = client.get(reverse("reviews:review", args=[mine[0].pk])).content.decode()
    assert 'data-testid="budget-table"' in body and 'data-testid="plan-table"' in body
    assert "Работа координатора" in body and "Набор наставников" in body  # budget line, plan activity
    assert 'data-testid="score-sheet"' in body
    for criterion in assigned.call.criteria_scheme.criteria.all():
        # every field has its label
        assert f'for="id_score_{criterion.code}"' in body and f'for="id_comment_{criterion.code}"' in body
    if len(mine) > 1:
        assert f'data-hotkey="j" href="/reviews/assignments/{mine[1].pk}/"' in body


def test_assignment_attachment_only_for_the_assigned_expert(personas, client_for, assigned, tmp_path):
    from django.core.files.base import ContentFile

    from resurs.grants.models import Attachment

    mine = selectors.assignments_for_expert(personas.expert).first()
    attachment = Attachment(
        application=mine.application, field_key="letters", original_name="Письмо.pdf", size=15
    )
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    url = reverse("reviews:assignment-attachment", args=[mine.pk, attachment.pk])
    response = client_for(personas.expert).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    body = client_for(personas.expert).get(reverse("reviews:review", args=[mine.pk])).content.decode()
    assert url in body
    for user in (personas.staff, personas.outsider, personas.ngo_rep, personas.admin):
        assert client_for(user).get(url).status_code == 404
    # Another application's file through this assignment: 404.
    other = Attachment.objects.create(
        application=assigned.applications[-1]
        if assigned.applications[-1].pk != mine.application_id
        else assigned.applications[0],
        field_key="letters",
        original_name="чужое.pdf",
        size=1,
        file=attachment.file.name,
    )
    url = reverse("reviews:assignment-attachment", args=[mine.pk, other.pk])
    assert client_for(personas.expert).get(url).status_code == 404
