"""Running an import batch: read, validate, upsert by OGRN then INN, count, and write the rejected rows.

Each chunk of rows is written in one transaction with bulk operations; a row that fails validation (or would break
a constraint) is never written, and the rows that pass are. Re-importing the same file changes nothing: a row
whose values equal the stored ones counts as unchanged and is not touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
import threading
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from resurs.core import precomputed
from resurs.core.files import local_path
from resurs.core.tabular import safe_cell
from resurs.registry.choices import ConflictStatus, OrganisationStatus
from resurs.registry.imports.mapping import (
    EGRUL_COLUMNS,
    EGRUL_MAPPING_NAME,
    TARGETS,
    columns_for_headers,
    guess_columns,
    labelled,
    missing_mandatory,
    unmapped_headers,
)
from resurs.registry.imports.reading import ImportFileError, TableInfo, count_rows, inspect, iter_rows
from resurs.registry.imports.rows import ParsedRow, References, RowRejected, parse_row
from resurs.registry.models import ImportBatch, ImportConflict, ImportMapping, Organisation
from resurs.registry.services import REGISTRY_SIZE

CHUNK_ROWS = 5000
ANALYZE_AFTER = 10_000
CHECK_ROWS = 10_000  # rows the mapping page reads to show what would be rejected, warned about and unmapped
REPORT_VALUES = 500  # distinct unmapped values kept per column in a batch's report
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
    warned: int = 0
    conflicts: int = 0

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
        with local_path(batch.file) as path:
            info = inspect(path, name=file_name)
    except ImportFileError:
        batch.file.delete(save=False)
        raise
    batch.file_format = info.file_format
    batch.encoding = info.encoding
    batch.delimiter = info.delimiter
    batch.headers = info.headers
    with local_path(batch.file) as path:
        sample = inspect(path, name=file_name, preview_rows=50).preview
    batch.columns = guess_columns(info.headers, sample)
    batch.save()
    return batch


def import_batch_preview(batch: ImportBatch, *, rows: int = 5) -> list[list[str]]:
    with local_path(batch.file) as path:
        return inspect(path, name=batch.file_name, preview_rows=rows).preview


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


Reject = tuple[int, list, list[str]]  # (line, the row's cells, reasons); also (line, cells, warnings)


def source_key(key: str) -> str:
    """The name a value's source is kept under: the model field ("region" for "region_id")."""
    return key[:-3] if key.endswith("_id") else key


class UnmappedValues:
    """Values no reference matched, counted per target (region, status, legal form...)."""

    def __init__(self):
        self.counts: dict[str, Counter] = {}

    def add(self, pairs) -> None:
        for key, value in pairs:
            self.counts.setdefault(key, Counter())[value] += 1

    def as_report(self, columns: dict[str, list[str]], *, limit: int = REPORT_VALUES) -> dict:
        labels = {target.key: str(target.label) for target in TARGETS}
        return {
            key: {
                "label": labels.get(key, key),
                "columns": columns.get(key, []),
                "rows": sum(counter.values()),
                "distinct": len(counter),
                "values": counter.most_common(limit),
            }
            for key, counter in self.counts.items()
        }


