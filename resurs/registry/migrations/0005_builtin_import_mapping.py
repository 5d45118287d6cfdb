"""The built-in column mapping for official-registry (EGRUL, openngo.ru) extracts."""

from django.db import migrations

from resurs.registry.imports.mapping import EGRUL_COLUMNS, EGRUL_MAPPING_NAME


def forwards(apps, schema_editor):
    ImportMapping = apps.get_model("registry", "ImportMapping")
    ImportMapping.objects.update_or_create(
        name=EGRUL_MAPPING_NAME,
        defaults={
            "columns": EGRUL_COLUMNS,
            "is_builtin": True,
            "description": "EGRUL extract as published by openngo.ru (full_name, ogrn, inn, region, reg_date…)",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("registry", "ImportMapping").objects.filter(name=EGRUL_MAPPING_NAME, is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_search_postgres")]
    operations = [migrations.RunPython(forwards, backwards)]
