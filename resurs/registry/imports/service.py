"""Running an import batch: read, validate, upsert by OGRN then INN, count, and write the rejected rows.

Each chunk of rows is written in one transaction with bulk operations; a row that fails validation (or would break
a constraint) is never written, and the rows that pass are. Re-importing the same file changes nothing: a row
whose values equal the stored ones counts as unchanged and is not touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from resurs.core.tabular import safe_cell
from resurs.registry.imports.mapping import (
    EGRUL_COLUMNS,
    EGRUL_MAPPING_NAME,
    columns_for_headers,
    guess_columns,
    missing_mandatory,
)
from resurs.registry.imports.reading import ImportFileError, TableInfo, count_rows, inspect, iter_rows
from resurs.registry.imports.rows import ParsedRow, References, RowRejected, parse_row
from resurs.registry.models import ImportBatch, ImportMapping, Organisation

CHUNK_ROWS = 2000
ANALYZE_AFTER = 10_000
_COMPARED = (
    "name",
    "short_name",
    "inn",
    "ogrn",
    "kpp",
    "region_id",
    "city",
    "address",
    "founded_on",
    "liquidated_on",
    "status",
    "kind",
    "legal_form_id",
    "main_okved_id",
    "email",
    "phone",
    "website",
    "description",
)


@dataclass
class ImportCounts:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def max_upload_bytes() -> int:
    return int(getattr(settings, "MAX_UPLOAD_MB", 50)) * 1024 * 1024


def builtin_mapping_ensure() -> ImportMapping:
    """The built-in mapping for official-registry extracts (created on first use; migrations add it too)."""
    mapping, _created = ImportMapping.objects.get_or_create(
        name=EGRUL_MAPPING_NAME,
        defaults={
            "columns": EGRUL_COLUMNS,
            "is_builtin": True,
            "description": "EGRUL extract as published by openngo.ru (full_name, ogrn, inn, region, reg_date…)",
        },
    )
    return mapping


# --- preparing a batch -------------------------------------------------------------------------------------------


@transaction.atomic
def import_batch_create(*, upload, file_name: str, user=None, enforce_size_limit: bool = True) -> ImportBatch:
    """Store an uploaded (or local) file as a new batch and learn its format, encoding, delimiter and headers.

    ``upload`` is a Django ``File`` (an uploaded file, or a local file wrapped in ``File``). Raises
    ``ImportFileError`` (nothing is stored) when the file is too large, empty, in an unknown encoding...
    """
    size = upload.size or 0
    if enforce_size_limit and size > max_upload_bytes():
        raise ImportFileError(
            _(
                "The file is %(size)s MB; the largest file Resurs accepts is %(limit)s MB. Split it into parts."
            )
            % {"size": f"{size / 1024 / 1024:.0f}", "limit": settings.MAX_UPLOAD_MB}
        )
    batch = ImportBatch(file_name=Path(file_name).name[:300], file_size=size, created_by=user)
    batch.file.save(Path(file_name).name, upload, save=False)
    try:
        info = inspect(batch.file.path, name=file_name)
    except ImportFileError:
        batch.file.delete(save=False)
        raise
    batch.file_format = info.file_format
    batch.encoding = info.encoding
    batch.delimiter = info.delimiter
    batch.headers = info.headers
    batch.columns = guess_columns(info.headers)
    batch.save()
    return batch


def import_batch_preview(batch: ImportBatch, *, rows: int = 5) -> list[list[str]]:
    return inspect(batch.file.path, name=batch.file_name, preview_rows=rows).preview


@transaction.atomic
def import_batch_configure(
    *,
    batch: ImportBatch,
    columns: dict[str, list[str]],
    mapping: ImportMapping | None = None,
    save_as: str = "",
    dry_run: bool = False,
    user=None,
) -> ImportBatch:
    """Fix the column mapping of a batch (optionally saving it under ``save_as``). Raises ``ImportFileError``
    when the name column or both identifier columns are missing."""
    columns = columns_for_headers(columns, batch.headers)
    problems = missing_mandatory(columns)
    if problems:
        raise ImportFileError(" ".join(problems))
    if save_as:
        mapping, _created = ImportMapping.objects.update_or_create(
            name=save_as, is_builtin=False, defaults={"columns": columns, "created_by": user}
        )
    batch.columns = columns
    batch.mapping = mapping
    batch.dry_run = dry_run
    batch.status = ImportBatch.Status.QUEUED
    batch.save(update_fields=["columns", "mapping", "dry_run", "status", "updated_at"])
    return batch


def import_batch_start(*, batch: ImportBatch, user) -> None:
    """Queue the batch as background work with a Job the page polls (runs inline in dev and tests)."""
    from resurs.core.jobs import job_create
    from resurs.registry.tasks import import_organisations_task

    job = job_create(
        owner=user, kind="registry.import", params={"batch": batch.pk, "language": get_language() or ""}
    )
    batch.job = job
    batch.save(update_fields=["job", "updated_at"])
    transaction.on_commit(lambda: import_organisations_task.enqueue(batch.pk))


# --- running a batch ---------------------------------------------------------------------------------------------


@dataclass
class _Runner:
    batch: ImportBatch
    refs: References
    counts: ImportCounts = field(default_factory=ImportCounts)
    seen_ogrn: dict[str, int] = field(default_factory=dict)
    seen_inn: dict[str, int] = field(default_factory=dict)
    writer: csv.writer | None = None
    now: dt.datetime = field(default_factory=timezone.now)

    def reject(self, line: int, row: list, reasons: list[str]) -> None:
        self.counts.rejected += 1
        reason = " ".join(reasons)
        self.writer.writerow([line, *[_cell(c) for c in row], reason])

    def flush(self, chunk: list[tuple[int, list, ParsedRow]]) -> None:
        if not chunk:
            return
        ogrns = {parsed.ogrn for _line, _row, parsed in chunk if parsed.ogrn}
        inns = {parsed.inn for _line, _row, parsed in chunk if parsed.inn}
        existing = list(
            Organisation.objects.filter(Q(ogrn__in=ogrns) | Q(inn__in=inns)).only(
                "pk", "merged_into", *_COMPARED
            )
        )
        by_ogrn = {org.ogrn: org for org in existing if org.ogrn}
        by_inn = {org.inn: org for org in existing if org.inn}
        creates: list[tuple[int, list, ParsedRow, Organisation]] = []
        updates: list[tuple[int, list, Organisation, dict]] = []
        for line, row, parsed in chunk:
            problem = self._duplicate_in_file(line, parsed)
            if problem:
                self.reject(line, row, [problem])
                continue
            by_o = by_ogrn.get(parsed.ogrn) if parsed.ogrn else None
            by_i = by_inn.get(parsed.inn) if parsed.inn else None
            if by_o and by_i and by_o.pk != by_i.pk:
                self.reject(
                    line,
                    row,
                    [
                        _("The OGRN belongs to “%(first)s” and the INN to “%(second)s” in the registry.")
                        % {"first": by_o, "second": by_i}
                    ],
                )
                continue
            org = by_o or by_i
            if org is None:
                creates.append((line, row, parsed, Organisation(**parsed.values, created_at=self.now)))
                continue
            conflict = _identifier_conflict(org, parsed)
            if conflict:
                self.reject(line, row, [conflict])
                continue
            if org.merged_into_id:
                # The record was merged into another: the survivor carries the data now.
                self.counts.unchanged += 1
                continue
            changes = {
                key: (getattr(org, key), value)
                for key, value in parsed.values.items()
                if _differs(getattr(org, key), value)
            }
            if changes:
                updates.append((line, row, org, changes))
            else:
                self.counts.unchanged += 1
        if self.batch.dry_run:
            self.counts.created += len(creates)
            self.counts.updated += len(updates)
            return
        try:
            with transaction.atomic():
                self._write(creates, updates)
        except IntegrityError:
            # A concurrent writer took an INN/OGRN meanwhile: fall back to row by row to reject just that row.
            for item in creates:
                self._write_one(item, creates=True)
            for item in updates:
                self._write_one(item, creates=False)
        else:
            self.counts.created += len(creates)
            self.counts.updated += len(updates)

    def _duplicate_in_file(self, line: int, parsed: ParsedRow) -> str:
        for number, seen in ((parsed.ogrn, self.seen_ogrn), (parsed.inn, self.seen_inn)):
            if number and number in seen:
                return _("The same INN/OGRN %(number)s is already in row %(row)d of this file.") % {
                    "number": number,
                    "row": seen[number],
                }
        if parsed.ogrn:
            self.seen_ogrn[parsed.ogrn] = line
        if parsed.inn:
            self.seen_inn[parsed.inn] = line
        return ""

    def _write(self, creates, updates) -> None:
        organisations = [org for _line, _row, _parsed, org in creates]
        if connection.vendor == "postgresql" and len(organisations) > 1:
            _copy_insert(organisations)
        else:
            Organisation.objects.bulk_create(organisations, batch_size=CHUNK_ROWS)
        through = Organisation.fields.through
        links = [
            through(organisation_id=org.pk, field_id=field_id)
            for (_line, _row, parsed, org) in creates
            for field_id in parsed.field_ids
        ]
        if links:
            through.objects.bulk_create(links, ignore_conflicts=True, batch_size=CHUNK_ROWS * 2)
        if updates:
            changed_fields = sorted({key for *_rest, changes in updates for key in changes})
            for _line, _row, org, changes in updates:
                for key, (_old, new) in changes.items():
                    setattr(org, key, new)
                org.updated_at = self.now
            Organisation.objects.bulk_update(
                [org for _line, _row, org, _changes in updates],
                fields=[*changed_fields, "updated_at"],
                batch_size=500,
            )
            _log_updates(self.batch, updates)

    def _write_one(self, item, *, creates: bool) -> None:
        try:
            with transaction.atomic():
                if creates:
                    self._write([item], [])
                else:
                    self._write([], [item])
        except IntegrityError as error:
            line, row = item[0], item[1]
            self.reject(line, row, [_("The registry refused the row: %(error)s") % {"error": error}])
        else:
            if creates:
                self.counts.created += 1
            else:
                self.counts.updated += 1


def _copy_insert(organisations: list[Organisation]) -> None:
    """Insert new organisations with PostgreSQL's COPY (several times faster than INSERT for thousands of rows),
    then read their ids back by OGRN/INN (every imported row has one of them, both unique)."""
    columns = [f for f in Organisation._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for org in organisations:
        org.updated_at = now
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {Organisation._meta.db_table} ({names}) FROM STDIN") as copy:
            for org in organisations:
                copy.write_row([getattr(org, f.attname) for f in columns])
        ogrns = [org.ogrn for org in organisations if org.ogrn]
        inns = [org.inn for org in organisations if not org.ogrn]
        cursor.execute(
            f"SELECT id, ogrn, inn FROM {Organisation._meta.db_table} WHERE ogrn = ANY(%s) OR inn = ANY(%s)",
            [ogrns, inns],
        )
        by_ogrn, by_inn = {}, {}
        for pk, ogrn, inn in cursor.fetchall():
            if ogrn:
                by_ogrn[ogrn] = pk
            if inn:
                by_inn[inn] = pk
    for org in organisations:
        org.pk = by_ogrn[org.ogrn] if org.ogrn else by_inn[org.inn]
        org._state.adding = False


def _identifier_conflict(org: Organisation, parsed: ParsedRow) -> str:
    for key, label in (("ogrn", _("OGRN")), ("inn", _("INN"))):
        new, old = parsed.values.get(key), getattr(org, key)
        if new and old and new != old:
            return _("“%(name)s” in the registry has %(label)s %(old)s, the file says %(new)s.") % {
                "name": org,
                "label": label,
                "old": old,
                "new": new,
            }
    return ""


def _differs(old, new) -> bool:
    if old in (None, "") and new in (None, ""):
        return False
    return old != new


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(safe_cell(value))


def _log_updates(batch: ImportBatch, updates) -> None:
    """One audit entry per updated organisation, written in bulk (the import bypasses model signals)."""
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(Organisation)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(org.pk),
                object_id=org.pk,
                object_repr=str(org)[:200],
                action=LogEntry.Action.UPDATE,
                changes={key: [_audit_text(old), _audit_text(new)] for key, (old, new) in changes.items()},
                actor_id=batch.created_by_id,
                additional_data={"event": "import", "batch": batch.pk, "row": line},
            )
            for line, _row, org, changes in updates
        ]
    )


def _audit_text(value) -> str | None:
    return None if value is None else str(value)


def import_batch_run(
    batch: ImportBatch,
    *,
    progress: Callable[[int, int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportCounts:
    """Import every row of ``batch`` with its column mapping; record counts and the rejected-rows file."""
    batch.status = ImportBatch.Status.RUNNING
    batch.started_at = timezone.now()
    batch.save(update_fields=["status", "started_at", "updated_at"])
    info = TableInfo(
        batch.file_format, headers=batch.headers, encoding=batch.encoding, delimiter=batch.delimiter
    )
    path = Path(batch.file.path)
    total = count_rows(path, info)
    positions = {
        key: [batch.headers.index(column) for column in columns if column in batch.headers]
        for key, columns in batch.columns.items()
    }
    runner = _Runner(batch=batch, refs=References())
    with tempfile.NamedTemporaryFile("w+", encoding="utf-8", newline="", suffix=".csv", delete=False) as out:
        runner.writer = csv.writer(out)
        runner.writer.writerow([_("Row"), *batch.headers, _("Reason")])
        rows = iter_rows(path, info)
        next(rows, None)  # the header
        chunk: list[tuple[int, list, ParsedRow]] = []
        for line, row in enumerate(rows, start=2):
            runner.counts.total += 1
            raw = {key: _first_value(row, indexes) for key, indexes in positions.items()}
            try:
                chunk.append((line, row, parse_row(raw, runner.refs)))
            except RowRejected as rejection:
                runner.reject(line, row, rejection.reasons)
            if len(chunk) >= chunk_rows:
                runner.flush(chunk)
                chunk = []
                if progress:
                    progress(runner.counts.total, total)
        runner.flush(chunk)
        if progress:
            progress(runner.counts.total, total)
    counts = runner.counts
    if (
        connection.vendor == "postgresql"
        and not batch.dry_run
        and counts.created + counts.updated >= ANALYZE_AFTER
    ):
        # Planner statistics after a bulk load, so that search plans see the new word frequencies at once.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Organisation._meta.db_table}")
    batch.total_rows = counts.total
    batch.created_count = counts.created
    batch.updated_count = counts.updated
    batch.unchanged_count = counts.unchanged
    batch.rejected_count = counts.rejected
    batch.status = ImportBatch.Status.DONE
    batch.finished_at = timezone.now()
    if counts.rejected:
        with open(out.name, "rb") as handle:
            batch.rejected_file.save(f"{Path(batch.file_name).stem}-rejected.csv", File(handle), save=False)
    Path(out.name).unlink(missing_ok=True)
    batch.save()
    return counts


def import_batch_fail(batch: ImportBatch, *, message: str) -> None:
    batch.status = ImportBatch.Status.FAILED
    batch.message = message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "message", "finished_at", "updated_at"])


def import_batch_rejected_preview(batch: ImportBatch, *, limit: int = 50) -> list[dict]:
    """The first rejected rows with their reasons, read back from the stored file."""
    if not batch.rejected_file:
        return []
    rows = []
    with batch.rejected_file.open("rb") as raw:
        import io

        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        next(reader, None)
        for record in reader:
            rows.append({"row": record[0], "cells": record[1:-1], "reason": record[-1]})
            if len(rows) >= limit:
                break
    return rows


def _first_value(row: list, indexes: list[int]):
    for index in indexes:
        if index < len(row):
            value = row[index]
            if value is not None and str(value).strip() != "":
                return value
    return None


__all__ = [
    "ImportCounts",
    "ImportFileError",
    "builtin_mapping_ensure",
    "import_batch_configure",
    "import_batch_create",
    "import_batch_fail",
    "import_batch_preview",
    "import_batch_rejected_preview",
    "import_batch_run",
    "import_batch_start",
]
