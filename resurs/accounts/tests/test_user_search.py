"""The administrators' list of users finds the accounts of the plain fold (every word in the user name, first or last
name or e-mail, any letter case, «е» for «ё») on SQLite and PostgreSQL; on PostgreSQL each field's condition is
answered by the trigram index of the folded field (accounts 0005)."""

import pytest
from django.db import connection
from django.urls import reverse

from resurs.accounts.models import User
from resurs.accounts.tests.factories import UserFactory
from resurs.core.search import fold, search_filter

pytestmark = pytest.mark.django_db

FIELDS = ("username", "first_name", "last_name", "email")


@pytest.fixture
def people(personas):
    UserFactory(username="a.ivanova", first_name="Анна", last_name="Иванова", email="anna@rastem.org")
    UserFactory(username="p.ivanov", first_name="Пётр", last_name="Иванов", email="petr@example.org")
    UserFactory(username="semenova", first_name="Алёна", last_name="Семёнова", email="alena@example.org")


def plain_fold(query: str) -> list[int]:
    words = fold(query).split()
    found = [
        user
        for user in User.objects.all()
        if all(any(word in fold(getattr(user, field)) for field in FIELDS) for word in words)
    ]
    return [
        user.pk for user in sorted(found, key=lambda user: (user.last_name, user.first_name, user.username))
    ]


@pytest.mark.parametrize("query", ["иванов", "ИВАНОВА анна", "семенова", "алена example", "IVANOV", "нет"])
def test_the_user_list_finds_the_accounts_of_the_plain_fold(client_for, personas, people, query):
    expected = plain_fold(query)
    assert query == "нет" or expected, "the query finds someone (the comparison is not of two empty lists)"
    response = client_for(personas.admin).get(reverse("accounts:user-list"), {"q": query})
    assert [user.pk for user in response.context["users"]] == expected


@pytest.mark.postgres
def test_the_user_search_is_answered_by_the_trigram_indexes(requires_postgres, people):
    """80,000 accounts at national scale: each field is read from its index (a BitmapOr), none folded row by row."""
    queryset = search_filter(User.objects.all(), "иванова", FIELDS)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for field in FIELDS:
        assert f"user_{field}_folded_trgm" in plan
