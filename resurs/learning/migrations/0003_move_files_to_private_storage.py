"""Move the uploaded files of this app from the public MEDIA_ROOT to the private storage under random names,
keeping the names people gave them (reversible: the files go back to their old folders)."""

from django.db import migrations

from resurs.core.migration_operations import MoveToPrivateStorage

MOVES = [
    MoveToPrivateStorage(
        "learning", "material", "file", prefix="learning/materials", name_field="original_name", legacy_dir=lambda row: f"learning/materials/{row.created_at:%Y}"
    ),
    MoveToPrivateStorage(
        "learning", "consultationattachment", "file", prefix="learning/consultations", name_field="name", legacy_dir=lambda row: f"learning/consultations/{row.created_at:%Y}"
    ),
    MoveToPrivateStorage(
        "learning", "projectreview", "document", prefix="learning/projects", name_field="document_name", legacy_dir=lambda row: f"learning/projects/{row.created_at:%Y}"
    ),
]


def forwards(apps, schema_editor):
    for move in MOVES:
        move.forwards(apps, schema_editor)


def backwards(apps, schema_editor):
    for move in reversed(MOVES):
        move.backwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_private_files")]

    operations = [migrations.RunPython(forwards, backwards)]
