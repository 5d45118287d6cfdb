"""PostgreSQL: the statement trigger that keeps the words of organisation names inserts them in sorted order.

An import writes chunks on two connections at once; two transactions inserting the same new words in different
orders could each wait for the other (a deadlock). In one order, the one that comes second waits for the first
and nothing more. The words are split with ``regexp_split_to_array`` (a quarter faster than
``regexp_split_to_table`` here). On other databases nothing happens."""

from django.db import migrations

from resurs.core.migration_operations import PostgresOnlySQL

SOURCE = "lower(coalesce(name, '') || ' ' || coalesce(short_name, ''))"

FORWARDS = f"""
CREATE OR REPLACE FUNCTION registry_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_search_word (word)
    SELECT DISTINCT w FROM (
        SELECT unnest(regexp_split_to_array({SOURCE}, '[^[:alnum:]]+')) AS w FROM changed_rows
    ) AS words
    WHERE length(w) >= 3
    ORDER BY w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$
"""

BACKWARDS = f"""
CREATE OR REPLACE FUNCTION registry_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_search_word (word)
    SELECT DISTINCT w FROM (SELECT regexp_split_to_table({SOURCE}, '[^[:alnum:]]+') AS w FROM changed_rows) AS words
    WHERE length(w) >= 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_search_word_gist")]
    operations = [PostgresOnlySQL(sql=FORWARDS, reverse_sql=BACKWARDS)]
