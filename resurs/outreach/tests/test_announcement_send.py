"""Sending a press announcement: a preview of exactly what journalists receive, a test to oneself, and a
confirmation that states the recipient count before anything goes out."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from resurs.notifications.models import EmailMessage
from resurs.outreach.choices import AnnouncementStatus
from resurs.outreach.tests.factories import AnnouncementFactory, MediaContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcement(personas):
    announcement = AnnouncementFactory(
        centre=personas.centre, subject="Форум НКО 2027", body="Приглашаем прессу."
    )
    MediaContactFactory(centre=personas.centre, name="Орлова Анна", email="orlova@example.org")
    MediaContactFactory(centre=personas.centre, name="Белов Илья", email="belov@example.org")
    MediaContactFactory(centre=personas.centre, consent_given_on=None, email="noconsent@example.org")
    return announcement


def test_detail_previews_the_real_email(client_for, personas, announcement):
    body = client_for(personas.staff).get(announcement.get_absolute_url()).content.decode()
    preview = body.split('data-testid="announcement-preview"')[1].split("</section>")[0]
    assert "Форум НКО 2027" in preview and "Приглашаем прессу." in preview
    assert "Белов Илья" in preview  # the greeting of the first recipient (ordered by name)
    assert "/outreach/unsubscribe/" in preview


def test_confirmation_states_the_count_and_sends_only_when_confirmed(
    client_for, personas, announcement, django_capture_on_commit_callbacks
):
    client = client_for(personas.staff)
    url = reverse("outreach:announcement-send", args=[announcement.pk])
    page = client.get(url).content.decode()
    assert "<strong>2 журналистам</strong>" in page or "<strong>2 journalists</strong>" in page
    assert 'name="recipients" value="2"' in page
    client.post(url)  # no confirmed count: the confirmation again, nothing sent
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT
    MediaContactFactory(centre=personas.centre, email="late@example.org")  # the segment grew meanwhile
    client.post(url, {"recipients": 2})
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT and not EmailMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"recipients": 3})
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT
    assert sorted(announcement.deliveries.values_list("email", flat=True)) == [
        "belov@example.org",
        "late@example.org",
        "orlova@example.org",
    ]
    assert LogEntry.objects.filter(additional_data__action="announcement_send").exists() or (
        LogEntry.objects.filter(object_pk=str(announcement.pk)).count() >= 1
    )


def test_send_a_test_to_me_goes_only_to_me_and_is_audited(client_for, personas, announcement):
    personas.staff.email = "staff@centre.example.org"
    personas.staff.save()
    client = client_for(personas.staff)
    response = client.post(reverse("outreach:announcement-test", args=[announcement.pk]))
    assert response.status_code == 302
    [message] = EmailMessage.objects.all()
    assert message.to == "staff@centre.example.org"
    assert "Форум НКО 2027" in message.subject and message.subject != "Форум НКО 2027"
    assert "Приглашаем прессу." in message.body
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT and not announcement.deliveries.exists()
    assert LogEntry.objects.filter(object_pk=str(announcement.pk)).exists()


@pytest.mark.parametrize("name", ["other_staff", "ngo_rep", "partner", "expert", "outsider", None])
def test_wrong_user_can_neither_preview_nor_test_nor_send(client_for, personas, announcement, name):
    user = getattr(personas, name) if name else None
    client = client_for(user)
    expected = 302 if user is None else 404
    assert client.get(reverse("outreach:announcement-send", args=[announcement.pk])).status_code == expected
    assert client.post(reverse("outreach:announcement-test", args=[announcement.pk])).status_code == expected
    response = client.post(reverse("outreach:announcement-send", args=[announcement.pk]), {"recipients": 2})
    assert response.status_code == expected
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT and not EmailMessage.objects.exists()
