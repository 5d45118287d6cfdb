"""The Russian and English catalogues are complete, and Django's merged catalogue means one thing per msgid.

Django merges every app's catalogue into one per language, so a msgid without a context that two apps translate
differently is shown with one app's translation everywhere ("Title" as «Должность» on an event form). Short
generic words therefore carry a context (pgettext) wherever their meaning differs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def catalogues(language: str) -> list[Path]:
    paths = sorted(BASE.glob(f"resurs/*/locale/{language}/LC_MESSAGES/django.po"))
    paths += sorted(BASE.glob(f"locale/{language}/LC_MESSAGES/django.po"))
    return paths


def entries(path: Path):
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_one_msgid_has_one_translation_across_catalogues(language):
    translations: dict[tuple[str | None, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in catalogues(language):
        owner = path.parts[len(BASE.parts) + 1] if path.parts[len(BASE.parts)] == "resurs" else "project"
        for entry in entries(path):
            text = entry.msgstr or "|".join(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            if text:
                translations[(entry.msgctxt, entry.msgid)][text].add(owner)
    clashes = {
        f"{context + ': ' if context else ''}{msgid}": {text: sorted(apps) for text, apps in texts.items()}
        for (context, msgid), texts in translations.items()
        if len(texts) > 1
    }
    assert not clashes, "Give these msgids a context (pgettext) or one translation:\n" + "\n".join(
        f"  {msgid!r}: {texts}" for msgid, texts in sorted(clashes.items())
    )


def test_every_russian_entry_is_translated():
    missing = [
        f"{path.relative_to(BASE)}: {entry.msgid[:60]!r}"
        for path in catalogues("ru")
        for entry in entries(path)
        if not entry.translated() or "fuzzy" in entry.flags
    ]
    assert not missing, "Untranslated or fuzzy Russian entries:\n" + "\n".join(missing)


def test_russian_plurals_have_every_form():
    incomplete = [
        f"{path.relative_to(BASE)}: {entry.msgid[:60]!r}"
        for path in catalogues("ru")
        for entry in entries(path)
        if entry.msgid_plural and (len(entry.msgstr_plural) < 3 or not all(entry.msgstr_plural.values()))
    ]
    assert not incomplete, "Russian plural entries need all forms:\n" + "\n".join(incomplete)
