"""The events app's searches find the rows of the plain fold (every word in one of the fields, any letter case,
«е» for «ё») on SQLite and PostgreSQL; on PostgreSQL they are read through the trigram indexes of the folded fields
(events 0005), and a misspelt word of an event's title still finds the event."""

import pytest
from django.db import connection
from django.db.models import F, Q, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resurs.core.search import Fold, StrictWordSimilar, fold, search_filter
from resurs.events import selectors
from resurs.events.choices import RegistrationStatus
from resurs.events.models import Event, Registration
from resurs.events.tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

FIELDS = ("name", "email", "organisation_name")


@pytest.fixture
def forum():
    event = EventFactory(title="Форум некоммерческих организаций Урала", summary="Два дня секций и встреч.")
    RegistrationFactory(
        event=event, name="Анна Иванова", email="anna@rastem.org", organisation_name="Фонд «Растём вместе»"
    )
    RegistrationFactory(
        event=event, name="Пётр Иванов", email="petr@example.org", organisation_name="Центр «Ёлка»"
    )
    RegistrationFactory(
        event=event,
        name="Мария Смирнова",
        email="smirnova@example.org",
        organisation_name="Ассоциация волонтёров",
    )
    RegistrationFactory(event=event, name="Ольга Иванова", status=RegistrationStatus.CANCELLED)
    RegistrationFactory(name="Вера Иванова")  # another event's
    return event


def plain_fold(event, query: str) -> list[int]:
    """The active registrations of ``event`` that hold every folded word of ``query`` in one of ``FIELDS``, or whose
    code is ``query``, by name: what the check-in search must find, computed in Python."""
    words = fold(query).split()
    rows = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
    found = [
        row
        for row in rows
        if all(any(word in fold(getattr(row, field)) for field in FIELDS) for word in words)
        or row.code == query.strip().upper()
    ]
    return [row.pk for row in sorted(found, key=lambda row: (row.name, row.pk))]


@pytest.mark.parametrize(
    "query", ["иванов", "ИВАНОВА", "растем", "елка иванов", "EXAMPLE.ORG", "волонтеров", "нет"]
)
def test_the_check_in_search_finds_the_rows_of_the_plain_fold(forum, query):
    expected = plain_fold(forum, query)
    assert [row.pk for row in selectors.registration_search(forum, query)] == expected
    assert query == "нет" or expected, "the query finds something (the comparison is not of two empty lists)"


def test_the_check_in_search_finds_a_ticket_by_its_code_in_any_letter_case(client_for, personas, forum):
    forum.centre = personas.centre
    forum.save(update_fields=["centre"])
    maria = forum.registrations.get(name="Мария Смирнова")
    response = client_for(personas.staff).get(
        reverse("events:event-checkin", args=[forum.pk]), {"q": f" {maria.code.lower()} "}
    )
    assert [row.pk for row in response.context["registrations"]] == [maria.pk]


def _plan(sql: str, params) -> str:
    """The plan of ``sql`` with sequential scans off: which indexes can answer it (the test tables are small
    enough that the planner would rather scan them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_the_check_in_search_conditions_are_answered_by_the_trigram_indexes(requires_postgres, forum):
    """Each folded field's condition is one its trigram index answers (the expression matches the index's), and the
    code is looked up in its unique index: at national scale (a forum of 3,700 registrations among 100,000) the
    planner ANDs these with the event's rows instead of folding every registration of the forum."""
    words = search_filter(Registration.objects.all(), "иванова", FIELDS) | Registration.objects.filter(
        code="ИВАНОВА"
    )
    plan = _plan(*words.query.sql_with_params())
    for index in (
        "registration_name_folded_trgm",
        "registration_email_folded_trgm",
        "registration_organisation_folded_trgm",
        "events_registration_code",
    ):
        assert index in plan


@pytest.mark.postgres
def test_a_misspelt_event_word_finds_the_event_through_the_trigram_indexes(requires_postgres, client, forum):
    """«некомерческих» (one «м») is in no title: the typo fallback finds «…некоммерческих…», its passes'
    conditions answered by the trigram indexes of the folded title and summary."""
    EventFactory(title="Семинар по отчётности", summary="Минюст и сроки.")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("events:event-list"), {"q": "некомерческих"})
    assert [event.title for event in response.context["page_obj"]] == [
        "Форум некоммерческих организаций Урала"
    ]
    assert any(query["sql"].startswith("WITH near") for query in captured.captured_queries), (
        "the typo fallback ran no candidate pass"
    )
    # A pass's near-word condition is one the trigram indexes answer (here the list's index on the status may be
    # cheaper for two events; on 2,400 events the passes read the trigram indexes).
    near = Q()
    for field in ("title", "summary"):
        near |= Q(StrictWordSimilar(Value("некомерческих"), Fold(F(field))))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.strict_word_similarity_threshold', '0.5', true)")
    plan = _plan(*Event.objects.filter(near).values("pk").query.sql_with_params())
    assert "event_title_folded_trgm" in plan and "event_summary_folded_trgm" in plan
