"""Accounts made before self sign-up were created by administrators (or the demo), who vouched for their e-mail
addresses: record those addresses as verified and primary, so that mandatory verification (for people who sign up
themselves) does not lock them out."""

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.lower(), verified=True, primary=True)
            for pk, email in User.objects.exclude(email="").values_list("pk", "email").iterator()
            if pk not in known
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_personal_data_consent"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    # Backwards: the addresses stay (allauth's own tables are dropped with its migrations if it is removed).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
