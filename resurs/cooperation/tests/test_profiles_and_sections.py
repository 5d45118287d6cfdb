import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory

from resurs.cooperation import sections
from resurs.cooperation.tests.factories import AdviceRequestFactory

pytestmark = pytest.mark.django_db


def _render(text: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template(text).render(Context({"request": request, **context}))


def test_organisation_tag_for_registry_profiles(coop, personas):
    html = _render(
        "{% load cooperation_tags %}{% organisation_cooperation organisation %}",
        personas.staff,
        organisation=personas.ngo,
    )
    assert 'data-testid="organisation-cooperation"' in html
    assert "Фонд добрых дел" in html and "Громов" in html and "Северный ветер" in html
    company_html = _render(
        "{% load cooperation_tags %}{% organisation_cooperation organisation %}",
        personas.staff,
        organisation=coop["company"],
    )
    assert (
        'data-testid="organisation-seats-elsewhere"' in company_html
    )  # its director sits on the NGO's board


def test_person_tag_for_registry_profiles(coop, personas):
    html = _render(
        "{% load cooperation_tags %}{% person_cooperation person %}",
        personas.outsider,
        person=coop["director"],
    )
    assert 'data-testid="person-cooperation"' in html and "Северный ветер" in html


def test_home_section_shows_totals_only(coop, personas):
    request = RequestFactory().get("/")
    request.user = personas.outsider
    [section] = sections.home(request)
    assert section["totals"]["count"] == 2 and section["seats"] == 1 and not section["can_see_overview"]


def test_desk_section_for_staff_lists_due_requests(coop, personas):
    AdviceRequestFactory(
        centre=personas.centre, received_on=dt.date(2026, 10, 1), due_on=dt.date(2026, 11, 2)
    )
    request = RequestFactory().get("/")
    request.user = personas.staff
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC), tick=False):
        [section] = sections.desk(request)
    assert section["open_count"] == 2 and section["overdue_count"] == 1
    assert section["requests"][0].due_on == dt.date(2026, 11, 2)  # soonest first
    request.user = personas.partner
    assert sections.desk(request) == []


def test_section_templates_render(coop, personas):
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    request.user = personas.staff
    [home] = sections.home(request)
    [desk] = sections.desk(request)
    home_html = render_to_string(home["template"], {"section": home, "request": request})
    desk_html = render_to_string(desk["template"], {"section": desk, "request": request})
    assert 'data-testid="home-cooperation"' in home_html and "/cooperation/" in home_html
    assert coop["advice"].topic in desk_html and "/cooperation/advice/" in desk_html
