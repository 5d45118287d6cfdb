"""A social challenge links to the directions of the centre's own grant calls (and lists other funders')."""

import pytest

from resurs.grants.tests.factories import open_call
from resurs.outreach import services
from resurs.outreach.tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def test_staff_link_a_challenge_to_call_directions_shown_on_its_page_and_in_the_api(personas, client):
    call = open_call(personas.centre, actor=personas.staff)
    direction = call.directions.first()
    challenge = ChallengeFactory(centre=personas.centre, grant_directions="Поддержка молодёжных проектов")
    services.challenge_save(
        centre=personas.centre, actor=personas.staff, challenge=challenge, directions=[direction]
    )
    page = client.get(challenge.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert direction.name in text and call.get_absolute_url() in text
    assert "Поддержка молодёжных проектов" in text
    data = client.get(f"/api/v1/outreach/challenges/{challenge.pk}/").json()
    assert data["directions"] == [
        {"id": direction.pk, "name": direction.name, "call": call.title, "call_url": call.get_absolute_url()}
    ]
    assert data["grant_directions"] == ["Поддержка молодёжных проектов"]
