"""Typo correction now goes through the table of name words (0007); the trigram index over whole names cost every
insert about sixty index entries and served only a last-resort query. Dropped on PostgreSQL."""

from django.db import migrations

from resurs.core.migration_operations import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_search_words")]
    operations = [
        PostgresOnlySQL(
            sql="DROP INDEX IF EXISTS organisation_name_trgm",
            reverse_sql="CREATE INDEX organisation_name_trgm ON registry_organisation USING gin (name gin_trgm_ops)",
        )
    ]
