"""PostgreSQL: trigram indexes of the folded organisation name and short name, for the searches of other lists
that match an organisation's name word by word (``resurs.core.search.indexed_words_condition``: the staff
pipeline of a call finds its applications by the applicant's name). The registry's own search has its stored
vector and word table (migrations 0004, 0007)."""

from django.db import migrations

from resurs.core.migration_operations import FoldedTrigramIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("registry", "0019_tie_governance_latest_index")]

    operations = [
        FoldedTrigramIndex(
            table="registry_organisation", column="name", name="organisation_name_folded_trgm"
        ),
        FoldedTrigramIndex(
            table="registry_organisation", column="short_name", name="organisation_short_name_folded_trgm"
        ),
    ]
