"""Shared fixtures: personas that every permission test runs through (admin, staff, programme manager, expert,
NGO representative, trainer, researcher, partner, staff of another centre, outsider, anonymous)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.conf import settings


@dataclass
class Personas:
    centre: object
    other_centre: object
    ngo: object
    admin: object
    staff: object
    manager: object
    expert: object
    ngo_rep: object
    trainer: object
    researcher: object
    partner: object
    other_staff: object
    outsider: object

    def all(self) -> dict[str, object]:
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in {"centre", "other_centre", "ngo"}
        }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been flushed by a browser test: make sure the reference data is there."""
    from resurs.registry.reference import ensure_reference_data

    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture
def reference_data(db):
    """Regions, legal forms, OKVED and fields (flushed after each transactional test, so reloaded on demand)."""
    from resurs.registry.reference import ensure_reference_data

    ensure_reference_data()


@pytest.fixture
def personas(db, reference_data) -> Personas:
    from resurs.accounts.choices import Role
    from resurs.accounts.tests.factories import UserFactory, representative_of, user_with_role
    from resurs.registry.tests.factories import CentreFactory, OrganisationFactory

    centre = CentreFactory(is_hub=True)
    other_centre = CentreFactory()
    ngo = OrganisationFactory()
    return Personas(
        centre=centre,
        other_centre=other_centre,
        ngo=ngo,
        admin=user_with_role(Role.ADMIN, username="admin_p"),
        staff=user_with_role(Role.STAFF, centre, username="staff_p"),
        manager=user_with_role(Role.PROGRAMME_MANAGER, centre, username="manager_p"),
        expert=user_with_role(Role.EXPERT, username="expert_p"),
        ngo_rep=representative_of(ngo, username="ngo_p"),
        trainer=user_with_role(Role.TRAINER, centre, username="trainer_p"),
        researcher=user_with_role(Role.RESEARCHER, centre, username="researcher_p"),
        partner=user_with_role(Role.PARTNER, username="partner_p"),
        other_staff=user_with_role(Role.STAFF, other_centre, username="other_staff_p"),
        outsider=UserFactory(username="outsider_p"),
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user`` (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def is_postgres() -> bool:
    return settings.IS_POSTGRES


@pytest.fixture
def requires_postgres():
    """Skip on SQLite (the SQLite CI run deselects ``-m postgres`` tests, so in CI this never skips)."""
    if not settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI runs these on PostgreSQL)")


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Private files (resurs/core/files.py) on local disk in a folder of the test's own; tests/files.py runs the
    # file tests on S3 too.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.PRIVATE_FILES_ACCEL_PREFIX = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class DeferredTasks:
    """Background tasks queued and not yet run, as with a worker that has not got to them (see ``deferred_tasks``)."""

    def __init__(self, capture):
        self._capture = capture

    def get(self, client, url, **extra):
        """``client.get`` committed as a request is: what it queues on commit is queued (not run)."""
        with self._capture(execute=True):
            return client.get(url, **extra)

    def run(self) -> int:
        """Run the queued tasks, as the worker would; the number run."""
        from django_tasks import default_task_backend

        ran = 0
        while default_task_backend.results:
            result = default_task_backend.results.pop(0)
            result.task.call(*result.args, **result.kwargs)
            ran += 1
        return ran


@pytest.fixture
def deferred_tasks(settings, django_capture_on_commit_callbacks) -> DeferredTasks:
    """Tasks go to a queue no worker reads (django_tasks' DummyBackend) until the test runs them, as in production
    (TASK_BACKEND=django_tasks_db.DatabaseBackend with ``manage.py db_worker``)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return DeferredTasks(django_capture_on_commit_callbacks)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped browser or PostgreSQL test is a failure: those suites must really run there (an expected
    failure, pytest.mark.xfail, is reported as skipped too and stays what it is)."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        marks = {mark.name for mark in item.iter_markers()}
        if marks & {"e2e", "postgres"}:
            report.outcome = "failed"
            report.longrepr = f"{item.nodeid} was skipped in CI, where browser and PostgreSQL tests must run: {report.longrepr}"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts and ends with an empty cache: sign-in rate limits (many tests sign in from 127.0.0.1),
    precomputed results and their versions never leak between tests (the database is rolled back, an in-process
    cache is not)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
