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
    Target("founded_on", _("Founding date"), ("reg_date", "founded_on", "дата регистрации", "дата создания")),
    Target("liquidated_on", _("Liquidation date"), ("liq_date", "liquidated_on", "дата ликвидации")),
    Target("status", _("Status"), ("status", "status_x", "статус")),
    Target("kind", _("Kind"), ("kind", "тип", "вид организации")),
    Target("legal_form_code", _("Legal form code (OKOPF)"), ("okopf_code", "okopf", "окопф", "код окопф")),
    Target("okved_code", _("Main activity code (OKVED)"), ("okved_code", "оквэд", "код оквэд")),
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


def guess_columns(headers: list[str]) -> dict[str, list[str]]:
    """A first guess of the mapping from header names (staff confirm it on the mapping page)."""
    if all(
        any(column in headers for column in EGRUL_COLUMNS[key]) for key in ("name", "inn", "ogrn", "region")
    ):
        return {key: [c for c in columns if c in headers] for key, columns in EGRUL_COLUMNS.items()}
    simple = {_simplify(header): header for header in headers}
    guessed: dict[str, list[str]] = {}
    used: set[str] = set()
    for target in TARGETS:
        for synonym in (target.key, *target.synonyms):
            header = simple.get(_simplify(synonym))
            if header and header not in used:
                guessed[target.key] = [header]
                used.add(header)
                break
    return guessed


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
