"""Board and advisory-body memberships latest first: a partial index (90,000 of 600,000 ties) from which the
cooperation app's list of memberships reads one page and its count."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0018_founding_date_sort_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="tie",
            index=models.Index(
                condition=models.Q(("role__in", ["board_member", "advisory_member"])),
                fields=["-started_on", "id"],
                include=("role", "ended_on"),
                name="tie_governance_latest",
            ),
        ),
    ]
