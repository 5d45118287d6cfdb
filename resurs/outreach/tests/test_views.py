import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resurs.outreach.choices import AnnouncementStatus
from resurs.outreach.models import MediaContact, PressAnnouncement, Publication, SocialChallenge
from resurs.outreach.tests.factories import (
    AnnouncementFactory,
    ChallengeFactory,
    MediaContactFactory,
    PublicationFactory,
    TopicFactory,
)
from resurs.outreach.validators import PUBLICATION_PDF
from resurs.registry.tests.factories import OrganisationFactory, region

pytestmark = pytest.mark.django_db

MANAGERS = {"admin", "staff", "manager"}
ALL = [
    "admin",
    "staff",
    "manager",
    "expert",
    "ngo_rep",
    "trainer",
    "researcher",
    "partner",
    "other_staff",
    "outsider",
    None,
]


def expected(name, allowed):
    if name in allowed:
        return 200
    return 302 if name is None else 403


@pytest.mark.parametrize("name", ALL)
def test_permissions_for_every_page(client_for, personas, name):
    user = getattr(personas, name) if name else None
    client = client_for(user)
    publication = PublicationFactory(centre=personas.centre)
    draft = PublicationFactory(
        centre=personas.centre, is_published=False, published_on=None, title_ru="Черновик"
    )
    challenge = ChallengeFactory(centre=personas.centre)
    contact = MediaContactFactory(centre=personas.centre)
    announcement = AnnouncementFactory(centre=personas.centre)
    # Public pages.
    for url in (
        "/outreach/publications/",
        "/outreach/catalogue/",
        "/outreach/challenges/",
        publication.get_absolute_url(),
        challenge.get_absolute_url(),
        "/outreach/publications/feed.atom",
    ):
        assert client.get(url).status_code == 200, url
    manager = name in MANAGERS
    office = manager or name == "other_staff"
    assert client.get(draft.get_absolute_url()).status_code == (200 if manager else 404)
    # Staff desks: any centre's staff may open their own desk.
    for url in (
        "/outreach/media/",
        "/outreach/media/announcements/",
        "/outreach/publications/manage/",
        "/outreach/publications/new/",
        "/outreach/challenges/new/",
        "/outreach/media/contacts/new/",
        "/outreach/media/announcements/new/",
    ):
        assert client.get(url).status_code == expected(
            name, MANAGERS | ({"other_staff"} if office else set())
        ), url
    # Objects of the centre: its staff only (journalists' data and announcements are 404 to everyone else).
    for url in (
        reverse("outreach:publication-edit", args=[publication.pk]),
        reverse("outreach:challenge-edit", args=[challenge.pk]),
    ):
        assert client.get(url).status_code == expected(name, MANAGERS), url
    for url in (
        reverse("outreach:contact-edit", args=[contact.pk]),
        reverse("outreach:announcement-detail", args=[announcement.pk]),
        reverse("outreach:announcement-edit", args=[announcement.pk]),
    ):
        assert client.get(url).status_code == (200 if manager else 302 if user is None else 404), url
    # Denied writes change nothing.
    client.post(reverse("outreach:announcement-send", args=[announcement.pk]))
    client.post(
        reverse("outreach:publication-edit", args=[publication.pk]), {"title_ru": "Взлом", "kind": "news"}
    )
    client.post(
        reverse("outreach:contact-edit", args=[contact.pk]),
        {"name": "Взлом", "email": "x@x.org", "outlet_name": "X", "language": "ru"},
    )
    if not manager:
        announcement.refresh_from_db()
        publication.refresh_from_db()
        contact.refresh_from_db()
        assert announcement.status == AnnouncementStatus.DRAFT
        assert publication.title_ru != "Взлом" and contact.name != "Взлом"


