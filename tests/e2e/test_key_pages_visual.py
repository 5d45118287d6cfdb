"""What a person sees on the key pages, at a laptop's width and a phone's, in Russian and in English: axe-core finds
no critical or serious violation, the page does not scroll sideways, and every input and every key-facts value is
in view when scrolled to (the browser hits the element itself at its centre).

The data are built once for the module with the apps' factories and services and served by a server of the
module's own (a ``live_server`` would flush the database after every page); one browser context per width and
language is reused for every page, switching between personas by their session cookies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from resurs.core.site import site_name
from tests.e2e.visual import assert_accessible, assert_in_view, assert_no_sideways_scroll

# The marker makes pytest-django create the test database; the tests only read, through the module's own server.
pytestmark = pytest.mark.django_db


@pytest.fixture
def _django_db_helper():
    """No transaction around each test (pytest-django's helper, overridden for this module): on SQLite the test's
    open transaction (BEGIN IMMEDIATE) would lock the server out of every write, and nothing here needs undoing."""
    yield


VIEWPORTS = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}
LANGUAGES = ("ru", "en")
INPUTS = "input:not([type=hidden]), select, textarea"
# The values a person came for: key facts (label over value, includes/key_facts.html) and stat tiles.
KEY_FACTS = "main dl dd, main .stat-tile .stat-value"


@dataclass
class KeyPage:
    name: str
    persona: str | None  # None: anonymous


KEY_PAGES = [
    KeyPage("home", None),
    KeyPage("login", None),
    KeyPage("call", None),
    KeyPage("application_form", "ngo_rep"),
    KeyPage("scoring", "expert"),
    KeyPage("assignment", "staff"),
    KeyPage("assignment_change", "staff"),
    KeyPage("ranking", "staff"),
    KeyPage("results", None),
    KeyPage("registry_list", "staff"),
    KeyPage("organisation", "staff"),
    KeyPage("event", None),
    KeyPage("checkin", "staff"),
    KeyPage("courses", None),
    KeyPage("research_report", None),
]
CASES = [
    pytest.param(
        key_page,
        width,
        language,
        id=f"{key_page.name}-{width}-{language}",
    )
    for width in VIEWPORTS
    for language in LANGUAGES
    for key_page in KEY_PAGES
]


def _build_data() -> tuple[SimpleNamespace, dict[str, str]]:
    """Personas and one of each key page's objects, through the apps' factories and services; returns the
    personas and the URL of each key page."""
    from django.utils import timezone

    from resurs.accounts.choices import Role
    from resurs.accounts.tests.factories import representative_of, user_with_role
    from resurs.events.tests.factories import EventFactory, RegistrationFactory, SessionFactory
    from resurs.grants import services as grants
    from resurs.grants.choices import CallStatus, DecisionOutcome
    from resurs.grants.tests.factories import complete_data, eligible_application, open_call
    from resurs.learning.tests.factories import CourseFactory
    from resurs.learning.tests.factories import SessionFactory as CourseSessionFactory
    from resurs.registry.reference import ensure_reference_data
    from resurs.registry.tests.factories import CentreFactory, OrganisationFactory, TieFactory
    from resurs.research import services as research
    from resurs.research.tests.factories import make_interview, make_respondent, make_study
    from resurs.reviews import services as reviews
    from resurs.reviews.models import Assignment
    from resurs.reviews.tests.factories import full_scores, review_round

    ensure_reference_data()
    centre = CentreFactory(
        is_hub=True,
        organisation__name="Ассоциация некоммерческих организаций «Ресурсный центр поддержки "
        "социально ориентированных НКО Новосибирской области»",
        organisation__short_name="Ресурсный центр НКО Новосибирской области",
    )
    ngo = OrganisationFactory()
    people = SimpleNamespace(
        centre=centre,
        ngo=ngo,
        staff=user_with_role(Role.STAFF, centre, username="staff_v"),
        expert=user_with_role(Role.EXPERT, username="expert_v"),
        ngo_rep=representative_of(ngo, username="ngo_v"),
        researcher=user_with_role(Role.RESEARCHER, centre, username="researcher_v"),
    )
    for _i in range(3):
        TieFactory(organisation=centre.organisation)
    urls = {"home": "/", "login": "/accounts/login/"}

    # A call open for applications, and a representative's draft to it.
    call = open_call(centre, actor=people.staff)
    urls["call"] = call.get_absolute_url()
    draft = grants.application_start(call=call, organisation=ngo, actor=people.ngo_rep)
    data = complete_data(call)
    data["answers"]["problem"] = ""
    grants.application_autosave(application=draft, actor=people.ngo_rep, data=data)
    urls["application_form"] = f"/grants/applications/{draft.pk}/edit/"

    # A review round: the experts are assigned, all but our expert have scored.
    rnd = review_round(people, n_apps=4, n_experts=3, k=2, max_load=4)
    run = reviews.assignment_run_start(call=rnd.call, actor=people.staff)
    run.refresh_from_db()
    if run.status != "done":
        reviews.assignment_run_execute(run=run)
    for assignment in Assignment.objects.filter(call=rnd.call, status="active").exclude(
        expert__user=people.expert
    ):
        reviews.review_save(
            assignment=assignment, actor=assignment.expert.user, scores=full_scores(rnd.call, 7), submit=True
        )
    mine = Assignment.objects.filter(call=rnd.call, status="active", expert__user=people.expert).first()
    urls["scoring"] = f"/reviews/assignments/{mine.pk}/"
    urls["assignment"] = f"/reviews/calls/{rnd.call.slug}/assignment/"
    # The page per application (without JavaScript), listing the pool's experts that a name finds.
    first = rnd.applications[0]
    name = rnd.experts[0].person.last_name[:3]
    urls["assignment_change"] = f"/reviews/calls/{rnd.call.slug}/assignment/{first.pk}/override/?q={name}"
    urls["ranking"] = f"/reviews/calls/{rnd.call.slug}/ranking/"

    # A call with published results.
    done = open_call(centre, actor=people.staff)
    for amount in (Decimal("480000"), Decimal("350000")):
        org = OrganisationFactory()
        application = eligible_application(done, org, representative_of(org), people.staff)
        grants.application_decide(
            application=application,
            actor=people.staff,
            outcome=DecisionOutcome.AWARDED,
            awarded_amount=amount,
        )
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED):
        grants.call_set_status(call=done, actor=people.staff, status=status)
    urls["results"] = f"/grants/calls/{done.slug}/results/"

    urls["registry_list"] = "/registry/organisations/"
    urls["organisation"] = centre.organisation.get_absolute_url()

    # An event with a programme and registrations, one of them checked in.
    event = EventFactory(centre=centre, title="Форум некоммерческих организаций Сибири «Вместе сильнее»")
    SessionFactory(event=event, title="Пленарное заседание")
    registrations = [RegistrationFactory(event=event) for _i in range(4)]
    registrations[0].checked_in_at = timezone.now()
    registrations[0].save(update_fields=["checked_in_at"])
    urls["event"] = f"/events/{event.pk}/"
    urls["checkin"] = f"/events/{event.pk}/check-in/"

    # The course catalogue.
    start = timezone.localdate() + dt.timedelta(days=14)
    for title in ("Фандрайзинг для НКО", "Проектное управление и отчётность по грантам", "Работа со СМИ"):
        CourseSessionFactory(course=CourseFactory(centre=centre, title=title), starts_on=start)

    # A study with a published report.
    study = make_study(people, title="Влияние инфраструктурных НКО на развитие сектора")
    interview = make_interview(make_respondent(study))
    research.nomination_create(
        respondent=interview.respondent, organisation=OrganisationFactory(), areas=["information"]
    )
    research.study_update(study=study, actor=people.researcher, is_published=True)
    urls["courses"] = "/learning/"
    urls["research_report"] = f"/research/{study.pk}/report/"
    return people, urls


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The data and a server of the module's own; the database is emptied afterwards, as a live_server would."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from pytest_django.live_server_helper import LiveServer

    from resurs.registry.reference import ensure_reference_data

    with django_db_blocker.unblock():
        # Never the development database: it is flushed below.
        assert "test" in str(connection.settings_dict["NAME"]), connection.settings_dict["NAME"]
        try:
            people, urls = _build_data()
            cookies = {}
            for persona in ("staff", "expert", "ngo_rep", "researcher"):
                client = Client()
                client.force_login(getattr(people, persona))
                cookies[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield SimpleNamespace(url=server.url, urls=urls, cookies=cookies, people=people)
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            ensure_reference_data()


@pytest.fixture(scope="module")
def contexts(browser, site):
    """One browser context (and page) per width and language, opened on first use."""
    from django.conf import settings

    opened: dict[tuple[str, str], object] = {}

    def get(width: str, language: str):
        if (width, language) not in opened:
            context = browser.new_context(
                locale="ru-RU" if language == "ru" else "en-GB",
                base_url=site.url,
                viewport=VIEWPORTS[width],
            )
            context.set_default_timeout(90_000)  # a busy CI machine renders a first page slowly
            page = context.new_page()
            page.csp_violations = []
            page.on(
                "console",
                lambda message, page=page: (
                    page.csp_violations.append(message.text)
                    if message.type == "error" and "Content Security Policy" in message.text
                    else None
                ),
            )
            opened[(width, language)] = page
        page = opened[(width, language)]
        page.language_cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site.url}
        return page

    yield get
    for page in opened.values():
        page.context.close()


def _as(page, site, persona: str | None) -> None:
    from django.conf import settings

    page.context.clear_cookies()
    cookies = [page.language_cookie]
    if persona:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": site.cookies[persona], "url": site.url}
        )
    page.context.add_cookies(cookies)


@pytest.mark.parametrize(("key_page", "width", "language"), CASES)
def test_key_page_is_seen_whole(site, contexts, key_page, width, language):
    page = contexts(width, language)
    _as(page, site, key_page.persona)
    response = page.goto(site.urls[key_page.name])
    page.wait_for_load_state("networkidle")
    assert response.status == 200, f"{key_page.name}: {response.status} at {page.url}"
    assert page.locator("html").get_attribute("lang") == language
    assert not page.url.startswith(f"{site.url}/accounts/login/") or key_page.name == "login"

    # The header names the installation (settings.RESURS_NAME), never the host it runs on.
    with translation.override(language):
        assert page.locator(".site-brand").inner_text().strip() == site_name()

    assert_no_sideways_scroll(page)
    assert_in_view(page, page.locator(INPUTS), what="input")
    assert_in_view(page, page.locator(KEY_FACTS), what="key-facts value")
    assert_accessible(page)
    violations, page.csp_violations[:] = list(page.csp_violations), []
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
