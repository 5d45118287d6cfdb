"""Finding probable duplicate organisations and merging them without losing a tie or the history.

**What makes a pair.** Two records are proposed as one organisation when their names say the same distinctive
thing and nothing says they are two legal entities:

- *Names* are compared word by word in dictionary form (``registry.names``), each word weighted by how rare it
  is among the registry's names (inverse document frequency): «милосердие» or «пеновский» weigh a lot,
  «организация», «районный», «фонд», «АНО» (generic words, ``names.GENERIC_WORDS``) and the words of the record's
  own region almost nothing. Words match exactly, up to a typo (one edit, two in long words) or as an
  abbreviation («ИКРГ» = «историко-культурного развития города»). The score is the matched share of both
  names' weight (a weighted Dice coefficient, 0–1).
- *A different distinctive word in the same place* («Пеновская районная организация ветеранов» / «Спировская
  …», «Центр "Надежда"» / «Центр "Вера"») or *different numbers* («детский сад № 174» / «№ 180») mean two
  bodies: such a pair is never proposed, however similar the rest.
- *Different valid OGRNs or INNs* mean two legal entities: the pair is not proposed as a duplicate. It is
  proposed as a *probable successor* only when the names agree and the dates tell a succession: the earlier one
  liquidated or reorganised (``status``, ``liquidated_on``) and the other registered after it. Different legal
  forms (both known) or different regions (both known) mean two bodies too.
- An identifier on one side only, or one that fails its check digit (mistyped), is no evidence either way.

Every proposed pair carries its reasons: what matched and what differs (``reason_text``).

**At scale.** Records are compared only within *blocks*: records of one region (or of none) sharing their two
rarest telling words, either of them possibly with one letter left out (so that a typo still meets its original);
a name of one telling word meets the names holding that word (``_block_keys``). A block larger than
``BLOCK_LIMIT`` is compared along its sorted order with ``WINDOW`` neighbours instead of every pair. Every region is scanned; the vocabulary (how many names hold
each word) is always the whole registry's, so a region's scores do not depend on how it was scanned.

**A merge** keeps one record (the survivor) and moves to it everything that points at the other one: ties, change
proposals, representations, the centre, and — found generically through ``Organisation._meta.related_objects`` —
every foreign key and many-to-many link from any app (applications, partnerships, enrolments...). The other record
stays, marked ``merged_into`` the survivor and liquidated, so links from outside and its audit history still lead
somewhere; both records get an audit event.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from difflib import SequenceMatcher
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from resurs.core import precomputed
from resurs.core.audit import audit_event
from resurs.registry.choices import DuplicateKind, OrganisationStatus
from resurs.registry.models import (
    DuplicateCandidate,
    DuplicateDismissal,
    DuplicateSearch,
    Organisation,
    Region,
)
from resurs.registry.names import WORD, is_generic, lemma, may_abbreviate, name_words, plain, sound
from resurs.registry.services import REGISTRY_SIZE
from resurs.registry.validators import is_valid_inn, is_valid_ogrn

DUPLICATE_THRESHOLD = 0.8
SUCCESSOR_THRESHOLD = 0.9
GENERIC_WEIGHT = 0.05  # a generic word weighs this share of its frequency weight
TYPO_CREDIT = 0.9  # a word matched up to a typo counts this share of an exact match
BLOCK_WORDS = 4
BLOCK_LIMIT = 120
WINDOW = 8
MIN_TYPO_LENGTH = 4  # shorter words match exactly or not at all
LONG_WORD = 10  # from this length two edits are a typo too
# Adjectives of the federal cities, which their region names do not spell out.
REGION_ADJECTIVES = {
    "москва": "московский",
    "санкт-петербург": "петербургский",
    "севастополь": "севастопольский",
}


class MergeError(Exception):
    """The two records cannot be merged; the message says why."""


# --- names --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A name as the finder compares it: words in order (dictionary forms, and as written), its numbers, and the
    positions of the words of its last part in quotes (the organisation's own name: АНО «Центр «Рассвет»»)."""

    lemmas: tuple[str, ...]
    words: tuple[str, ...]
    numbers: frozenset[str]
    quoted: frozenset[int]


QUOTES = '"«»“”„'


@lru_cache(maxsize=300_000)
def analyse_name(name: str) -> Name:
    text = plain(name)
    # The organisation's own name is the last part in quotes: АНО «Центр социальной адаптации «Многоточие»».
    quotes = [index for index, char in enumerate(text) if char in QUOTES]
    start, end = (-1, -1)
    if len(quotes) == 1:
        start, end = quotes[0], len(text)
    elif quotes:
        start, end = quotes[-2], quotes[-1]
    words, quoted = [], set()
    for position, match in enumerate(WORD.finditer(text)):
        words.append(match.group())
        if start < match.start() < end:
            quoted.add(position)
    return Name(
        lemmas=tuple(lemma(word) for word in words),
        words=tuple(words),
        numbers=frozenset(word for word in words if word.isdigit()),
        quoted=frozenset(quoted),
    )


def normalised_name(name: str) -> str:
    """The distinctive words of a name in dictionary form, in order: what names the organisation."""
    analysed = analyse_name(name)
    return " ".join(word for word in analysed.lemmas if not is_generic(word))


