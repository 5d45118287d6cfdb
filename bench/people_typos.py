"""The people search's typo fallback on an existing installation (issue 17): misspelt names, how often the person
meant is among the first three found (top-3 recall), and how long the search takes.

A fixed-seed sample of people (``--sample``) is drawn from the database ``DATABASE_URL`` names (read only; the
national demo: ``manage.py demo --scale national``); each one's last name gets one typo of the kinds people make
(«в» → «ф» at the end, «о» ↔ «а», a doubled or a dropped letter, two letters swapped) that the exact search does
not find. Two queries a person: the misspelt last name alone (a hit when one of the first three people found
has that last name) and the misspelt last name with the first name (a hit when one of the first three has
both). Each query is timed as the people list runs it (``registry.selectors.person_page``: the candidates,
their count and the first page). PostgreSQL only (SQLite has no typo fallback).

    DATABASE_URL=postgres://.../resurs_national python bench/people_typos.py [--sample N] [--seed S]

The baseline is the same search with the cap filled by any of the near rows a pass reads first (as before the
nearest values were collected first, ``resurs.core.search._nearest_values_first``), query by query alternating
which runs first.

Progress goes to standard error; the last line of standard output is one JSON object: ``queries``,
``typo_top3_recall`` (last name alone), ``typo_top3_recall_full`` (with the first name), ``p50_ms``, ``p95_ms``
(both queries of each person), ``capped`` (single-word queries whose list reached the cap), ``best_share`` (among
those, the share of listed people as alike as the best one found: the cap filled with the nearest names), and
each of them again prefixed ``baseline_``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOWELS = {"о": "а", "а": "о", "е": "и", "и": "е"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def typos(word: str, rng: random.Random) -> list[str]:
    """One-edit misspellings of ``word`` (folded), the likeliest kinds first, shuffled within the rest."""
    found = []
    if word.endswith("в"):
        found.append(word[:-1] + "ф")
    if word.endswith("ова") or word.endswith("ева"):
        found.append(word[:-3] + "ава")
    others = []
    for i, letter in enumerate(word[1:-1], start=1):
        if letter in VOWELS:
            others.append(word[:i] + VOWELS[letter] + word[i + 1 :])
        others.append(word[:i] + letter + word[i:])  # doubled
        others.append(word[:i] + word[i + 1 :])  # dropped
        others.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # swapped
    rng.shuffle(others)
    return [typo for typo in found + others if typo != word and len(typo) >= 4]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from resurs.core.search import fold, search_filter
    from resurs.registry.models import Person
    from resurs.registry.selectors import person_list, person_page

    assert connection.vendor == "postgresql", "the typo fallback runs on PostgreSQL only"
    rng = random.Random(args.seed)
    ids = list(Person.objects.filter(erased_at=None).order_by("pk").values_list("pk", flat=True))
    people = Person.objects.filter(pk__in=rng.sample(ids, args.sample * 3)).order_by("pk")
    live = person_list().filter(erased_at=None)
    queries = []
    for person in people:
        last, first = fold(person.last_name), fold(person.first_name)
        for typo in typos(last, rng):
            if not search_filter(live, typo, ["last_name", "first_name", "patronymic"]).exists():
                queries.append({"typo": typo, "last": last, "first": first})
                break
        if len(queries) >= args.sample:
            break
    log(f"{len(queries)} misspelt names, e.g. {[(q['typo'], q['last']) for q in queries[:5]]}")
    from resurs.core import search

    nearest_first = search._nearest_values_first

    def any_sample(queryset, word, fields, sample, cursor):
        return sample[: search.TYPO_CANDIDATES]

    figures = {
        name: {"hits": 0, "hits_full": 0, "capped": 0, "times": [], "best": [], "missed": []}
        for name in ("baseline", "ours")
    }
    for number, query in enumerate(queries):
        order = ("baseline", "ours") if number % 2 else ("ours", "baseline")
        for name in order:
            search._nearest_values_first = nearest_first if name == "ours" else any_sample
            figure = figures[name]
            for text, full in ((query["typo"], False), (f"{query['typo']} {query['first']}", True)):
                person_page(text, 1, 50)  # warm
                start = time.perf_counter()
                page = person_page(text, 1, 50)
                figure["times"].append((time.perf_counter() - start) * 1000)
                top = [(fold(p.last_name), fold(p.first_name)) for p in page.object_list[:3]]
                if full:
                    figure["hits_full"] += (query["last"], query["first"]) in top
                    continue
                hit = any(last == query["last"] for last, _first in top)
                figure["hits"] += hit
                if not hit:
                    figure["missed"].append((query["typo"], query["last"], [last for last, _first in top]))
                if page.paginator.at_least:
                    figure["capped"] += 1
                    scores = [p.search_similarity for p in page.paginator.object_list]
                    figure["best"].append(sum(score >= scores[0] - 1e-9 for score in scores) / len(scores))
    search._nearest_values_first = nearest_first
    for name, figure in figures.items():
        log(f"{name}: missed {figure['missed']}")

    def summary(figure: dict) -> dict:
        return {
            "typo_top3_recall": round(figure["hits"] / len(queries), 3),
            "typo_top3_recall_full": round(figure["hits_full"] / len(queries), 3),
            "p50_ms": round(statistics.median(figure["times"]), 1),
            "p95_ms": round(percentile(figure["times"], 0.95), 1),
            "capped": figure["capped"],
            "best_share": round(statistics.mean(figure["best"]), 3) if figure["best"] else None,
        }

    ours, baseline = summary(figures["ours"]), summary(figures["baseline"])
    result = {
        "queries": len(queries),
        **ours,
        **{f"baseline_{key}": value for key, value in baseline.items()},
    }
    log(str(result))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
