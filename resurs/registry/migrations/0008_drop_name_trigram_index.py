"""Typo correction now goes through the table of name words (0007); the trigram index over whole names cost every
insert about sixty index entries and served only a last-resort query. Dropped on PostgreSQL."""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_search_words")]
    operations = [
        PostgresOnlySQL(
            sql="DROP INDEX IF EXISTS organisation_name_trgm",
            reverse_sql="CREATE INDEX organisation_name_trgm ON registry_organisation USING gin (name gin_trgm_ops)",
        )
    ]
