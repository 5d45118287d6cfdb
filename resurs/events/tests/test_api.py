import pytest

from resurs.events.choices import EventStatus
from resurs.events.tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_public_events_endpoint(client, personas, django_assert_max_num_queries):
    for _ in range(5):
        EventFactory(centre=personas.centre)
    EventFactory(status=EventStatus.DRAFT, title="Черновик")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/events/events/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 5
    assert all(item["title"] != "Черновик" for item in data["items"])
    assert data["items"][0]["ics_url"].endswith("/event.ics")


def test_event_detail_endpoint_and_draft_is_404(client, personas):
    event = EventFactory(centre=personas.centre)
    SessionFactory(event=event, title="Открытие")
    data = client.get(f"/api/v1/events/events/{event.pk}/").json()
    assert data["sessions"][0]["title"] == "Открытие"
    draft = EventFactory(status=EventStatus.DRAFT)
    assert client.get(f"/api/v1/events/events/{draft.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("manager", 200),
        ("other_staff", 403),
        ("ngo_rep", 403),
        ("outsider", 403),
        (None, 401),
    ],
)
def test_staff_registrations_endpoint_permissions(client_for, personas, name, status):
    from resurs.events.tests.factories import RegistrationFactory

    event = EventFactory(centre=personas.centre)
    registration = RegistrationFactory(event=event, name="Мария Гостева")
    client = client_for(getattr(personas, name) if name else None)
    response = client.get(f"/api/v1/events/events/{event.pk}/registrations/", {"q": "Гостева"})
    assert response.status_code == status
    if status == 200:
        assert [item["code"] for item in response.json()["items"]] == [registration.code]
    response = client.post(f"/api/v1/events/events/{event.pk}/registrations/{registration.pk}/check-in/")
    registration.refresh_from_db()
    if status == 200:
        assert response.status_code == 200 and response.json()["checked_in_at"]
        assert registration.checked_in_at is not None
    else:
        assert response.status_code in (401, 403)
        assert registration.checked_in_at is None


def test_staff_registrations_endpoint_query_count(client_for, personas, django_assert_max_num_queries):
    from resurs.events.tests.factories import RegistrationFactory

    event = EventFactory(centre=personas.centre)
    for _ in range(15):
        RegistrationFactory(event=event)
    client = client_for(personas.staff)
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/events/events/{event.pk}/registrations/")
    assert response.json()["count"] == 15
