"""Searching the registry. The list page, the API and the search-as-you-type box all go through here.

On PostgreSQL a query runs against the stored, weighted ``search_vector`` column (migration 0004: names in the
'russian' configuration, which stems Russian and English words, and in 'simple' for exact tokens and prefixes;
INN/OGRN; city; description) through its GIN index, ordered by ``ts_rank``. When full-text search finds nothing
(a typo), each word is corrected to the nearest word occurring in names (pg_trgm over a table of name words),
then any of the words is enough. A bare INN or OGRN is looked up
exactly. Facets are counted with one grouped query for kind, region and federal district together and one for
fields. On SQLite a plain ``LIKE`` fallback still finds names (in any letter case) and INNs.
"""

from __future__ import annotations

import json
import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, Count, Expression, IntegerField, Q, QuerySet, Value, When

from resurs.registry.models import Organisation, Region

IDENTIFIER_LENGTHS = (10, 12, 13, 15)
MAX_WORDS = 8
# ts_rank weights for D (description), C (city), B (INN/OGRN), A (names): a name match counts ten times a
# description match.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
DENSE_RESULTS = 5_000


class StoredSearchVector(Expression):
    """The ``search_vector`` column that PostgreSQL generates (not a model field, see migration 0004)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def _uses_postgres(queryset: QuerySet) -> bool:
    from django.db import connections

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
    return _fallback_search(queryset, query)


def _tsquery(words: list[str]) -> SearchQuery:
    """Stemmed words (all of them), or every word as a prefix (search as you type: "благотвор" finds
    "благотворительный"). The words are letters and digits only, so the raw prefix query is safe."""
    return SearchQuery(" ".join(words), config="russian", search_type="plain") | SearchQuery(
        " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
    )


def _postgres_search(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    words = search_words(query)
    if not words:
        return queryset.none()
    tsquery = _tsquery(words)
    matches = queryset.alias(search=StoredSearchVector()).filter(search=tsquery)
    if estimated_rows(matches) >= DENSE_RESULTS:
        # A word found in thousands of names ("организация"): rank cannot tell them apart, and ranking
        # them all is the slow part. Walk the name index instead; the count still comes from the GIN index.
        if len(words) == 1:
            return matches.order_by("name", "pk")
        # Several common words (a full name typed out): the organisation with exactly that name first.
        exact = Case(When(name__iexact=query, then=Value(0)), default=Value(1), output_field=IntegerField())
        return matches.order_by(exact, "name", "pk")
    if matches.exists():
        return _ranked(matches, tsquery)
    # Nothing matched: probably a typo. Correct each word to the nearest word that occurs in names, try again.
    corrected = corrected_words(words)
    if corrected != words:
        tsquery = _tsquery(corrected)
        matches = queryset.alias(search=StoredSearchVector()).filter(search=tsquery)
        if matches.exists():
            return _ranked(matches, tsquery)
    # Still nothing: any of the (corrected) words, best first.
    loose = SearchQuery(" | ".join(f"{word}:*" for word in corrected), config="simple", search_type="raw")
    matches = queryset.alias(search=StoredSearchVector()).filter(search=loose)
    if estimated_rows(matches) >= DENSE_RESULTS:
        return matches.order_by("name", "pk")
    return _ranked(matches, loose)


def _ranked(matches: QuerySet[Organisation], tsquery: SearchQuery) -> QuerySet[Organisation]:
    rank = SearchRank(StoredSearchVector(), tsquery, weights=RANK_WEIGHTS, normalization=1)
    return matches.order_by(rank.desc(), "pk")


def estimated_rows(queryset: QuerySet) -> float:
    """The planner's estimate of how many rows ``queryset`` returns (no rows are read)."""
    try:
        plan = json.loads(queryset.explain(format="json"))
        return float(plan[0]["Plan"]["Plan Rows"])
    except (ValueError, KeyError, IndexError, TypeError):
        return 0.0


def corrected_words(words: list[str]) -> list[str]:
    """Each word replaced by the most similar word that occurs in organisation names (pg_trgm over the
    ``registry_search_word`` table kept by triggers, migration 0007); short words and numbers stay as typed."""
    candidates = [word for word in words if len(word) >= 4 and not any(ch.isdigit() for ch in word)]
    if not candidates:
        return words
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.word, best.word
            FROM unnest(%s::text[]) AS q(word)
            CROSS JOIN LATERAL (
                SELECT w.word FROM registry_search_word AS w
                WHERE w.word %% q.word ORDER BY similarity(w.word, q.word) DESC, w.word LIMIT 1
            ) AS best
            """,
            [candidates],
        )
        replacements = dict(cursor.fetchall())
    return [replacements.get(word, word) for word in words]


def _fallback_search(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """SQLite: LIKE is case-insensitive for ASCII only, so try the word as typed, lower, upper and capitalised."""
    condition = Q()
    for word in query.split():
        variants = {word, word.lower(), word.upper(), word.capitalize()}
        word_condition = Q(inn__startswith=word) | Q(ogrn__startswith=word)
        for variant in variants:
            word_condition |= Q(name__contains=variant) | Q(short_name__contains=variant)
        condition &= word_condition
    return queryset.filter(condition)


def organisation_facets(queryset: QuerySet[Organisation]) -> dict[str, list[dict]]:
    """Counts per kind, region, federal district and field for the (already filtered) ``queryset``.

    Kind, region and federal district come from one grouped query (kind × region, summed here, with names from
    the regions table); fields from one over the link table restricted to the filtered ids.
    """
    base = queryset.order_by()
    # Group by two narrow columns only; names come from the (small) reference tables afterwards.
    grouped = list(base.values("kind", "region").annotate(count=Count("pk")))
    region_rows = {
        region.pk: region
        for region in Region.objects.select_related("federal_district").filter(
            pk__in={row["region"] for row in grouped if row["region"] is not None}
        )
    }
    kinds: dict[str, int] = {}
    regions: dict[object, dict] = {}
    districts: dict[object, dict] = {}
    for row in grouped:
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
    links = Organisation.fields.through.objects.all()
    if base.query.where:
        links = links.filter(organisation_id__in=base.values("pk"))
    fields = [
        {
            "fields": row["field"],
            "fields__name_ru": row["field__name_ru"],
            "fields__name_en": row["field__name_en"],
            "count": row["count"],
        }
        for row in links.values("field", "field__name_ru", "field__name_en").annotate(count=Count("pk"))
    ]

    def by_count(rows):
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