@dataclass
class _ChunkOutcome:
    """What writing one chunk did. Chunks may be written on several threads at once, so each returns its own
    outcome and the reading thread adds them up, in file order."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def reject(self, line: int, row: list, reasons: list[str]) -> None:
        self.rejects.append((line, row, reasons))


@dataclass
class _Runner:
    batch: ImportBatch
    refs: References
    counts: ImportCounts = field(default_factory=ImportCounts)
    seen_ogrn: dict[str, int] = field(default_factory=dict)
    seen_inn: dict[str, int] = field(default_factory=dict)
    writer: csv.writer | None = None
    warnings_writer: csv.writer | None = None
    unmapped: UnmappedValues = field(default_factory=UnmappedValues)
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def source(self) -> dict:
        """How this batch is recorded as the source of the values it writes."""
        return {"b": self.batch.pk, "d": timezone.localdate(self.now).isoformat()}

    def record(self, rejected: list[Reject], outcome: _ChunkOutcome, warned: list[Reject] = ()) -> None:
        """Add a written chunk's outcome to the counts and write its rejected rows (those rejected while reading
        and while writing, together in file order) to the rejected-rows file, and its rows with warnings (those
        not rejected) to the warnings file. Reading thread only."""
        self.counts.created += outcome.created
        self.counts.updated += outcome.updated
        self.counts.unchanged += outcome.unchanged
        self.counts.conflicts += outcome.conflicts
        rejected_lines = set()
        for line, row, reasons in sorted(rejected + outcome.rejects, key=lambda item: item[0]):
            rejected_lines.add(line)
            self.counts.rejected += 1
            self.writer.writerow([line, *[_cell(c) for c in row], " ".join(reasons)])
        for line, row, warnings in warned:
            if line in rejected_lines:
                continue
            self.counts.warned += 1
            if self.warnings_writer is not None:
                self.warnings_writer.writerow([line, *[_cell(c) for c in row], " ".join(warnings)])

    def duplicate_in_file(self, line: int, parsed: ParsedRow) -> str:
        """Why the row repeats an earlier row of the file ('' if it does not). Reading thread only, in file order:
        the first row with a number is the one imported."""
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

    def flush(self, chunk: list[tuple[int, list, ParsedRow]]) -> _ChunkOutcome:
        """Write one chunk (in its own transaction) and say what it did. Safe to run on several threads at once:
        it changes nothing shared (no two rows of a file share an INN or OGRN, ``duplicate_in_file`` saw to it)."""
        outcome = _ChunkOutcome()
        if not chunk:
            return outcome
        ogrns = {parsed.ogrn for _line, _row, parsed in chunk if parsed.ogrn}
        inns = {parsed.inn for _line, _row, parsed in chunk if parsed.inn}
        existing = list(_registered(ogrns, inns).only("pk", "merged_into", "sources", *_COMPARED))
        by_ogrn = {org.ogrn: org for org in existing if org.ogrn}
        by_inn = {org.inn: org for org in existing if org.inn}
        creates: list[tuple[int, list, ParsedRow]] = []
        updates: list[tuple[int, list, Organisation, dict]] = []
        conflicts: list[tuple[Organisation, str, object, object, str]] = []
        for line, row, parsed in chunk:
            by_o = by_ogrn.get(parsed.ogrn) if parsed.ogrn else None
            by_i = by_inn.get(parsed.inn) if parsed.inn else None
            if by_o and by_i and by_o.pk != by_i.pk:
                outcome.reject(
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
                creates.append((line, row, parsed))
                continue
            conflict = _identifier_conflict(org, parsed)
            if conflict:
                outcome.reject(line, row, [conflict])
                continue
            if org.merged_into_id:
                # The record was merged into another: the survivor carries the data now.
                outcome.unchanged += 1
                continue
            changes, refused = ranked_changes(org, parsed.values)
            conflicts.extend((org, *item) for item in refused)
            if changes:
                updates.append((line, row, org, changes))
            else:
                outcome.unchanged += 1
        conflicts = _new_conflicts(conflicts)
        outcome.conflicts += len(conflicts)
        if self.batch.dry_run:
            outcome.created += len(creates)
            outcome.updated += len(updates)
            return outcome
        if conflicts:
            ImportConflict.objects.bulk_create(
                [
                    ImportConflict(
                        organisation=org,
                        batch=self.batch,
                        field=source_key(key),
                        current=_shown(old),
                        proposed=_json_value(new),
                        proposed_text=_shown(new),
                        reason=reason,
                    )
                    for org, key, old, new, reason in conflicts
                ]
            )
        try:
            with transaction.atomic():
                self._write(creates, updates)
        except IntegrityError:
            # A concurrent writer took an INN/OGRN meanwhile: fall back to row by row to reject just that row.
            for item in creates:
                self._write_one(item, outcome, creates=True)
            for item in updates:
                self._write_one(item, outcome, creates=False)
        else:
            outcome.created += len(creates)
            outcome.updated += len(updates)
        return outcome

    def _write(self, creates, updates) -> None:
        source = self.source
        if connection.vendor == "postgresql":
            _copy_create([parsed for _line, _row, parsed in creates], now=self.now, source=source)
        elif creates:
            organisations = [
                Organisation(**parsed.values, sources={"*": source}, created_at=self.now)
                for _l, _r, parsed in creates
            ]
            Organisation.objects.bulk_create(organisations, batch_size=CHUNK_ROWS)
            through = Organisation.fields.through
            links = [
                through(organisation_id=org.pk, field_id=field_id)
                for org, (_line, _row, parsed) in zip(organisations, creates, strict=True)
                for field_id in parsed.field_ids
            ]
            through.objects.bulk_create(links, ignore_conflicts=True, batch_size=CHUNK_ROWS * 2)
        if updates:
            changed_fields = sorted({key for *_rest, changes in updates for key in changes})
            for _line, _row, org, changes in updates:
                for key, (_old, new) in changes.items():
                    setattr(org, key, new)
                org.sources = {**(org.sources or {}), **_sources_of(changes, source)}
                org.updated_at = self.now
            Organisation.objects.bulk_update(
                [org for _line, _row, org, _changes in updates],
                fields=[*changed_fields, "sources", "updated_at"],
                batch_size=500,
            )
            _log_updates(self.batch, updates)

    def _write_one(self, item, outcome: _ChunkOutcome, *, creates: bool) -> None:
        try:
            with transaction.atomic():
                if creates:
                    self._write([item], [])
                else:
                    self._write([], [item])
        except IntegrityError as error:
            line, row = item[0], item[1]
            outcome.reject(line, row, [_("The registry refused the row: %(error)s") % {"error": error}])
        else:
            if creates:
                outcome.created += 1
            else:
                outcome.updated += 1


def _registered(ogrns: set[str], inns: set[str]):
    """Organisations having one of the OGRNs or INNs.

    The unique indexes on INN and OGRN are partial (``WHERE inn <> ''``); the planner can prove a query implies
    that only for lists of at most 100 constants, so with a chunk's thousands of numbers it scanned the whole
    table once per chunk. Saying ``<> ''`` outright lets it use both indexes. The numbers (digits only) go as two
    comma-separated strings: thousands of quoted literals cost more to build and parse than the lookup itself."""
    if connection.vendor == "postgresql":
        return Organisation.objects.filter(
            RawSQL(
                "((ogrn = ANY(string_to_array(%s, ',')) AND ogrn <> '')"
                " OR (inn = ANY(string_to_array(%s, ',')) AND inn <> ''))",
                [",".join(sorted(ogrns)), ",".join(sorted(inns))],
                output_field=BooleanField(),
            )
        )
    return Organisation.objects.filter(Q(ogrn__in=ogrns) | Q(inn__in=inns))


def _copy_create(rows: list[ParsedRow], *, now: dt.datetime, source: dict) -> None:
    """Insert new organisations and their field links with PostgreSQL's COPY (several times faster than INSERT
    for thousands of rows). Ids are drawn from the table's sequence first, so nothing has to be read back."""
    if not rows:
        return
    table = Organisation._meta.db_table
    columns = list(Organisation._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in columns if not f.primary_key}
    defaults.update(created_at=now, updated_at=now)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    attnames = [f.attname for f in columns]
    through = Organisation.fields.through
    # Every value of a new record comes from this batch: one entry for all ("*"), the same text for every row.
    defaults["sources"] = json.dumps({"*": source})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for pk, parsed in zip(ids, rows, strict=True):
                values = {**defaults, **parsed.values, "id": pk}
                copy.write_row([values[name] for name in attnames])
        links = [
            (pk, field_id) for pk, parsed in zip(ids, rows, strict=True) for field_id in parsed.field_ids
        ]
        if links:
            with raw.copy(f"COPY {through._meta.db_table} (organisation_id, field_id) FROM STDIN") as copy:
                for link in links:
                    copy.write_row(link)


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


