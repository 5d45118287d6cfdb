"""Load the reference data (regions, legal forms, OKVED, fields of activity) from resurs/registry/reference/."""

from django.db import migrations


def forwards(apps, schema_editor):
    from resurs.registry.reference import load_all

    load_all(lambda name: apps.get_model("registry", name))


def backwards(apps, schema_editor):
    for name in ("Field", "OkvedCode", "LegalForm", "Region", "FederalDistrict"):
        apps.get_model("registry", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