@dataclass
class Entry:
    """An organisation as the finder reads it."""

    pk: int
    name: str
    region_id: int | None = None
    inn: str = ""
    ogrn: str = ""
    legal_form_id: int | None = None
    status: str = OrganisationStatus.ACTIVE
    founded_on: datetime.date | None = None
    liquidated_on: datetime.date | None = None
    analysed: Name = dataclass_field(init=False)

    def __post_init__(self):
        self.analysed = analyse_name(self.name)

    @property
    def ended(self) -> bool:
        return self.status != OrganisationStatus.ACTIVE or self.liquidated_on is not None

    @property
    def registered_on(self) -> datetime.date | None:
        """The founding date, else the year the OGRN was given (its second and third digits)."""
        if self.founded_on:
            return self.founded_on
        if is_valid_ogrn(self.ogrn):
            year = int(self.ogrn[1:3])
            return datetime.date(2000 + year if year < 90 else 1900 + year, 1, 1)
        return None


ENTRY_FIELDS = (
    "pk",
    "name",
    "region_id",
    "inn",
    "ogrn",
    "legal_form_id",
    "status",
    "founded_on",
    "liquidated_on",
)


@dataclass(frozen=True)
class _Features:
    words: frozenset[str]  # dictionary forms
    weight: dict[str, float]
    total: float
    typo_keys: dict[
        str, frozenset[str]
    ]  # a word long enough to hold a typo → its spellings with a letter left out
    keys: frozenset[str]  # those spellings of all its words (generic ones too)
    generic: float  # the weight of its generic words
    short_word: bool  # a telling word that may abbreviate several
    quoted: frozenset[str]  # telling words of the name in quotes


@lru_cache(maxsize=300_000)
def _typo_keys(surface: str, word: str) -> frozenset[str]:
    """The spellings that a one-letter typo of the word shares with it (of the word as written, its dictionary
    form and its sound)."""
    return frozenset(_variants(surface) | _variants(word) | _variants(sound(surface)))


def _may_reach(a: _Features, b: _Features) -> bool:
    """Whether two names could still score ``DUPLICATE_THRESHOLD``, were every word they do not share matched to a
    word of the other name that it could be a typo of (one sharing a spelling with a letter left out): most
    candidate pairs share one rare word and nothing else, and are let go here with set operations, before any
    letters are compared."""
    if a.short_word or b.short_word:
        return True  # an abbreviation may stand for a run of words
    shared = a.words & b.words

    def pairable(mine: _Features, other: _Features) -> dict[str, float]:
        found = {}
        for word, keys in mine.typo_keys.items():
            if word not in shared and not keys.isdisjoint(other.keys):
                found[word] = mine.weight[word]
        return found

    pairable_a, pairable_b = pairable(a, b), pairable(b, a)
    # A telling word of a name in quotes that the other name lacks and has no typo of: two bodies.
    if a.quoted - shared - pairable_a.keys() or b.quoted - shared - pairable_b.keys():
        return False
    best_a = a.generic + sum(a.weight[word] for word in shared) + sum(pairable_a.values())
    best_b = b.generic + sum(b.weight[word] for word in shared) + sum(pairable_b.values())
    total = a.total + b.total
    bound = max(
        (best_a + best_b) / total if total else 0.0,
        best_a / a.total if a.total else 0.0,
        best_b / b.total if b.total else 0.0,
    )
    return bound >= min(DUPLICATE_THRESHOLD, SUCCESSOR_THRESHOLD)


class Vocabulary:
    """How many names hold each word: a rare word names an organisation, a frequent one a kind of them."""

    def __init__(self, entries: Iterable[Entry], region_words: dict[int, frozenset[str]] | None = None):
        self.frequency: Counter[str] = Counter()
        self.size = 0
        for entry in entries:
            self.frequency.update(set(entry.analysed.lemmas))
            self.size += 1
        self.region_words = region_words or {}
        self._weights: dict[int, tuple[Entry, list[float]]] = {}
        self._features: dict[int, tuple[Entry, _Features]] = {}

    def rarity(self, word: str) -> float:
        """Inverse document frequency, at least 1."""
        return math.log((self.size + 1) / (self.frequency.get(word, 0) + 1)) + 1

    def is_generic(self, word: str, region_id: int | None) -> bool:
        return is_generic(word) or word in self.region_words.get(region_id, ())

    def generic_at(self, entry: Entry, position: int) -> bool:
        """Whether the word at ``position`` of ``entry``'s name is generic there: in quotes, every word is part of
        the organisation's own name («Уральский профессиональный колледж»)."""
        if position in entry.analysed.quoted and len(entry.analysed.words[position]) > 1:
            return False
        return self.is_generic(entry.analysed.lemmas[position], entry.region_id)

    def features(self, entry: Entry) -> _Features:
        """What the quick bound of ``compare`` reads of ``entry`` (computed once per record and vocabulary)."""
        cached = self._features.get(entry.pk)
        if cached is None or cached[0] is not entry:
            weights = self.weights(entry)
            by_word: dict[str, float] = {}
            for word, weight in zip(entry.analysed.lemmas, weights, strict=True):
                by_word[word] = max(weight, by_word.get(word, 0.0))
            words = entry.analysed.words
            # Generic words weigh next to nothing: the bound takes them as matched (``generic``), and looks for
            # typos of the telling words only, among every word of the other name.
            all_keys = {
                (word, position): _typo_keys(surface, word)
                for position, (word, surface) in enumerate(zip(entry.analysed.lemmas, words, strict=True))
                if len(surface) >= MIN_TYPO_LENGTH
            }
            typo_keys = {
                word: keys
                for (word, position), keys in all_keys.items()
                if not self.generic_at(entry, position)
            }
            generic = sum(
                weight for position, weight in enumerate(weights) if self.generic_at(entry, position)
            )
            short = any(weights[i] > 1 and may_abbreviate(words[i]) for i in range(len(words)))
            quoted = frozenset(
                entry.analysed.lemmas[i] for i in entry.analysed.quoted if not self.generic_at(entry, i)
            )
            features = _Features(
                frozenset(by_word),
                by_word,
                sum(weights),
                typo_keys,
                frozenset().union(*all_keys.values()),
                generic,
                short,
                quoted,
            )
            cached = self._features[entry.pk] = (entry, features)
        return cached[1]

    def weights(self, entry: Entry) -> list[float]:
        """The weight of each word of ``entry``'s name (computed once per record and vocabulary)."""
        cached = self._weights.get(entry.pk)
        if cached is None or cached[0] is not entry:
            weights = [
                self.rarity(word) * (GENERIC_WEIGHT if self.generic_at(entry, position) else 1)
                for position, word in enumerate(entry.analysed.lemmas)
            ]
            cached = self._weights[entry.pk] = (entry, weights)
        return cached[1]


