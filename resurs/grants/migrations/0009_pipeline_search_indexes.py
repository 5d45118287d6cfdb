"""PostgreSQL: trigram indexes of the folded application title and reference number, which the staff pipeline's
search (``grants.selectors.application_search``) reads instead of folding every application of a call (issue 17:
a word in a call of 15,000 applications). The organisations' names have theirs in registry 0020."""

from django.db import migrations

from resurs.core.migration_operations import FoldedTrigramIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("grants", "0008_pipeline_index_organisation"),
        ("registry", "0020_organisation_folded_name_indexes"),
    ]

    operations = [
        FoldedTrigramIndex(table="grants_application", column="title", name="application_title_folded_trgm"),
        FoldedTrigramIndex(table="grants_application", column="number", name="application_number_folded_trgm"),
    ]
