import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from resurs.events.choices import EventStatus, RegistrationStatus
from resurs.events.models import Event, Registration
from resurs.events.tests.factories import EventFactory, RegistrationFactory, SessionFactory
from resurs.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

MANAGERS = {"admin", "staff", "manager"}


def test_public_list_upcoming_and_past(client, personas):
    EventFactory(title="Будущий форум", centre=personas.centre)
    EventFactory(
        title="Прошлая конференция",
        centre=personas.centre,
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=29),
    )
    EventFactory(title="Черновик", status=EventStatus.DRAFT, centre=personas.centre)
    page = client.get("/events/").content.decode()
    assert "Будущий форум" in page and "Прошлая конференция" not in page and "Черновик" not in page
    page = client.get("/events/?when=past").content.decode()
    assert "Прошлая конференция" in page and "Будущий форум" not in page


def test_public_list_filters_by_kind_and_region(client, personas, reference_data):
    from resurs.registry.tests.factories import region

    EventFactory(title="Онлайн-встреча о грантах", kind="webinar", region=region("54"))
    EventFactory(title="Столичная встреча НКО", kind="forum", region=region("77"))
    page = client.get("/events/?kind=webinar").content.decode()
    assert "Онлайн-встреча о грантах" in page and "Столичная встреча НКО" not in page
    page = client.get(f"/events/?region={region('77').pk}").content.decode()
    assert "Столичная встреча НКО" in page and "Онлайн-встреча о грантах" not in page


def test_public_list_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    for _ in range(15):
        EventFactory(centre=personas.centre)
    with django_assert_max_num_queries(8):
        response = client.get("/events/")
    assert response.status_code == 200
    assert response.content.decode().count('class="badge ') >= 15


def test_manage_list_query_count(client_for, personas, django_assert_max_num_queries):
    for _ in range(12):
        EventFactory(centre=personas.centre)
    client = client_for(personas.staff)
    with django_assert_max_num_queries(10):
        response = client.get("/events/manage/")
    assert response.status_code == 200


def test_detail_shows_programme_and_speakers(client, personas):
    event = EventFactory(centre=personas.centre)
    speaker = PersonFactory(last_name="Петрова", first_name="Ольга")
    SessionFactory(event=event, title="Пленарное заседание").speakers.add(speaker)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Пленарное заседание" in page and "Петрова Ольга" in page


@pytest.mark.parametrize(
    "name",
    [
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
    ],
)
def test_draft_visibility_and_management_rights(client_for, personas, name):
    user = getattr(personas, name) if name else None
    draft = EventFactory(centre=personas.centre, status=EventStatus.DRAFT, title="Черновик")
    client = client_for(user)
    manager = name in MANAGERS
    assert client.get(draft.get_absolute_url()).status_code == (200 if manager else 404)
    published = EventFactory(centre=personas.centre, title="Опубликовано")
    edit = client.get(reverse("events:event-edit", args=[published.pk]))
    if manager:
        assert edit.status_code == 200
    elif user is None:
        assert edit.status_code == 302
    else:
        assert edit.status_code == 403
    # A denied POST changes nothing.
    response = client.post(reverse("events:event-edit", args=[published.pk]), {"title": "Взлом"})
    published.refresh_from_db()
    if not manager:
        assert response.status_code in (302, 403)
        assert published.title == "Опубликовано"
    for url_name in ("events:event-checkin", "events:event-materials"):
        status = client.get(reverse(url_name, args=[published.pk])).status_code
        assert status == (200 if manager else 302 if user is None else 403)
    office = manager or name == "other_staff"  # staff of any centre have an office for their own events
    assert client.get("/events/manage/").status_code == (200 if office else 302 if user is None else 403)
    assert client.get("/events/new/").status_code == (200 if office else 302 if user is None else 403)


