"""QR tickets: a signed token per registration, shown on the ticket page, read back at the check-in desk."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from resurs.events import services
from resurs.events.choices import EventStatus, RegistrationStatus
from resurs.events.tests.factories import EventFactory, RegistrationFactory
from resurs.events.tickets import ticket_registration_id, ticket_token

pytestmark = pytest.mark.django_db


def _scan(client, event, text, **headers):
    return client.post(reverse("events:event-checkin-scan", args=[event.pk]), {"code": text}, **headers)


def test_token_round_trips_and_cannot_be_forged():
    registration = RegistrationFactory()
    token = ticket_token(registration)
    assert ticket_registration_id(token) == registration.pk
    assert ticket_token(registration) == token  # the same ticket every time it is shown
    forged = f"T{registration.pk + 1}:" + token.split(":", 1)[1]
    assert ticket_registration_id(forged) is None
    assert ticket_registration_id(registration.code) is None


def test_ticket_page_shows_the_qr_code_only_for_a_confirmed_place(client):
    confirmed = RegistrationFactory()
    waitlisted = RegistrationFactory(status=RegistrationStatus.WAITLISTED)
    page = client.get(reverse("events:registration-manage", args=[services.registration_token(confirmed)]))
    body = page.content.decode()
    assert '<svg width="' in body and 'class="ticket-qr"' in body and 'data-testid="ticket-qr"' in body
    assert "style=" not in body.split('data-testid="ticket-qr"')[1].split("</figure>")[0]
    page = client.get(reverse("events:registration-manage", args=[services.registration_token(waitlisted)]))
    assert 'class="ticket-qr"' not in page.content.decode()


def test_scan_checks_in_once_then_says_when(client_for, personas):
    event = EventFactory(centre=personas.centre)
    registration = RegistrationFactory(event=event, name="Анна Кузнецова")
    client = client_for(personas.staff)
    response = _scan(client, event, ticket_token(registration), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-outcome="checked_in"' in body and "Анна Кузнецова" in body
    assert 'data-testid="arrived-count">1<' in body and 'hx-swap-oob="true"' in body
    registration.refresh_from_db()
    first_time = registration.checked_in_at
    assert first_time is not None
    again = _scan(client, event, ticket_token(registration), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-outcome="already"' in again
    assert timezone.localtime(first_time).strftime("%H:%M") in again
    registration.refresh_from_db()
    assert registration.checked_in_at == first_time


def test_typed_short_code_works_as_a_fallback(client_for, personas):
    event = EventFactory(centre=personas.centre)
    registration = RegistrationFactory(event=event)
    response = _scan(client_for(personas.staff), event, f"  {registration.code.lower()} ")
    assert response.status_code == 200 and 'data-outcome="checked_in"' in response.content.decode()


@pytest.mark.parametrize(
    ("setup", "outcome"),
    [
        ("unknown", "unknown"),
        ("other_event", "other_event"),
        ("waitlisted", "not_confirmed"),
        ("cancelled", "not_confirmed"),
    ],
)
def test_scan_refusals_change_nothing(client_for, personas, setup, outcome):
    event = EventFactory(centre=personas.centre)
    if setup == "unknown":
        registration = RegistrationFactory(event=event)
        text = "T999999:forged-signature"
    elif setup == "other_event":
        registration = RegistrationFactory(event=EventFactory(centre=personas.centre, title="Другой форум"))
        text = ticket_token(registration)
    else:
        registration = RegistrationFactory(event=event, status=setup)
        text = ticket_token(registration)
    response = _scan(client_for(personas.staff), event, text)
    body = response.content.decode()
    assert response.status_code == 422 and f'data-outcome="{outcome}"' in body
    if setup == "other_event":
        assert "Другой форум" in body
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_other_centres_draft_event_title_is_not_revealed(client_for, personas):
    event = EventFactory(centre=personas.centre)
    hidden = RegistrationFactory(
        event=EventFactory(centre=personas.other_centre, status=EventStatus.DRAFT, title="Секретный черновик")
    )
    body = _scan(client_for(personas.staff), event, ticket_token(hidden)).content.decode()
    assert 'data-outcome="other_event"' in body and "Секретный черновик" not in body


@pytest.mark.parametrize("name", ["other_staff", "ngo_rep", "expert", "partner", "outsider", None])
def test_scan_denied_to_the_wrong_user(client_for, personas, name):
    event = EventFactory(centre=personas.centre)
    registration = RegistrationFactory(event=event)
    user = getattr(personas, name) if name else None
    client = client_for(user)
    response = _scan(client, event, ticket_token(registration))
    assert response.status_code == (302 if user is None else 403)
    page = client.get(reverse("events:event-checkin", args=[event.pk]), {"mode": "scan"})
    assert page.status_code == (302 if user is None else 403)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_scan_page_for_staff(client_for, personas):
    event = EventFactory(centre=personas.centre)
    page = client_for(personas.staff).get(reverse("events:event-checkin", args=[event.pk]), {"mode": "scan"})
    body = page.content.decode()
    assert page.status_code == 200 and 'id="scan-camera"' in body and "html5-qrcode.min.js" in body


def test_my_ticket_is_linked_from_the_event_and_my_registrations(client_for, personas):
    event = EventFactory(centre=personas.centre)
    registration = RegistrationFactory(event=event, user=personas.ngo_rep, email=personas.ngo_rep.email)
    client = client_for(personas.ngo_rep)
    for page in (event.get_absolute_url(), reverse("events:my-registrations")):
        body = client.get(page).content.decode()
        token = body.split('href="/events/registrations/', 1)[1].split("/", 1)[0]
        assert services.registration_from_token(token) == registration
    ticket = client.get(reverse("events:registration-manage", args=[token])).content.decode()
    assert 'class="ticket-qr"' in ticket
