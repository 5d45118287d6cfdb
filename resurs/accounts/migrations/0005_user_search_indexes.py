"""PostgreSQL: trigram indexes of the folded user name, first and last name and e-mail, which the administrators'
list of users searches (``resurs.core.search``) instead of folding every account (issue 17: 80,000 accounts)."""

from django.db import migrations

from resurs.core.migration_operations import FoldedTrigramIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0004_verified_email_addresses_for_existing_users"),
        ("registry", "0004_search_postgres"),  # pg_trgm
    ]

    operations = [
        FoldedTrigramIndex(table="accounts_user", column="username", name="user_username_folded_trgm"),
        FoldedTrigramIndex(table="accounts_user", column="first_name", name="user_first_name_folded_trgm"),
        FoldedTrigramIndex(table="accounts_user", column="last_name", name="user_last_name_folded_trgm"),
        FoldedTrigramIndex(table="accounts_user", column="email", name="user_email_folded_trgm"),
    ]
