import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from resurs.events import services
from resurs.events.choices import EventStatus, RegistrationStatus
from resurs.events.tests.factories import EventFactory, RegistrationFactory
from resurs.notifications.models import EmailMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(committed):
    """Register guest number ``n``, running the on-commit e-mail as a real commit would."""

    def do(event, n=0, **kw):
        with committed():
            return services.registration_create(
                event=event, name=f"Гость {n}", email=f"guest{n}@example.org", consent=True, **kw
            )

    return do


@pytest.fixture
def cancel(committed):
    def do(registration):
        with committed():
            return services.registration_cancel(registration=registration)

    return do


def test_registration_confirmed_and_mailed_with_code(reference_data, register):
    event = EventFactory(capacity=2)
    registration = register(event)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert len(registration.code) == 6
    assert len(mail.outbox) == 1
    assert registration.code in mail.outbox[0].body
    assert event.title in mail.outbox[0].subject


def test_registering_twice_is_refused_case_insensitively(reference_data, register):
    event = EventFactory()
    first = register(event)
    with pytest.raises(services.RegistrationError) as exc:
        services.registration_create(event=event, name="Другое имя", email="GUEST0@example.org", consent=True)
    assert first.code in exc.value.message
    assert event.registrations.count() == 1


def test_registering_for_a_past_event_is_refused(reference_data, register):
    event = EventFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2, hours=-2),
    )
    with pytest.raises(services.RegistrationError, match="уже началось"):
        register(event)
    assert event.registrations.count() == 0


def test_registering_for_a_draft_or_closed_event_is_refused(reference_data, register):
    with pytest.raises(services.RegistrationError):
        register(EventFactory(status=EventStatus.DRAFT))
    with pytest.raises(services.RegistrationError, match="закрыта"):
        register(EventFactory(registration_open=False))


def test_guest_without_consent_is_refused(reference_data):
    event = EventFactory()
    with pytest.raises(services.RegistrationError, match="персональных данных"):
        services.registration_create(event=event, name="Гость", email="g@example.org", consent=False)


def test_full_event_puts_people_on_the_waiting_list_and_cancellation_promotes(
    reference_data, register, cancel
):
    event = EventFactory(capacity=1)
    first = register(event, 1)
    second = register(event, 2)
    third = register(event, 3)
    assert [first.status, second.status, third.status] == ["confirmed", "waitlisted", "waitlisted"]
    assert "листе ожидания" in mail.outbox[1].body
    promoted = cancel(first)
    assert promoted == second
    second.refresh_from_db()
    third.refresh_from_db()
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED and first.cancelled_at is not None
    assert second.status == RegistrationStatus.CONFIRMED
    assert third.status == RegistrationStatus.WAITLISTED
    assert mail.outbox[-1].to == [second.email]
    assert second.code in mail.outbox[-1].body


def test_cancelling_a_waitlisted_place_promotes_nobody(reference_data, register, cancel):
    event = EventFactory(capacity=1)
    register(event, 1)
    waiting = register(event, 2)
    assert cancel(waiting) is None
    assert cancel(waiting) is None  # twice is harmless


def test_after_cancellation_the_same_email_may_register_again(reference_data, register, cancel):
    event = EventFactory()
    registration = register(event)
    cancel(registration)
    again = register(event)
    assert again.status == RegistrationStatus.CONFIRMED and again.pk != registration.pk


def test_check_in_and_undo(reference_data, personas):
    registration = RegistrationFactory()
    services.registration_check_in(registration=registration, actor=personas.staff)
    assert registration.checked_in_at is not None
    services.registration_check_in(registration=registration, actor=personas.staff, undo=True)
    assert registration.checked_in_at is None
    waiting = RegistrationFactory(status=RegistrationStatus.WAITLISTED)
    with pytest.raises(services.RegistrationError):
        services.registration_check_in(registration=waiting, actor=personas.staff)


def test_reminders_go_once_the_day_before_in_the_event_time_zone(reference_data, register, cancel, committed):
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False):
        tomorrow = EventFactory(
            starts_at=dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC),  # 10:00 in Moscow
            ends_at=dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC),
        )
        later = EventFactory(
            starts_at=dt.datetime(2026, 11, 28, 7, 0, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC),
        )
        confirmed = register(tomorrow, 1)
        register(later, 2)
        cancelled = register(tomorrow, 3)
        cancel(cancelled)
        mail.outbox.clear()
        with committed():
            assert services.event_reminders_send() == 1
            assert services.event_reminders_send() == 0
    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    assert "завтра" in mail.outbox[0].body
    assert EmailMessage.objects.filter(template="events/email/registration_reminder").count() == 1


def test_reminder_command(reference_data, register, committed):
    from django.core.management import call_command

    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False):
        event = EventFactory(
            starts_at=dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC),
        )
        register(event)
        mail.outbox.clear()
        with committed():
            call_command("send_event_reminders", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_registration_token_round_trip_and_tampering(reference_data):
    registration = RegistrationFactory()
    token = services.registration_token(registration)
    assert services.registration_from_token(token) == registration
    assert services.registration_from_token(token[:-2] + "xx") is None


def test_session_must_fall_within_the_event(reference_data):
    from django.core.exceptions import ValidationError

    event = EventFactory()
    with pytest.raises(ValidationError):
        services.session_create(
            event=event,
            title="Ранний",
            starts_at=event.starts_at - dt.timedelta(hours=2),
            ends_at=event.starts_at - dt.timedelta(hours=1),
        )
    assert event.sessions.count() == 0


def test_event_create_rejects_unknown_time_zone(reference_data, personas):
    from django.core.exceptions import ValidationError

    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError):
        services.event_create(
            centre=personas.centre,
            actor=personas.staff,
            title="X",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            time_zone="Mars/Olympus",
            venue="Зал",
        )


def test_cancelling_an_event_tells_everyone_once(register, committed, personas):
    event = EventFactory(capacity=1)
    first = register(event, 1)
    waiting = register(event, 2)
    mail.outbox.clear()
    with committed():
        services.event_update(event=event, actor=personas.staff, status=EventStatus.CANCELLED)
        services.event_update(event=event, actor=personas.staff, title=event.title + " (перенос)")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, waiting.email])
    assert all("отменено" in m.body for m in mail.outbox)
