"""Bulk loading with PostgreSQL's COPY: rows streamed as dicts, ids drawn from the table's sequence first so
nothing has to be read back. Used by the national-scale demo, where ``bulk_create`` would take many minutes.

A row names the model's fields by ``attname`` (``organisation_id``, not ``organisation``); fields it leaves out
get their model default, ``created_at``/``updated_at`` get one timestamp for the whole load unless given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

CHUNK = 20_000


def copy_rows(model: type[models.Model], rows: Iterable[dict], *, chunk: int = CHUNK) -> list[int]:
    """Insert ``rows`` into ``model``'s table with COPY and return their new ids, in order."""
    if connection.vendor != "postgresql":
        raise RuntimeError("copy_rows needs PostgreSQL")
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    defaults = {field.attname: field.get_default() for field in fields if not field.primary_key}
    for name in ("created_at", "updated_at"):
        if name in defaults:
            defaults[name] = now
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    # Defaults computed per row (a registration's code, a job's uuid); the timestamps share one value.
    per_row = {
        f.attname: f
        for f in fields
        if not f.primary_key
        and f.has_default()
        and callable(f.default)
        and f.attname not in ("created_at", "updated_at")
    }
    attnames = [f.attname for f in fields]
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for batch in _chunks(rows, chunk):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(batch)],
            )
            batch_ids = [pk for (pk,) in cursor.fetchall()]
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for pk, row in zip(batch_ids, batch, strict=True):
                    values = {**defaults, **row, "id": pk}
                    for name in per_row.keys() - row.keys():
                        values[name] = per_row[name].get_default()
                    for name in json_fields:
                        values[name] = Jsonb(values[name])
                    copy.write_row([values[name] for name in attnames])
            ids.extend(batch_ids)
    return ids


def copy_links(
    through: type[models.Model], columns: tuple[str, str], pairs: Iterable[tuple[int, int]]
) -> int:
    """Insert many-to-many links (``through`` rows with two foreign keys and an id) with COPY; returns how many."""
    table = through._meta.db_table
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for pair in pairs:
            copy.write_row(pair)
            count += 1
    return count


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
