"""The course catalogue's search: the same courses found with the upcoming sessions counted in a subquery, and on
PostgreSQL the typo fallback read through the trigram indexes of the folded title and summary (learning 0004)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resurs.learning import selectors
from resurs.learning.choices import SessionStatus
from resurs.learning.tests.factories import TODAY, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    fundraising = CourseFactory(
        title="Фандрайзинг: частные пожертвования", summary="Регулярные пожертвования."
    )
    crowd = CourseFactory(title="Краудфандинг социальных проектов", summary="Платформы и вознаграждения.")
    ice = CourseFactory(title="Растопим лёд: работа с подростками", summary="Игры и разговоры.")
    hidden = CourseFactory(title="Фандрайзинг для своих", is_published=False)
    SessionFactory(course=fundraising)
    SessionFactory(course=fundraising, starts_on=TODAY + dt.timedelta(days=30))
    SessionFactory(course=fundraising, starts_on=TODAY - dt.timedelta(days=30))  # over
    SessionFactory(course=fundraising, status=SessionStatus.CANCELLED)
    SessionFactory(course=crowd)
    return {"fundraising": fundraising, "crowd": crowd, "ice": ice, "hidden": hidden}


def test_course_list_counts_each_course_upcoming_planned_sessions(catalogue):
    courses = {course.pk: course.upcoming for course in selectors.course_list()}
    assert courses == {catalogue["fundraising"].pk: 2, catalogue["crowd"].pk: 1, catalogue["ice"].pk: 0}


@pytest.mark.parametrize(
    ("query", "title", "upcoming"),
    [
        ("фандрайзинг", "Фандрайзинг: частные пожертвования", 2),
        ("РАСТОПИМ лед", "Растопим лёд: работа с подростками", 0),
        ("пожертвования", "Фандрайзинг: частные пожертвования", 2),
        ("проектов платформы", "Краудфандинг социальных проектов", 1),
    ],
)
def test_the_catalogue_finds_every_word_in_a_title_or_summary(client, catalogue, query, title, upcoming):
    """Published courses only, each word in the title or the summary (any letter case, «е» for «ё»), with their
    upcoming sessions counted."""
    response = client.get(reverse("learning:catalogue"), {"q": query})
    assert [(course.title, course.upcoming) for course in response.context["page_obj"]] == [(title, upcoming)]


@pytest.mark.postgres
def test_a_misspelt_course_word_finds_the_course_through_the_trigram_indexes(
    requires_postgres, client, catalogue
):
    """«фандрайзенг» is in no title: the typo fallback finds «Фандрайзинг», its passes answered by the trigram
    indexes of the folded title and summary even though the table is small enough to scan."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("learning:catalogue"), {"q": "фандрайзенг"})
    assert [course.title for course in response.context["page_obj"]] == ["Фандрайзинг: частные пожертвования"]
    passes = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("WITH near")]
    assert passes, "the typo fallback ran no candidate pass"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), "
            "set_config('pg_trgm.strict_word_similarity_threshold', '0.5', true)"
        )
        cursor.execute("EXPLAIN " + passes[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "course_title_folded_trgm" in plan and "course_summary_folded_trgm" in plan
