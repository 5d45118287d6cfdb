"""Operations: /health/ for load balancers, the 500 page's honesty about error reporting, and ``next`` that never
leaves the site."""

from __future__ import annotations

import asyncio
import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import RequestFactory
from django.utils import timezone

from resurs.core.redirects import safe_next

pytestmark = pytest.mark.django_db


def get_health(client, accept: str):
    """GET /health/. django-health-check goes through async_to_sync, which refuses a thread whose event loop is
    running — as the browser journeys' Playwright leaves the main thread of a test worker that ran them — so then the
    request is made from a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return client.get("/health/", HTTP_ACCEPT=accept)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(client.get, "/health/", HTTP_ACCEPT=accept).result()


def enqueue_overdue(minutes: int, count: int = 1):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    for _ in range(count):
        row = DBTaskResult.objects.create(
            status=TaskResultStatus.READY,
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="resurs.notifications.tasks.deliver_email_task",
            backend_name="default",
            queue_name="default",
            run_after=get_date_max(),
            exception_class_path="",
            traceback="",
        )
        DBTaskResult.objects.filter(pk=row.pk).update(
            enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes)
        )


def test_health_is_200_for_anyone_and_names_no_person(client, personas):
    response = get_health(client, "application/json")
    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == [
        "Cache(alias='default')",
        "Database(alias='default')",
        "Storage(alias='default')",
        "TaskBacklog()",
    ]
    assert set(body.values()) == {"OK"}
    text = response.content.decode()
    assert personas.staff.username not in text and personas.staff.email not in text
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db(transaction=True)  # the checks run on a thread of their own, with its own connection
def test_health_is_500_when_tasks_pile_up(client, settings):
    settings.HEALTH_TASK_BACKLOG_MINUTES = 15
    enqueue_overdue(minutes=5, count=3)  # fresh work waiting is normal
    assert get_health(client, "application/json").status_code == 200
    enqueue_overdue(minutes=20)
    response = get_health(client, "application/json")
    assert response.status_code == 500
    assert response.json()["TaskBacklog()"] == "Unavailable: 1 queued tasks have waited more than 15 minutes"
    assert response.json()["Database(alias='default')"] == "OK"


def test_health_is_500_when_the_database_fails(client, monkeypatch):
    from health_check import checks

    def broken(self):
        raise checks.ServiceUnavailable("down")

    monkeypatch.setattr(checks.Database, "run", broken)
    response = get_health(client, "text/plain")
    assert response.status_code == 500
    assert "Database(alias='default'): Unavailable: down" in response.content.decode()


@pytest.mark.parametrize(
    ("dsn", "wording", "absent"),
    [
        ("", "сообщите администратору центра", "Нам уже сообщили"),
        ("https://key@errors.example.org/1", "Нам уже сообщили об ошибке", "сообщите администратору центра"),
    ],
)
def test_500_page_says_whether_the_error_was_reported(client, settings, dsn, wording, absent):
    from resurs.core.views import server_error

    settings.SENTRY_DSN = dsn
    response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert wording in text and absent not in text
    assert ("We have been notified" in text) is bool(dsn)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/grants/calls/", "/grants/calls/"),
        ("/learning/sessions/3/?tab=people", "/learning/sessions/3/?tab=people"),
        ("https://testserver/desk/", "https://testserver/desk/"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
        ("", "/fallback/"),
    ],
)
def test_safe_next_keeps_only_this_site(value, expected):
    request = RequestFactory().post("/", {"next": value})
    assert safe_next(request, "/fallback/") == expected
