"""Importing past competitions' results (CSV or XLSX with a column mapping), so a centre's figures start from its
real past. Real files are messy: unknown encodings, no header, amounts like "2   000 000,0 р.", names with runs
of spaces and HTML entities («&#8220;Вера&#8221;», «&quot;»), regions written any way («г. Москва»), the same
project on several rows. Each row is checked on its own; a bad row is reported with its number and never stops the
good ones; a region that matches no region of the registry is reported with its count.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from resurs.core.audit import audit_event
from resurs.grants.models import HistoricalGrant

MAX_ROWS = 50_000
COLUMNS = ("number", "organisation", "inn", "region", "title", "direction", "amount")


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    matched_organisations: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    with_region: int = 0  # imported rows that have a region (from the file or the matched organisation)
    unmatched_regions: Counter = field(default_factory=Counter)  # region as written → rows

    @property
    def unmatched_region_list(self) -> list[tuple[str, int]]:
        """(region as written, rows) by most rows first, for the page."""
        return self.unmatched_regions.most_common()

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "duplicates": self.duplicates,
            "matched_organisations": self.matched_organisations,
            "errors": self.errors,
            "with_region": self.with_region,
            "unmatched_regions": dict(self.unmatched_regions),
        }


def decode(content: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM) first, else the most likely legacy encoding."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(content).best()
        if best is None:
            raise ValidationError(
                {"file": [_("The file's text encoding could not be recognised.")]}
            ) from None
        return str(best)


def read_rows(content: bytes, filename: str) -> list[list[str]]:
    """All rows of a CSV or XLSX file as lists of strings (the first sheet of a workbook)."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise ValidationError({"file": [_("The file is not a readable XLSX workbook.")]}) from exc
        sheet = workbook.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if not filename.lower().endswith((".csv", ".txt")):
        raise ValidationError({"file": [_("Upload a CSV or XLSX file.")]})
    text = decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]


SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Unescape HTML entities («&#8220;», «&quot;»), collapse runs of spaces, drop quotes that wrap the whole value
    ("«Семью каждому ребёнку!»" stays)."""
    text = SPACES.sub(" ", html.unescape(value).replace("\u00a0", " ")).strip()
    if len(text) > 1 and text[0] == text[-1] == '"' and '"' not in text[1:-1]:
        text = text[1:-1].strip()
    return text


def parse_amount(value: str) -> Decimal | None:
    """ "2   000 000,0 р." → 2000000.0; "" → None. Raises ValueError on text that has no number in it."""
    text = value.replace("\u00a0", " ").strip()
    if not text:
        return None
    # "1 200 000,00 р." leaves a trailing dot from the rouble sign: only separators between digits count.
    kept = re.sub(r"[^0-9,.\-]", "", text).strip(".,")
    if not kept or not re.search(r"\d", kept):
        raise ValueError(value)
    # "1,234.50" uses the comma for thousands; "2 000 000,0" uses it for decimals.
    kept = kept.replace(",", "") if "," in kept and "." in kept else kept.replace(",", ".")
    if kept.count(".") > 1:  # 1.234.567 used as thousands separators
        kept = kept.replace(".", "")
    try:
        amount = Decimal(kept)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if amount < 0:
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))


def history_import(
    *,
    centre,
    actor,
    content: bytes,
    filename: str,
    mapping: dict[str, int],
    competition: str,
    year: int,
    has_header: bool = False,
) -> ImportResult:
    """Import a results file. ``mapping`` gives the 0-based column of each of COLUMNS that the file has;
    ``title`` is required. A row already imported (same competition and application number) is skipped."""
    from resurs.registry.models import Organisation

    if "title" not in mapping:
        raise ValidationError({"column_title": [_("Say which column holds the project title.")]})
    unknown = set(mapping) - set(COLUMNS)
    if unknown:
        raise ValidationError(_("Unknown columns: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    rows = read_rows(content, filename)
    if has_header:
        rows = rows[1:]
    if not rows:
        raise ValidationError({"file": [_("The file has no rows.")]})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": [_("At most %(n)d rows at once.") % {"n": MAX_ROWS}]})
    width = max(len(r) for r in rows)
    too_far = [name for name, index in mapping.items() if index >= width]
    if too_far:
        raise ValidationError(
            _("The file has %(width)d columns; these point beyond them: %(names)s.")
            % {"width": width, "names": ", ".join(too_far)}
        )
    from resurs.registry.selectors import region_resolver

    region_of = region_resolver()
    result = ImportResult()
    seen = set(
        HistoricalGrant.objects.filter(centre=centre, competition=competition)
        .exclude(application_number="")
        .values_list("application_number", flat=True)
    )
    inns = set()
    pending: list[HistoricalGrant] = []
    first_line = 2 if has_header else 1
    for offset, row in enumerate(rows):
        line = first_line + offset
        cell = {name: clean_text(row[index]) if index < len(row) else "" for name, index in mapping.items()}
        title = cell.get("title", "")
        if not title:
            result.errors.append((line, _("No project title.")))
            continue
        number = cell.get("number", "")[:64]
        if number and number in seen:
            result.duplicates += 1
            continue
        try:
            amount = parse_amount(cell.get("amount", ""))
        except ValueError:
            result.errors.append(
                (line, _("“%(value)s” is not an amount.") % {"value": cell.get("amount", "")})
            )
            continue
        inn = re.sub(r"\D", "", cell.get("inn", ""))
        if inn and len(inn) not in (10, 12):
            result.errors.append((line, _("“%(value)s” is not an INN.") % {"value": cell.get("inn", "")}))
            continue
        region_name = cell.get("region", "")
        region = region_of(region_name)
        if region_name and region is None:
            result.unmatched_regions[region_name] += 1
        grant = HistoricalGrant(
            centre=centre,
            competition=competition[:300],
            year=year,
            application_number=number,
            organisation_name=cell.get("organisation", "")[:500],
            inn=inn,
            region=region,
            title=title[:1000],
            direction=cell.get("direction", "")[:300],
            amount=amount,
            source=filename[:255],
        )
        if inn:
            inns.add(inn)
        if number:
            seen.add(number)
        pending.append(grant)
    # "inn <> ''" lets PostgreSQL use the partial unique index on INN for a list of any length.
    registered = Organisation.objects.exclude(inn="").filter(inn__in=inns)
    organisations = {o.inn: o for o in registered} if inns else {}
    for grant in pending:
        organisation = organisations.get(grant.inn)
        if organisation is not None:
            grant.organisation = organisation
            grant.ogrn = organisation.ogrn
            grant.region = grant.region or organisation.region
            result.matched_organisations += 1
    result.with_region = sum(1 for grant in pending if grant.region is not None)
    with transaction.atomic():
        HistoricalGrant.objects.bulk_create(pending, batch_size=1000)
        result.created = len(pending)
        audit_event(
            actor=actor,
            obj=centre,
            action="grants_history_import",
            data={"file": filename, "competition": competition, **result.as_dict()},
        )
    return result
