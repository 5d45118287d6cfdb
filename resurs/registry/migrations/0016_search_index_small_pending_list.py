"""PostgreSQL: the full-text index of organisations keeps a small pending list (256 kB instead of the server's 4 MB
``gin_pending_list_limit``). New rows go to that list first (GIN ``fastupdate``) and every search reads all of it
until it is merged into the index (by an insert that fills it, or a vacuum): after 4,000 organisations were
added, each search read ~3 MB of pending entries, 0.7-1.6 s a query on the shared bench machine. A small list
is merged more often and read quickly. On other databases nothing."""

from django.db import migrations

from resurs.core.migration_operations import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("registry", "0015_import_warnings_sources_conflicts")]

    operations = [
        PostgresOnlySQL(
            sql=["ALTER INDEX organisation_search_vector SET (gin_pending_list_limit = 256)"],
            reverse_sql=["ALTER INDEX organisation_search_vector RESET (gin_pending_list_limit)"],
        )
    ]
