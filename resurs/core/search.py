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

A common name misspelt is near thousands of rows («иваноф»: 21,000 of 205,000 people, counting «Ивановна» and
«Иван»), and scoring every row of a table is seconds at national scale. So the fallback first collects at most
``TYPO_CANDIDATES`` rows through the trigram indexes (pg_trgm's ``<<%``/``<%`` operators, which a GIN
``gin_trgm_ops`` index answers, with their thresholds set for that one query), whole words alike first, then
ranks only those: a list past the cap says "at least" (``typo_capped``). A pass that finds more near rows than the
cap does not keep any of them: the rows holding the nearest values of what it read come first
(``_nearest_values_first``: «Иванов», not «Иван», for «иваноф»).

A long list searched through another table's fields (a call's 15,000 applications by their organisations'
names) uses ``indexed_words_condition``: each table matched in a subquery that its trigram indexes of the folded
fields answer (``resurs.core.migration_operations.FoldedTrigramIndex``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import NotSupportedError, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, F, FloatField, Q, QuerySet, TextField, Value
from django.db.models.expressions import Func
from django.db.models.functions import Greatest
from django.db.models.lookups import Contains, Exact, GreaterThanOrEqual

MAX_WORDS = 8
TYPO_MIN_SIMILARITY = 0.5  # pg_trgm word_similarity of a query word to the most alike stretch of a field
TYPO_CANDIDATES = 300  # at most this many near rows are ranked and listed (that many: "at least")
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


def estimated_rows(queryset: QuerySet) -> float:
    """The planner's estimate of how many rows ``queryset`` returns (no rows are read); 0 where there is none
    (SQLite)."""
    try:
        plan = json.loads(queryset.order_by().explain(format="json"))
        return float(plan[0]["Plan"]["Plan Rows"])
    except (ValueError, KeyError, IndexError, TypeError, NotSupportedError):
        return 0.0


class InArray(Func):
    """``expression IN (subquery)`` written on PostgreSQL as ``expression = ANY(ARRAY(subquery))``: the planner
    then reads the rows by ``expression``'s index, one probe a value, instead of possibly joining the whole
    table (it cannot tell how many values the array holds, and expects few)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, template="%(lhs)s IN %(subquery)s", **extra_context):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        subquery, subquery_params = compiler.compile(self.source_expressions[1])
        return template % {"lhs": lhs, "subquery": subquery}, (*lhs_params, *subquery_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="%(lhs)s = ANY(ARRAY%(subquery)s)")


def indexed_words_condition(queryset: QuerySet, words: Sequence[str], fields: Sequence[str]) -> Q:
    """``words_condition`` for the rows of ``queryset``, written so that a long list is not joined and folded row
    by row: the fields of each table (``queryset``'s own, or those behind one relation, such as
    ``"organisation__name"``) are matched, word by word, in a subquery of that table alone (``pk IN (...)``,
    ``organisation_id IN (...)``), which PostgreSQL answers from the trigram indexes of the folded fields
    (``translate(lower(field), 'ё', 'е') gin_trgm_ops``), ANDed with the list's own conditions for its own table.

    A related table is read through its trigram indexes when the planner expects fewer of its rows to hold the
    word than the list has rows. A more common word (in a fifth of all organisations, «центр», for a call of
    15,000 applications) is checked only on the related rows of the list, read one by one by primary key:
    reading 46,000 organisations through the index to keep 3,000 costs more than folding the names of the
    call's 15,000 (and a join would read the whole table) — only of the list's rows that hold the query's rarer
    words, when there are some.

    The rows found are those of ``words_condition``; ``fields`` are field names (no expressions)."""
    rows = queryset.order_by()
    postgres = connections[queryset.db].vendor == "postgresql"
    list_size = estimated_rows(rows) if postgres else 0.0
    tables: dict[str, list[str]] = {}
    for field in fields:
        relation, _, column = field.rpartition("__")
        tables.setdefault(relation, []).append(column)
    targets = {relation: _related_model(queryset.model, relation) for relation in tables if relation}
    rare, common = Q(), []
    for word in words:
        any_table, common_tables = Q(), {}
        for relation, columns in tables.items():
            matches = words_condition([word], columns)
            if not relation:
                any_table |= Q(pk__in=rows.filter(matches).values("pk"))
                continue
            related = targets[relation]._base_manager.filter(matches)
            if postgres and estimated_rows(related) > list_size:
                common_tables[relation] = related
            else:
                any_table |= Q(**{f"{relation}__in": related.values("pk")})
        if common_tables:
            common.append((any_table, common_tables))
        else:
            rare &= any_table
    # A common word is checked on the related rows of the list's rows that hold the rarer words (all of them
    # when every word is common): «центр молодёжи» probes the organisations of 800 applications, not 15,000.
    condition = rare
    for any_table, common_tables in common:
        for relation, related in common_tables.items():
            of_list = related.filter(InArray(F("pk"), rows.filter(rare).values(relation)))
            any_table |= Q(**{f"{relation}__in": of_list.values("pk")})
        condition &= any_table
    return condition


def _related_model(model, relation: str):
    for step in relation.split("__"):
        model = model._meta.get_field(step).related_model
    return model


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


class StrictWordSimilarity(Func):
    """pg_trgm ``strict_word_similarity(word, text)``: how like ``word`` the most alike whole words of ``text`` are
    («иваноф»: «Иванов» 0.56, «Ивановна» 0.45, where ``word_similarity`` gives both 0.71)."""

    function = "strict_word_similarity"
    output_field = FloatField()


class _TrigramOperator(Func):
    """``word <op> text``, true when the similarity reaches the operator's threshold (a pg_trgm setting): the
    form that a trigram index answers."""

    template = "%(expressions)s"
    output_field = BooleanField()
    operator = ""

    def __init__(self, word, expression):
        super().__init__(word, expression)
        self.arg_joiner = f" {self.operator} "


class WordSimilar(_TrigramOperator):
    """``word <% text``: ``word_similarity`` ≥ ``pg_trgm.word_similarity_threshold``."""

    operator = "<%%"


class StrictWordSimilar(_TrigramOperator):
    """``word <<% text``: ``strict_word_similarity`` ≥ ``pg_trgm.strict_word_similarity_threshold``."""

    operator = "<<%%"


# Each pass collects rows in which every word is near one of the fields; a pass that fills the cap ends the search.
# First whole words alike («Иванов» for «иваноф»), then any stretch alike (the fallback's own condition).
_PASSES = (
    (StrictWordSimilar, "pg_trgm.strict_word_similarity_threshold", TYPO_MIN_SIMILARITY),
    (WordSimilar, "pg_trgm.word_similarity_threshold", TYPO_MIN_SIMILARITY),
)


def _similar_candidates(queryset: QuerySet, words: Sequence[str], fields: Sequence) -> list:
    """The pks of at most ``TYPO_CANDIDATES`` rows of ``queryset`` in which every word is near one of the fields,
    read through the trigram indexes where there are some: no row is scored
    before it is collected, and a pass stops at the cap. Each pass is planned as if all its rows were wanted (a
    materialised CTE), then read up to the cap: asked for "the first 300" directly, the planner walks the whole
    table, expecting to stop early, which it does not when few rows are near. Sequential scans are off for the
    passes: the planner cannot tell that a trigram operator costs microseconds a row and would rather scan a
    table of a few thousand courses than read its trigram indexes (40 ms against 1 ms). The thresholds and
    that setting hold for these queries only."""
    connection = connections[queryset.db]
    passes = []
    for operator, setting, threshold in _PASSES:
        condition = Q()
        for word in words:
            any_field = Q()
            for field in fields:
                any_field |= Q(operator(Value(word), Fold(_as_expression(field))))
            condition &= any_field
        ids = queryset.order_by().filter(condition).values_list("pk", flat=True)
        passes.append((setting, str(threshold), *ids.query.get_compiler(using=queryset.db).as_sql()))

    def collect() -> list:
        collected: dict = {}
        with connection.cursor() as cursor:
            for setting, threshold, sql, params in passes:
                cursor.execute("SELECT set_config(%s, %s, true)", [setting, threshold])
                collected.update(dict.fromkeys(_read_near(cursor, sql, params, TYPO_CANDIDATES)))
                if len(collected) >= TYPO_CANDIDATES:
                    if len(words) == 1:
                        return _nearest_values_first(queryset, words[0], fields, list(collected), cursor)
                    break
        return list(collected)[:TYPO_CANDIDATES]

    return _with_settings(queryset.db, {"enable_seqscan": "off"}, collect)


def _read_near(cursor, sql: str, params, limit: int) -> list:
    """The first ``limit`` pks that ``sql`` selects, planned as if all were wanted (a materialised CTE)."""
    cursor.execute(f"WITH near (pk) AS MATERIALIZED ({sql}) SELECT pk FROM near LIMIT %s", [*params, limit])
    return [row[0] for row in cursor.fetchall()]


NEAREST_VALUES = 3  # a full pass's rows holding one of the nearest values of its sample are collected first


def _nearest_values_first(queryset: QuerySet, word: str, fields: Sequence, sample: list, cursor) -> list:
    """A pass found more near rows than the cap; ``sample`` is as many of them, in no particular order
    («иваноф»: 300 of the 7,400 people named «Иван», «Иванова» or «Иванов»). The values of ``fields`` in the
    sample are scored as the ranking scores a row (``word_similarity`` + ``strict_word_similarity``), and the
    rows holding one of the ``NEAREST_VALUES`` best («иванов», folded) are collected first, value by value — an
    equality that the trigram indexes answer too —, then the rest of the sample: the cap is filled with the
    nearest rows, not any. A value nearer still but in none of the sample's rows is missed (looking for it field
    by field costs a full read of a field's near rows when it has none: 80 ms for «иваноф» in patronymics)."""
    columns = {f"near_value_{index}": Fold(_as_expression(field)) for index, field in enumerate(fields)}
    rows = queryset.model._base_manager.filter(pk__in=sample).annotate(**columns).values_list(*columns)
    sql, params = rows.query.get_compiler(using=queryset.db).as_sql()
    names = ", ".join(columns)
    cursor.execute(
        f"SELECT value FROM ({sql}) AS sample ({names}) CROSS JOIN LATERAL unnest(ARRAY[{names}]) AS value "
        "WHERE value <> '' GROUP BY value "
        "ORDER BY word_similarity(%s, value) + strict_word_similarity(%s, value) DESC, value LIMIT %s",
        [*params, word, word, NEAREST_VALUES],
    )
    collected: dict = {}
    for (value,) in cursor.fetchall():
        any_field = Q()
        for field in fields:
            any_field |= Q(Exact(Fold(_as_expression(field)), value))
        ids = queryset.order_by().filter(any_field).values_list("pk", flat=True)
        sql, params = ids.query.get_compiler(using=queryset.db).as_sql()
        collected.update(dict.fromkeys(_read_near(cursor, sql, params, TYPO_CANDIDATES - len(collected))))
        if len(collected) >= TYPO_CANDIDATES:
            break
    collected.update(dict.fromkeys(sample))
    return list(collected)[:TYPO_CANDIDATES]


def _with_settings(using: str, settings: dict[str, str], run):
    """``run()`` (reading only) with PostgreSQL ``settings`` local to it: set for its transaction or savepoint
    (``set_config(..., true)``), which is then rolled back, so that an enclosing transaction (a test's, a
    request's) keeps its own settings. A setting of pg_trgm may be set before the extension's library is loaded
    in the session (it is then kept for the library)."""
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
                [value for pair in settings.items() for value in pair],
            )
        result = run()
        transaction.set_rollback(True, using=using)
    return result