def test_check_in_denied_to_other_centre_staff(client_for, personas):
    registration = RegistrationFactory(event=EventFactory(centre=personas.centre))
    url = reverse("events:registration-check-in", args=[registration.event.pk, registration.pk])
    assert client_for(personas.other_staff).post(url).status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert client_for(personas.staff).post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_check_in_htmx_search_and_mark(client_for, personas):
    event = EventFactory(centre=personas.centre)
    anna = RegistrationFactory(event=event, name="Анна Кузнецова")
    RegistrationFactory(event=event, name="Борис Смирнов")
    client = client_for(personas.staff)
    url = reverse("events:event-checkin", args=[event.pk])
    response = client.get(url, {"q": anna.code}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Анна Кузнецова" in body and "Борис Смирнов" not in body and "<html" not in body
    response = client.post(
        reverse("events:registration-check-in", args=[event.pk, anna.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and f'id="registration-{anna.pk}"' in response.content.decode()
    anna.refresh_from_db()
    assert anna.checked_in_at is not None


def test_checkin_query_count(client_for, personas, django_assert_max_num_queries):
    event = EventFactory(centre=personas.centre)
    for _ in range(20):
        RegistrationFactory(event=event)
    client = client_for(personas.staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:event-checkin", args=[event.pk])).status_code == 200


def test_guest_registers_and_sees_code(client, personas):
    event = EventFactory(centre=personas.centre)
    response = client.post(
        reverse("events:event-register", args=[event.pk]),
        {"name": "Гость Гостев", "email": "gost@example.org", "consent": "on"},
        follow=True,
    )
    registration = Registration.objects.get(event=event)
    assert registration.code in response.content.decode()


def test_guest_without_consent_sees_error_next_to_field(client, personas):
    event = EventFactory(centre=personas.centre)
    response = client.post(
        reverse("events:event-register", args=[event.pk]), {"name": "Гость", "email": "gost@example.org"}
    )
    assert response.status_code == 400
    assert 'id="id_consent_error"' in response.content.decode()
    assert "Гость" in response.content.decode()  # what was typed is kept
    assert not Registration.objects.exists()


def test_registering_twice_shows_a_clear_message(client_for, personas):
    event = EventFactory(centre=personas.centre)
    client = client_for(personas.ngo_rep)
    data = {"name": "Представитель", "email": personas.ngo_rep.email}
    assert client.post(reverse("events:event-register", args=[event.pk]), data).status_code == 302
    response = client.post(reverse("events:event-register", args=[event.pk]), data, follow=True)
    registration = Registration.objects.get(event=event)
    assert 'class="alert alert-warning"' in response.content.decode()
    assert registration.code in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_past_event_registration_is_refused(client, personas):
    event = EventFactory(
        centre=personas.centre,
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=timezone.now() - dt.timedelta(hours=20),
    )
    response = client.post(
        reverse("events:event-register", args=[event.pk]),
        {"name": "Гость", "email": "g@example.org", "consent": "on"},
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_cancel_by_token_and_tampered_token(client, personas):
    from resurs.events.services import registration_token

    registration = RegistrationFactory(event=EventFactory(centre=personas.centre))
    token = registration_token(registration)
    bad = client.post(reverse("events:registration-manage", args=[token[:-3] + "abc"]))
    assert bad.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert client.post(reverse("events:registration-manage", args=[token])).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_staff_create_event_in_the_event_time_zone(client_for, personas):
    client = client_for(personas.staff)
    response = client.post(
        "/events/new/",
        {
            "centre": personas.centre.pk,
            "kind": "conference",
            "status": "published",
            "title": "Конференция в Новосибирске",
            "starts_at": "2030-03-10T10:00",
            "ends_at": "2030-03-11T18:00",
            "time_zone": "Asia/Novosibirsk",
            "venue": "Технопарк",
            "registration_open": "on",
        },
    )
    event = Event.objects.get(title="Конференция в Новосибирске")
    assert response.status_code == 302
    assert event.starts_at == dt.datetime(2030, 3, 10, 3, 0, tzinfo=dt.UTC)
    assert event.centre == personas.centre and event.is_multi_day


def test_staff_cannot_create_for_another_centre(client_for, personas):
    client = client_for(personas.staff)
    response = client.post(
        "/events/new/",
        {
            "centre": personas.other_centre.pk,
            "kind": "seminar",
            "status": "draft",
            "title": "Чужое",
            "starts_at": "2030-03-10T10:00",
            "ends_at": "2030-03-10T12:00",
            "time_zone": "Europe/Moscow",
            "venue": "Зал",
        },
    )
    assert response.status_code == 200  # the form refuses the centre beside the field
    assert not Event.objects.filter(title="Чужое").exists()


def test_event_form_errors_are_specific(client_for, personas):
    client = client_for(personas.staff)
    response = client.post(
        "/events/new/",
        {
            "centre": personas.centre.pk,
            "kind": "seminar",
            "status": "draft",
            "title": "Без места",
            "starts_at": "2030-03-10T10:00",
            "ends_at": "2030-03-10T09:00",
            "time_zone": "Europe/Moscow",
        },
    )
    body = response.content.decode()
    assert 'id="id_ends_at_error"' in body and 'id="id_venue_error"' in body
    assert not Event.objects.exists()


def test_my_registrations(client_for, personas):
    event = EventFactory(title="Мой семинар")
    RegistrationFactory(event=event, user=personas.ngo_rep, email=personas.ngo_rep.email)
    assert "Мой семинар" in client_for(personas.ngo_rep).get("/events/my/").content.decode()
    assert "Мой семинар" not in client_for(personas.outsider).get("/events/my/").content.decode()
    assert client_for(None).get("/events/my/").status_code == 302


def test_home_and_desk_sections(client_for, personas):
    EventFactory(title="Ближайший форум", centre=personas.centre)
    assert "Ближайший форум" in client_for(None).get("/").content.decode()
    assert client_for(personas.staff).get("/desk/").status_code == 200


@pytest.mark.parametrize(
    "name", ["expert", "ngo_rep", "trainer", "researcher", "partner", "other_staff", "outsider"]
)
def test_programme_and_registration_writes_are_denied_to_others(client_for, personas, name):
    event = EventFactory(centre=personas.centre)
    session = SessionFactory(event=event)
    registration = RegistrationFactory(event=event)
    client = client_for(getattr(personas, name))
    start = event.local_starts_at.strftime("%Y-%m-%dT%H:%M")
    posts = [
        (
            reverse("events:session-add", args=[event.pk]),
            {"session-title": "Чужая", "session-starts_at": start, "session-ends_at": start},
        ),
        (reverse("events:session-delete", args=[event.pk, session.pk]), {}),
        (reverse("events:registration-cancel", args=[event.pk, registration.pk]), {}),
        (reverse("events:event-materials", args=[event.pk]), {"outcomes-outcomes": "Подмена"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    event.refresh_from_db()
    registration.refresh_from_db()
    assert list(event.sessions.values_list("pk", flat=True)) == [session.pk]
    assert registration.status == RegistrationStatus.CONFIRMED and event.outcomes == ""


def test_staff_add_session_material_and_outcomes(client_for, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    start_at = dt.datetime(2030, 3, 10, 7, 0, tzinfo=dt.UTC)
    event = EventFactory(centre=personas.centre, starts_at=start_at, ends_at=start_at + dt.timedelta(hours=3))
    speaker = PersonFactory()
    client = client_for(personas.staff)
    start = event.local_starts_at.strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("events:session-add", args=[event.pk]),
        {
            "session-title": "Открытие",
            "session-starts_at": start,
            "session-ends_at": start,
            "session-speakers": [speaker.pk],
        },
    )
    assert response.status_code == 302
    assert list(event.sessions.get().speakers.all()) == [speaker]
    client.post(
        reverse("events:event-materials", args=[event.pk]), {"outcomes-outcomes": "Приняли резолюцию"}
    )
    client.post(
        reverse("events:event-materials", args=[event.pk]),
        {
            "material-title": "Презентация",
            "material-kind": "presentation",
            "material-file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4"),
        },
    )
    response = client.post(
        reverse("events:event-materials", args=[event.pk]),
        {"material-title": "Пусто", "material-kind": "other"},
    )
    assert response.status_code == 400 and 'id="id_material-file_error"' in response.content.decode()
    event.refresh_from_db()
    assert event.outcomes == "Приняли резолюцию"
    assert list(event.materials.values_list("title", flat=True)) == ["Презентация"]
    page = client_for(None).get(event.get_absolute_url()).content.decode()
    assert "Приняли резолюцию" in page and "Презентация" in page


def test_my_registrations_query_count(client_for, personas, django_assert_max_num_queries):
    for _ in range(10):
        RegistrationFactory(user=personas.ngo_rep, email=personas.ngo_rep.email)
    client = client_for(personas.ngo_rep)
    with django_assert_max_num_queries(8):
        response = client.get("/events/my/")
    assert response.status_code == 200 and response.content.decode().count("<tr>") == 11


def test_staff_see_announce_to_journalists_link(client_for, personas):
    event = EventFactory(centre=personas.centre)
    link = f"/outreach/media/announcements/new/?event={event.pk}"
    assert link in client_for(personas.staff).get(event.get_absolute_url()).content.decode()
    assert link not in client_for(personas.outsider).get(event.get_absolute_url()).content.decode()


def test_registry_pickers_render_only_chosen_rows_and_search(client_for, personas):
    from resurs.registry.tests.factories import OrganisationFactory

    event = EventFactory(centre=personas.centre)
    chosen = OrganisationFactory(name="Фонд «Выбранный»", short_name="")
    OrganisationFactory(name="Фонд «Невыбранный»", short_name="")
    event.organisers.add(chosen)
    client = client_for(personas.staff)
    page = client.get(reverse("events:event-edit", args=[event.pk])).content.decode()
    assert "Фонд «Выбранный»" in page and "Фонд «Невыбранный»" not in page
    assert 'for="id_organisers_search"' in page and 'id="id_organisers_search"' in page
    url = reverse("events:registry-search", args=["organisations"])
    results = client.get(
        url, {"field": "partners", "target": "id_partners_chosen", "partners__search": "Невыбр"}
    )
    assert "Фонд «Невыбранный»" in results.content.decode()
    row = client.get(url, {"field": "partners", "pk": chosen.pk}).content.decode()
    assert f'name="partners" value="{chosen.pk}" checked' in row
    assert client_for(personas.outsider).get(url, {"field": "partners", "pk": chosen.pk}).status_code == 403
    client = client_for(personas.staff)
    assert client.get(reverse("events:registry-search", args=["users"]), {"field": "x"}).status_code == 404
    # Saving keeps the chosen organisers and adds a partner picked through the search.
    partner = OrganisationFactory(name="Банк «Партнёр»")
    data = {
        "kind": event.kind,
        "status": event.status,
        "title": event.title,
        "starts_at": event.local_starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.local_ends_at.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": event.time_zone,
        "venue": event.venue,
        "organisers": [chosen.pk],
        "partners": [partner.pk],
        "registration_open": "on",
    }
    assert client.post(reverse("events:event-edit", args=[event.pk]), data).status_code == 302
    assert list(event.partners.all()) == [partner] and list(event.organisers.all()) == [chosen]


def test_checkin_pages_every_registration_with_constant_queries(
    client_for, personas, django_assert_max_num_queries
):
    """A forum of thousands is paged, never cut off (it used to stop at 200 without saying so)."""
    from resurs.events.views import CHECKIN_PAGE

    event = EventFactory(centre=personas.centre)
    for _ in range(CHECKIN_PAGE + 7):
        RegistrationFactory(event=event)
    client = client_for(personas.staff)
    url = reverse("events:event-checkin", args=[event.pk])
    with django_assert_max_num_queries(10):
        first = client.get(url)
    with django_assert_max_num_queries(10):
        second = client.get(url, {"page": 2})
    assert len(first.context["registrations"]) == CHECKIN_PAGE
    assert len(second.context["registrations"]) == 7
    assert 'rel="next"' in first.content.decode()


def test_checkin_shows_the_total_and_reaches_every_registration(client_for, personas):
    """261 registrations: the page says so, and the last page holds the last of them."""
    from resurs.events.views import CHECKIN_PAGE

    event = EventFactory(centre=personas.centre)
    RegistrationFactory.create_batch(261, event=event)
    client = client_for(personas.staff)
    url = reverse("events:event-checkin", args=[event.pk])
    first = client.get(url).content.decode()
    assert f"1–{CHECKIN_PAGE} of 261 registrations" in first or f"1–{CHECKIN_PAGE} из 261" in first
    seen = set()
    for number in (1, 2, 3):
        seen |= {r.pk for r in client.get(url, {"page": number}).context["registrations"]}
    assert seen == set(event.registrations.values_list("pk", flat=True))


def test_check_in_htmx_updates_the_arrived_counter_out_of_band(client_for, personas):
    event = EventFactory(centre=personas.centre)
    anna = RegistrationFactory(event=event)
    RegistrationFactory(event=event, checked_in_at=timezone.now())
    response = client_for(personas.staff).post(
        reverse("events:registration-check-in", args=[event.pk, anna.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'id="checkin-stats" aria-live="polite" hx-swap-oob="true"' in body
    assert '<div class="stat-value" data-testid="arrived-count">2</div>' in body