def region_words() -> dict[int, frozenset[str]]:
    """The words of each region's names in dictionary form («Тверская область» → тверской): generic in a name of
    an organisation of that region."""
    words = {}
    for pk, name, alternatives in Region.objects.values_list("pk", "name_ru", "alternative_names"):
        names = [name, *alternatives.split("|")]
        lemmas = {lemma(word) for text in names for word in name_words(text)}
        lemmas |= {adjective for city, adjective in REGION_ADJECTIVES.items() if city in name.lower()}
        words[pk] = frozenset(lemmas)
    return words


# --- comparing two records ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    kind: str
    score: float
    reasons: tuple[dict, ...]


@dataclass
class _Matching:
    pairs: list[
        tuple[tuple[int, ...], tuple[int, ...], str]
    ]  # word indexes of a, of b, how ("same"/"typo"/"abbr")
    unmatched_a: list[int]
    unmatched_b: list[int]
    matched_a: float  # the weight of a's matched words (a typo counting ``TYPO_CREDIT`` of it)
    matched_b: float
    total_a: float
    total_b: float

    @property
    def dice(self) -> float:
        total = self.total_a + self.total_b
        return (self.matched_a + self.matched_b) / total if total else 0.0

    def containment(self, side: str) -> float:
        """The matched share of one name's weight."""
        matched, total = (self.matched_a, self.total_a) if side == "a" else (self.matched_b, self.total_b)
        return matched / total if total else 0.0


def _typo_distance(a: str, b: str) -> int:
    from rapidfuzz.distance import DamerauLevenshtein

    return DamerauLevenshtein.distance(a, b)


def _allowed_edits(a: str, b: str) -> int:
    """One typo in a word of four letters or more, two in a long one (when it begins alike: «Интинская» and
    «Ухтинская» are two towns)."""
    shorter = min(len(a), len(b))
    if shorter < MIN_TYPO_LENGTH or a.isdigit() or b.isdigit():
        return 0
    return 2 if shorter >= LONG_WORD and a[:2] == b[:2] else 1


def _match_words(a: Entry, b: Entry, weights_a: list[float], weights_b: list[float]) -> _Matching:
    la, lb = a.analysed.lemmas, b.analysed.lemmas
    wa, wb = a.analysed.words, b.analysed.words
    free_b: dict[str, list[int]] = defaultdict(list)
    for j, word in enumerate(lb):
        free_b[word].append(j)
    used_b: set[int] = set()
    pairs: list[tuple[tuple[int, ...], tuple[int, ...], str]] = []
    unmatched_a = []
    # The heaviest words first, each to the heaviest free occurrence: a word in quotes before the same word in the
    # legal form («АНО "Палата … организаций"» / «Палата … организаций, АНО»).
    for i in sorted(range(len(la)), key=lambda index: -weights_a[index]):
        word = la[i]
        if free_b.get(word):
            j = max(free_b[word], key=lambda index: weights_b[index])
            free_b[word].remove(j)
            used_b.add(j)
            pairs.append(((i,), (j,), "same"))
        else:
            unmatched_a.append(i)
    # Typos: the heaviest unmatched words first, each to its nearest unmatched word within the allowed edits.
    still_a = []
    for i in sorted(unmatched_a, key=lambda index: -weights_a[index]):
        best, best_distance = None, None
        for j in range(len(lb)):
            if j in used_b:
                continue
            allowed = _allowed_edits(wa[i], wb[j])
            if not allowed or abs(len(wa[i]) - len(wb[j])) > allowed:
                continue
            distance = _typo_distance(wa[i], wb[j])
            if distance > allowed:
                distance = min(_typo_distance(la[i], lb[j]), _typo_distance(sound(wa[i]), sound(wb[j])))
            if distance <= allowed and (best_distance is None or distance < best_distance):
                best, best_distance = j, distance
        if best is None:
            still_a.append(i)
        else:
            used_b.add(best)
            pairs.append(((i,), (best,), "typo"))
    still_b = [j for j in range(len(lb)) if j not in used_b]
    # Abbreviations: a short word of one name spelling the first letters of a run of words of the other.
    for short_side in ("a", "b"):
        shorts, words_short, longs, words_long = (
            (still_a, wa, still_b, wb) if short_side == "a" else (still_b, wb, still_a, wa)
        )
        for index in list(shorts):
            run = _abbreviated_run(words_short[index], longs, words_long)
            if run:
                shorts.remove(index)
                for position in run:
                    longs.remove(position)
                pairs.append(((index,), run, "abbr") if short_side == "a" else (run, (index,), "abbr"))
    matched_a = matched_b = 0.0
    for indexes_a, indexes_b, how in pairs:
        credit = TYPO_CREDIT if how == "typo" else 1.0
        matched_a += credit * sum(weights_a[i] for i in indexes_a)
        matched_b += credit * sum(weights_b[j] for j in indexes_b)
    return _Matching(
        pairs, sorted(still_a), sorted(still_b), matched_a, matched_b, sum(weights_a), sum(weights_b)
    )


