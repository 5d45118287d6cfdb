"""The demo has private files of each main kind, and the demo logins show who may open them."""

from __future__ import annotations

import pytest

from resurs.accounts.models import User
from resurs.core.demo import DemoContext
from resurs.core.uploads import identify
from resurs.grants.models import Attachment
from resurs.learning.models import ConsultationAttachment, ProjectReview
from resurs.research.models import Interview

pytestmark = pytest.mark.django_db


def test_the_demo_files_open_for_their_people_only(reference_data, client_for):
    from resurs.accounts import demo as accounts_demo
    from resurs.grants import demo as grants_demo
    from resurs.learning import demo as learning_demo
    from resurs.registry import demo as registry_demo
    from resurs.research import demo as research_demo

    ctx = DemoContext(scale=0.05, log=lambda *args: None)
    for builder in (registry_demo, accounts_demo, grants_demo, learning_demo, research_demo):
        builder.build(ctx)
    staff, ngo, researcher, staff2 = (
        User.objects.get(username=name) for name in ("staff", "ngo", "researcher", "staff2")
    )

    submitted = Attachment.objects.exclude(application__status="draft").select_related("application").first()
    draft = Attachment.objects.get(application__status="draft", application__applicant=ngo)
    review = ProjectReview.objects.get(submitted_by=ngo, document_name__endswith=".pdf")
    docx = ProjectReview.objects.get(submitted_by=ngo, document_name__endswith=".docx")
    consultation_file = ConsultationAttachment.objects.filter(consultation__requested_by=ngo).first()
    interview = Interview.objects.exclude(transcript_file="").first()
    cases = [
        (f"/grants/applications/{submitted.application_id}/attachments/{submitted.pk}/", staff, "%PDF"),
        (f"/grants/applications/{draft.application_id}/attachments/{draft.pk}/", ngo, "%PDF"),
        (f"/learning/projects/{review.pk}/document/", ngo, "%PDF"),
        (
            f"/learning/consultations/{consultation_file.consultation_id}/attachments/{consultation_file.pk}/",
            ngo,
            "",
        ),
        (f"/research/interviews/{interview.pk}/transcript/file/", researcher, ""),
    ]
    for url, owner, head in cases:
        response = client_for(owner).get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content).startswith(head.encode())
        assert response["Content-Disposition"].startswith("attachment; ")
        assert client_for(staff2).get(url).status_code in (403, 404), url
        assert client_for(None).get(url).status_code == 404, url
    with docx.document.open("rb") as handle:
        assert identify(handle) == "docx"  # the demo's DOCX passes the upload check
    assert interview.transcript_file_name.endswith(".txt") and interview.source_encoding == "cp1251"
