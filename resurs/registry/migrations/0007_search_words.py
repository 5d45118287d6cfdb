"""PostgreSQL: the words of organisation names, kept current by statement-level triggers, with a trigram index —
so that a misspelt query word can be corrected to a word that really occurs before full-text search runs (the
approach of the PostgreSQL manual, pg_trgm "Text Search Integration"). On other databases nothing happens."""

from django.db import migrations

from resurs.core.migration_operations import PostgresOnlySQL

WORDS = r"regexp_split_to_table(lower(coalesce(name, '') || ' ' || coalesce(short_name, '')), '[^[:alnum:]]+')"

FORWARDS = [
    "CREATE TABLE registry_search_word (word text PRIMARY KEY)",
    "CREATE INDEX registry_search_word_trgm ON registry_search_word USING gin (word gin_trgm_ops)",
    f"""
    CREATE FUNCTION registry_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO registry_search_word (word)
        SELECT DISTINCT w FROM (SELECT {WORDS} AS w FROM changed_rows) AS words
        WHERE length(w) >= 3
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER registry_search_words_insert AFTER INSERT ON registry_organisation
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_search_words_add()
    """,
    """
    CREATE TRIGGER registry_search_words_update AFTER UPDATE ON registry_organisation
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_search_words_add()
    """,
    f"""
    INSERT INTO registry_search_word (word)
    SELECT DISTINCT w FROM (SELECT {WORDS} AS w FROM registry_organisation) AS words WHERE length(w) >= 3
    ON CONFLICT DO NOTHING
    """,
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS registry_search_words_update ON registry_organisation",
    "DROP TRIGGER IF EXISTS registry_search_words_insert ON registry_organisation",
    "DROP FUNCTION IF EXISTS registry_search_words_add()",
    "DROP TABLE IF EXISTS registry_search_word",
]


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_organisation_name_index")]
    operations = [PostgresOnlySQL(sql=FORWARDS, reverse_sql=BACKWARDS)]
