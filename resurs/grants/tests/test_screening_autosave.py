"""Screening one application after another (previous/next, "record and open the next"), the call page's key
facts, and the application form's last save by beacon when the page is left."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resurs.accounts.tests.factories import representative_of
from resurs.grants import selectors, services
from resurs.grants.choices import ApplicationStatus
from resurs.grants.tests.factories import submitted_application
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(call, personas):
    apps = [submitted_application(call, personas.ngo, personas.ngo_rep)]
    for _ in range(2):
        org = OrganisationFactory()
        apps.append(submitted_application(call, org, representative_of(org)))
    return apps


def test_screening_neighbours_follow_submission_order(queue):
    first, middle, last = queue
    assert selectors.screening_neighbours(middle) == {
        "previous_id": first.pk,
        "next_id": last.pk,
        "position": 2,
        "total": 3,
        "waiting": 3,
    }
    assert selectors.screening_neighbours(first)["previous_id"] is None
    assert selectors.screening_neighbours(last)["next_id"] is None


def test_staff_see_the_queue_with_keyboard_hints(client_for, personas, queue):
    response = client_for(personas.staff).get(reverse("grants:application-detail", args=[queue[1].pk]))
    body = response.content.decode()
    assert 'data-testid="screening-nav"' in body
    assert f'data-hotkey="j" href="/grants/applications/{queue[2].pk}/#screening"' in body
    assert f'data-hotkey="k" href="/grants/applications/{queue[0].pk}/#screening"' in body
    assert "Application 2 of 3 in screening" in body
    # The applicant sees no queue.
    body = client_for(personas.ngo_rep).get(reverse("grants:application-detail", args=[queue[0].pk])).content
    assert b"screening-nav" not in body


def test_record_and_open_the_next(client_for, personas, queue):
    client = client_for(personas.staff)
    response = client.post(
        reverse("grants:application-screen", args=[queue[0].pk]),
        {"verdict": "1", "reason": "всё на месте", "and_next": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:application-detail", args=[queue[1].pk]) + "#screening"
    queue[0].refresh_from_db()
    assert queue[0].status == ApplicationStatus.ELIGIBLE
    # An invalid verdict stays on the same application.
    response = client.post(reverse("grants:application-screen", args=[queue[1].pk]), {"and_next": "1"})
    assert response["Location"] == reverse("grants:application-detail", args=[queue[1].pk])


def test_others_cannot_screen_through_the_queue(client_for, personas, queue):
    for user in (personas.other_staff, personas.ngo_rep, personas.expert, personas.outsider):
        response = client_for(user).post(
            reverse("grants:application-screen", args=[queue[0].pk]), {"verdict": "1", "and_next": "1"}
        )
        assert response.status_code in (403, 404), user
    queue[0].refresh_from_db()
    assert queue[0].status == ApplicationStatus.SUBMITTED


def test_beacon_save_keeps_the_text_quietly(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    client = client_for(personas.ngo_rep)
    url = reverse("grants:application-edit", args=[draft.pk])
    response = client.post(url, {"title": "Соседский центр", "a__goal": "Место встреч", "beacon": "1"})
    assert response.status_code == 204
    draft.refresh_from_db()
    assert draft.title == "Соседский центр" and draft.answers["goal"] == "Место встреч"
    # No "saved" message waits for the next page.
    assert "The draft is saved." not in client.get(url).content.decode()
    # Someone else's beacon changes nothing.
    response = client_for(personas.outsider).post(url, {"title": "взлом", "beacon": "1"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Соседский центр"


def test_edit_page_promises_autosave_and_keeps_file_choosers_in_their_sections(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    body = (
        client_for(personas.ngo_rep).get(reverse("grants:application-edit", args=[draft.pk])).content.decode()
    )
    assert "data-autosave" in body and 'hx-trigger="input delay:800ms' in body
    form_end = body.index("</form>", body.index('id="application-form"'))
    chooser = body.index('type="file"')
    assert chooser < form_end  # inside the section, not below the buttons
    assert 'form="upload-' in body[chooser : chooser + 200]


def test_call_page_shows_key_facts(client_for, call):
    body = client_for(None).get(reverse("grants:call-detail", args=[call.slug])).content.decode()
    assert '<dl class="key-facts">' in body
    for label in ("Deadline", "Budget", "Request", "Required co-financing"):
        assert f"<dt>{label}</dt>" in body


def test_attachment_upload_still_works_from_the_section(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    pdf = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client_for(personas.ngo_rep).post(
        reverse("grants:attachment-upload", args=[draft.pk]), {"field_key": "letters", "file": pdf}
    )
    assert response.status_code == 302
    assert draft.attachments.count() == 1
