"""Searching the registry. The list page, the API and the search-as-you-type box all go through here.

On PostgreSQL a query runs against the stored, weighted ``search_vector`` column (migration 0004: names in the
'russian' configuration, which stems Russian and English words, and in 'simple' for exact tokens and prefixes;
INN/OGRN; city; description) through its GIN index. Every word must match (stemmed); the last one may also be a
prefix still being typed. Results are ordered by ``ts_rank`` with an organisation named exactly as the query
first; a result of thousands (a common word) is walked in name order instead of ranked. When full-text search
finds nothing, the query is tried as re-read in the other keyboard layout («ujcgbc» → «госпис»), and then as a
typo corrected at the level of the whole name: each word may be any of the few words of names nearest to it
(pg_trgm over a table of name words), the names having a close word for every telling query word (failing that,
any near word; failing that, for any word) are the matches, and those whose words are nearest the query's come
first — so «хоспис вира» finds «…хосписам «Вера»» rather than whatever single word is nearest to «вира». A bare
INN or OGRN is looked up exactly.

Counts and facets (``organisation_count``, ``organisation_facets``) are exact for results up to
``LARGE_RESULTS``: kind, region and federal district from one grouped query, fields from one more. A larger
result is counted, and its facets taken, from a random sample of the table's pages (``TABLESAMPLE SYSTEM``),
shown on the page as estimates: counting 100,000 matches exactly means reading each of them.

On SQLite a plain ``LIKE`` fallback still finds names (in any letter case) and INNs, and counts are exact; of the
typo tolerance it keeps the keyboard layout (a query that finds nothing is tried in the other layout), not the
correction of misspelt words, which needs pg_trgm.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection, connections
from django.db.models import (
    Case,
    Count,
    Expression,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact

from resurs.core.search import estimated_rows, query_words, words_condition
from resurs.registry.models import Field, Organisation, Region
from resurs.registry.names import is_generic, typed_in_other_layout

IDENTIFIER_LENGTHS = (10, 12, 13, 15)
MAX_WORDS = 8
# ts_rank weights for D (description), C (city), B (INN/OGRN), A (names): a name match counts ten times a
# description match.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# A result of this many matches or more is walked in name order rather than ranked match by match; for a pasted
# full name (an organisation named exactly so exists) from fewer: its matches are the organisations of the same
# legal form, which rank cannot order usefully, and the page opens at the name instead (``_dense``).
DENSE_RESULTS = 5_000
DENSE_NAMED_RESULTS = 1_000
# A result the planner expects to hold this many organisations or more is counted from a sample of pages.
LARGE_RESULTS = 5_000
SAMPLE_MATCHES = 2_500  # matches the sample aims for...
MIN_SAMPLE_SHARE = 0.005
MAX_SAMPLE_SHARE = 0.03  # ...reading at most this share of the table's pages
SAMPLE_SEED = 20_26
PREFIX_MIN_LENGTH = 3
# The planner multiplies the frequencies of a query's words as if they were independent; the legal-form words of
# a full name («частное образовательное учреждение дополнительного профессионального образования») go together,
# and it expects a quarter of the matches. A query of several words it expects at least 1/PROBE_UNDERESTIMATE of
# the matches that make a result dense is counted in a small sample of pages first, so that a large result is not
# ranked (and counted) match by match.
PROBE_UNDERESTIMATE = 4
# A misspelt word may be any of this many words of names nearest to it, at least this similar (pg_trgm).
TYPO_ALTERNATIVES = 6
TYPO_MIN_SIMILARITY = 0.25
# The words within this similarity of a word's nearest are its *close* alternatives, tried first; the index is
# asked for a few more than the nearest so that ties are broken by the word, not by the index's order.
TYPO_CLOSE_MARGIN = 0.1
TYPO_TIES = 4
# A legal-form word («АНО», «фонд») found in a name counts this share of a telling word towards its closeness.
GENERIC_WEIGHT = 0.2
PROBE_SHARE = 0.01


class StoredSearchVector(Expression):
    """The ``search_vector`` column that PostgreSQL generates (not a model field, see migration 0004)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def _uses_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_words(query: str) -> list[str]:
    """Letters-and-digits words of a query, lower-cased (safe to put into a raw tsquery)."""
    return re.findall(r"\w+", (query or "").lower().replace("ё", "е"))[:MAX_WORDS]


