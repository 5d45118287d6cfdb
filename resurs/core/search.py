"""Searching the lists that have a search box, the same way on SQLite and PostgreSQL.

People type Russian in lower case and write «е» for «ё»: «иванов» must find «Иванов», «растопим лед» must find
«Растопим лёд». ``fold`` is that normalisation in Python (Unicode lower case, «ё» → «е»); ``Fold`` is the same in
SQL: on PostgreSQL ``translate(lower(x), 'ё', 'е')`` (``lower`` follows the database's locale, which is UTF-8 for
Cyrillic), on SQLite the deterministic function ``resurs_fold`` registered on every new connection (SQLite's own
``lower``/``LIKE`` fold ASCII only). ``search_filter`` keeps the rows in which every word of the query occurs in
one of the fields, folded on both sides.

On PostgreSQL, ``typos=True`` (the main lists: people, events, courses, publications) adds a fallback when the
exact search finds nothing: every word must be like a word of one of the fields (pg_trgm ``word_similarity``),
the most alike rows first — «иваноф» finds «Иванов». The registry's organisations have their own search
(``resurs.registry.search``), with a stored vector and typo correction over its word table.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import F, FloatField, Q, QuerySet, TextField, Value
from django.db.models.expressions import Func
from django.db.models.functions import Greatest
from django.db.models.lookups import Contains, GreaterThanOrEqual

MAX_WORDS = 8
TYPO_MIN_SIMILARITY = 0.5  # pg_trgm word_similarity of a query word to the most alike stretch of a field
SQLITE_FUNCTION = "resurs_fold"


def fold(text: str | None) -> str | None:
    """Lower case (Unicode) with «ё» as «е»; None stays None (SQL NULL)."""
    if text is None:
        return None
    return str(text).lower().replace("ё", "е")


def query_words(query: str | None) -> list[str]:
    """The folded words of a query (split on white space, at most ``MAX_WORDS``)."""
    return [word for word in (fold(query or "") or "").split() if word][:MAX_WORDS]


class Fold(Func):
    """``fold`` in SQL: the column lower-cased with «ё» as «е», on SQLite and PostgreSQL."""

    arity = 1
    function = SQLITE_FUNCTION
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="translate(lower((%(expressions)s)::text), 'ё', 'е')",
            **extra_context,
        )


def _register_fold(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


connection_created.connect(_register_fold, dispatch_uid="resurs.core.search.fold")


def _as_expression(field):
    return F(field) if isinstance(field, str) else field


def words_condition(words: Sequence[str], fields: Sequence) -> Q:
    """Every word in one of the fields (folded; ``words`` already folded)."""
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(Contains(Fold(_as_expression(field)), word))
        condition &= any_field
    return condition


def search_filter(
    queryset: QuerySet, query: str | None, fields: Sequence, *, typos: bool = False
) -> QuerySet:
    """The rows of ``queryset`` in which every word of ``query`` occurs in one of ``fields`` (field names, related
    lookups such as ``"organisation__name"``, or expressions), case- and ё-insensitively. With ``typos`` on
    PostgreSQL, a query that finds nothing is tried again as near words (pg_trgm), the most alike rows first.
    An empty query keeps the queryset as it is."""
    words = query_words(query)
    if not words:
        return queryset
    found = queryset.filter(words_condition(words, fields))
    if typos and connections[queryset.db].vendor == "postgresql" and not found.exists():
        return similar_filter(queryset, words, fields)
    return found


class WordSimilarity(Func):
    """pg_trgm ``word_similarity(word, text)``: how like ``word`` the most alike stretch of ``text`` is (0..1)."""

    function = "word_similarity"
    output_field = FloatField()


def similar_filter(queryset: QuerySet, words: Sequence[str], fields: Sequence) -> QuerySet:
    """PostgreSQL: the rows in which every word is like a stretch of one of the fields, the most alike first."""
    scores = []
    condition = Q()
    for word in words:
        folded = [Fold(_as_expression(field)) for field in fields]
        similarities = [WordSimilarity(Value(word), expression) for expression in folded]
        best = Greatest(*similarities) if len(similarities) > 1 else similarities[0]
        scores.append(best)
        condition &= Q(GreaterThanOrEqual(best, Value(TYPO_MIN_SIMILARITY)))
    total = scores[0]
    for score in scores[1:]:
        total = total + score
    return queryset.filter(condition).annotate(search_similarity=total).order_by("-search_similarity", "pk")
