"""Target fields of an import and how source columns are matched to them (saved, built-in and guessed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Target:
    key: str
    label: str  # lazy translation
    synonyms: tuple[str, ...] = ()
    # Words a header contains to be a candidate when no synonym matches it exactly ("okopf_id", "код ОКОПФ"); of
    # several candidates, the one whose values are codes wins (a reference matches a code exactly, a name maybe).
    stems: tuple[str, ...] = ()


TARGETS: tuple[Target, ...] = (
    Target("name", _("Full name"), ("full_name", "name", "полное наименование", "наименование", "название")),
    Target("short_name", _("Short name"), ("short_name", "краткое наименование", "сокращенное наименование")),
    Target("inn", _("INN"), ("inn", "инн")),
    Target("ogrn", _("OGRN"), ("ogrn", "огрн", "регистрационный номер")),
    Target("kpp", _("KPP"), ("kpp", "кпп")),
    Target(
        "region", _("Region (name or code)"), ("region", "регион", "субъект рф", "субъект", "region_code")
    ),
    Target("city", _("City"), ("city", "город", "населенный пункт")),
    Target("address", _("Address"), ("address", "address_x", "адрес", "юридический адрес")),
    Target(
        "founded_on",
        _("Founding date"),
        ("reg_date", "founded_on", "дата регистрации", "дата создания", "дата присвоения огрн", "ogrn date"),
    ),
    Target("liquidated_on", _("Liquidation date"), ("liq_date", "liquidated_on", "дата ликвидации")),
    Target("status", _("Status"), ("status", "status_x", "статус")),
    Target("kind", _("Kind"), ("kind", "тип", "вид организации")),
    Target(
        "legal_form_code",
        _("Legal form (OKOPF code or name)"),
        (
            "okopf_code",
            "okopf_id",
            "код окопф",
            "okopf",
            "окопф",
            "организационно-правовая форма",
            "legal form",
        ),
        ("okopf", "окопф", "опф", "правовая форма", "legal form"),
    ),
    Target(
        "okved_code",
        _("Main activity code (OKVED)"),
        ("okved_code", "оквэд", "код оквэд"),
        ("okved", "оквэд"),
    ),
    Target("email", _("E-mail"), ("email", "e-mail", "эл. почта", "электронная почта")),
    Target("phone", _("Phone"), ("phone", "телефон")),
    Target("website", _("Website"), ("website", "site", "сайт", "веб-сайт")),
    Target("description", _("Description"), ("description", "описание")),
)
TARGET_KEYS = tuple(target.key for target in TARGETS)
IDENTIFIER_KEYS = ("inn", "ogrn")

# The columns of official-registry extracts (EGRUL via openngo.ru), as in data/registry_sample/.
EGRUL_MAPPING_NAME = "EGRUL extract (openngo.ru)"
EGRUL_COLUMNS: dict[str, list[str]] = {
    "name": ["full_name", "short_name", "name_x"],
    "short_name": ["short_name"],
    "inn": ["inn"],
    "ogrn": ["ogrn"],
    "region": ["region"],
    "address": ["address_x"],
    "founded_on": ["reg_date"],
    "liquidated_on": ["liq_date"],
    "status": ["status_x"],
    "legal_form_code": ["okopf_code"],
    "okved_code": ["okved_code"],
    "website": ["website"],
}


def _simplify(header: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", str(header or "").strip().lower().replace("ё", "е")).strip()


def _code_share(values: list[str]) -> float:
    """The share of non-empty values that are codes (digits, with dots or spaces between)."""
    filled = [str(value).strip() for value in values if str(value or "").strip()]
    if not filled:
        return 0.0
    return sum(bool(re.fullmatch(r"[\d .]+", value)) for value in filled) / len(filled)


def guess_columns(headers: list[str], preview: list[list] | None = None) -> dict[str, list[str]]:
    """A first guess of the mapping from header names, and for code targets from the first rows' values (staff
    confirm it on the mapping page): of "okopf" («Фонды») and "okopf_id" (70400) the code column is taken."""
    if all(
        any(column in headers for column in EGRUL_COLUMNS[key]) for key in ("name", "inn", "ogrn", "region")
    ):
        return {key: [c for c in columns if c in headers] for key, columns in EGRUL_COLUMNS.items()}
    simple = {_simplify(header): header for header in headers}
    columns_of = {
        header: [row[i] for row in preview or [] if i < len(row)] for i, header in enumerate(headers)
    }
    guessed: dict[str, list[str]] = {}
    used: set[str] = set()
    for target in TARGETS:
        candidates = [
            simple[_simplify(synonym)]
            for synonym in (target.key, *target.synonyms)
            if _simplify(synonym) in simple and simple[_simplify(synonym)] not in used
        ]
        candidates += [
            header
            for header in headers
            if header not in used
            and header not in candidates
            and any(_simplify(stem) in _simplify(header).split() or _simplify(stem) in _simplify(header)
                    for stem in target.stems)
        ]  # fmt: skip
        if not candidates:
            continue
        if target.stems and preview:
            # Stable: among equally code-like columns the synonym order decides.
            candidates.sort(key=lambda header: -_code_share(columns_of[header]))
        guessed[target.key] = [candidates[0]]
        used.add(candidates[0])
    return guessed


def unmapped_headers(headers: list[str], columns: dict[str, list[str]]) -> list[str]:
    """The file's columns no target takes: their values are not imported (listed on the preview and result)."""
    mapped = {column for sources in columns.values() for column in sources}
    return [header for header in headers if header not in mapped]


def columns_for_headers(columns: dict[str, list[str] | str], headers: list[str]) -> dict[str, list[str]]:
    """Keep the mapped columns that the file has (a saved mapping may name more than one file carries)."""
    kept: dict[str, list[str]] = {}
    for key, sources in columns.items():
        if key not in TARGET_KEYS:
            continue
        sources = [sources] if isinstance(sources, str) else list(sources)
        present = [source for source in sources if source in headers]
        if present:
            kept[key] = present
    return kept


def missing_mandatory(columns: dict[str, list[str]]) -> list[str]:
    """Messages for what a mapping lacks: a name column, and an INN or OGRN column."""
    problems = []
    if not columns.get("name"):
        problems.append(str(_("Choose the column that holds the organisation's name.")))
    if not any(columns.get(key) for key in IDENTIFIER_KEYS):
        problems.append(str(_("Choose the column that holds the INN or the OGRN (at least one of them).")))
    return problems


def labelled(unmapped: dict) -> dict:
    """A stored report's unmapped values with each target's label in the current language."""
    labels = {target.key: str(target.label) for target in TARGETS}
    return {
        key: {**entry, "label": labels.get(key, entry.get("label", key))} for key, entry in unmapped.items()
    }
