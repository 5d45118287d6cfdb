"""Migration operations shared by the apps."""

from __future__ import annotations

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that applies only on PostgreSQL (SQLite keeps the plain schema and the simple fallbacks)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class MoveToPrivateStorage:
    """A data migration's two halves that move one FileField's files between the public ``MEDIA_ROOT`` (the
    layout before private files) and the private storage under random names, filling the original name.

    ``legacy_dir(row)`` is the folder a file goes back to when the migration is reversed. Old files are deleted
    only when the migration's transaction commits; a row whose file is missing keeps its name as it is.
    """

    def __init__(
        self, app_label: str, model: str, field: str, *, prefix: str, name_field: str = "", legacy_dir
    ):
        self.app_label, self.model, self.field = app_label, model, field
        self.prefix, self.name_field, self.legacy_dir = prefix, name_field, legacy_dir

    def _rows(self, apps):
        model = apps.get_model(self.app_label, self.model)
        return model, model.objects.exclude(**{self.field: ""}).order_by("pk")

    @staticmethod
    def _storages():
        from django.conf import settings
        from django.core.files.storage import FileSystemStorage, storages

        return FileSystemStorage(location=settings.MEDIA_ROOT), storages["private"]

    def forwards(self, apps, schema_editor):
        from pathlib import PurePosixPath

        from django.core.files import File
        from django.db import transaction

        from resurs.core.files import random_name

        public, private = self._storages()
        model, rows = self._rows(apps)
        for row in rows.iterator():
            old = getattr(row, self.field).name
            updates = {}
            if self.name_field and not getattr(row, self.name_field):
                updates[self.name_field] = PurePosixPath(old).name[:255]
            if public.exists(old):
                with public.open(old, "rb") as handle:
                    updates[self.field] = private.save(random_name(self.prefix, old), File(handle))
                transaction.on_commit(
                    lambda name=old: public.delete(name), using=schema_editor.connection.alias
                )
            if updates:
                model.objects.filter(pk=row.pk).update(**updates)

    def backwards(self, apps, schema_editor):
        from pathlib import PurePosixPath

        from django.core.files import File
        from django.db import transaction

        public, private = self._storages()
        model, rows = self._rows(apps)
        for row in rows.iterator():
            new = getattr(row, self.field).name
            if not private.exists(new):
                continue
            original = (getattr(row, self.name_field) if self.name_field else "") or PurePosixPath(new).name
            with private.open(new, "rb") as handle:
                old = public.save(f"{self.legacy_dir(row).rstrip('/')}/{original}", File(handle))
            transaction.on_commit(lambda name=new: private.delete(name), using=schema_editor.connection.alias)
            model.objects.filter(pk=row.pk).update(**{self.field: old})


class FoldedTrigramIndex(PostgresOnlySQL):
    """PostgreSQL: a GIN trigram index (pg_trgm, registry migration 0004) of ``column`` folded as
    ``resurs.core.search.Fold`` folds it, ``translate(lower((column)::text), 'ё', 'е')``, which answers that
    module's searches: ``LIKE '%word%'`` of the exact search and the typo fallback's ``<<%``/``<%``. Built
    ``CONCURRENTLY`` (the table stays writable while a large one is indexed), so the migration holding it must
    say ``atomic = False``. On SQLite nothing: the fold is a Python function there."""

    def __init__(self, *, table: str, column: str, name: str):
        self.table, self.column, self.index_name = table, column, name
        super().__init__(
            sql=[
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
                f"USING gin (translate(lower(({column})::text), 'ё', 'е') gin_trgm_ops)"
            ],
            reverse_sql=[f"DROP INDEX CONCURRENTLY IF EXISTS {name}"],
        )

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"table": self.table, "column": self.column, "name": self.index_name},
        )

    def describe(self):
        return f"Trigram index {self.index_name} of the folded {self.table}.{self.column} (PostgreSQL)"
