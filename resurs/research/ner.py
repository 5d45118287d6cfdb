"""Organisations mentioned in a transcript, found with Natasha's Russian named-entity recogniser.

Natasha's models ship inside the navec/slovnet packages, so nothing is downloaded. Loading them takes about half a
second, so they are loaded once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Mention:
    text: str  # as in the transcript
    normal: str  # in the nominative case
    start: int
    end: int


@cache
def _pipeline():
    from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    embedding = NewsEmbedding()
    return Segmenter(), NewsMorphTagger(embedding), NewsNERTagger(embedding), MorphVocab()


def organisation_mentions(text: str) -> list[Mention]:
    """ORG spans of ``text`` in order, with the name put into the nominative case."""
    from natasha import Doc

    if not text.strip():
        return []
    segmenter, morph_tagger, ner_tagger, morph_vocab = _pipeline()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_morph(morph_tagger)
    doc.tag_ner(ner_tagger)
    mentions = []
    for span in doc.spans:
        if span.type != "ORG":
            continue
        span.normalize(morph_vocab)
        normal = (span.normal or span.text).strip(' «»"')
        mentions.append(Mention(text=span.text, normal=normal, start=span.start, end=span.stop))
    return mentions
