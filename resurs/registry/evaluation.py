"""Measuring the duplicate finder and the typo-tolerant search on the labelled sets built from real NGO names
(``scripts/registry_labelled_sets.py``; the files and their provenance are in ``data/``). The tests assert the
figures stay above their thresholds; ``bench/dedup.py`` and ``bench/registry.py`` report them.
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from resurs.registry.choices import DuplicateKind, OrganisationStatus
from resurs.registry.dedup import Entry, Vocabulary, duplicate_scan, region_words

PAIRS_FILE = "registry_sample/dedup_labelled_pairs.csv"
TYPOS_FILE = "registry_sample/search_typos.csv"
SAMPLE_FILE = "registry_sample/ngo_egrul_2022_jul.csv"


def _data(name: str) -> Path:
    return Path(settings.DATA_DIR) / name


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


class _Lookups:
    """Regions by the names registry extracts use, legal forms by OKOPF code (the import's own lookups)."""

    def __init__(self):
        from resurs.registry.imports.rows import References

        self.references = References()

    def region(self, name: str) -> int | None:
        return self.references.region(name) if name else None

    def legal_form(self, code: str) -> int | None:
        return self.references.legal_forms.get(code.split(".")[0]) if code else None


@dataclass(frozen=True)
class LabelledPair:
    number: int
    label: str  # "duplicate" or "different"
    category: str
    a: Entry
    b: Entry


def labelled_pairs(lookups: _Lookups | None = None) -> list[LabelledPair]:
    """The labelled pairs as finder entries (ids 1, 2, … in file order)."""
    lookups = lookups or _Lookups()
    with open(_data(PAIRS_FILE), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries = {}
    for pk, row in enumerate(rows, start=1):
        entries[(row["pair"], row["side"])] = (
            row,
            Entry(
                pk=pk,
                name=row["name"],
                region_id=lookups.region(row["region"]),
                inn=row["inn"],
                ogrn=row["ogrn"],
                legal_form_id=lookups.legal_form(row["okopf_code"]),
                status=OrganisationStatus.ACTIVE
                if row["status"] == "active"
                else OrganisationStatus.LIQUIDATED,
                founded_on=_date(row["founded_on"]),
                liquidated_on=_date(row["liquidated_on"]),
            ),
        )
    pairs = []
    for number in sorted({int(row["pair"]) for row in rows}):
        row, a = entries[(str(number), "a")]
        _row, b = entries[(str(number), "b")]
        pairs.append(LabelledPair(number, row["label"], row["category"], a, b))
    return pairs


def background_entries(first_pk: int, exclude_ogrns: set[str], lookups: _Lookups) -> list[Entry]:
    """The real registry sample's organisations not used to make a labelled pair: distinct legal entities, so that
    any pair the finder proposes among them or with a labelled record is a false one."""
    from resurs.registry.validators import normalise_identifier

    with open(_data(SAMPLE_FILE), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries = []
    for row in rows:
        ogrn = normalise_identifier(row["ogrn"])
        if ogrn in exclude_ogrns:
            continue
        entries.append(
            Entry(
                pk=first_pk + len(entries),
                name=row["full_name"],
                region_id=lookups.region(row["region"]),
                inn=normalise_identifier(row["inn"]),
                ogrn=ogrn,
                legal_form_id=lookups.legal_form(row["okopf_code"]),
                status=OrganisationStatus.ACTIVE
                if row["status_x"] == "Действующая"
                else OrganisationStatus.LIQUIDATED,
                founded_on=_date(row["reg_date"]),
                liquidated_on=_date(row["liq_date"]),
            )
        )
    return entries


def dedup_evaluation() -> dict:
    """Precision and recall of the duplicate finder on the labelled pairs, mixed with the rest of the real sample.

    A proposed duplicate is true if it is a pair labelled ``duplicate``; every other proposed duplicate (a pair
    labelled ``different``, or any pair with a record of the background) is false. Successors are counted apart:
    a pair labelled ``successor`` should come out as a probable successor, not as a duplicate."""
    lookups = _Lookups()
    pairs = labelled_pairs(lookups)
    labelled = [entry for pair in pairs for entry in (pair.a, pair.b)]
    with open(_data(PAIRS_FILE), encoding="utf-8", newline="") as handle:
        sources = {row["source_ogrn"] for row in csv.DictReader(handle)}
    entries = labelled + background_entries(len(labelled) + 1, sources, lookups)
    scan = duplicate_scan(entries=entries, vocabulary=Vocabulary(entries, region_words()))
    by_key = {(min(p.a.pk, p.b.pk), max(p.a.pk, p.b.pk)): p for p in pairs}
    proposed = {c.key: c for c in scan.candidates if c.kind == DuplicateKind.DUPLICATE}
    successors = {c.key for c in scan.candidates if c.kind == DuplicateKind.SUCCESSOR}
    true_positive = sum(1 for key in proposed if key in by_key and by_key[key].label == "duplicate")
    positives = sum(1 for pair in pairs if pair.label == "duplicate")
    missed = Counter(
        pair.category for key, pair in by_key.items() if pair.label == "duplicate" and key not in proposed
    )
    false_by_category = Counter(
        by_key[key].category if key in by_key else "background"
        for key in proposed
        if key not in by_key or by_key[key].label != "duplicate"
    )
    successor_pairs = [key for key, pair in by_key.items() if pair.category == "successor"]
    return {
        "pairs": len(pairs),
        "positives": positives,
        "negatives": len(pairs) - positives,
        "organisations": len(entries),
        "proposed": len(proposed),
        "true_positives": true_positive,
        "precision": round(true_positive / len(proposed), 4) if proposed else 1.0,
        "recall": round(true_positive / positives, 4) if positives else 1.0,
        "missed_by_category": dict(sorted(missed.items())),
        "false_by_category": dict(sorted(false_by_category.items())),
        "successor_recall": round(sum(key in successors for key in successor_pairs) / len(successor_pairs), 4)
        if successor_pairs
        else None,
        "successors_proposed": len(successors),
        "compared_pairs": scan.compared_pairs,
        "seconds": round(scan.seconds, 2),
    }


@dataclass(frozen=True)
class TypoQuery:
    query: str
    kind: str
    correct_query: str
    ogrn: str


def typo_queries() -> list[TypoQuery]:
    with open(_data(TYPOS_FILE), encoding="utf-8", newline="") as handle:
        return [
            TypoQuery(row["query"], row["kind"], row["correct_query"], row["ogrn"])
            for row in csv.DictReader(handle)
        ]


def typo_recall(search, queries: list[TypoQuery] | None = None, *, top: int = 3) -> dict:
    """Top-``top`` recall of ``search`` (a function from a query to the OGRNs it ranks first, best first) on the
    misspelt queries, overall and among the queries whose correct spelling finds the organisation in the top."""
    queries = queries or typo_queries()
    found, spelt_right, found_where_spelt_right = 0, 0, 0
    by_kind: dict[str, list[int]] = {}
    missed = []
    for query in queries:
        hit = query.ogrn in search(query.query)[:top]
        found += hit
        by_kind.setdefault(query.kind, [0, 0])
        by_kind[query.kind][0] += hit
        by_kind[query.kind][1] += 1
        if query.ogrn in search(query.correct_query)[:top]:
            spelt_right += 1
            found_where_spelt_right += hit
        if not hit:
            missed.append(query.query)
    return {
        "queries": len(queries),
        "recall": round(found / len(queries), 4),
        "recall_where_spelt_right_finds": round(found_where_spelt_right / spelt_right, 4)
        if spelt_right
        else None,
        "spelt_right_finds": round(spelt_right / len(queries), 4),
        "recall_by_kind": {kind: round(hit / total, 3) for kind, (hit, total) in sorted(by_kind.items())},
        "missed": missed,
    }
