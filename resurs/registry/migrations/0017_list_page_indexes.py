"""Indexes for the registry's list pages at national scale (issue 17).

A deep page of the organisation or people list (``?page=2000``) is found as a window of ids read from an index alone
(live records in name order), instead of reading the 50,000 rows before it from the table; the organisation index
carries kind, region and status so that a page of one of them is found the same way. On PostgreSQL, the people
search (every word inside a last, first or middle name, folded like ``resurs.core.search.Fold``) reads trigram
indexes of the folded names instead of scanning every person (pg_trgm, created by migration 0004)."""

from django.db import migrations, models

from resurs.core.migration_operations import PostgresOnlySQL

FOLDED_NAMES = ("last_name", "first_name", "patronymic")


def _trigram_index(column: str) -> PostgresOnlySQL:
    return PostgresOnlySQL(
        sql=[
            f"CREATE INDEX person_{column}_folded_trgm ON registry_person "
            f"USING gin (translate(lower(({column})::text), 'ё', 'е') gin_trgm_ops)"
        ],
        reverse_sql=[f"DROP INDEX IF EXISTS person_{column}_folded_trgm"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0016_search_index_small_pending_list"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["name", "id"],
                include=("kind", "region", "status"),
                name="organisation_live_name",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("erased_at__isnull", True)),
                fields=["last_name", "first_name", "id"],
                name="person_live_name",
            ),
        ),
        *(_trigram_index(column) for column in FOLDED_NAMES),
    ]
