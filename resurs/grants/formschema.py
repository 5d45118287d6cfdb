"""The no-code application form: snapshots of a call's sections and fields, and checking answers against one.

A snapshot is plain JSON (``FormVersion.schema``), so an application keeps the exact form it was filled against
after staff change the working copy. Checking is pure (no database), so autosave, submission, the API and the
benchmark all share one set of rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from resurs.core.uploads import DOCUMENTS, KIND_BY_EXTENSION, UploadPolicy, check_upload
from resurs.grants.choices import FieldKind

CENT = Decimal("0.01")
BUDGET_COLUMNS = ("item", "quantity", "unit_cost", "requested", "cofinancing")
PLAN_COLUMNS = ("activity", "starts_on", "ends_on", "result")
MAX_TABLE_ROWS = 200


def snapshot_of(call) -> dict:
    """The JSON snapshot of a call's working form (sections with their fields, in order)."""
    sections = []
    for section in call.form_sections.prefetch_related("fields").order_by("order", "pk"):
        sections.append(
            {
                "title_ru": section.title_ru,
                "title_en": section.title_en,
                "fields": [
                    {
                        "key": f.key,
                        "kind": f.kind,
                        "label_ru": f.label_ru,
                        "label_en": f.label_en,
                        "help_text": f.help_text,
                        "required": f.required,
                        "max_length": f.max_length,
                        "min_value": None if f.min_value is None else str(f.min_value),
                        "max_value": None if f.max_value is None else str(f.max_value),
                        "choices": list(f.choices or []),
                        "file_types": _extensions(f.file_types),
                        "max_file_mb": f.max_file_mb,
                    }
                    for f in section.fields.all()
                ],
            }
        )
    return {"sections": sections}


def _extensions(text: str) -> list[str]:
    return [part.strip().lower().lstrip(".") for part in text.replace(";", ",").split(",") if part.strip()]


def label(spec: dict) -> str:
    if (get_language() or "ru").startswith("en") and spec.get("label_en"):
        return spec["label_en"]
    return spec.get("label_ru") or spec["key"]


def section_title(spec: dict) -> str:
    if (get_language() or "ru").startswith("en") and spec.get("title_en"):
        return spec["title_en"]
    return spec.get("title_ru", "")


def fields_of(schema: dict) -> list[dict]:
    return [f for section in schema.get("sections", []) for f in section.get("fields", [])]


@dataclass
class BudgetTotals:
    total: Decimal = Decimal(0)
    requested: Decimal = Decimal(0)
    cofinancing: Decimal = Decimal(0)

    @property
    def cofinancing_percent(self) -> Decimal:
        if not self.total:
            return Decimal(0)
        return (self.cofinancing * 100 / self.total).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Checked:
    """The outcome of checking answers: the cleaned values, errors per key, and budget totals."""

    answers: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    budget: BudgetTotals = field(default_factory=BudgetTotals)
    budget_lines: list[dict] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return number


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _empty(value) -> bool:
    return value in (None, "", [], {})


def check_answers(
    schema: dict, raw: dict, *, complete: bool, attachment_keys: set[str] = frozenset()
) -> Checked:
    """Check ``raw`` answers against a form snapshot.

    With ``complete`` (submission) required answers must be there; without it (autosave) only what was typed is
    checked, so a half-filled draft is kept. Budget tables also yield their lines and totals.
    """
    result = Checked()
    for spec in fields_of(schema):
        key, kind = spec["key"], spec["kind"]
        value = raw.get(key)
        if kind == FieldKind.FILE:
            if complete and spec.get("required") and key not in attachment_keys:
                result.add(key, _("Attach a file."))
            continue
        if _empty(value):
            if complete and spec.get("required"):
                result.add(key, _("This field is required."))
            continue
        if kind == FieldKind.TEXT:
            text = str(value).strip()
            limit = spec.get("max_length")
            if limit and len(text) > limit:
                result.add(
                    key,
                    _("At most %(limit)d characters, you have %(count)d.")
                    % {"limit": limit, "count": len(text)},
                )
            result.answers[key] = text
        elif kind in (FieldKind.NUMBER, FieldKind.MONEY):
            try:
                number = _decimal(value)
            except ValueError:
                result.add(key, _("Enter a number."))
                result.answers[key] = str(value)
                continue
            if kind == FieldKind.MONEY:
                number = number.quantize(CENT, rounding=ROUND_HALF_UP)
            low, high = _decimal(spec.get("min_value")), _decimal(spec.get("max_value"))
            if low is not None and number < low:
                result.add(key, _("Must be at least %(low)s.") % {"low": low})
            if high is not None and number > high:
                result.add(key, _("Must be at most %(high)s.") % {"high": high})
            result.answers[key] = str(number)
        elif kind == FieldKind.DATE:
            try:
                result.answers[key] = _date(value).isoformat()
            except ValueError:
                result.add(key, _("Enter a date as YYYY-MM-DD."))
                result.answers[key] = str(value)
        elif kind == FieldKind.CHOICE:
            if str(value) not in [str(c) for c in spec.get("choices", [])]:
                result.add(key, _("Choose one of the options."))
            result.answers[key] = str(value)
        elif kind == FieldKind.BUDGET:
            result.answers[key] = _check_budget(
                result, key, value, required=complete and spec.get("required")
            )
        elif kind == FieldKind.PLAN:
            result.answers[key] = _check_plan(result, key, value, required=complete and spec.get("required"))
    return result