def similar_filter(queryset: QuerySet, words: Sequence[str], fields: Sequence) -> QuerySet:
    """PostgreSQL: the rows in which every word is like a stretch of one of the fields, the most alike first (and,
    of as alike, the one with the most alike whole words) — at most ``TYPO_CANDIDATES`` of them (see
    ``typo_capped``)."""
    scores = []
    condition = Q()
    for word in words:
        folded = [Fold(_as_expression(field)) for field in fields]
        similarities = [WordSimilarity(Value(word), expression) for expression in folded]
        strict = [StrictWordSimilarity(Value(word), expression) for expression in folded]
        best = Greatest(*similarities) if len(similarities) > 1 else similarities[0]
        scores.append(best)
        scores.append(Greatest(*strict) if len(strict) > 1 else strict[0])
        condition &= Q(GreaterThanOrEqual(best, Value(TYPO_MIN_SIMILARITY)))
    total = scores[0]
    for score in scores[1:]:
        total = total + score
    candidates = _similar_candidates(queryset, words, fields)
    return (
        queryset.filter(pk__in=candidates)
        .filter(condition)
        .annotate(search_similarity=total)
        .order_by("-search_similarity", "pk")
    )


def typo_capped(queryset: QuerySet, count: int) -> bool:
    """Whether ``queryset``, counted ``count``, is a typo fallback's list that may have left near rows out: it holds
    as many rows as the fallback ranks at most (the page then says "at least")."""
    return "search_similarity" in queryset.query.annotations and count >= TYPO_CANDIDATES