def test_publication_form_errors_keep_input(client_for, personas):
    client = client_for(personas.staff)
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * PUBLICATION_PDF.max_bytes, content_type="application/pdf"
    )
    response = client.post(
        "/outreach/publications/new/",
        {
            "centre": personas.centre.pk,
            "kind": "report",
            "title_ru": "",
            "title_en": "English only",
            "summary": "Важное резюме",
            "pdf": big,
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_title_ru_error"' in body and 'id="id_pdf_error"' in body
    assert "Важное резюме" in body and "English only" in body
    assert not Publication.objects.exists()


def test_staff_publish_report_and_it_is_public(client_for, personas):
    client = client_for(personas.staff)
    response = client.post(
        "/outreach/publications/new/",
        {
            "centre": personas.centre.pk,
            "kind": "report",
            "title_ru": "Доступность социальных услуг",
            "is_published": "on",
            "published_on": "2026-11-20",
            "pdf": SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
        },
    )
    publication = Publication.objects.get()
    assert response.status_code == 302 and publication.centre == personas.centre
    assert (
        "Доступность социальных услуг"
        in client_for(None).get("/outreach/publications/?q=социальных").content.decode()
    )


def test_staff_cannot_create_for_another_centre(client_for, personas):
    client = client_for(personas.staff)
    client.post(
        "/outreach/publications/new/", {"centre": personas.other_centre.pk, "kind": "news", "title_ru": "Ч"}
    )
    client.post(
        "/outreach/challenges/new/",
        {"centre": personas.other_centre.pk, "title_ru": "Ч", "description": "D", "trend": "stable"},
    )
    assert not Publication.objects.exists() and not SocialChallenge.objects.exists()


def test_send_announcement_through_the_page(client_for, personas, django_capture_on_commit_callbacks):
    topic = TopicFactory(slug="ageing")
    inside = MediaContactFactory(centre=personas.centre)
    inside.topics.add(topic)
    MediaContactFactory(centre=personas.centre)
    client = client_for(personas.staff)
    response = client.post(
        "/outreach/media/announcements/new/",
        {
            "centre": personas.centre.pk,
            "subject": "Анонс",
            "body": "Текст",
            "topics": [topic.pk],
        },
    )
    announcement = PressAnnouncement.objects.get()
    assert response.status_code == 302
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert inside.email in page
    assert (
        client_for(personas.other_staff)
        .post(reverse("outreach:announcement-send", args=[announcement.pk]))
        .status_code
        == 404
    )
    client = client_for(personas.staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outreach:announcement-send", args=[announcement.pk]), {"recipients": 1})
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT
    assert list(announcement.deliveries.values_list("email", flat=True)) == [inside.email]


def test_challenge_overview_chart_and_detail(client, personas):
    challenge = ChallengeFactory(centre=personas.centre, title_ru="Одиночество пожилых")
    challenge.regions.add(region("77"), region("54"))
    challenge.organisations.add(OrganisationFactory(), OrganisationFactory())
    page = client.get("/outreach/challenges/").content.decode()
    assert 'data-chart="chart-challenges-by-federal-district"' in page and "Одиночество пожилых" in page
    assert (
        'data-chart="chart-challenges-by-region"'
        in client.get("/outreach/challenges/?by=region").content.decode()
    )
    assert "Одиночество пожилых" in client.get(challenge.get_absolute_url()).content.decode()
    hidden = ChallengeFactory(centre=personas.centre, is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("url", "who", "limit"),
    [
        ("/outreach/publications/", None, 8),
        ("/outreach/catalogue/", None, 6),
        ("/outreach/challenges/", None, 10),
        ("/outreach/media/", "staff", 12),
        ("/outreach/media/announcements/", "staff", 8),
        ("/outreach/publications/manage/", "staff", 8),
    ],
)
def test_list_query_counts(client_for, personas, django_assert_max_num_queries, url, who, limit):
    topic = TopicFactory(slug="culture")
    for n in range(12):
        PublicationFactory(centre=personas.centre)
        PublicationFactory(centre=personas.centre, kind="print", year=2000 + n)
        challenge = ChallengeFactory(centre=personas.centre)
        challenge.regions.add(region("77"))
        contact = MediaContactFactory(centre=personas.centre)
        contact.topics.add(topic)
        contact.regions.add(region("77"))
        AnnouncementFactory(centre=personas.centre)
    client = client_for(getattr(personas, who) if who else None)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_contact_list_filters(client_for, personas):
    topic = TopicFactory(slug="health")
    a = MediaContactFactory(centre=personas.centre, name="Анна Здоровье")
    a.topics.add(topic)
    MediaContactFactory(centre=personas.centre, name="Борис Спорт")
    MediaContactFactory(centre=personas.other_centre, name="Чужой Журналист")
    client = client_for(personas.staff)
    page = client.get("/outreach/media/").content.decode()
    assert "Анна Здоровье" in page and "Чужой Журналист" not in page
    page = client.get(f"/outreach/media/?topic={topic.pk}").content.decode()
    assert "Анна Здоровье" in page and "Борис Спорт" not in page


def test_sent_announcement_cannot_be_edited(client_for, personas):
    announcement = AnnouncementFactory(
        centre=personas.centre,
        status=AnnouncementStatus.SENT,
        sent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    client = client_for(personas.staff)
    response = client.post(
        reverse("outreach:announcement-edit", args=[announcement.pk]), {"subject": "Изменено", "body": "x"}
    )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.subject != "Изменено"


def test_home_shows_reports_and_challenges(client, personas):
    PublicationFactory(centre=personas.centre, title_ru="Свежий доклад")
    ChallengeFactory(centre=personas.centre, title_ru="Бедность семей")
    page = client.get("/").content.decode()
    assert "Свежий доклад" in page and "Бедность семей" in page


def test_contact_create_page(client_for, personas):
    client = client_for(personas.staff)
    response = client.post(
        "/outreach/media/contacts/new/",
        {
            "centre": personas.centre.pk,
            "name": "Ирина Петрова",
            "email": "irina@example.org",
            "outlet_name": "Радио Город",
            "language": "ru",
            "consent_given_on": "2026-10-01",
        },
    )
    assert response.status_code == 302
    assert MediaContact.objects.get().centre == personas.centre


def test_staff_record_unsubscription_and_others_cannot(client_for, personas):
    contact = MediaContactFactory(centre=personas.centre)
    url = reverse("outreach:contact-unsubscribe", args=[contact.pk])
    assert client_for(personas.other_staff).post(url).status_code == 404
    assert client_for(personas.outsider).post(url).status_code == 404
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None
    assert client_for(personas.staff).post(url).status_code == 302
    contact.refresh_from_db()
    assert contact.unsubscribed_at is not None


def test_contact_page_offers_unsubscription(client_for, personas):
    contact = MediaContactFactory(centre=personas.centre)
    page = (
        client_for(personas.staff).get(reverse("outreach:contact-edit", args=[contact.pk])).content.decode()
    )
    assert reverse("outreach:contact-unsubscribe", args=[contact.pk]) in page


def test_announcement_prefilled_from_an_event(client_for, personas):
    from resurs.events.tests.factories import EventFactory

    event = EventFactory(centre=personas.centre, title="Форум добровольцев")
    foreign = EventFactory(centre=personas.other_centre, title="Чужой форум")
    client = client_for(personas.staff)
    page = client.get(f"/outreach/media/announcements/new/?event={event.pk}").content.decode()
    assert 'value="Форум добровольцев"' in page
    page = client.get(f"/outreach/media/announcements/new/?event={foreign.pk}").content.decode()
    assert "Чужой форум" not in page


def test_public_pages_in_english(client, personas):
    from resurs.events.tests.factories import EventFactory

    event = EventFactory(centre=personas.centre)
    publication = PublicationFactory(centre=personas.centre, title_ru="Доклад", title_en="Report on ageing")
    ChallengeFactory(centre=personas.centre, title_ru="Проблема", title_en="Loneliness in old age")
    client.cookies["resurs_language"] = "en"
    assert "Upcoming events" in client.get("/").content.decode()
    assert "Register" in client.get(event.get_absolute_url()).content.decode()
    assert "Report on ageing" in client.get(publication.get_absolute_url()).content.decode()
    assert "Report on ageing" in client.get("/outreach/publications/").content.decode()
    assert "Loneliness in old age" in client.get("/outreach/challenges/").content.decode()
    assert "Print catalogue" in client.get("/outreach/catalogue/").content.decode()
