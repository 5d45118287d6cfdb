"""Changing an application's experts by hand: the assignment page finds an expert through a search of the call's
pool (``reviews:expert-pick``) instead of listing the pool in every row, so its size does not grow with the pool;
the search answers only the call's managers and offers only experts who may evaluate the application; the page
per application does the same without JavaScript."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resurs.accounts.choices import Role
from resurs.accounts.tests.factories import user_with_role
from resurs.registry.tests.factories import PersonFactory
from resurs.reviews import services
from resurs.reviews.choices import InvitationStatus
from resurs.reviews.models import Assignment
from resurs.reviews.tests.factories import expert_profile, review_round

pytestmark = pytest.mark.django_db
# The pages answer in Russian, the product's default language.

FIELD, TARGET = "add_expert", "id_app1_add_expert_chosen"


def pool_expert(call, personas, last_name: str, first_name: str = "Ольга"):
    """An expert who accepted the call's invitation, with a name the tests look for."""
    user = user_with_role(Role.EXPERT)
    user.person = PersonFactory(last_name=last_name, first_name=first_name, patronymic="Петровна")
    user.save(update_fields=["person"])
    profile = expert_profile(user, max_load=6)
    invitation = services.expert_invite(call=call, expert=profile, actor=personas.staff)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.save(update_fields=["status"])
    return profile


@pytest.fixture
def assigned(personas, django_capture_on_commit_callbacks):
    rnd = review_round(personas)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    return rnd


def pick_url(rnd, application, **params):
    query = {"field": FIELD, "target": TARGET, **params}
    return reverse("reviews:expert-pick", args=[rnd.call.slug, application.pk]), query


def test_page_size_and_queries_do_not_grow_with_the_pool(personas, client_for, assigned):
    client = client_for(personas.staff)
    url = reverse("reviews:assignment", args=[assigned.call.slug])
    with CaptureQueriesContext(connection) as small:
        before = client.get(url)
    extra = [pool_expert(assigned.call, personas, f"Запаснова{i:02d}") for i in range(30)]
    with CaptureQueriesContext(connection) as large:
        after = client.get(url)
    assert before.status_code == after.status_code == 200
    page = after.content.decode()
    assert not any(str(expert) in page for expert in extra)
    assert "Запаснова" not in page
    assert 'name="add_expert"' not in page  # nothing chosen yet: no option, box or select of the pool
    # The same page, the same queries (the CSRF tokens differ in their characters, not in their length).
    assert len(after.content) == len(before.content)
    assert len(large) == len(small)
    rows = after.context["rows"]
    assert len(rows) == len(assigned.applications)
    for application, _items, _form in rows:
        search = f'id="id_app{application.pk}_add_expert_search"'
        assert search in page
        assert f'for="id_app{application.pk}_add_expert_search"' in page  # the search box has a label
        assert reverse("reviews:expert-pick", args=[assigned.call.slug, application.pk]) in page


def test_search_finds_the_pool_in_any_case_and_by_region(personas, client_for, assigned):
    wanted = pool_expert(assigned.call, personas, "Ёлкина")
    pool_expert(assigned.call, personas, "Соснова")
    application = assigned.applications[0]
    client = client_for(personas.manager)
    url, params = pick_url(assigned, application)
    response = client.get(url, {**params, "add_expert__search": "елкин"})
    assert response.status_code == 200
    assert [e.pk for e in response.context["results"]] == [wanted.pk]
    page = response.content.decode()
    assert "Ёлкина Ольга Петровна" in page and "Соснова" not in page
    assert f"{url}?field={FIELD}&amp;target={TARGET}&amp;pk={wanted.pk}" in page
    assert response.context["results"][0].load == 0 and response.context["results"][0].capacity == 6
    # One letter is not a search; words that match no one say so.
    assert client.get(url, {**params, "add_expert__search": "ё"}).context["results"] == []
    nobody = client.get(url, {**params, "add_expert__search": "Щукарь"})
    assert nobody.context["results"] == [] and "В пуле не найден эксперт" in nobody.content.decode()


