"""PostgreSQL search: a stored, weighted ``tsvector`` column (names in Russian and 'simple' configurations,
identifiers, city, description) with a GIN index, and a trigram GIN index on names for typos.

The column is a generated column that PostgreSQL itself keeps current, whoever writes the row (forms, imports,
raw SQL); the model does not declare it, so SQLite (the embedded default) is untouched and ordinary queries do not
fetch it. ``registry.search`` refers to it by name. On other databases these operations do nothing.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from resurs.core.migration_operations import PostgresOnlySQL

SEARCH_VECTOR = """
    setweight(to_tsvector('russian'::regconfig, coalesce(name, '') || ' ' || coalesce(short_name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(short_name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(inn, '') || ' ' || coalesce(ogrn, '')), 'B')
    || setweight(to_tsvector('russian'::regconfig, coalesce(city, '')), 'C')
    || setweight(to_tsvector('russian'::regconfig, coalesce(description, '')), 'D')
"""

FORWARDS = [
    f"ALTER TABLE registry_organisation ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED",
    "CREATE INDEX organisation_search_vector ON registry_organisation USING gin (search_vector)",
    "CREATE INDEX organisation_name_trgm ON registry_organisation USING gin (name gin_trgm_ops)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS organisation_name_trgm",
    "DROP INDEX IF EXISTS organisation_search_vector",
    "ALTER TABLE registry_organisation DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_import_batches")]
    operations = [
        TrigramExtension(),
        PostgresOnlySQL(sql=FORWARDS, reverse_sql=BACKWARDS),
    ]
