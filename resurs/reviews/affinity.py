"""How well an expert fits an application: a pluggable, explainable affinity model.

The default model is a weighted sum of three components, each in [0, 1]:

- **fields**: overlap of the expert's fields of expertise with the applicant organisation's fields
  (share of the application's fields the expert covers);
- **region**: 1 when the expert works in the applicant's region;
- **text**: cosine similarity of TF-IDF vectors of the application's text and the expert's profile, after
  Russian lemmatisation with pymorphy3 (so "организациями" and "организация" count as one term).

Weights are configurable per call; ``explain`` says for one pair which fields, region and terms contributed,
so that staff can see why the optimiser preferred an expert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

DEFAULT_WEIGHTS = {"fields": 0.45, "region": 0.15, "text": 0.40}

_WORD = re.compile(r"[а-яёa-z]+", re.IGNORECASE)
# Function words and words every application uses; they would only add noise to the similarity.
_STOP = frozenset(
    [
        "и",
        "в",
        "во",
        "не",
        "что",
        "он",
        "на",
        "я",
        "с",
        "со",
        "как",
        "а",
        "то",
        "все",
        "она",
        "так",
        "его",
        "но",
        "да",
        "ты",
        "к",
        "у",
        "же",
        "вы",
        "за",
        "бы",
        "по",
        "только",
        "ее",
        "мне",
        "было",
        "вот",
        "от",
        "меня",
        "еще",
        "нет",
        "о",
        "из",
        "ему",
        "теперь",
        "когда",
        "даже",
        "ну",
        "вдруг",
        "ли",
        "если",
        "уже",
        "или",
        "ни",
        "быть",
        "был",
        "него",
        "до",
        "вас",
        "нибудь",
        "опять",
        "уж",
        "вам",
        "ведь",
        "там",
        "потом",
        "себя",
        "ничего",
        "ей",
        "может",
        "они",
        "тут",
        "где",
        "есть",
        "надо",
        "ней",
        "для",
        "мы",
        "тебя",
        "их",
        "чем",
        "была",
        "сам",
        "чтоб",
        "без",
        "будто",
        "чего",
        "раз",
        "тоже",
        "себе",
        "под",
        "будет",
        "ж",
        "тогда",
        "кто",
        "этот",
        "того",
        "потому",
        "этого",
        "какой",
        "совсем",
        "ним",
        "здесь",
        "этом",
        "один",
        "почти",
        "мой",
        "тем",
        "чтобы",
        "нее",
        "сейчас",
        "были",
        "куда",
        "зачем",
        "всех",
        "никогда",
        "можно",
        "при",
        "наконец",
        "два",
        "об",
        "другой",
        "хоть",
        "после",
        "над",
        "больше",
        "тот",
        "через",
        "эти",
        "нас",
        "про",
        "всего",
        "них",
        "какая",
        "много",
        "разве",
        "три",
        "эту",
        "моя",
        "впрочем",
        "хорошо",
        "свою",
        "этой",
        "перед",
        "иногда",
        "лучше",
        "чуть",
        "том",
        "нельзя",
        "такой",
        "им",
        "более",
        "всегда",
        "конечно",
        "всю",
        "между",
        "который",
        "также",
        "год",
        "проект",
        "the",
        "and",
        "of",
        "to",
        "in",
        "for",
        "a",
        "on",
        "with",
    ]
)


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    return _morph().parse(word)[0].normal_form


def lemmatise(text: str) -> list[str]:
    """Lower-case lemmas of the words of ``text`` (Russian via pymorphy3; other words as they are)."""
    words = (w.lower().replace("ё", "е") for w in _WORD.findall(text or ""))
    lemmas = (lemma(w) if re.match("[а-яё]", w) else w for w in words if len(w) > 2)
    return [w for w in lemmas if w not in _STOP and len(w) > 2]


@dataclass
class Side:
    """What the model knows about an application or an expert."""

    key: int
    fields: frozenset[int] = frozenset()
    regions: frozenset[int] = frozenset()
    text: str = ""
    field_names: dict[int, str] = field(default_factory=dict)


class AffinityModel:
    """The interface of an affinity model: a matrix for the optimiser and an explanation per pair."""

    name = "base"

    def matrix(self, apps: list[Side], experts: list[Side]) -> np.ndarray:
        raise NotImplementedError

    def explain(self, app_index: int, expert_index: int) -> dict:
        raise NotImplementedError


class WeightedAffinity(AffinityModel):
    """Fields overlap + region match + lemmatised TF-IDF cosine, weighted (weights are normalised to sum 1)."""

    name = "weighted"

    def __init__(self, weights: dict[str, float] | None = None):
        weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        total = sum(max(0.0, float(v)) for v in weights.values()) or 1.0
        self.weights = {k: max(0.0, float(v)) / total for k, v in weights.items()}
        self._apps: list[Side] = []
        self._experts: list[Side] = []

    def _components(self, apps: list[Side], experts: list[Side]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        n, e = len(apps), len(experts)
        all_fields = sorted({f for s in apps + experts for f in s.fields})
        index = {f: i for i, f in enumerate(all_fields)}
        fa = np.zeros((n, len(all_fields)))
        fe = np.zeros((e, len(all_fields)))
        for i, s in enumerate(apps):
            fa[i, [index[f] for f in s.fields]] = 1
        for j, s in enumerate(experts):
            fe[j, [index[f] for f in s.fields]] = 1
        app_field_counts = np.maximum(fa.sum(axis=1, keepdims=True), 1)
        fields = (fa @ fe.T) / app_field_counts if all_fields else np.zeros((n, e))
        all_regions = sorted({r for s in apps + experts for r in s.regions})
        rindex = {r: i for i, r in enumerate(all_regions)}
        ra = np.zeros((n, len(all_regions)))
        re_ = np.zeros((e, len(all_regions)))
        for i, s in enumerate(apps):
            ra[i, [rindex[r] for r in s.regions]] = 1
        for j, s in enumerate(experts):
            re_[j, [rindex[r] for r in s.regions]] = 1
        region = np.minimum(ra @ re_.T, 1) if all_regions else np.zeros((n, e))
        docs = [" ".join(lemmatise(s.text)) for s in apps + experts]
        text = np.zeros((n, e))
        self._vectorizer = None
        if any(docs):
            vectorizer = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, min_df=1)
            try:
                matrix = vectorizer.fit_transform(docs)
            except ValueError:  # every document empty after lemmatisation
                matrix = None
            if matrix is not None:
                self._vectorizer, self._vocabulary = vectorizer, None
                self._tfidf_apps, self._tfidf_experts = matrix[:n].tocsr(), matrix[n:].tocsr()
                text = (self._tfidf_apps @ self._tfidf_experts.T).toarray()
        return fields, region, np.clip(text, 0, 1)

    def matrix(self, apps: list[Side], experts: list[Side]) -> np.ndarray:
        self._apps, self._experts = apps, experts
        fields, region, text = self._components(apps, experts)
        self._parts = {"fields": fields, "region": region, "text": text}
        w = self.weights
        return np.clip(w["fields"] * fields + w["region"] * region + w["text"] * text, 0.0, 1.0)

    def explain(self, app_index: int, expert_index: int, *, top_terms: int = 5) -> dict:
        """Per-pair explanation: the weighted contribution of each component and what made it."""
        app, expert = self._apps[app_index], self._experts[expert_index]
        parts = {k: float(v[app_index, expert_index]) for k, v in self._parts.items()}
        shared = sorted(app.fields & expert.fields)
        names = {**app.field_names, **expert.field_names}
        terms: list[tuple[str, float]] = []
        if self._vectorizer is not None:
            # Terms both sides share, read straight from the CSR rows (a run explains every assignment: slicing
            # sparse rows and rebuilding the vocabulary each time took minutes for 45,000 assignments).
            if getattr(self, "_vocabulary", None) is None:
                self._vocabulary = self._vectorizer.get_feature_names_out()
            columns_a, values_a = _row(self._tfidf_apps, app_index)
            columns_b, values_b = _row(self._tfidf_experts, expert_index)
            _common, in_a, in_b = np.intersect1d(
                columns_a, columns_b, assume_unique=True, return_indices=True
            )
            products = values_a[in_a] * values_b[in_b]
            pairs = sorted(zip(columns_a[in_a], products, strict=True), key=lambda p: -p[1])[:top_terms]
            terms = [(str(self._vocabulary[c]), round(float(v), 4)) for c, v in pairs]
        return {
            "model": self.name,
            "weights": self.weights,
            "components": {k: round(v, 4) for k, v in parts.items()},
            "contributions": {k: round(self.weights[k] * v, 4) for k, v in parts.items()},
            "shared_fields": [names.get(f, str(f)) for f in shared],
            "same_region": bool(app.regions & expert.regions),
            "terms": terms,
        }


def _row(matrix, index: int) -> tuple[np.ndarray, np.ndarray]:
    """The column indices and values of one row of a CSR matrix."""
    start, end = matrix.indptr[index], matrix.indptr[index + 1]
    return matrix.indices[start:end], matrix.data[start:end]


MODELS = {"weighted": WeightedAffinity}


def model_for(name: str = "weighted", weights: dict | None = None) -> AffinityModel:
    """The affinity model by name (the registry of pluggable models)."""
    return MODELS[name](weights)
