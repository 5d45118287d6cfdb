#!/usr/bin/env python
"""Helpers for translation catalogues.

python scripts/po.py missing FILE.po          list msgids without a translation (JSON object to fill in)
python scripts/po.py fill FILE.po TRANS.json  fill msgstr from a JSON object {msgid: msgstr}
                                              (for plurals: {msgid: [form0, form1, form2]})
python scripts/po.py english FILE.po          the English catalogue: msgids are English, so msgstr = msgid
"""

from __future__ import annotations

import json
import sys

import polib


def missing(path: str) -> None:
    catalogue = polib.pofile(path, wrapwidth=0)
    todo = {}
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            if "fuzzy" in entry.flags or not all(entry.msgstr_plural.get(i) for i in range(3)):
                todo[entry.msgid] = ["", "", ""]
        elif not entry.msgstr or "fuzzy" in entry.flags:
            todo[entry.msgid] = ""
    json.dump(todo, sys.stdout, ensure_ascii=False, indent=1)
    print()


def fill(path: str, translations_path: str) -> None:
    with open(translations_path, encoding="utf-8") as handle:
        translations = json.load(handle)
    catalogue = polib.pofile(path, wrapwidth=0)
    filled = 0
    for entry in catalogue:
        value = translations.get(entry.msgid)
        if not value:
            continue
        if entry.msgid_plural and isinstance(value, list):
            entry.msgstr_plural = dict(enumerate(value))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    catalogue.save(path)
    print(f"{path}: filled {filled}")


def english(path: str) -> None:
    catalogue = polib.pofile(path, wrapwidth=0)
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    catalogue.save(path)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"missing": missing, "fill": fill, "english": english}[command](*args)
