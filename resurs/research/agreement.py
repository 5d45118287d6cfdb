"""Inter-coder agreement, written from the definitions.

Units are (interview, segment) × code: a transcript is cut into sentences (the segments), and for each code a
coder's value on a unit is 1 when one of their passages with that code overlaps the sentence, else 0.

* Percent agreement: share of units on which the two coders give the same value.
* Cohen's kappa (Cohen 1960): (p_o − p_e) / (1 − p_e), p_e from each coder's own marginal proportions.
* Krippendorff's alpha for nominal data (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
  1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k over the coincidence matrix of pairable values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import permutations

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (and lines) of a transcript, skipping blank ones."""
    spans = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        if text[position : match.start()].strip():
            spans.append((position, match.start()))
        position = match.end()
    if text[position:].strip():
        spans.append((position, len(text)))
    return spans


def unit_values(spans: Sequence[tuple[int, int]], passages: Iterable[tuple[int, int]]) -> list[int]:
    """1 for each sentence that one of the passages (start, end) overlaps, else 0."""
    passages = list(passages)
    return [int(any(start < p_end and p_start < end for p_start, p_end in passages)) for start, end in spans]


def percent_agreement(a: Sequence, b: Sequence) -> float | None:
    if len(a) != len(b):
        raise ValueError("both coders must rate the same units")
    if not a:
        return None
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def cohen_kappa(a: Sequence, b: Sequence) -> float | None:
    """None when chance agreement is 1 (both coders used one and the same value throughout)."""
    if len(a) != len(b):
        raise ValueError("both coders must rate the same units")
    n = len(a)
    if n == 0:
        return None
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    p_e = sum(count_a[v] * count_b[v] for v in set(a) | set(b)) / (n * n)
    if p_e == 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def krippendorff_alpha_nominal(units: Iterable[Sequence]) -> float | None:
    """Alpha for nominal values; each unit is the list of values the coders gave it (None = not coded).

    Units with fewer than two values are not pairable and are left out. None when there is no variation.
    """
    # Units with the same values add the same coincidences: each distinct unit is counted once, times its number
    # (tens of thousands of sentence × code units take only a few distinct values).
    alike = Counter(tuple(v for v in unit if v is not None) for unit in units)
    coincidences: Counter = Counter()
    for values, count in alike.items():
        m = len(values)
        if m < 2:
            continue
        for i, j in permutations(range(m), 2):
            coincidences[(values[i], values[j])] += count / (m - 1)
    totals: Counter = Counter()
    for (c, _k), weight in coincidences.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(w for (c, k), w in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


@dataclass(frozen=True)
class Agreement:
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None


def agreement(a: Sequence[int], b: Sequence[int]) -> Agreement:
    return Agreement(
        units=len(a),
        percent=percent_agreement(a, b),
        kappa=cohen_kappa(a, b),
        alpha=krippendorff_alpha_nominal(zip(a, b, strict=True)),
    )