def identifier_in(query: str) -> str:
    """The INN/OGRN if the query is just one (spaces allowed), else ''."""
    digits = re.sub(r"[\s\-]", "", query or "")
    return digits if digits.isdigit() and len(digits) in IDENTIFIER_LENGTHS else ""


def organisation_search(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """Organisations of ``queryset`` matching ``query`` (name, short name, INN, OGRN, city, description), best
    first. The result is a queryset: callers may filter, count and slice it further."""
    query = (query or "").strip()
    if not query:
        return queryset
    number = identifier_in(query)
    if number:
        return queryset.filter(Q(inn=number) | Q(ogrn=number))
    if _uses_postgres(queryset):
        return _postgres_search(queryset, query)
    found = _fallback_search(queryset, query)
    other_layout = typed_in_other_layout(query)
    if other_layout and not found.exists():
        return _fallback_search(queryset, other_layout)
    return found


def being_typed(query: str) -> bool:
    """Whether the last word of ``query`` may still be being typed: the query ends in it. After a closing quote,
    a full stop or a bracket («…"ЦЕНТР"», a full name pasted) the word is complete."""
    query = (query or "").strip()
    return bool(query) and (query[-1].isalnum() or query[-1] == "_")


def _tsquery(words: list[str], *, prefix: bool = True) -> SearchQuery:
    """Every word, stemmed ('russian': «газеты» finds «газета»); the last one may also be a prefix still being
    typed ('simple': «благотвор» finds «благотворительный»). Only the last word is a prefix, and only while it
    is being typed (``prefix``): a prefix term makes the GIN index collect the posting lists of every word it
    covers («центр:*» — центра, центральный, центристский…), which for common words is the slow part.
    The words are letters and digits only, so the raw prefix query is safe."""
    *complete, last = words
    query = SearchQuery(last, config="russian", search_type="plain")
    if prefix and len(last) >= PREFIX_MIN_LENGTH:
        query |= SearchQuery(f"{last}:*", config="simple", search_type="raw")
    if complete:
        query = SearchQuery(" ".join(complete), config="russian", search_type="plain") & query
    return query


def _postgres_search(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    words = search_words(query)
    if not words:
        return queryset.none()
    prefix = being_typed(query)
    # An organisation named exactly as the query (a full name pasted) is found through the index of lower-cased
    # names in a fraction of a millisecond. It is always a match (even where the words of its name are split
    # otherwise by the text parser: «СТК-1» holds the token «-1»), so the search has matches without a full-text
    # scan to prove it. Asked of ``queryset`` alone: with the full-text condition too, the planner would
    # intersect both indexes and pay the scan anyway.
    if len(words) > 1 and _named(queryset, query).exists():
        return _ordered_matches(queryset, _tsquery(words, prefix=prefix), query, named=True)
    found = _ordered_matches(queryset, _tsquery(words, prefix=prefix), query)
    if found is not None:
        return found
    # Nothing matched: typed with the keyboard in the Latin layout («ujcgbc» is «госпис»)?
    other_layout = typed_in_other_layout(query) if re.search("[a-z]", query.lower()) else ""
    if other_layout and search_words(other_layout):
        found = _ordered_matches(queryset, _tsquery(search_words(other_layout), prefix=prefix), other_layout)
        if found is not None:
            return found
    # Still nothing: probably a typo. Each word may be any of the words of names nearest to it (``_typo_matches``).
    if other_layout and re.search("[а-я]", other_layout.lower()):  # Latin letters typed for Russian ones
        query, words = other_layout, search_words(other_layout)
    return _typo_matches(queryset, query, words, prefix=prefix)


def _typo_matches(
    queryset: QuerySet[Organisation], query: str, words: list[str], *, prefix: bool
) -> QuerySet[Organisation]:
    """A query that found nothing, read as misspelt: each word may be one of the words of names nearest to it.
    Tried in widening steps, each read through the full-text index and stopping at the first that finds
    something: every telling word (legal-form words such as «АНО» are left out, a record may lack its short
    name) as typed or its *close* alternatives (``TYPO_CLOSE_MARGIN`` of the nearest); then as any of its
    ``TYPO_ALTERNATIVES`` alternatives; then any word as any alternative. The matches are ranked by how near
    the words they have are to the query's (``_closeness``), shorter names first: a name holding the nearest word
    of each is the likeliest meant. (Not by ``word_similarity`` of the whole query to the name: that costs ~50 ms
    per 1,000 matches, the closeness a few, and it ranked no better on the real misspellings.)"""
    alternatives = word_alternatives_scored(words)
    telling = [word for word in words if not is_generic(word)] or words
    close = {
        word: [(near, score) for near, score in options if score >= options[0][1] - TYPO_CLOSE_MARGIN]
        for word, options in alternatives.items()
    }
    closeness = _closeness(words, alternatives, prefix=prefix)
    steps = [(telling, close, " & "), (telling, alternatives, " & "), (words, alternatives, " | ")]
    for index, (required, options, combine) in enumerate(steps):
        if index and steps[index - 1] == steps[index]:
            continue  # the same query as the step before (no word had distant alternatives)
        tsquery = _alternatives_query(required, options, combine=combine, prefix=prefix)
        found = _similar_matches(
            queryset, tsquery, query, closeness=closeness, even_if_empty=index == len(steps) - 1
        )
        if found is not None:
            return found
    return queryset.none()


def word_alternatives_scored(
    words: list[str], *, nearest: int = TYPO_ALTERNATIVES
) -> dict[str, list[tuple[str, float]]]:
    """For each word of four letters or more (not a number), the words of organisation names nearest to it by
    trigram distance with their similarity, nearest first (pg_trgm over the ``registry_search_word`` table kept
    by triggers, migration 0007, through its GiST index, migration 0010: ordered by the distance alone, so that
    the index yields the nearest words without scoring the whole table), the word itself first when names have
    it."""
    candidates = list(
        dict.fromkeys(word for word in words if len(word) >= 4 and not any(ch.isdigit() for ch in word))
    )
    if not candidates:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.word, near.word, near.distance
            FROM unnest(%s::text[]) AS q(word)
            CROSS JOIN LATERAL (
                SELECT w.word, w.word <-> q.word AS distance FROM registry_search_word AS w
                ORDER BY w.word <-> q.word LIMIT %s
            ) AS near
            WHERE near.distance <= %s
            """,
            [candidates, nearest + TYPO_TIES, 1 - TYPO_MIN_SIMILARITY],
        )
        rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[2], row[1]))
    found: dict[str, list[tuple[str, float]]] = {}
    for word, near, distance in rows:
        options = found.setdefault(word, [])
        if len(options) < nearest:
            options.append((near, round(1 - distance, 4)))
    return found


def word_alternatives(words: list[str], *, nearest: int = TYPO_ALTERNATIVES) -> dict[str, list[str]]:
    """For each word of four letters or more (not a number), the words of organisation names nearest to it, the
    word itself first when names have it (see ``word_alternatives_scored``)."""
    return {
        word: [near for near, _score in options]
        for word, options in word_alternatives_scored(words, nearest=nearest).items()
    }


def corrected_words(words: list[str]) -> list[str]:
    """Each word replaced by the nearest word that occurs in organisation names (see ``word_alternatives``)."""
    alternatives = word_alternatives(words, nearest=1)
    return [alternatives.get(word, [word])[0] for word in words]


def _closeness(
    words: list[str], alternatives: dict[str, list[tuple[str, float]]], *, prefix: bool
) -> Expression:
    """The sum over the query's words of the similarity of the nearest of its alternatives a name has (1 for
    a word without alternatives that the name has; a word being typed found as a prefix counts as the least
    similar alternative; a legal-form word ``GENERIC_WEIGHT`` of that)."""
    terms = []
    for index, word in enumerate(words):
        weight = GENERIC_WEIGHT if is_generic(word) else 1.0
        options = [(near, score * weight) for near, score in alternatives.get(word) or [(word, 1.0)]]
        whens = [
            When(search=SearchQuery(f"{near}:A", config="simple", search_type="raw"), then=Value(score))
            for near, score in options
        ]
        if prefix and index == len(words) - 1 and len(word) >= PREFIX_MIN_LENGTH:
            whens.append(
                When(
                    search=SearchQuery(f"{word}:*A", config="simple", search_type="raw"),
                    then=Value(TYPO_MIN_SIMILARITY * weight),
                )
            )
        terms.append(Case(*whens, default=Value(0.0), output_field=FloatField()))
    return reduce(operator.add, terms)


def _alternatives_query(
    words: list[str], alternatives: dict[str, list[tuple[str, float]]], *, combine: str, prefix: bool
) -> SearchQuery:
    """Every (or any, ``combine``) word as typed or one of its alternatives (exact tokens, 'simple'); the last one
    also as a prefix while it is being typed. In names only (weight A): the alternatives are words of names, and a
    word of a description («бизнес» in «консультирование по вопросам бизнеса») would bring thousands of matches
    to rank. The words are letters and digits only, so the raw query is safe."""
    terms = []
    for index, word in enumerate(words):
        options = [
            f"{near}:A"
            for near in dict.fromkeys([word, *(near for near, _score in alternatives.get(word, []))])
        ]
        if prefix and index == len(words) - 1 and len(word) >= PREFIX_MIN_LENGTH:
            options.append(f"{word}:*A")
        terms.append("(" + " | ".join(options) + ")")
    return SearchQuery(combine.join(terms), config="simple", search_type="raw")


def _similar_matches(
    queryset: QuerySet[Organisation],
    tsquery: SearchQuery,
    query: str,
    *,
    closeness: Expression,
    even_if_empty: bool = False,
) -> QuerySet[Organisation] | None:
    """The organisations matching ``tsquery``, those having the words nearest the query's first (``closeness``),
    shorter names before longer; a result of thousands is walked in name order instead. None when there are
    none, unless ``even_if_empty``."""
    matches = queryset.alias(search=StoredSearchVector()).filter(search=tsquery)
    if estimated_rows(matches) >= DENSE_RESULTS:
        return _dense(matches, query, named=False)
    if not even_if_empty and not matches.exists():
        return None
    return matches.order_by(ExactNameFirst(query), closeness.desc(), Length("name"), "pk")


def _ordered_matches(
    queryset: QuerySet[Organisation],
    tsquery: SearchQuery,
    query: str,
    *,
    named: bool = False,
    even_if_empty: bool = False,
) -> QuerySet[Organisation] | None:
    """The organisations matching ``tsquery`` (and, if some are ``named`` exactly as the query, those too), best
    first; None when there are none, unless ``even_if_empty``."""
    condition = Q(search=tsquery)
    if named:
        condition |= Q(name_lower=query.lower())
    matches = queryset.alias(search=StoredSearchVector(), name_lower=Lower("name")).filter(condition)
    dense = DENSE_NAMED_RESULTS if named else DENSE_RESULTS
    expected = estimated_rows(matches)
    if dense / PROBE_UNDERESTIMATE <= expected < LARGE_RESULTS and len(search_words(query)) > 1:
        expected = max(expected, _sampled_matches(matches, PROBE_SHARE))
        # Noted on the queryset (an alias, never selected), so that counting it later samples if it is large.
        matches = matches.alias(expected_matches=Value(expected))
    if expected >= dense:
        return _dense(matches, query, named=named)
    if named or even_if_empty or matches.exists():
        return _ranked(matches, tsquery, query)
    return None


def _named(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """The organisations of ``queryset`` whose name is ``query`` in any letter case."""
    return queryset.alias(name_lower=Lower("name")).filter(name_lower=query.lower())


class NameBefore(Case):
    """1 for a name that sorts before ``query``, 0 for the others: an ordering term."""

    def __init__(self, query: str):
        self.query = query
        super().__init__(When(name__lt=query, then=Value(1)), default=Value(0), output_field=IntegerField())


class ExactNameFirst(Case):
    """0 for an organisation named ``query`` (in any letter case), 1 for the others: an ordering term."""

    def __init__(self, query: str):
        self.name_lower = query.lower()
        super().__init__(
            When(Exact(Lower("name"), self.name_lower), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )


def _dense(matches: QuerySet[Organisation], query: str, *, named: bool) -> QuerySet[Organisation]:
    """A word found in thousands of names ("организация"): rank cannot tell them apart, and ranking them all is
    the slow part, so walk the name index instead. When an organisation is ``named`` exactly as the query (a
    full name pasted), it comes first, followed by the names after it in alphabetical order and then those
    before it, like a directory opened at that name: the matches of a full name share its legal-form words and
    sit around it in name order (a walk from «А» to «НЕКОММЕРЧЕСКОЕ …» would pass 45,000 names first).
    ``organisation_page`` reads such a page from the indexes (``_pinned_page``), without sorting every match."""
    if named:
        return matches.order_by(ExactNameFirst(query), NameBefore(query), "name", "pk")
    return matches.order_by("name", "pk")


def _ranked(matches: QuerySet[Organisation], tsquery: SearchQuery, query: str) -> QuerySet[Organisation]:
    """Best first: an organisation whose name is the query itself, then by rank (names weigh most)."""
    rank = SearchRank(StoredSearchVector(), tsquery, weights=RANK_WEIGHTS, normalization=1)
    return matches.order_by(ExactNameFirst(query), rank.desc(), "pk")


def _fallback_search(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """SQLite: every word in the name or short name in any letter case and «е» for «ё» (``resurs.core.search``),
    or the start of the INN or OGRN."""
    condition = Q()
    for word in query_words(query):
        condition &= (
            words_condition([word], ["name", "short_name"])
            | Q(inn__startswith=word)
            | Q(ogrn__startswith=word)
        )
    return queryset.filter(condition)


@dataclass(frozen=True)
class ResultCount:
    """How many organisations a result holds. ``exact`` is false for a large result on PostgreSQL, where the
    number is estimated from a random sample of the table's pages (``share`` of them): the matches in the sample
    over the rows in the sample, times the rows of the table (``scale`` = table rows / sampled rows), rounded.
    The sample's rows are kept so that the facets come from the same sample."""

    value: int
    exact: bool = True
    share: float = 1.0
    scale: float = 1.0
    sample: tuple = field(default=(), repr=False, compare=False)


def organisation_count(queryset: QuerySet[Organisation]) -> ResultCount:
    """The number of organisations in ``queryset``: exact below ``LARGE_RESULTS`` (by the planner's estimate),
    else estimated from ``TABLESAMPLE SYSTEM``, which reads a few percent of the table's pages. Counting 100,000
    matches exactly reads every one of them from the heap (hundreds of milliseconds); the sample reads about
    ``SAMPLE_MATCHES`` of them, and its error is a few percent."""
    return _estimated_count(queryset) or ResultCount(queryset.count())


def organisation_page(
    queryset: QuerySet[Organisation], *, offset: int, limit: int
) -> tuple[ResultCount, list[Organisation]]:
    """Rows ``offset`` to ``offset + limit`` of ``queryset`` and the count of all of them, in one pass over the
    matches where possible: a small result is counted by the query that fetches the page (``count(*) OVER ()``;
    ranking reads every match anyway), a large one estimated from a sample (see ``organisation_count``)."""
    count = _estimated_count(queryset)
    around = _pinned_name(queryset)
    if around is not None:
        return count or ResultCount(queryset.count()), _pinned_page(queryset, around, offset, limit)
    if not _computed_order(queryset):
        # In an index's order (name) the page stops after its rows; the count is a query of its own.
        return count or ResultCount(queryset.count()), id_window(queryset, offset, limit)
    if count is not None:
        return count, list(queryset[offset : offset + limit])
    rows = list(queryset.annotate(result_total=Window(Count("pk")))[offset : offset + limit])
    if rows:
        return ResultCount(rows[0].result_total), rows
    return ResultCount(queryset.count()), rows  # past the last page, or nothing at all


def id_window(queryset: QuerySet, offset: int, limit: int) -> list:
    """Rows ``offset`` to ``offset + limit`` of ``queryset`` (in an index's order): a deep page's ids first, which
    an index covering the order and the filters yields without reading the table (migration 0017), then those
    rows. Skipping 50,000 rows of the table to reach page 2,000 reads 50,000 rows; skipping index entries, a
    tenth of the time."""
    if not offset:
        return list(queryset[:limit])
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def _pinned_name(queryset: QuerySet) -> str | None:
    """The query that ``queryset`` is ordered around if it is a pasted full name's large result (see
    ``_dense``), else None."""
    order = list(queryset.query.order_by)
    if (
        len(order) == 4
        and isinstance(order[0], ExactNameFirst)
        and isinstance(order[1], NameBefore)
        and order[2:] == ["name", "pk"]
    ):
        return order[1].query
    return None


def _pinned_page(queryset: QuerySet, query: str, offset: int, limit: int) -> list[Organisation]:
    """A page of a result ordered around the name ``query`` (see ``_dense``) without sorting every match: the
    few named so through the index of lower-cased names, then the names from ``query`` on and the names before
    it, each a walk of the name index."""
    queryset = queryset.alias(page_name=Lower("name"))
    others = queryset.exclude(page_name=query.lower())
    segments = [
        queryset.filter(page_name=query.lower()),
        others.filter(name__gte=query),
        others.filter(name__lt=query),
    ]
    rows: list[Organisation] = []
    for segment in segments:
        if len(rows) >= limit:
            break
        segment = segment.order_by("name", "pk")
        found = list(segment[offset : offset + limit - len(rows)])
        if found:
            rows += found
            offset = 0
        elif offset:
            offset = max(0, offset - segment.count())  # the page starts after this segment
    return rows


def _computed_order(queryset: QuerySet) -> bool:
    """Whether ``queryset`` is ordered by a computed value (rank, an exact-name match): then every match is read
    and sorted before the first row comes out, and counting them costs nothing more."""
    return any(not isinstance(term, str) for term in queryset.query.order_by)


def _estimated_count(queryset: QuerySet[Organisation]) -> ResultCount | None:
    """The estimated count of a large result on PostgreSQL; None for a small one (to be counted exactly)."""
    if not _uses_postgres(queryset) or queryset.query.is_empty():
        return None
    # What the search found when it sampled the result, else the planner's estimate.
    estimate = _expected_matches(queryset) or estimated_rows(queryset)
    if estimate < LARGE_RESULTS:
        return None
    share = min(MAX_SAMPLE_SHARE, max(MIN_SAMPLE_SHARE, SAMPLE_MATCHES / estimate))
    sample = _sample(queryset, share)
    if sample is None:
        return None
    matches, sampled_rows = sample
    table_rows = _table_rows(queryset.db)
    if not sampled_rows or not table_rows:
        return None
    scale = max(1.0, table_rows / sampled_rows)
    value = len(matches) * scale
    if value < LARGE_RESULTS:  # the planner overestimated: a small result is counted exactly
        return None
    return ResultCount(round_estimate(value), exact=False, share=share, scale=scale, sample=tuple(matches))


def _expected_matches(queryset: QuerySet) -> float:
    """How many matches the search expected when it sampled the result (0 if it did not)."""
    expected = queryset.query.annotations.get("expected_matches")
    return float(expected.value) if isinstance(expected, Value) else 0.0


def _sampled_matches(queryset: QuerySet[Organisation], share: float) -> float:
    """The matches of ``queryset`` in a random ``share`` of the table's pages, scaled to the whole table (0 when
    the query's SQL does not have the shape a sample needs)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    sampled = _with_tablesample(sql, share)
    if sampled is None:
        return 0.0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sampled}) AS matches", params)
        (matches,) = cursor.fetchone()
    sampled_rows = _sampled_rows(queryset.db, share)
    if not sampled_rows:
        return 0.0
    return matches * _table_rows(queryset.db) / sampled_rows


def _sampled_rows(using: str, share: float) -> int:
    """How many rows of the organisation table the sample of ``share`` of its pages holds."""
    table = connection.ops.quote_name(Organisation._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} {_tablesample(share)}")
        (rows,) = cursor.fetchone()
    return rows


def _tablesample(share: float) -> str:
    # The percentage and seed are numbers formatted here, not user input.
    return f"TABLESAMPLE SYSTEM ({share * 100:.6f}) REPEATABLE ({SAMPLE_SEED})"


def _with_tablesample(sql: str, share: float) -> str | None:
    """``sql`` reading a random ``share`` of the organisation table's pages; None when the table appears more
    than once (in a subquery too): then there is no one place for the sample."""
    marker = f" FROM {connection.ops.quote_name(Organisation._meta.db_table)}"
    if sql.count(marker) != 1:
        return None
    return sql.replace(marker, f"{marker} {_tablesample(share)}")


def round_estimate(value: float) -> int:
    """Three significant figures (97,583 → 97,600): the sample's error is a few percent, so more figures would
    claim a precision it does not have, and fewer would add an error of up to 5% of their own."""
    digits = max(0, len(str(int(value))) - 3)
    return int(round(value, -digits))


def _table_rows(using: str) -> float:
    """The rows of the organisation table as the planner reckons them: the density at the last (auto)vacuum or
    analyze times the table's current size in pages; counted outright when the table was never analysed."""
    table = Organisation._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT CASE WHEN reltuples < 0 THEN NULL
                        WHEN relpages > 0
                        THEN reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::int)
                        ELSE reltuples END
            FROM pg_class WHERE oid = %s::regclass
            """,
            [table],
        )
        (rows,) = cursor.fetchone()
        if rows is None:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            (rows,) = cursor.fetchone()
    return max(0.0, float(rows))


def _sample(queryset: QuerySet[Organisation], share: float) -> tuple[list[tuple], int] | None:
    """(kind, region id, field ids) of the rows of ``queryset`` found in a random ``share`` of the table's pages,
    and the number of rows those pages hold; None when the query's SQL does not have the expected shape (then
    the caller counts exactly). The same pages are drawn each time (``REPEATABLE``), so that a page of results
    reloaded shows the same numbers."""
    through = Organisation.fields.through
    rows = (
        queryset.order_by()
        .annotate(
            sample_field_ids=ArraySubquery(
                through.objects.filter(organisation_id=OuterRef("pk")).values("field_id")
            )
        )
        .values_list("kind", "region_id", "sample_field_ids")
    )
    sql, params = rows.query.sql_with_params()
    sampled = _with_tablesample(sql, share)
    if sampled is None:
        return None
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sampled, params)
        matches = cursor.fetchall()
    return matches, _sampled_rows(queryset.db, share)


def organisation_facets(
    queryset: QuerySet[Organisation], *, count: ResultCount | None = None
) -> dict[str, list[dict]]:
    """Counts per kind, region, federal district and field for the (already filtered) ``queryset``.

    Exact for a result counted exactly: kind, region and federal district from one grouped query (kind × region,
    summed here, with names from the regions table), fields from one over the link table restricted to the
    filtered ids. For a result whose ``count`` was estimated, from the same sample, scaled (rounded the same
    way)."""
    if count is not None and not count.exact:
        grouped: dict[tuple, int] = {}
        field_counts: dict[int, int] = {}
        for kind, region_id, field_ids in count.sample:
            grouped[(kind, region_id)] = grouped.get((kind, region_id), 0) + 1
            for field_id in field_ids or ():
                field_counts[field_id] = field_counts.get(field_id, 0) + 1
        scale = count.scale
        kind_region = [
            {"kind": kind, "region": region, "count": number * scale}
            for (kind, region), number in grouped.items()
        ]
        names = {
            row["pk"]: row
            for row in Field.objects.filter(pk__in=field_counts).values("pk", "name_ru", "name_en")
        }
        fields = [
            {
                "fields": field_id,
                "fields__name_ru": names[field_id]["name_ru"],
                "fields__name_en": names[field_id]["name_en"],
                "count": number * scale,
            }
            for field_id, number in field_counts.items()
            if field_id in names
        ]
        return _facets(kind_region, fields, estimate=True)
    if queryset.query.is_empty():
        return _facets([], [])
    # One pass over the matches: they are read once into a common table expression (PostgreSQL materialises one
    # that is used twice), grouped by kind and region, and joined with the field links.
    matches_sql, params = queryset.order_by().values("pk", "kind", "region_id").query.sql_with_params()
    links = connection.ops.quote_name(Organisation.fields.through._meta.db_table)
    fields_table = connection.ops.quote_name(Field._meta.db_table)
    sql = f"""
        WITH matches (id, kind, region_id) AS ({matches_sql})
        SELECT kind, region_id, NULL, NULL, NULL, COUNT(*) FROM matches GROUP BY kind, region_id
        UNION ALL
        SELECT NULL, NULL, field.id, field.name_ru, field.name_en, COUNT(*)
        FROM matches JOIN {links} AS link ON link.organisation_id = matches.id
        JOIN {fields_table} AS field ON field.id = link.field_id
        GROUP BY field.id, field.name_ru, field.name_en
    """
    kind_region, fields = [], []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        for kind, region_id, field_id, name_ru, name_en, number in cursor.fetchall():
            if field_id is None:
                kind_region.append({"kind": kind, "region": region_id, "count": number})
            else:
                fields.append(
                    {
                        "fields": field_id,
                        "fields__name_ru": name_ru,
                        "fields__name_en": name_en,
                        "count": number,
                    }
                )
    return _facets(kind_region, fields)


def _facets(kind_region: list[dict], fields: list[dict], *, estimate: bool = False) -> dict[str, list[dict]]:
    """Kind, region and federal district totals from (kind, region, count) rows, and the field rows, each
    sorted by count (estimates rounded to three significant figures)."""
    region_rows = {
        region.pk: region
        for region in Region.objects.select_related("federal_district").filter(
            pk__in={row["region"] for row in kind_region if row["region"] is not None}
        )
    }
    kinds: dict[str, float] = {}
    regions: dict[object, dict] = {}
    districts: dict[object, dict] = {}
    for row in kind_region:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["count"]
        region = region_rows.get(row["region"])
        district = region.federal_district if region else None
        entry = regions.setdefault(
            row["region"],
            {
                "region": row["region"],
                "region__name_ru": region.name_ru if region else None,
                "region__name_en": region.name_en if region else None,
                "count": 0,
            },
        )
        entry["count"] += row["count"]
        entry = districts.setdefault(
            district.pk if district else None,
            {
                "region__federal_district": district.pk if district else None,
                "region__federal_district__name_ru": district.name_ru if district else None,
                "region__federal_district__name_en": district.name_en if district else None,
                "count": 0,
            },
        )
        entry["count"] += row["count"]

    def by_count(rows):
        rows = list(rows)
        for row in rows:
            row["count"] = round_estimate(row["count"]) if estimate else row["count"]
            row["estimate"] = estimate
        return sorted(rows, key=lambda row: -row["count"])

    return {
        "kind": by_count({"kind": kind, "count": count} for kind, count in kinds.items()),
        "region": by_count(regions.values()),
        "federal_district": by_count(districts.values()),
        "field": by_count(fields),
    }


def organisation_search_naive(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """The obvious way (``icontains`` on every word), kept as the baseline of bench/registry.py."""
    condition = Q()
    for word in (query or "").split():
        condition &= Q(name__icontains=word) | Q(short_name__icontains=word) | Q(inn__startswith=word)
    return queryset.filter(condition)


def organisation_facets_naive(queryset: QuerySet[Organisation]) -> dict[str, list[dict]]:
    """Facets the obvious way, one ``values().annotate()`` per facet (the bench baseline)."""
    base = queryset.order_by()
    return {
        "kind": list(base.values("kind").annotate(count=Count("pk")).order_by("-count")),
        "region": list(
            base.values("region", "region__name_ru", "region__name_en")
            .annotate(count=Count("pk"))
            .order_by("-count")
        ),
        "federal_district": list(
            base.values(
                "region__federal_district",
                "region__federal_district__name_ru",
                "region__federal_district__name_en",
            )
            .annotate(count=Count("pk"))
            .order_by("-count")
        ),
        "field": list(
            base.values("fields", "fields__name_ru", "fields__name_en")
            .exclude(fields=None)
            .annotate(count=Count("pk"))
            .order_by("-count")
        ),
    }