SKIPPABLE = frozenset({"и", "в", "по", "для", "на", "с"})


def _abbreviated_run(short: str, free: list[int], words: tuple[str, ...]) -> tuple[int, ...] | None:
    """The positions of a run of consecutive free words whose first letters spell ``short`` (2–6 letters; «и»,
    «по»… may be left out: «АКИ» = «академия коммуникации и информации»)."""
    if not 2 <= len(short) <= 6 or short.isdigit():
        return None
    free_set = set(free)

    def runs(letter: int, position: int) -> list[tuple[int, ...]]:
        """Every way the words from ``position`` on spell ``short`` from its ``letter``-th letter."""
        if letter == len(short):
            return [()]
        if position not in free_set:
            return []
        word, found = words[position], []
        if word[0] == short[letter]:
            found += [(position, *rest) for rest in runs(letter + 1, position + 1)]
        if word in SKIPPABLE and letter:
            found += [(position, *rest) for rest in runs(letter, position + 1)]
        return found

    # The longest run: «АКИ» is «академия коммуникации и информации», not «академия коммуникации и».
    found = [run for start in free for run in runs(0, start) if len(run) >= 2]
    return max(found, key=len) if found else None


def _substituted(a: Entry, b: Entry, matching: _Matching, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """A distinctive word of one name standing where the other name has another distinctive word (the district of
    a branch, the proper name of a centre), as (word of a, word of b); None if there is none."""
    if not matching.unmatched_a or not matching.unmatched_b:
        return None
    symbol_a: dict[int, str] = {}
    symbol_b: dict[int, str] = {}
    for number, (indexes_a, indexes_b, _how) in enumerate(matching.pairs):
        for i in indexes_a:
            symbol_a[i] = f"m{number}"
        for j in indexes_b:
            symbol_b[j] = f"m{number}"
    sequence_a = [
        (symbol_a.get(i, f"a{i}"), i)
        for i in range(len(a.analysed.lemmas))
        if not vocabulary.generic_at(a, i)
    ]
    sequence_b = [
        (symbol_b.get(j, f"b{j}"), j)
        for j in range(len(b.analysed.lemmas))
        if not vocabulary.generic_at(b, j)
    ]
    opcodes = SequenceMatcher(None, [s for s, _ in sequence_a], [s for s, _ in sequence_b], autojunk=False)
    for tag, i1, i2, j1, j2 in opcodes.get_opcodes():
        if tag != "replace":
            continue
        only_a = [i for symbol, i in sequence_a[i1:i2] if symbol.startswith("a")]
        only_b = [j for symbol, j in sequence_b[j1:j2] if symbol.startswith("b")]
        if only_a and only_b:
            return a.analysed.words[only_a[0]], b.analysed.words[only_b[0]]
    return None


def _unmatched_quoted(entry: Entry, unmatched: list[int], vocabulary: Vocabulary) -> list[str]:
    """Distinctive words of ``entry``'s own name (in quotes) that the other name lacks."""
    return [
        entry.analysed.words[i]
        for i in unmatched
        if i in entry.analysed.quoted and not vocabulary.generic_at(entry, i)
    ]


def _fully_matched(entry: Entry, unmatched: list[int], vocabulary: Vocabulary) -> bool:
    return all(vocabulary.generic_at(entry, i) for i in unmatched)


def _name_score(a: Entry, b: Entry, matching: _Matching, vocabulary: Vocabulary) -> float:
    """How alike the names are, 0–1: the weighted Dice coefficient; when the names in quotes agree (both have
    them), or one name without quotes is wholly found in the other, the matched share of the shorter name."""
    quoted_a, quoted_b = bool(a.analysed.quoted), bool(b.analysed.quoted)
    score = matching.dice
    if quoted_a and quoted_b:
        score = max(score, matching.containment("a"), matching.containment("b"))
    elif quoted_a != quoted_b:
        plain_side, unmatched = ("b", matching.unmatched_b) if quoted_a else ("a", matching.unmatched_a)
        if _fully_matched(b if quoted_a else a, unmatched, vocabulary):
            score = max(score, matching.containment(plain_side))
    return score


def _identifier_conflict(a: Entry, b: Entry) -> str | None:
    """ "ogrn" or "inn" when both records hold valid, different values of it: two legal entities."""
    for name, valid in (("ogrn", is_valid_ogrn), ("inn", is_valid_inn)):
        first, second = getattr(a, name), getattr(b, name)
        if first and second and first != second and valid(first) and valid(second):
            return name
    return None


def _identifier_reasons(a: Entry, b: Entry) -> list[dict]:
    reasons = []
    for name, valid in (("ogrn", is_valid_ogrn), ("inn", is_valid_inn)):
        first, second = getattr(a, name), getattr(b, name)
        if bool(first) != bool(second):
            reasons.append(
                {"code": "identifier_one_side", "field": name, "record": "first" if first else "second"}
            )
        elif first and second and first != second:
            invalid = first if not valid(first) else second
            reasons.append({"code": "invalid_identifier", "field": name, "value": invalid})
    return reasons


def _succession(a: Entry, b: Entry) -> tuple[Entry, Entry] | None:
    """(earlier, later) when the earlier record ended (liquidated or reorganised) and the later one was registered
    after it began, and not long before it ended (a year at most): one organisation registered anew."""
    if a.registered_on is None or b.registered_on is None or a.registered_on == b.registered_on:
        return None
    earlier, later = (a, b) if a.registered_on < b.registered_on else (b, a)
    if not earlier.ended:
        return None
    if earlier.liquidated_on and later.registered_on < earlier.liquidated_on - datetime.timedelta(days=366):
        return None
    return earlier, later


def compare(a: Entry, b: Entry, vocabulary: Vocabulary) -> Verdict | None:
    """Whether ``a`` and ``b`` are probably one organisation (or one the successor of the other), with the reasons;
    None when they are not (or nothing says they are)."""
    if a.region_id and b.region_id and a.region_id != b.region_id:
        return None
    if a.analysed.numbers and b.analysed.numbers and a.analysed.numbers != b.analysed.numbers:
        return None
    weights_a, weights_b = vocabulary.weights(a), vocabulary.weights(b)
    if not _may_reach(vocabulary.features(a), vocabulary.features(b)):
        return None
    matching = _match_words(a, b, weights_a, weights_b)
    score = _name_score(a, b, matching, vocabulary)
    if score < min(DUPLICATE_THRESHOLD, SUCCESSOR_THRESHOLD):
        return None
    if _unmatched_quoted(a, matching.unmatched_a, vocabulary) or _unmatched_quoted(
        b, matching.unmatched_b, vocabulary
    ):
        return None  # the organisations' own names (in quotes) differ
    if _substituted(a, b, matching, vocabulary):
        return None
    if a.legal_form_id and b.legal_form_id and a.legal_form_id != b.legal_form_id:
        return None
    reasons = _name_reasons(a, b, matching, vocabulary)
    conflict = _identifier_conflict(a, b)
    if conflict:
        succession = _succession(a, b) if score >= SUCCESSOR_THRESHOLD else None
        if succession is None:
            return None
        earlier, later = succession
        reasons.append({"code": "different_identifiers", "field": conflict})
        reasons.append(
            {
                "code": "successor",
                "earlier": "first" if earlier is a else "second",
                "ended_on": earlier.liquidated_on.isoformat() if earlier.liquidated_on else "",
                "registered_on": later.registered_on.isoformat(),
            }
        )
        return Verdict(DuplicateKind.SUCCESSOR, round(score, 3), tuple(reasons))
    if score < DUPLICATE_THRESHOLD:
        return None
    reasons += _identifier_reasons(a, b)
    if bool(a.region_id) != bool(b.region_id):
        reasons.append({"code": "region_one_side", "record": "first" if a.region_id else "second"})
    return Verdict(DuplicateKind.DUPLICATE, round(score, 3), tuple(reasons))


def _name_reasons(a: Entry, b: Entry, matching: _Matching, vocabulary: Vocabulary) -> list[dict]:
    words_a, words_b = a.analysed.words, b.analysed.words
    same, typos, abbreviations = [], [], []
    for indexes_a, indexes_b, how in matching.pairs:
        first = " ".join(words_a[i] for i in indexes_a)
        second = " ".join(words_b[j] for j in indexes_b)
        if how == "same":
            if not vocabulary.generic_at(a, indexes_a[0]):
                same.append(first if first == second else f"{first} / {second}")
        elif how == "typo":
            typos.append([first, second])
        else:
            abbreviations.append([first, second])
    reasons: list[dict] = []
    if same:
        reasons.append({"code": "same_words", "words": same})
    if typos:
        reasons.append({"code": "typo", "pairs": typos})
    if abbreviations:
        reasons.append({"code": "abbreviation", "pairs": abbreviations})
    extra_a = [words_a[i] for i in matching.unmatched_a if not vocabulary.generic_at(a, i)]
    extra_b = [words_b[j] for j in matching.unmatched_b if not vocabulary.generic_at(b, j)]
    if extra_a or extra_b:
        reasons.append({"code": "extra_words", "first": extra_a, "second": extra_b})
    generic_a = [words_a[i] for i in matching.unmatched_a if vocabulary.generic_at(a, i)]
    generic_b = [words_b[j] for j in matching.unmatched_b if vocabulary.generic_at(b, j)]
    if generic_a or generic_b:
        reasons.append({"code": "generic_words", "first": generic_a, "second": generic_b})
    return reasons


def reason_text(reason: dict) -> str:
    """One reason in the reader's language."""
    code = reason.get("code")

    def words(values) -> str:
        return ", ".join(f"«{value}»" for value in values) or "—"

    def record(value) -> str:
        return _("the first record") if value == "first" else _("the second record")

    labels = {"ogrn": _("OGRN"), "inn": _("INN")}
    if code == "same_words":
        return _("Same distinctive words: %(words)s") % {"words": words(reason["words"])}
    if code == "typo":
        return _("Spelt differently: %(pairs)s") % {
            "pairs": "; ".join(f"«{a}» / «{b}»" for a, b in reason["pairs"])
        }
    if code == "abbreviation":
        return _("Abbreviated: %(pairs)s") % {
            "pairs": "; ".join(f"«{a}» = «{b}»" for a, b in reason["pairs"])
        }
    if code == "extra_words":
        return _("Words in one name only: %(first)s (first); %(second)s (second)") % {
            "first": words(reason["first"]),
            "second": words(reason["second"]),
        }
    if code == "generic_words":
        return _("Legal-form and generic words differ: %(first)s (first); %(second)s (second)") % {
            "first": words(reason["first"]),
            "second": words(reason["second"]),
        }
    if code == "identifier_one_side":
        return _("%(identifier)s only in %(record)s") % {
            "identifier": labels[reason["field"]],
            "record": record(reason["record"]),
        }
    if code == "invalid_identifier":
        return _("%(identifier)s %(value)s fails its check digit: probably mistyped") % {
            "identifier": labels[reason["field"]],
            "value": reason["value"],
        }
    if code == "region_one_side":
        return _("Region only in %(record)s") % {"record": record(reason["record"])}
    if code == "different_identifiers":
        return _("Different valid %(identifier)s: two legal entities") % {
            "identifier": labels[reason["field"]]
        }
    if code == "successor":
        registered = formats.date_format(datetime.date.fromisoformat(reason["registered_on"]))
        ended = reason.get("ended_on")
        if ended:
            values = {
                "ended": formats.date_format(datetime.date.fromisoformat(ended)),
                "registered": registered,
            }
            if reason["earlier"] == "first":
                return (
                    _("The first record ended on %(ended)s; the second was registered on %(registered)s")
                    % values
                )
            return (
                _("The second record ended on %(ended)s; the first was registered on %(registered)s") % values
            )
        if reason["earlier"] == "first":
            return _("The first record is no longer active; the second was registered on %(registered)s") % {
                "registered": registered
            }
        return _("The second record is no longer active; the first was registered on %(registered)s") % {
            "registered": registered
        }
    return str(code)


# --- scanning the registry ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    first_id: int
    second_id: int
    kind: str
    score: float
    reasons: tuple[dict, ...] = ()

    @property
    def key(self) -> tuple[int, int]:
        return (self.first_id, self.second_id)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _variants(word: str) -> set[str]:
    """The word and, if long enough to hold a typo, the word with each letter left out in turn (a one-letter typo
    of a word shares one of these with it: SymSpell's deletion neighbourhood)."""
    if len(word) <= MIN_TYPO_LENGTH:
        return {word}
    return {word} | {word[:k] + word[k + 1 :] for k in range(len(word))}


def _block_keys(entry: Entry, vocabulary: Vocabulary) -> tuple[set[str], bool]:
    """Where ``entry`` is looked for, and whether its name has one telling word only.

    A name of two telling words or more is found through two of its rarest words together (``p:`` keys: every
    two of its four rarest, and its two rarest with a letter left out of either): two organisations of one region
    rarely share two rare words, and a typo or a word left out still leaves a pair in common. A word found in one
    name only (a typo, mostly) ranks after the others, so that the copy with a typo and its original pick the same
    words. A name of one telling word («Фонд «Вера»») is found through that word (``o:`` keys, also with a letter
    left out), where the longer names put their four rarest words and the initials of their name in quotes too; so
    is a name holding an abbreviation («СТАРТ, ЧОУ СОШ»)."""
    ranked = sorted(
        {(word, i) for i, word in enumerate(entry.analysed.lemmas) if not word.isdigit()},
        key=lambda item: (
            vocabulary.generic_at(entry, item[1]),
            vocabulary.frequency.get(item[0], 0) <= 1,
            -vocabulary.rarity(item[0]),
            item[0],
        ),
    )
    telling = [(word, i) for word, i in ranked if not vocabulary.generic_at(entry, i)] or ranked
    if not telling:
        return set(), True
    # The initials of the name in quotes meet an abbreviation of it («ИГТК» = «Ивангородский гуманитарно-
    # технический колледж»); a name holding an abbreviation is looked for like a short name.
    quoted = [entry.analysed.words[i] for i in sorted(entry.analysed.quoted)]
    initials = {
        "".join(word[0] for word in quoted),
        "".join(word[0] for word in quoted if word not in SKIPPABLE),
    }
    keys = {f"o:{letters}" for letters in initials if 2 <= len(letters) <= 6}
    short = len(telling) == 1 or any(may_abbreviate(entry.analysed.words[i]) for _word, i in telling)
    surfaces = [entry.analysed.words[i] for _word, i in telling[:BLOCK_WORDS]]
    if len(telling) == 1:
        return keys | {f"o:{telling[0][0]}"} | {f"o:{variant}" for variant in _variants(surfaces[0])}, True
    keys |= {f"o:{word}" for word, _i in telling[:BLOCK_WORDS]} | {f"o:{word}" for word in surfaces}
    keys |= {"p:" + "|".join(sorted((x, y))) for k, x in enumerate(surfaces) for y in surfaces[k + 1 :]}
    first, second = surfaces[:2]
    keys |= {"p:" + "|".join(sorted((variant, second))) for variant in _variants(first)}
    keys |= {"p:" + "|".join(sorted((first, variant))) for variant in _variants(second)}
    return keys, short


def candidate_pairs(entries: list[Entry], vocabulary: Vocabulary) -> set[tuple[int, int]]:
    """Index pairs of ``entries`` worth comparing (see the module's docstring and ``_block_keys``)."""
    blocks: dict[str, dict[int | None, list[int]]] = defaultdict(lambda: defaultdict(list))
    single: list[bool] = []
    for index, entry in enumerate(entries):
        keys, one_word = _block_keys(entry, vocabulary)
        single.append(one_word)
        for key in keys:
            blocks[key][entry.region_id].append(index)
    pairs: set[tuple[int, int]] = set()
    for key, by_region in blocks.items():
        needs_single = key.startswith("o:")
        without_region = by_region.get(None, [])
        for region_id, members in by_region.items():
            group = members if region_id is None else members + without_region
            if len(group) < 2:
                continue
            if needs_single:
                singles = [index for index in group if single[index]]
                if not singles:
                    continue
                if len(group) <= BLOCK_LIMIT:
                    pairs.update(_pair(x, y) for x in singles for y in group if x != y)
                    continue
            if len(group) <= BLOCK_LIMIT:
                pairs.update(_pair(x, y) for k, x in enumerate(group) for y in group[k + 1 :] if x != y)
            else:
                ordered = sorted(group, key=lambda index: entries[index].analysed.lemmas)
                for k, x in enumerate(ordered):
                    pairs.update(
                        _pair(x, y)
                        for y in ordered[k + 1 : k + 1 + WINDOW]
                        if x != y and (not needs_single or single[x] or single[y])
                    )
    return pairs


def _live_entries() -> list[Entry]:
    rows = Organisation.objects.filter(merged_into=None).order_by("pk").values_list(*ENTRY_FIELDS)
    return [Entry(*row) for row in rows.iterator(chunk_size=5000)]


@dataclass(frozen=True)
class Scan:
    """What one run of the finder read, compared and found."""

    candidates: list[Candidate]
    organisations: int
    compared_pairs: int
    seconds: float


def duplicate_scan(
    *,
    region: Region | None = None,
    entries: list[Entry] | None = None,
    vocabulary: Vocabulary | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Scan:
    """Probable duplicate (and successor) pairs among records not merged yet, minus pairs staff dismissed; best
    first. ``region`` limits the pairs to those with a record in it (the vocabulary stays the whole registry's).
    ``entries`` and ``vocabulary`` default to the registry's live records."""
    started = time.perf_counter()
    entries = _live_entries() if entries is None else entries
    vocabulary = vocabulary or Vocabulary(entries, region_words())
    scope = entries
    if region is not None:
        scope = [entry for entry in entries if entry.region_id in (region.pk, None)]
    pairs = candidate_pairs(scope, vocabulary)
    found = []
    for number, (x, y) in enumerate(pairs, start=1):
        a, b = scope[x], scope[y]
        if region is not None and region.pk not in (a.region_id, b.region_id):
            continue
        if a.pk > b.pk:
            a, b = b, a
        verdict = compare(a, b, vocabulary)
        if verdict is not None:
            found.append(Candidate(a.pk, b.pk, verdict.kind, verdict.score, verdict.reasons))
        if progress and number % 50_000 == 0:
            progress(number, len(pairs))
    dismissed = set(DuplicateDismissal.objects.values_list("first_id", "second_id"))
    order = {DuplicateKind.DUPLICATE: 0, DuplicateKind.SUCCESSOR: 1}
    candidates = [candidate for candidate in found if candidate.key not in dismissed]
    candidates.sort(key=lambda c: (order[c.kind], -c.score, c.first_id, c.second_id))
    return Scan(candidates, len(scope), len(pairs), time.perf_counter() - started)


@transaction.atomic
def duplicate_search_run(
    *,
    region: Region | None = None,
    started_by=None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[DuplicateSearch, list[Candidate]]:
    """Look for duplicates again (in ``region``, or everywhere) and keep what was found for the duplicates page,
    replacing what an earlier search found there; the run itself is recorded."""
    scan = duplicate_scan(region=region, progress=progress)
    stale = DuplicateCandidate.objects.all()
    if region is not None:
        stale = stale.filter(Q(first__region=region) | Q(second__region=region))
    stale.delete()
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                first_id=c.first_id,
                second_id=c.second_id,
                kind=c.kind,
                score=c.score,
                reasons=list(c.reasons),
            )
            for c in scan.candidates
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    kinds = Counter(candidate.kind for candidate in scan.candidates)
    search = DuplicateSearch.objects.create(
        region=region,
        started_by=started_by,
        organisations=scan.organisations,
        compared_pairs=scan.compared_pairs,
        duplicates=kinds[DuplicateKind.DUPLICATE],
        successors=kinds[DuplicateKind.SUCCESSOR],
        seconds=round(scan.seconds, 2),
    )
    return search, scan.candidates


def duplicate_dismiss(*, first: Organisation, second: Organisation, actor) -> DuplicateDismissal:
    """Staff say the two are different organisations: the pair is not proposed again."""
    a, b = _pair(first.pk, second.pk)
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        first_id=a, second_id=b, defaults={"dismissed_by": actor}
    )
    DuplicateCandidate.objects.filter(first_id=a, second_id=b).delete()
    return dismissal


MERGEABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "inn",
    "ogrn",
    "kpp",
    "region",
    "city",
    "address",
    "founded_on",
    "email",
    "phone",
    "website",
    "description",
)


