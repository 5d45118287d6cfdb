"""PostgreSQL: trigram indexes of the folded fields the events app searches (``resurs.core.search``): an event's
title and summary (the public list, with its typo fallback's near words, ``<<%`` and ``<%``), and a registration's
name, e-mail and organisation (the check-in desk's search, among the forum's thousands of registrations)."""

from django.db import migrations

from resurs.core.migration_operations import FoldedTrigramIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("events", "0004_registration_guest_email_index"),
        ("registry", "0004_search_postgres"),  # pg_trgm
    ]

    operations = [
        FoldedTrigramIndex(table="events_event", column="title", name="event_title_folded_trgm"),
        FoldedTrigramIndex(table="events_event", column="summary", name="event_summary_folded_trgm"),
        FoldedTrigramIndex(table="events_registration", column="name", name="registration_name_folded_trgm"),
        FoldedTrigramIndex(table="events_registration", column="email", name="registration_email_folded_trgm"),
        FoldedTrigramIndex(
            table="events_registration",
            column="organisation_name",
            name="registration_organisation_folded_trgm",
        ),
    ]
