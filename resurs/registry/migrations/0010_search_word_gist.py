"""PostgreSQL: the words of organisation names get a GiST trigram index instead of a GIN one, so that a misspelt
word finds its nearest neighbour by distance (``ORDER BY word <-> query LIMIT 1``, index-ordered) rather than by
ranking every word sharing a trigram with it: 40–60 ms became 3–5 ms per query. On other databases nothing."""

from django.db import migrations

from resurs.core.migration_operations import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_list_indexes")]

    operations = [
        PostgresOnlySQL(
            sql=[
                "CREATE INDEX registry_search_word_gist ON registry_search_word USING gist (word gist_trgm_ops)",
                "DROP INDEX IF EXISTS registry_search_word_trgm",
            ],
            reverse_sql=[
                "CREATE INDEX registry_search_word_trgm ON registry_search_word USING gin (word gin_trgm_ops)",
                "DROP INDEX IF EXISTS registry_search_word_gist",
            ],
        )
    ]
