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
