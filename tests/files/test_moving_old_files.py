"""The data migrations that move files uploaded before private files out of the public MEDIA_ROOT."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

from resurs.core.migration_operations import MoveToPrivateStorage


@pytest.mark.django_db
def test_the_data_migration_moves_files_out_of_media_and_back(settings):
    from django.apps import apps

    from resurs.grants.models import Attachment
    from resurs.grants.tests.factories import open_call
    from resurs.registry.tests.factories import OrganisationFactory

    call = open_call()
    from resurs.accounts.tests.factories import UserFactory
    from resurs.grants.models import Application

    application = Application.objects.create(
        call=call, organisation=OrganisationFactory(), applicant=UserFactory(), form_version=None
    )
    public = FileSystemStorage(location=settings.MEDIA_ROOT)
    old = public.save("grants/attachments/2025/03/Письмо поддержки.pdf", ContentFile(b"%PDF-1.4 old"))
    attachment = Attachment.objects.create(
        application=application, field_key="letters", file=old, original_name="", size=12
    )
    move = MoveToPrivateStorage(
        "grants",
        "attachment",
        "file",
        prefix="grants/attachments",
        name_field="original_name",
        legacy_dir=lambda row: f"grants/attachments/{row.created_at:%Y/%m}",
    )

    class Editor:
        class connection:
            alias = "default"

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda func, using=None: func())
        move.forwards(apps, Editor)
        attachment.refresh_from_db()
        assert attachment.original_name == "Письмо поддержки.pdf"
        assert attachment.file.name.startswith("grants/attachments/") and attachment.file.name != old
        assert not public.exists(old)
        assert attachment.file.read() == b"%PDF-1.4 old"
        move.forwards(apps, Editor)  # again: nothing left to move, nothing changes
        attachment.refresh_from_db()
        moved = attachment.file.name
        assert storages["private"].exists(moved)
        move.backwards(apps, Editor)
        attachment.refresh_from_db()
        assert attachment.file.name.endswith("Письмо поддержки.pdf") and public.exists(attachment.file.name)
        assert not storages["private"].exists(moved)