@transaction.atomic
def organisation_merge(
    *, survivor: Organisation, loser: Organisation, actor, take: dict[str, int] | None = None
):
    """Merge ``loser`` into ``survivor``. ``take`` maps a field to the pk of the record whose value to keep
    (default: the survivor's, or the loser's where the survivor's is empty). Returns a summary of moved links."""
    if survivor.pk == loser.pk:
        raise MergeError(_("An organisation cannot be merged into itself."))
    # Ties, seats and partnerships move to the survivor; the loser leaves the counts.
    precomputed.data_changed(precomputed.SECTOR_NETWORK, precomputed.COOPERATION, REGISTRY_SIZE)
    locked = {
        org.pk: org
        for org in Organisation.objects.select_for_update()
        .filter(pk__in=[survivor.pk, loser.pk])
        .order_by("pk")
    }
    survivor, loser = locked[survivor.pk], locked[loser.pk]
    if loser.merged_into_id or survivor.merged_into_id:
        raise MergeError(_("One of these records has already been merged into another."))
    take = take or {}
    changes: dict[str, tuple] = {}
    for name in MERGEABLE_FIELDS:
        attname = Organisation._meta.get_field(name).attname
        mine, theirs = getattr(survivor, attname), getattr(loser, attname)
        wanted = take.get(name)
        use_loser = (
            wanted == loser.pk if wanted is not None else (mine in (None, "") and theirs not in (None, ""))
        )
        if use_loser and theirs != mine:
            changes[attname] = (mine, theirs)
    # Identifiers are unique: the loser gives up those the survivor takes over.
    released = [key for key in ("inn", "ogrn") if key in changes]
    if released:
        for key in released:
            setattr(loser, key, "")
        loser.save(update_fields=[*released, "updated_at"])
    for attname, (_old, new) in changes.items():
        setattr(survivor, attname, new)
    try:
        survivor.full_clean(exclude=["fields"])
    except ValidationError as error:
        raise MergeError(" ".join(error.messages)) from error
    survivor.save()
    # Pairs with the loser are settled by the merge itself (their links are hidden from ``related_objects``).
    for pairs in (DuplicateDismissal, DuplicateCandidate):
        pairs.objects.filter(Q(first=loser) | Q(second=loser)).delete()
    moved = _move_links(survivor=survivor, loser=loser)
    loser.merged_into = survivor
    loser.status = OrganisationStatus.LIQUIDATED
    loser.save(update_fields=["merged_into", "status", "updated_at"])
    audit_event(
        actor=actor,
        obj=survivor,
        action="merge",
        changes={key: value for key, value in changes.items()},
        data={"merged": loser.pk, "merged_name": str(loser), "moved": moved},
    )
    audit_event(
        actor=actor,
        obj=loser,
        action="merged_into",
        changes={"merged_into": (None, survivor.pk)},
        data={"survivor": survivor.pk, "survivor_name": str(survivor), "moved": moved},
    )
    return moved


