"""Move the uploaded files of this app from the public MEDIA_ROOT to the private storage under random names,
keeping the names people gave them (reversible: the files go back to their old folders)."""

from django.db import migrations

from resurs.core.migration_operations import MoveToPrivateStorage

MOVES = [
    MoveToPrivateStorage(
        "core", "job", "file", prefix="jobs", name_field="file_name", legacy_dir=lambda row: f"jobs/{row.created_at:%Y/%m}"
    ),
]


def forwards(apps, schema_editor):
    for move in MOVES:
        move.forwards(apps, schema_editor)


def backwards(apps, schema_editor):
    for move in reversed(MOVES):
        move.backwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_private_files")]

    operations = [migrations.RunPython(forwards, backwards)]
