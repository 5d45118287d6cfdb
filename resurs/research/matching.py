"""Matching organisation names as respondents say them to the registry.

On PostgreSQL with the pg_trgm extension, trigram similarity ranks candidates in the database; elsewhere (SQLite,
or PostgreSQL without the extension) a token prefilter narrows the registry and difflib ranks the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import reduce
from operator import or_

from django.db import connection

from resurs.core.search import fold, words_condition
from resurs.registry.models import Organisation

# Legal-form words and generic words that say nothing about which organisation is meant.
_NOISE = {
    "ано",
    "автономная",
    "некоммерческая",
    "организация",
    "нко",
    "ооо",
    "фонд",
    "фонда",
    "фондом",
    "благотворительный",
    "благотворительного",
    "ассоциация",
    "межрегиональная",
    "региональная",
    "общественная",
    "общественной",
    "ро",
    "мбоо",
    "роо",
    "союз",
    "центр",
    "центра",
    "центром",
    "ресурсный",
    "ресурсного",
    "ресурсным",
    "и",
    "в",
    "по",
    "для",
    "на",
    "the",
}
_WORD = re.compile(r"[\w-]+", re.UNICODE)


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: float  # 0..1


def normalise_name(name: str) -> str:
    words = [w for w in _WORD.findall(name.lower().replace("ё", "е")) if w not in _NOISE]
    return " ".join(words)


def _stems(name: str) -> list[str]:
    return [w[:5] for w in normalise_name(name).split() if len(w) >= 4][:6]


def has_trigram_extension() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def similarity(a: str, b: str) -> float:
    """Similarity of two organisation names after removing legal forms and generic words."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb).ratio()


def suggest_organisations(name: str, *, limit: int = 5, threshold: float = 0.5) -> list[Suggestion]:
    """Registry organisations whose name or short name resembles ``name``, best first."""
    name = (name or "").strip()
    if len(name) < 3:
        return []
    candidates: list[Organisation]
    if has_trigram_extension():
        from django.contrib.postgres.search import TrigramSimilarity
        from django.db.models.functions import Greatest

        candidates = list(
            Organisation.objects.annotate(
                sim=Greatest(TrigramSimilarity("name", name), TrigramSimilarity("short_name", name))
            )
            .filter(sim__gte=0.15)
            .select_related("region")
            .order_by("-sim")[:50]
        )
    else:
        stems = _stems(name)
        if not stems:
            return []
        condition = reduce(or_, (words_condition([fold(s)], ["name", "short_name"]) for s in stems))
        candidates = list(Organisation.objects.filter(condition).select_related("region")[:400])
    scored = [
        Suggestion(org, max(similarity(name, org.name), similarity(name, org.short_name or org.name)))
        for org in candidates
    ]
    scored = [s for s in scored if s.score >= threshold]
    scored.sort(key=lambda s: (-s.score, s.organisation.pk))
    return scored[:limit]


def best_match(name: str, *, threshold: float = 0.82) -> Organisation | None:
    """The registry organisation meant by ``name`` when one is clearly the best."""
    suggestions = suggest_organisations(name, limit=2, threshold=threshold)
    if not suggestions:
        return None
    if len(suggestions) > 1 and suggestions[1].score >= suggestions[0].score - 0.02:
        return None
    return suggestions[0].organisation
