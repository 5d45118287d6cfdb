"""Searching the registry. The list page, the API and the search-as-you-type box all go through here.

(The national-scale issue replaces the internals with PostgreSQL full-text search and trigram similarity; the
interface stays.)
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from resurs.registry.models import Organisation


def organisation_search(queryset: QuerySet[Organisation], query: str) -> QuerySet[Organisation]:
    """Organisations of ``queryset`` matching ``query`` (name, short name, INN, OGRN), best first."""
    query = (query or "").strip()
    if not query:
        return queryset
    digits = query.replace(" ", "")
    if digits.isdigit() and len(digits) in (10, 12, 13, 15):
        return queryset.filter(Q(inn=digits) | Q(ogrn=digits))
    condition = Q()
    for word in query.split():
        condition &= Q(name__icontains=word) | Q(short_name__icontains=word) | Q(inn__startswith=word)
    return queryset.filter(condition)


def organisation_facets(queryset: QuerySet[Organisation]) -> dict[str, list[dict]]:
    """Counts per kind, region, federal district and field for the (already filtered) ``queryset``."""
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
