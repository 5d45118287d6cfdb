"""PostgreSQL: trigram indexes of the folded course title and summary, which the course catalogue's search reads
(``resurs.core.search``): the exact words (``LIKE``) and the typo fallback's near words (``<<%``, ``<%``)."""

from django.db import migrations

from resurs.core.migration_operations import FoldedTrigramIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("learning", "0003_move_files_to_private_storage"),
        ("registry", "0004_search_postgres"),  # pg_trgm
    ]

    operations = [
        FoldedTrigramIndex(table="learning_course", column="title", name="course_title_folded_trgm"),
        FoldedTrigramIndex(table="learning_course", column="summary", name="course_summary_folded_trgm"),
    ]
