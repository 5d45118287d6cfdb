import pytest
from django.core import mail

from resurs.notifications.models import EmailMessage
from resurs.outreach import services
from resurs.outreach.choices import AnnouncementStatus, DeliveryStatus
from resurs.outreach.models import AnnouncementDelivery
from resurs.outreach.selectors import announcement_segment
from resurs.outreach.tests.factories import AnnouncementFactory, MediaContactFactory, TopicFactory
from resurs.registry.tests.factories import region

pytestmark = pytest.mark.django_db


def send(committed, announcement, actor):
    with committed():
        return services.announcement_send(announcement=announcement, actor=actor)


def test_segment_filters_by_topic_and_region_and_consent(personas):
    ageing, youth = TopicFactory(slug="ageing"), TopicFactory(slug="youth")
    moscow, novosibirsk = region("77"), region("54")
    a = MediaContactFactory(centre=personas.centre, name="А")
    a.topics.add(ageing)
    a.regions.add(moscow)
    b = MediaContactFactory(centre=personas.centre, name="Б")
    b.topics.add(youth)
    b.regions.add(moscow)
    c = MediaContactFactory(centre=personas.centre, name="В")
    c.topics.add(ageing)
    c.regions.add(novosibirsk)
    MediaContactFactory(centre=personas.centre, name="Без согласия", consent_given_on=None).topics.add(ageing)
    MediaContactFactory(centre=personas.other_centre, name="Чужой").topics.add(ageing)
    announcement = AnnouncementFactory(centre=personas.centre)
    assert {x.name for x in announcement_segment(announcement)} == {"А", "Б", "В"}
    announcement.topics.add(ageing)
    assert [x.name for x in announcement_segment(announcement)] == ["А", "В"]
    announcement.regions.add(moscow)
    assert [x.name for x in announcement_segment(announcement)] == ["А"]


def test_send_mails_each_contact_with_unsubscribe_link_header_and_log(personas, committed):
    contacts = [MediaContactFactory(centre=personas.centre) for _ in range(3)]
    announcement = AnnouncementFactory(centre=personas.centre, subject="Форум НКО 26 ноября")
    assert send(committed, announcement, personas.staff) == 3
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT and announcement.sent_by == personas.staff
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in contacts)
    for message in mail.outbox:
        assert message.subject == "Форум НКО 26 ноября"
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<") and "/outreach/unsubscribe/" in header
        assert header.strip("<>") in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    deliveries = AnnouncementDelivery.objects.filter(announcement=announcement)
    assert deliveries.count() == 3
    assert all(d.message.status == EmailMessage.Status.SENT for d in deliveries)
    assert {d.status for d in deliveries} == {DeliveryStatus.QUEUED}


def test_sending_twice_is_refused(personas, committed):
    MediaContactFactory(centre=personas.centre)
    announcement = AnnouncementFactory(centre=personas.centre)
    send(committed, announcement, personas.staff)
    with pytest.raises(services.AnnouncementError):
        send(committed, announcement, personas.staff)
    assert len(mail.outbox) == 1


def test_empty_segment_is_refused_with_a_message(personas, committed):
    announcement = AnnouncementFactory(centre=personas.centre)
    with pytest.raises(services.AnnouncementError, match="расширьте"):
        send(committed, announcement, personas.staff)
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT


def test_unsubscribe_is_honoured_for_every_later_announcement(client, personas, committed):
    leaving = MediaContactFactory(centre=personas.centre, name="Уходящий")
    staying = MediaContactFactory(centre=personas.centre, name="Остающийся")
    first = AnnouncementFactory(centre=personas.centre)
    send(committed, first, personas.staff)
    unsubscribe_url = next(m for m in mail.outbox if m.to == [leaving.email]).extra_headers[
        "List-Unsubscribe"
    ]
    path = unsubscribe_url.strip("<>").split("://", 1)[1].split("/", 1)[1]
    # One-click unsubscribe (RFC 8058) posts without a CSRF token.
    response = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    leaving.refresh_from_db()
    assert leaving.unsubscribed_at is not None
    for _ in range(3):
        mail.outbox.clear()
        later = AnnouncementFactory(centre=personas.centre)
        send(committed, later, personas.staff)
        assert [m.to for m in mail.outbox] == [[staying.email]]
        assert not AnnouncementDelivery.objects.filter(announcement=later, contact=leaving).exists()
    assert EmailMessage.objects.filter(to=leaving.email).count() == 1


def test_tampered_unsubscribe_link_changes_nothing(client, personas):
    contact = MediaContactFactory(centre=personas.centre)
    token = services.unsubscribe_token(contact)
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "not-a-token", token.replace(":", ".", 1)):
        response = client.post(f"/outreach/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert 'data-testid="unsubscribe-invalid"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None


def test_unsubscribe_get_asks_first_and_is_idempotent(client, personas):
    contact = MediaContactFactory(centre=personas.centre)
    url = f"/outreach/unsubscribe/{services.unsubscribe_token(contact)}/"
    assert "unsubscribed" not in client.get(url).content.decode()
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None
    client.post(url)
    contact.refresh_from_db()
    first = contact.unsubscribed_at
    client.post(url)
    contact.refresh_from_db()
    assert contact.unsubscribed_at == first


def test_contact_save_requires_outlet_and_unique_email(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.media_contact_save(
            centre=personas.centre, actor=personas.staff, name="Без СМИ", email="x@example.org"
        )
    assert "outlet" in exc.value.error_dict
    services.media_contact_save(
        centre=personas.centre, actor=personas.staff, name="Есть", email="x@example.org", outlet_name="Радио"
    )
    with pytest.raises(ValidationError) as exc:
        services.media_contact_save(
            centre=personas.centre,
            actor=personas.staff,
            name="Дубль",
            email="X@example.org",
            outlet_name="ТВ",
        )
    assert "email" in exc.value.error_dict


def test_announcement_event_must_belong_to_the_centre(personas):
    from django.core.exceptions import ValidationError

    from resurs.events.tests.factories import EventFactory

    foreign = EventFactory(centre=personas.other_centre)
    with pytest.raises(ValidationError):
        services.announcement_save(
            centre=personas.centre, actor=personas.staff, subject="S", body="B", event=foreign
        )