def _sources_of(values: dict, source: dict) -> dict:
    return {source_key(key): source for key in values}


def ranked_changes(org: Organisation, values: dict) -> tuple[dict, list[tuple[str, object, object, str]]]:
    """The precedence rule: which of a row's values replace the stored ones, and which do not (with why).

    An empty cell never replaces anything (it is not in ``values``); a value fills an empty field; otherwise it
    replaces the stored value unless that one ranks higher: entered by hand, a full name (a shorter one goes to
    the short name when that is empty), or a recorded liquidation. Those are returned as conflicts for staff."""
    changes: dict = {}
    refused: list[tuple[str, object, object, str]] = []
    sources = org.sources or {}
    for key, new in values.items():
        old = getattr(org, key)
        if not _differs(old, new):
            continue
        if old in (None, ""):
            changes[key] = (old, new)
            continue
        if key == "short_name" and "short_name" in changes:
            continue
        if "m" in (sources.get(source_key(key)) or {}):
            refused.append((key, old, new, _("The registry's value was entered by hand.")))
        elif key == "name" and len(new) < len(old):
            short = values.get("short_name") or org.short_name
            if not short:
                changes["short_name"] = (org.short_name, new)
            elif short != new:
                refused.append(
                    (key, old, new, _("The file's name is shorter than the registry's full name."))
                )
        elif key == "status" and old == OrganisationStatus.LIQUIDATED:
            refused.append((key, old, new, _("The registry records the organisation as liquidated.")))
        else:
            changes[key] = (old, new)
    return changes, refused


