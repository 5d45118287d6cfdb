"""manage.py import_organisations FILE [--mapping NAME] [--dry-run]: import organisations from CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from resurs.registry.imports.mapping import TARGET_KEYS
from resurs.registry.imports.reading import ImportFileError
from resurs.registry.imports.service import (
    builtin_mapping_ensure,
    import_batch_configure,
    import_batch_create,
    import_batch_run,
)
from resurs.registry.models import ImportMapping


class Command(BaseCommand):
    help = "Import organisations from a CSV or XLSX file (upsert by OGRN, then INN)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mapping", help="Name of a saved column mapping (default: guessed from headers)."
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=f"Map a column by hand (repeatable). Fields: {', '.join(TARGET_KEYS)}.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Validate and count, write nothing.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        builtin_mapping_ensure()
        mapping = None
        if options["mapping"]:
            mapping = ImportMapping.objects.filter(name=options["mapping"]).first()
            if mapping is None:
                names = ", ".join(ImportMapping.objects.values_list("name", flat=True))
                raise CommandError(f"No mapping named {options['mapping']!r}. Saved mappings: {names}")
        try:
            with open(path, "rb") as handle:
                batch = import_batch_create(
                    upload=File(handle), file_name=path.name, enforce_size_limit=False
                )
            columns = dict(mapping.columns) if mapping else dict(batch.columns)
            for spec in options["column"]:
                key, _sep, header = spec.partition("=")
                columns[key.strip()] = [header.strip()]
            batch = import_batch_configure(
                batch=batch, columns=columns, mapping=mapping, dry_run=options["dry_run"]
            )
            self.stderr.write(
                f"{batch.file_format.upper()} {batch.encoding} delimiter={batch.delimiter!r}; columns: "
                + ", ".join(f"{key}←{'|'.join(cols)}" for key, cols in batch.columns.items())
            )
            with tqdm(total=0, unit="rows", file=self.stderr, disable=options["verbosity"] == 0) as bar:

                def progress(done: int, total: int) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                counts = import_batch_run(batch, progress=progress)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        prefix = "Dry run: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{counts.total} rows: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged, {counts.rejected} rejected; {counts.warned} with warnings, "
            f"{counts.conflicts} conflicts (batch #{batch.pk})."
        )
        if batch.rejected_file:
            self.stdout.write(f"Rejected rows with reasons: {batch.rejected_file.name} (private storage)")
        if batch.warnings_file:
            self.stdout.write(f"Rows with warnings: {batch.warnings_file.name} (private storage)")
        for entry in (batch.report or {}).get("unmapped", {}).values():
            values = ", ".join(f"{value} ({count})" for value, count in entry["values"][:10])
            self.stdout.write(f"Unmapped {entry['label']}: {values}")