def _rows(value) -> list[dict]:
    if not isinstance(value, list):
        return []
    return [
        row
        for row in value[:MAX_TABLE_ROWS]
        if isinstance(row, dict) and any(not _empty(v) for v in row.values())
    ]


def _check_budget(result: Checked, key: str, value, *, required: bool) -> list[dict]:
    rows = _rows(value)
    if required and not rows:
        result.add(key, _("Add at least one budget line."))
    kept = []
    for position, row in enumerate(rows, start=1):
        item = str(row.get("item", "")).strip()[:500]
        clean = {"item": item}
        numbers: dict[str, Decimal] = {}
        for column in BUDGET_COLUMNS[1:]:
            try:
                number = _decimal(row.get(column)) or Decimal(0)
            except ValueError:
                result.add(
                    key, _("Line %(line)d: enter a number in every money column.") % {"line": position}
                )
                number = Decimal(0)
            clean[column] = str(number.quantize(CENT, rounding=ROUND_HALF_UP))
            if number < 0:
                result.add(key, _("Line %(line)d: amounts cannot be negative.") % {"line": position})
                number = Decimal(0)
            numbers[column] = number.quantize(CENT, rounding=ROUND_HALF_UP)
        if not item:
            result.add(key, _("Line %(line)d: name the item.") % {"line": position})
        line_total = (numbers["quantity"] * numbers["unit_cost"]).quantize(CENT, rounding=ROUND_HALF_UP)
        if numbers["requested"] + numbers["cofinancing"] != line_total:
            result.add(
                key,
                _(
                    "Line %(line)d: requested plus co-financing (%(sum)s) must equal quantity × unit cost (%(total)s)."
                )
                % {
                    "line": position,
                    "sum": numbers["requested"] + numbers["cofinancing"],
                    "total": line_total,
                },
            )
        result.budget.total += line_total
        result.budget.requested += numbers["requested"]
        result.budget.cofinancing += numbers["cofinancing"]
        result.budget_lines.append({"field_key": key, "position": position, "item": item, **numbers})
        kept.append(clean)
    return kept


def _check_plan(result: Checked, key: str, value, *, required: bool) -> list[dict]:
    rows = _rows(value)
    if required and not rows:
        result.add(key, _("Add at least one activity to the plan."))
    kept = []
    for position, row in enumerate(rows, start=1):
        clean = {
            "activity": str(row.get("activity", "")).strip()[:500],
            "result": str(row.get("result", "")).strip()[:1000],
        }
        if not clean["activity"]:
            result.add(key, _("Line %(line)d: describe the activity.") % {"line": position})
        try:
            starts, ends = _date(row.get("starts_on")), _date(row.get("ends_on"))
        except ValueError:
            result.add(key, _("Line %(line)d: enter dates as YYYY-MM-DD.") % {"line": position})
            starts = ends = None
        if starts and ends and ends < starts:
            result.add(key, _("Line %(line)d: the activity ends before it starts.") % {"line": position})
        clean["starts_on"] = starts.isoformat() if starts else ""
        clean["ends_on"] = ends.isoformat() if ends else ""
        kept.append(clean)
    return kept


def upload_policy(spec: dict) -> UploadPolicy:
    """The upload policy of a file field: the project's file kinds among the types staff listed."""
    kinds = tuple(
        dict.fromkeys(
            KIND_BY_EXTENSION[f".{t}"] for t in spec.get("file_types") or [] if f".{t}" in KIND_BY_EXTENSION
        )
    )
    return UploadPolicy(kinds or DOCUMENTS.kinds, int(spec.get("max_file_mb") or 10))


def unknown_file_types(text: str) -> list[str]:
    """The types in a file field's list that Resurs never accepts from applicants (html, svg, exe...)."""
    return [t for t in _extensions(text) if f".{t}" not in KIND_BY_EXTENSION]


def check_file(spec: dict, upload) -> list[str]:
    """Errors for an uploaded file against a file field's allowed types and size (checked by content)."""
    try:
        check_upload(upload, upload_policy(spec))
    except ValidationError as error:
        return list(error.messages)
    return []


def text_answers(schema: dict, answers: dict) -> list[str]:
    """The free-text answers in form order (used for the PDF and for affinity)."""
    return [
        str(answers[f["key"]])
        for f in fields_of(schema)
        if f["kind"] == FieldKind.TEXT and answers.get(f["key"])
    ]