def _new_conflicts(conflicts: list) -> list:
    """Leave out conflicts already listed (open or decided) for the same field and value: a re-import adds none,
    and a value staff chose to keep is not asked about again."""
    if not conflicts:
        return []
    known = set(
        ImportConflict.objects.filter(organisation_id__in={org.pk for org, *_rest in conflicts}).values_list(
            "organisation_id", "field", "proposed_text"
        )
    )
    fresh, seen = [], set()
    for item in conflicts:
        org, key, _old, new, _reason = item
        marker = (org.pk, source_key(key), _shown(new))
        if marker not in known and marker not in seen:
            seen.add(marker)
            fresh.append(item)
    return fresh


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _shown(value) -> str:
    """A value as staff read it in a conflict: a region or legal form by name, a date in ISO form."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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
    with local_path(batch.file) as path:
        return _import_batch_run(batch, path, progress=progress, chunk_rows=chunk_rows)


def _import_batch_run(
    batch: ImportBatch, path: Path, *, progress: Callable[[int, int], None] | None, chunk_rows: int
) -> ImportCounts:
    batch.status = ImportBatch.Status.RUNNING
    batch.started_at = timezone.now()
    batch.save(update_fields=["status", "started_at", "updated_at"])
    info = TableInfo(
        batch.file_format, headers=batch.headers, encoding=batch.encoding, delimiter=batch.delimiter
    )
    total = count_rows(path, info)
    positions = {
        key: [batch.headers.index(column) for column in columns if column in batch.headers]
        for key, columns in batch.columns.items()
    }
    runner = _Runner(batch=batch, refs=References())
    with (
        tempfile.NamedTemporaryFile("w+", encoding="utf-8", newline="", suffix=".csv", delete=False) as out,
        tempfile.NamedTemporaryFile("w+", encoding="utf-8", newline="", suffix=".csv", delete=False) as warn,
        _ChunkWriter(runner, pipelined=_can_pipeline(total)) as writer,
    ):
        runner.writer = csv.writer(out)
        runner.writer.writerow([_("Row"), *batch.headers, _("Reason")])
        runner.warnings_writer = csv.writer(warn)
        runner.warnings_writer.writerow([_("Row"), *batch.headers, _("Warning")])
        rows = iter_rows(path, info)
        next(rows, None)  # the header
        chunk: list[tuple[int, list, ParsedRow]] = []
        rejected: list[Reject] = []
        warned: list[Reject] = []
        for line, row in enumerate(rows, start=2):
            runner.counts.total += 1
            raw = {key: _first_value(row, indexes) for key, indexes in positions.items()}
            try:
                parsed = parse_row(raw, runner.refs)
            except RowRejected as rejection:
                rejected.append((line, row, rejection.reasons))
            else:
                repeated = runner.duplicate_in_file(line, parsed)
                if repeated:
                    rejected.append((line, row, [repeated]))
                else:
                    chunk.append((line, row, parsed))
                    if parsed.unmapped:
                        runner.unmapped.add(parsed.unmapped)
                    if parsed.warnings:
                        warned.append((line, row, parsed.warnings))
            if len(chunk) + len(rejected) >= chunk_rows:
                writer.submit(chunk, rejected, warned)
                chunk, rejected, warned = [], [], []
                if progress:
                    progress(runner.counts.total, total)
        writer.submit(chunk, rejected, warned)
    if progress:
        progress(runner.counts.total, total)
    counts = runner.counts
    if (
        connection.vendor == "postgresql"
        and not batch.dry_run
        and counts.created + counts.updated >= ANALYZE_AFTER
    ):
        # Planner statistics after a bulk load, so that search plans see the new word frequencies at once, and
        # (outside a transaction) the visibility map that lets counts and facets read indexes only.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in (Organisation._meta.db_table, Organisation.fields.through._meta.db_table):
                cursor.execute(f"{command} {table}")
    batch.total_rows = counts.total
    batch.created_count = counts.created
    batch.updated_count = counts.updated
    batch.unchanged_count = counts.unchanged
    batch.rejected_count = counts.rejected
    batch.warning_count = counts.warned
    batch.conflict_count = counts.conflicts
    batch.report = {
        "unmapped": runner.unmapped.as_report(batch.columns),
        "unmapped_columns": unmapped_headers(batch.headers, batch.columns),
    }
    batch.status = ImportBatch.Status.DONE
    batch.finished_at = timezone.now()
    if counts.rejected:
        with open(out.name, "rb") as handle:
            batch.rejected_file.save(batch.rejected_file_name, File(handle), save=False)
    if counts.warned:
        with open(warn.name, "rb") as handle:
            batch.warnings_file.save(batch.warnings_file_name, File(handle), save=False)
    Path(out.name).unlink(missing_ok=True)
    Path(warn.name).unlink(missing_ok=True)
    batch.save()
    if counts.created and not batch.dry_run:
        precomputed.data_changed(REGISTRY_SIZE)  # the home page's count of organisations
    if counts.updated and not batch.dry_run:
        precomputed.data_changed(precomputed.COOPERATION)  # names and regions the cooperation pages show
    return counts


PIPELINE_AFTER = 10_000
WRITERS = 2
# The GIN index's list of pending entries for the writers' sessions (PostgreSQL's default is 4 MB): merged into
# the index in fewer, larger batches, which costs less per row; the VACUUM after a bulk load empties it.
WRITER_GIN_PENDING_LIST_KB = 16 * 1024


def _can_pipeline(total_rows: int) -> bool:
    """Large imports on PostgreSQL, outside a transaction, write on their own connections while the next chunk
    is read and validated (the database's work and Python's then overlap). Inside a transaction (tests, callers
    holding one) the rows must go through the caller's connection, so chunks are written in turn."""
    return (
        connection.vendor == "postgresql" and not connection.in_atomic_block and total_rows >= PIPELINE_AFTER
    )


