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
from django.db.models import Q

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
    "благотворительная",
    "благотворительное",
    "автономное",
    "некоммерческое",
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
    words = normalise_name(name).split()
    # A name of short words only («Наш дом») is looked up by its whole words.
    return [w[:5] for w in words if len(w) >= 4][:6] or [w for w in words if len(w) >= 3][:6]


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


def _candidates(name: str) -> list[Organisation]:
    """Registry organisations worth scoring against ``name``: those written exactly so (ignoring case), and the
    trigram (PostgreSQL) or word-stem (elsewhere) neighbours."""
    exact = Organisation.objects.filter(Q(name__iexact=name) | Q(short_name__iexact=name)).select_related(
        "region"
    )
    candidates: dict[int, Organisation] = {org.pk: org for org in exact[:20]}
    if has_trigram_extension():
        from django.contrib.postgres.search import TrigramSimilarity
        from django.db.models.functions import Greatest

        rows = (
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
            return list(candidates.values())
        condition = reduce(or_, (words_condition([fold(s)], ["name", "short_name"]) for s in stems))
        rows = Organisation.objects.filter(condition).select_related("region")[:400]
    for org in rows:
        candidates.setdefault(org.pk, org)
    return list(candidates.values())


def suggest_organisations(name: str, *, limit: int = 5, threshold: float = 0.5) -> list[Suggestion]:
    """Registry organisations whose name or short name resembles ``name``, best first."""
    name = (name or "").strip()
    if len(name) < 3:
        return []
    scored = [
        Suggestion(org, max(similarity(name, org.name), similarity(name, org.short_name or org.name)))
        for org in _candidates(name)
    ]
    scored = [s for s in scored if s.score >= threshold]
    scored.sort(key=lambda s: (-s.score, s.organisation.pk))
    return scored[:limit]


def exact_match(name: str) -> Organisation | None:
    """The one registry organisation whose full or short name equals ``name`` once legal forms, generic words,
    quotes, letter case and ё are set aside (None when there is none or several)."""
    key = normalise_name(name or "")
    if not key:
        return None
    found = {
        org.pk: org
        for org in _candidates(name.strip())
        if key in (normalise_name(org.name), normalise_name(org.short_name or ""))
    }
    return next(iter(found.values())) if len(found) == 1 else None


def best_match(name: str, *, threshold: float = 0.82) -> Organisation | None:
    """The registry organisation meant by ``name``: the one whose normalised name is exactly ``name``'s (an exact
    name wins over a near tie: «Опора-5» is not lost to «Опора-53»), else the clearly best fuzzy match."""
    exact = exact_match(name)
    if exact is not None:
        return exact
    suggestions = suggest_organisations(name, limit=2, threshold=threshold)
    if not suggestions:
        return None
    if len(suggestions) > 1 and suggestions[1].score >= suggestions[0].score - 0.02:
        return None
    return suggestions[0].organisation


def match_nominee(name: str, identifier: str = "") -> tuple[Organisation | None, str]:
    """The registry organisation an imported nominee names and how it was found: ``"identifier"`` (INN or
    OGRN), ``"name"`` (the one organisation with exactly this normalised name), or ``(None, "review")``: a
    similar name is only a suggestion, which a researcher confirms on the matching page."""
    identifier = "".join(ch for ch in (identifier or "") if ch.isdigit())
    if identifier:
        field = "ogrn" if len(identifier) in (13, 15) else "inn"
        organisation = Organisation.objects.filter(**{field: identifier}).first()
        if organisation is not None:
            return organisation, "identifier"
    organisation = exact_match(name) if (name or "").strip() else None
    if organisation is not None:
        return organisation, "name"
    return None, "review"