def test_search_leaves_out_conflicted_and_assigned_experts(personas, client_for, assigned):
    application = assigned.applications[0]
    conflicted = pool_expert(assigned.call, personas, "Дубова", "Анна")
    free = pool_expert(assigned.call, personas, "Дубова", "Вера")
    services.conflict_declare(
        expert=conflicted, application=application, actor=personas.staff, reason="учредитель"
    )
    busy = Assignment.objects.filter(application=application, status="active").first().expert
    client = client_for(personas.staff)
    url, params = pick_url(assigned, application)
    found = client.get(url, {**params, "add_expert__search": "Дубова"}).context["results"]
    assert [e.pk for e in found] == [free.pk]
    everyone = {e.pk for e in client.get(url, {**params, "add_expert__search": "на"}).context["results"]}
    assert busy.pk not in everyone and conflicted.pk not in everyone
    # Nor can they be picked by id.
    for expert in (conflicted, busy):
        assert client.get(url, {**params, "pk": expert.pk}).status_code == 404
    chosen = client.get(url, {**params, "pk": free.pk})
    assert chosen.status_code == 200
    html = chosen.content.decode()
    assert f'name="add_expert" value="{free.pk}" checked' in html
    assert 'id="id_app1_add_expert_results" hx-swap-oob="innerHTML"' in html  # the results close


def test_search_answers_only_the_calls_managers(personas, client_for, assigned):
    application = assigned.applications[0]
    pool_expert(assigned.call, personas, "Тайнова")
    url, params = pick_url(assigned, application, add_expert__search="Тайнова")
    for name, user in personas.all().items():
        response = client_for(user).get(url, params)
        if name in {"staff", "manager", "admin"}:
            assert response.status_code == 200, name
            assert "Тайнова" in response.content.decode()
        else:
            assert response.status_code in (403, 404), (name, response.status_code)
            assert "Тайнова" not in response.content.decode()
    assert client_for(None).get(url, params).status_code == 302
    staff = client_for(personas.staff)
    # An application of another call is not found through this call.
    other = review_round(personas, n_apps=1, n_experts=1)
    foreign = reverse("reviews:expert-pick", args=[assigned.call.slug, other.applications[0].pk])
    assert staff.get(foreign, params).status_code == 404
    # Names echoed into the page must be plain ids.
    assert staff.get(url, {**params, "target": '"><script>'}).status_code == 404


