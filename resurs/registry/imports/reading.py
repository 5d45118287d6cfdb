"""Opening an import file: encoding and delimiter detection, headers, and a stream of rows.

CSV is read through ``io.TextIOWrapper`` and ``csv.reader`` and XLSX through openpyxl's read-only mode, so a file
of any length is read in constant memory. Cells with formulas are read as their text (``=SUM(A1:A3)``), never
evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

SAMPLE_BYTES = 64 * 1024
# Encodings Russian spreadsheets and registry extracts actually come in; anything else is refused, not guessed.
SUPPORTED_ENCODINGS = ("utf-8", "utf-8-sig", "cp1251", "koi8_r", "cp866", "mac_cyrillic")
DELIMITERS = (",", ";", "\t", "|")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's language."""


@dataclass
class TableInfo:
    """What was learnt about a file before reading its rows."""

    file_format: str  # "csv" or "xlsx"
    headers: list[str]
    encoding: str = ""
    delimiter: str = ""
    preview: list[list[str]] = field(default_factory=list)


def file_format_for(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise ImportFileError(
        _("Resurs imports CSV and XLSX files; “%(name)s” is neither. Save it as CSV or XLSX and try again.")
        % {"name": name}
    )


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes decode as such, else the best Cyrillic single-byte encoding;
    raise ``ImportFileError`` when none fits."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample:
        raise _unknown_encoding()
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(SUPPORTED_ENCODINGS[2:])).best()
    if best is None or best.encoding not in SUPPORTED_ENCODINGS:
        raise _unknown_encoding()
    return best.encoding


def _unknown_encoding() -> ImportFileError:
    return ImportFileError(
        _(
            "The file's encoding could not be recognised. Save it as CSV in UTF-8 or Windows-1251 "
            "(in Excel: “Save as” → “CSV UTF-8”) and upload it again."
        )
    )


def detect_delimiter(text: str) -> str:
    """csv.Sniffer on a sample, falling back to the candidate that splits the header line most consistently."""
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    header = lines[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _unique_headers(raw: list) -> list[str]:
    headers: list[str] = []
    for index, value in enumerate(raw, start=1):
        name = str(value).strip() if value is not None else ""
        name = name or _("column %(number)d") % {"number": index}
        base, suffix = name, 2
        while name in headers:
            name, suffix = f"{base} ({suffix})", suffix + 1
        headers.append(name)
    return headers


def inspect(path: Path | str, *, name: str | None = None, preview_rows: int = 5) -> TableInfo:
    """Detect format, encoding and delimiter; read the headers and a few rows to show on the mapping page."""
    path = Path(path)
    file_format = file_format_for(name or path.name)
    if path.stat().st_size == 0:
        raise ImportFileError(_("The file is empty."))
    if file_format == "csv":
        with open(path, "rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        encoding = detect_encoding(sample)
        text = sample.decode(encoding, errors="ignore")
        info = TableInfo(file_format, headers=[], encoding=encoding, delimiter=detect_delimiter(text))
    else:
        info = TableInfo(file_format, headers=[])
    rows = iter_rows(path, info)
    try:
        info.headers = _unique_headers(next(rows))
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    for row in rows:
        info.preview.append(["" if cell is None else str(cell) for cell in row])
        if len(info.preview) >= preview_rows:
            break
    if not info.preview:
        raise ImportFileError(_("The file has a header row but no organisations below it."))
    return info


def iter_rows(path: Path | str, info: TableInfo) -> Iterator[list]:
    """Every non-blank row, the header first. CSV cells are strings; XLSX cells keep their types."""
    if info.file_format == "csv":
        yield from _csv_rows(Path(path), info)
    else:
        yield from _xlsx_rows(Path(path))


def _csv_rows(path: Path, info: TableInfo) -> Iterator[list[str]]:
    csv.field_size_limit(10 * 1024 * 1024)
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=info.encoding, newline="")
        try:
            for row in csv.reader(text, delimiter=info.delimiter or ","):
                if any(cell.strip() for cell in row):
                    yield row
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _(
                    "The file is not consistently in %(encoding)s: a byte at position %(position)d does not "
                    "belong to it. Save the whole file in one encoding (UTF-8 is best)."
                )
                % {"encoding": info.encoding, "position": error.start}
            ) from error
        except csv.Error as error:
            raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": error}) from error


def _xlsx_rows(path: Path) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell yields its formula text, which is stored as text, never computed.
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _("The file is not a readable XLSX workbook. Open it in a spreadsheet and save it as XLSX again.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            if any(cell is not None and str(cell).strip() for cell in row):
                yield list(row)
    finally:
        workbook.close()


def count_rows(path: Path | str, info: TableInfo) -> int:
    """How many data rows the file has (a quick first pass, for the progress bar)."""
    if info.file_format == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            return max((workbook.worksheets[0].max_row or 1) - 1, 0)
        finally:
            workbook.close()
    return max(sum(1 for _row in iter_rows(path, info)) - 1, 0)