def _move_links(*, survivor: Organisation, loser: Organisation) -> dict[str, int]:
    """Re-point every relation from any app at the survivor; a link the survivor already has is dropped."""
    moved: dict[str, int] = {}
    for relation in Organisation._meta.related_objects:
        model = relation.related_model
        label = f"{model._meta.label_lower}.{relation.field.name}"
        if model in (DuplicateDismissal, DuplicateCandidate):
            continue
        if relation.many_to_many:
            through = relation.through
            target = _fk_name(through, Organisation)
            moved[label] = _repoint(through, target, loser, survivor)
        elif relation.one_to_one:
            manager = model._base_manager
            if manager.filter(**{relation.field.name: loser}).exists():
                if manager.filter(**{relation.field.name: survivor}).exists():
                    raise MergeError(
                        _("Both records have a %(what)s; merge cannot keep two.")
                        % {"what": model._meta.verbose_name}
                    )
                moved[label] = manager.filter(**{relation.field.name: loser}).update(
                    **{relation.field.name: survivor}
                )
        else:
            moved[label] = _repoint(model, relation.field.name, loser, survivor)
    # The survivor's own many-to-many fields (fields of activity) take the union.
    for field in Organisation._meta.many_to_many:
        getattr(survivor, field.name).add(*getattr(loser, field.name).all())
    return {label: count for label, count in moved.items() if count}


def _fk_name(through, model) -> str:
    for field in through._meta.fields:
        if field.is_relation and field.related_model is model:
            return field.name
    raise LookupError(f"{through} has no foreign key to {model}")


def _repoint(model, field_name: str, loser, survivor) -> int:
    """Point ``field_name`` of ``model`` rows from the loser at the survivor; rows that would duplicate one the
    survivor already has (a unique constraint) are deleted instead."""
    manager = model._base_manager
    rows = manager.filter(**{field_name: loser})
    if not rows.exists():
        return 0
    try:
        with transaction.atomic():
            return rows.update(**{field_name: survivor})
    except IntegrityError:
        pass
    count = 0
    for row in list(rows):
        try:
            with transaction.atomic():
                manager.filter(pk=row.pk).update(**{field_name: survivor})
                count += 1
        except IntegrityError:
            manager.filter(pk=row.pk).delete()
    return count