def _writer_session() -> None:
    """Settings of a writer thread's own connection, for the length of the import: a larger GIN pending list,
    and commits that do not wait for the write-ahead log to reach the disk (a crash may lose the last chunks
    written, never half of one; the batch is then not marked done)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('gin_pending_list_limit', %s, false)", [str(WRITER_GIN_PENDING_LIST_KB)]
        )
        cursor.execute("SET synchronous_commit TO off")


class _ChunkWriter:
    """Writes chunks through ``runner.flush``: at once, or on ``WRITERS`` threads with a connection each (the
    database's work per row, its generated search vector and index entries, is then spread over two server
    processes), with at most ``WRITERS`` chunks in hand so memory stays flat. Outcomes are recorded in file
    order: the rejected rows of a chunk, from reading and from writing, go to the rejected-rows file together."""

    def __init__(self, runner: _Runner, *, pipelined: bool):
        self.runner = runner
        self.executor = (
            ThreadPoolExecutor(max_workers=WRITERS, initializer=_writer_session) if pipelined else None
        )
        self.pending: deque[tuple[Future, list]] = deque()

    def submit(self, chunk, rejected, warned=()) -> None:
        if self.executor is None:
            self.runner.record(rejected, self.runner.flush(chunk), warned)
            return
        self.pending.append((self.executor.submit(self.runner.flush, chunk), rejected, warned))
        while len(self.pending) > WRITERS:
            self._finish_oldest()

    def _finish_oldest(self) -> None:
        future, rejected, warned = self.pending.popleft()
        self.runner.record(rejected, future.result(), warned)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if self.executor is None:
            return
        try:
            while self.pending:
                self._finish_oldest()
        finally:
            # Each writer thread closes its own connection: every one of them takes one of these calls, since
            # none returns before all have started.
            barrier = threading.Barrier(WRITERS)

            def close_own_connection():
                barrier.wait(timeout=60)
                connections.close_all()

            for future in [self.executor.submit(close_own_connection) for _ in range(WRITERS)]:
                future.result()
            self.executor.shutdown()


def import_batch_fail(batch: ImportBatch, *, message: str) -> None:
    batch.status = ImportBatch.Status.FAILED
    batch.message = message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "message", "finished_at", "updated_at"])


def import_batch_rejected_preview(batch: ImportBatch, *, limit: int = 50) -> list[dict]:
    """The first rejected rows with their reasons, read back from the stored file."""
    return _rows_file_preview(batch.rejected_file, limit=limit)


def import_batch_warnings_preview(batch: ImportBatch, *, limit: int = 50) -> list[dict]:
    """The first imported rows that had values left out, with the warnings, read back from the stored file."""
    return _rows_file_preview(batch.warnings_file, limit=limit)


def _rows_file_preview(stored, *, limit: int) -> list[dict]:
    if not stored:
        return []
    rows = []
    with stored.open("rb") as raw:
        import io

        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        next(reader, None)
        for record in reader:
            rows.append({"row": record[0], "cells": record[1:-1], "reason": record[-1]})
            if len(rows) >= limit:
                break
    return rows


@dataclass
class ImportCheck:
    """What importing a file with a mapping would do to its values, read before anything is written: rows that
    would be rejected or imported with warnings (with examples), values no reference matches per column with
    counts, and the columns no target takes."""

    rows: int = 0
    complete: bool = True
    rejected: int = 0
    warned: int = 0
    unmapped: dict = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    examples: list[dict] = field(default_factory=list)


def import_batch_check(
    batch: ImportBatch, *, columns: dict[str, list[str]] | None = None, limit: int = CHECK_ROWS
) -> ImportCheck:
    """Validate the first ``limit`` rows of ``batch`` with ``columns`` (its current mapping by default)."""
    columns = columns_for_headers(columns if columns is not None else batch.columns, batch.headers)
    check = ImportCheck(unmapped_columns=unmapped_headers(batch.headers, columns))
    info = TableInfo(
        batch.file_format, headers=batch.headers, encoding=batch.encoding, delimiter=batch.delimiter
    )
    positions = {key: [batch.headers.index(column) for column in sources] for key, sources in columns.items()}
    refs, unmapped = References(), UnmappedValues()
    with local_path(batch.file) as path:
        rows = iter_rows(path, info)
        next(rows, None)
        for line, row in enumerate(rows, start=2):
            if check.rows >= limit:
                check.complete = False
                break
            check.rows += 1
            raw = {key: _first_value(row, indexes) for key, indexes in positions.items()}
            try:
                parsed = parse_row(raw, refs)
            except RowRejected as rejection:
                check.rejected += 1
                problems, kind = rejection.reasons, "rejected"
            else:
                unmapped.add(parsed.unmapped)
                check.warned += bool(parsed.warnings)
                problems, kind = parsed.warnings, "warning"
            if problems and len(check.examples) < 20:
                check.examples.append({"row": line, "kind": kind, "text": " ".join(problems)})
    check.unmapped = unmapped.as_report(columns, limit=50)
    return check


def unmapped_report_rows(batch: ImportBatch) -> list[list]:
    """The batch's unmapped values as rows of a CSV: target, columns, value, rows."""
    rows = [[_("Field"), _("Columns"), pgettext("cell value", "Value"), _("Rows")]]
    for entry in labelled((batch.report or {}).get("unmapped", {})).values():
        for value, count in entry["values"]:
            rows.append([entry["label"], ", ".join(entry["columns"]), value, count])
    for column in (batch.report or {}).get("unmapped_columns", []):
        rows.append([_("(not imported)"), column, "", ""])
    return rows


@transaction.atomic
def import_conflict_decide(*, conflict: ImportConflict, accept: bool, user) -> ImportConflict:
    """Staff accept the file's value (written, recorded as the batch's value confirmed by ``user``, so later
    imports do not write over it) or keep the registry's. A conflict already decided is left as it is."""
    from resurs.registry.services import organisation_update

    current = ImportConflict.objects.select_for_update().get(pk=conflict.pk)
    if current.status != ConflictStatus.OPEN:
        return current
    if accept:
        model_field = Organisation._meta.get_field(current.field)
        value = current.proposed
        if model_field.is_relation:
            value = model_field.related_model.objects.get(pk=value)
        elif model_field.get_internal_type() == "DateField" and value:
            value = dt.date.fromisoformat(value)
        organisation_update(
            organisation=current.organisation,
            actor=user,
            data={current.field: value},
            source={"b": current.batch_id, "d": timezone.localdate().isoformat(), "m": user.pk},
        )
    current.status = ConflictStatus.ACCEPTED if accept else ConflictStatus.KEPT
    current.decided_by = user
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return current


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
    "import_batch_check",
    "import_batch_rejected_preview",
    "import_batch_warnings_preview",
    "import_conflict_decide",
    "import_batch_run",
    "import_batch_start",
]
