"""PostgreSQL: a trigram index of the folded partnership title, which the list of partnerships searches
(``resurs.core.search.indexed_words_condition``) beside the partners' names (registry 0020), each table on its own
instead of joining both partners of every partnership and folding their names."""

from django.db import migrations

from resurs.core.migration_operations import FoldedTrigramIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cooperation", "0004_file_fields_keep_validators"),
        ("registry", "0020_organisation_folded_name_indexes"),
    ]

    operations = [
        FoldedTrigramIndex(
            table="cooperation_partnership", column="title", name="partnership_title_folded_trgm"
        ),
    ]
