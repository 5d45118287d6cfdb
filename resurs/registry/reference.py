"""Loading the registry's reference data (federal districts, regions, legal forms, OKVED, fields of activity)
from the CSV files in ``reference/`` (sources in ``reference/SOURCES.md``). Idempotent: rows are matched by code.

Takes model classes as arguments so that a data migration can pass its historical models.
"""

from __future__ import annotations

import csv
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _clean(value: str | None) -> str:
    return "" if value in (None, "None") else value.strip()


def load_regions(FederalDistrict, Region) -> int:
    rows = _rows("regions.csv")
    districts = {}
    for row in rows:
        if row["level"] == "федеральный округ":
            district, _ = FederalDistrict.objects.update_or_create(
                code=row["key"], defaults={"name_ru": row["name_rus"], "name_en": _clean(row["name_eng"])}
            )
            districts[row["name_rus"]] = district
    count = 0
    for row in rows:
        if row["level"] != "регион" or not _clean(row["fns_code"]):
            continue
        Region.objects.update_or_create(
            fns_code=_clean(row["fns_code"]).zfill(2),
            defaults={
                "name_ru": row["name_rus"],
                "name_en": _clean(row["name_eng"]),
                "iso_code": _clean(row["iso_code"]),
                "okato": _clean(row["okato"]),
                "oktmo": _clean(row["oktmo"]),
                "alternative_names": _clean(row["alternative_names"]),
                "federal_district": districts[row["parent_name"]],
                "is_active": row["status"] == "active",
            },
        )
        count += 1
    return count


def load_legal_forms(LegalForm) -> int:
    extra = [
        ("71601", "Ассоциации (союзы)", True),
        (
            "20700",
            "Казачьи общества, внесенные в государственный реестр казачьих обществ в Российской Федерации",
            True,
        ),
        ("12300", "Общества с ограниченной ответственностью", False),
        ("12267", "Непубличные акционерные общества", False),
        ("12247", "Публичные акционерные общества", False),
        ("75101", "Федеральные государственные учреждения", True),
        ("75201", "Государственные учреждения субъектов Российской Федерации", True),
        ("75403", "Муниципальные бюджетные учреждения", True),
        ("20903", "Религиозные организации", True),
    ]
    rows = [(r["okopf_code"], r["okopf_name"], True) for r in _rows("okopf.csv")] + extra
    for code, name, non_commercial in rows:
        LegalForm.objects.update_or_create(
            code=code, defaults={"name": name, "is_non_commercial": non_commercial}
        )
    return len(rows)


def load_okved(OkvedCode) -> int:
    rows = _rows("okved.csv")
    existing = set(OkvedCode.objects.values_list("code", flat=True))
    OkvedCode.objects.bulk_create(
        [
            OkvedCode(
                code=r["code"], name=r["name"][:600], section=r["section"], parent_code=r["parent_code"]
            )
            for r in rows
            if r["code"] not in existing
        ],
        batch_size=1000,
    )
    return len(rows)


def load_fields(Field) -> int:
    rows = _rows("fields.csv")
    for row in rows:
        Field.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name_ru": row["name_ru"],
                "name_en": row["name_en"],
                "okved_prefixes": row["okved_prefixes"].replace(";", ","),
            },
        )
    return len(rows)


def load_all(get_model) -> dict[str, int]:
    """``get_model(name)`` returns the registry model class (``apps.get_model`` in migrations)."""
    return {
        "regions": load_regions(get_model("FederalDistrict"), get_model("Region")),
        "legal_forms": load_legal_forms(get_model("LegalForm")),
        "okved": load_okved(get_model("OkvedCode")),
        "fields": load_fields(get_model("Field")),
    }


def ensure_reference_data() -> None:
    """Load the reference data if it is missing (tests that flush the database call this)."""
    from django.apps import apps

    Region = apps.get_model("registry", "Region")
    OkvedCode = apps.get_model("registry", "OkvedCode")
    if not Region.objects.exists() or not OkvedCode.objects.exists():
        load_all(lambda name: apps.get_model("registry", name))


def region_short_names() -> dict[str, str]:
    """Tax region code → the short label of the regions reference (e.g. "31" → "БЕЛ"), for tile maps."""
    from django.utils.translation import get_language

    english = (get_language() or "ru").startswith("en")
    names = {}
    for row in _rows("regions.csv"):
        code = _clean(row["fns_code"])
        if row["level"] == "регион" and code:
            label = (
                _clean(row["iso_code"]).split("-")[-1] if english else _clean(row["name_datawrapper_short"])
            )
            names[code.zfill(2)] = label or _clean(row["name_rus"])[:4]
    return names