def test_add_an_expert_found_by_the_picker(personas, client_for, assigned):
    application = assigned.applications[0]
    free = pool_expert(assigned.call, personas, "Новикова")
    client = client_for(personas.manager)
    url = reverse("reviews:override", args=[assigned.call.slug, application.pk])
    response = client.post(url, {"add_expert": free.pk, "add_expert__search": "Новик", "reason": "профиль"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#app-{application.pk}")
    added = Assignment.objects.get(application=application, expert=free, status="active")
    assert added.source == "manual" and added.reason == "профиль"
    events = [
        (entry.additional_data, entry.actor)
        for entry in LogEntry.objects.get_for_object(added)
        if (entry.additional_data or {}).get("event")
    ]
    assert events == [({"event": "assignment_added", "reason": "профиль"}, personas.manager)]


def test_refused_additions_change_nothing_and_say_why(personas, client_for, assigned):
    application = assigned.applications[0]
    conflicted = pool_expert(assigned.call, personas, "Дубова")
    services.conflict_declare(
        expert=conflicted, application=application, actor=personas.staff, reason="учредитель"
    )
    busy = Assignment.objects.filter(application=application, status="active").first().expert
    outside = expert_profile(max_load=5)  # never invited to the call
    free = pool_expert(assigned.call, personas, "Свободина")
    client = client_for(personas.staff)
    url = reverse("reviews:override", args=[assigned.call.slug, application.pk])
    before = set(Assignment.objects.values_list("pk", "status"))
    for data, message in [
        ({"add_expert": conflicted.pk, "reason": "нужен"}, "конфликт интересов"),
        ({"add_expert": busy.pk, "reason": "нужен"}, "уже оценивает"),
        ({"add_expert": outside.pk, "reason": "нужен"}, "принявшего приглашение в этот конкурс"),
        ({"add_expert": free.pk, "reason": " "}, "Укажите причину"),
    ]:
        response = client.post(url, data, follow=True)
        texts = [str(m) for m in response.context["messages"]]
        assert any(message in text for text in texts), (data, texts)
    assert set(Assignment.objects.values_list("pk", "status")) == before


def test_without_javascript_the_typed_words_lead_to_a_list_to_choose_from(personas, client_for, assigned):
    application = assigned.applications[0]
    first = pool_expert(assigned.call, personas, "Ручкина", "Анна")
    second = pool_expert(assigned.call, personas, "Ручкина", "Вера")
    client = client_for(personas.staff)
    url = reverse("reviews:override", args=[assigned.call.slug, application.pk])
    # The matrix's form posted with words in the search box and no expert chosen (no script ran).
    response = client.post(url, {"add_expert__search": "ручкина", "reason": "нужен профиль"})
    assert response.status_code == 200
    assert [e.pk for e in response.context["results"]] == [first.pk, second.pk]
    page = response.content.decode()
    assert "Выберите эксперта из списка ниже." in page
    assert 'value="нужен профиль"' in page  # the reason is kept
    for expert in (first, second):
        assert f'type="radio" name="add_expert" value="{expert.pk}" id="expert-{expert.pk}"' in page
        assert f'for="expert-{expert.pk}"' in page
    assert not Assignment.objects.filter(expert__in=[first, second]).exists()
    # Choosing one and posting adds it.
    client.post(url, {"add_expert": second.pk, "reason": "нужен профиль"})
    assert Assignment.objects.filter(application=application, expert=second, status="active").exists()
    # Posted with nothing typed, the page asks for a name.
    empty = client.post(url, {"add_expert__search": "", "reason": "нужен профиль"})
    assert empty.status_code == 200 and empty.context["results"] is None
    assert "Введите хотя бы две буквы имени эксперта" in empty.content.decode()
    # The page is there for a plain GET too, with the current experts and their remove forms.
    page = client.get(url, {"q": "Ручкина"})
    assert [e.pk for e in page.context["results"]] == [first.pk]
    assert len(page.context["items"]) == 3
    assert page.content.decode().count('name="remove"') == 3


def test_page_per_application_for_every_persona(personas, client_for, assigned):
    url = reverse("reviews:override", args=[assigned.call.slug, assigned.applications[0].pk])
    for name, user in personas.all().items():
        expected = 200 if name in {"staff", "manager", "admin"} else 403
        assert client_for(user).get(url).status_code == expected, name


def test_search_and_page_query_counts(personas, client_for, assigned, django_assert_max_num_queries):
    for i in range(10):
        pool_expert(assigned.call, personas, f"Счётова{i}")
    application = assigned.applications[0]
    client = client_for(personas.staff)
    url, params = pick_url(assigned, application, add_expert__search="Счетова")
    with django_assert_max_num_queries(12):
        assert len(client.get(url, params).context["results"]) == 10
    with django_assert_max_num_queries(18):
        client.get(reverse("reviews:assignment", args=[assigned.call.slug]))
    with django_assert_max_num_queries(16):
        client.get(reverse("reviews:override", args=[assigned.call.slug, application.pk]), {"q": "Счетова"})


@pytest.mark.postgres
def test_a_misspelt_name_finds_the_nearest_experts_on_postgresql(
    personas, client_for, assigned, requires_postgres
):
    wanted = pool_expert(assigned.call, personas, "Кондратьева")
    pool_expert(assigned.call, personas, "Соснова")
    url, params = pick_url(assigned, assigned.applications[0], add_expert__search="кондратева")
    found = client_for(personas.staff).get(url, params).context["results"]
    assert [e.pk for e in found] == [wanted.pk]
