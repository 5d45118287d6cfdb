"""The whole API against its own schema, in process (Django's WSGI application, no server), anonymous and with a
staff token, over data made by factories:

* ``test_generated_requests``: schemathesis generates requests for every operation of /api/openapi.json —
  valid and invalid parameters and bodies, boundary values (huge ids, offsets, years), wrong types — a bounded
  number per operation;
* ``test_known_requests``: one request per operation that reaches real objects (so that every response body is
  checked, not only the refusals).

Both ask for zero server errors and zero responses that differ from the schema: status codes, content types and
bodies."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 20  # generated requests per operation and caller, besides the coverage phase's boundary cases

schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(path_prefix="/api"),
    # Methods that an operation does not have are answered by django-ninja (405), outside this schema.
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"unexpected-methods": []}}}),
)
schema.app = WSGIHandler()  # requests go to the WSGI application in this process
OPERATIONS = sorted(
    f"{operation.method.upper()} {operation.path}"
    for operation in (result.ok() for result in schema.get_all_operations())
)


@pytest.fixture(autouse=True)
def _connection_outlives_requests():
    """Like Django's test client, keep the database connection open after each request: the test's
    transaction (and the data below) outlives the requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _build_world() -> dict:
    """Something to list and fetch in every app, at one centre; returns the ids and slugs that the known
    requests use and the staff caller's token."""
    from resurs.accounts.choices import Role
    from resurs.accounts.services import api_token_create
    from resurs.accounts.tests.factories import representative_of, user_with_role
    from resurs.cooperation.models import GovernanceSeat
    from resurs.cooperation.tests.factories import AdviceRequestFactory, PartnershipFactory
    from resurs.events.tests.factories import EventFactory, RegistrationFactory
    from resurs.events.tests.factories import SessionFactory as EventSessionFactory
    from resurs.grants import services as grants
    from resurs.grants.choices import CallStatus, DecisionOutcome
    from resurs.grants.tests.factories import eligible_application, open_call, submitted_application
    from resurs.learning import services as learning
    from resurs.learning.choices import Topic
    from resurs.learning.tests.factories import CourseFactory, SessionFactory
    from resurs.outreach.tests.factories import ChallengeFactory, PublicationFactory, TopicFactory
    from resurs.registry.choices import OrganisationKind, TieRole
    from resurs.registry.reference import ensure_reference_data
    from resurs.registry.tests.factories import CentreFactory, OrganisationFactory, PersonFactory, TieFactory
    from resurs.research import services as research
    from resurs.research.models import StudyMember
    from resurs.research.tests.factories import make_respondent, make_study
    from resurs.reviews import services as reviews
    from resurs.reviews.tests.factories import full_scores, review_round

    ensure_reference_data()
    grants._CALL_PARTS.clear()  # a per-process cache by call id: ids repeat after a rollback
    centre = CentreFactory(is_hub=True)
    ngo = OrganisationFactory()
    personas = SimpleNamespace(
        centre=centre,
        ngo=ngo,
        staff=user_with_role(Role.STAFF, centre, username="api_staff"),
        expert=user_with_role(Role.EXPERT, username="api_expert"),
        researcher=user_with_role(Role.RESEARCHER, centre, username="api_researcher"),
        ngo_rep=representative_of(ngo, username="api_ngo"),
    )
    staff = personas.staff
    company = OrganisationFactory(kind=OrganisationKind.BUSINESS, founded_on=dt.date(2001, 5, 17))
    person = PersonFactory()
    TieFactory(person=person, organisation=personas.ngo, role=TieRole.LEADER)

    call = open_call(centre, actor=staff)
    application = submitted_application(call, personas.ngo, personas.ngo_rep)
    decided = open_call(centre, actor=staff)
    grants.application_decide(
        application=eligible_application(decided, company, representative_of(company), staff),
        actor=staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("300000"),
    )
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED):
        grants.call_set_status(call=decided, actor=staff, status=status)

    # A review round: one application scored (ranked), one not (rank null).
    round_ = review_round(personas, n_apps=2, n_experts=2, k=1)
    first, second = round_.applications
    assignment = reviews.assignment_override(
        application=first, actor=staff, reason="by hand", add_expert=round_.experts[0]
    )
    reviews.assignment_override(
        application=second, actor=staff, reason="by hand", add_expert=round_.experts[1]
    )
    reviews.review_save(
        assignment=assignment, actor=personas.expert, scores=full_scores(round_.call, 4), submit=True
    )

    course = CourseFactory(centre=centre, topic=Topic.FINANCE)
    session = SessionFactory(course=course, starts_on=dt.date.today() + dt.timedelta(days=14), capacity=5)
    learning.enrolment_apply(session=session, user=personas.ngo_rep, organisation=personas.ngo)
    consultation = learning.consultation_request(
        centre=centre,
        requested_by=personas.ngo_rep,
        organisation=personas.ngo,
        topic=Topic.LAW,
        subject="Устав",
        question="Как внести изменения в устав?",
    )

    event = EventFactory(centre=centre)
    EventSessionFactory(event=event).speakers.add(person)
    registration = RegistrationFactory(event=event)

    topic = TopicFactory()
    publication = PublicationFactory(centre=centre)
    publication.topics.add(topic)
    challenge = ChallengeFactory(centre=centre)
    challenge.publications.add(publication)

    partnership = PartnershipFactory(centre=centre, organisation_a=company, organisation_b=personas.ngo)
    director = PersonFactory()
    seat = TieFactory(
        person=director, organisation=personas.ngo, role=TieRole.BOARD_MEMBER, started_on=dt.date(2021, 1, 1)
    )
    GovernanceSeat.objects.create(
        tie=seat, centre=centre, main_affiliation=company, affiliation_sector="business"
    )
    advice = AdviceRequestFactory(centre=centre)

    study = make_study(personas)
    StudyMember.objects.create(study=study, user=staff)
    respondent = make_respondent(study)
    research.nomination_create(respondent=respondent, organisation=company, areas=["information"], rank=1)
    research.study_update(study=study, actor=personas.researcher, is_published=True)

    _token, clear = api_token_create(user=staff, name="schemathesis")
    return {
        "staff_headers": {"Authorization": f"Bearer {clear}"},
        "slug": call.slug,
        "published_slug": decided.slug,
        "review_slug": round_.call.slug,
        "pk": application.pk,
        "assignment_id": assignment.pk,
        "organisation_id": personas.ngo.pk,
        "company_id": company.pk,
        "person_id": person.pk,
        "director_id": director.pk,
        "centre_id": centre.pk,
        "session_id": session.pk,
        "consultation_id": consultation.pk,
        "event_id": event.pk,
        "registration_id": registration.pk,
        "publication_id": publication.pk,
        "challenge_id": challenge.pk,
        "partnership_id": partnership.pk,
        "membership_id": seat.pk,
        "request_id": advice.pk,
        "study_id": study.pk,
        "respondent_id": respondent.pk,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module (per xdist worker) in a transaction that is rolled back at the end;
    each test runs in a savepoint inside it, as Django's ``TestCase.setUpTestData`` does."""
    if not django_settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI runs these on PostgreSQL)")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                TestCase.captureOnCommitCallbacks(execute=True),
            ):
                data = _build_world()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(params=["anonymous", "staff"])
def caller(request, world) -> dict:
    return world["staff_headers"] if request.param == "staff" else {}


def _call_and_validate(case, headers: dict):
    """One request in a savepoint that is rolled back: every request sees the same data, and a database error
    in one (which would be a server error anyway) does not poison the next."""
    with transaction.atomic():
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)
    return response


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure is reproducible, CI is not a lottery
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests(case, caller):
    _call_and_validate(case, caller)


def _known(w: dict) -> dict[str, dict]:
    """Per operation, a request that reaches the world's objects (path parameters, query, body) and, where it is
    not 200 (201 for a POST), the status that the staff persona gets."""
    today = dt.date.today()
    return {
        "GET /api/v1/health": {},
        "GET /api/v1/accounts/me": {},
        "GET /api/v1/registry/organisations": {"query": {"q": "", "kind": "ngo", "sort": "-founded"}},
        "POST /api/v1/registry/organisations": {
            "body": {"name": "Фонд «Новая волна»", "kind": "ngo", "region_id": None, "fields": []}
        },
        "GET /api/v1/registry/organisations/{organisation_id}": {
            "path": {"organisation_id": w["organisation_id"]}
        },
        "PATCH /api/v1/registry/organisations/{organisation_id}": {
            "path": {"organisation_id": w["company_id"]},
            "body": {"city": "Самара", "founded_on": "2001-05-17"},
        },
        "GET /api/v1/registry/people": {"query": {"page_size": 5}},
        "GET /api/v1/registry/people/{person_id}": {"path": {"person_id": w["person_id"]}},
        "GET /api/v1/registry/regions": {},
        "GET /api/v1/registry/federal-districts": {},
        "GET /api/v1/registry/fields": {},
        "GET /api/v1/registry/legal-forms": {},
        "GET /api/v1/grants/calls": {"query": {"status": "open"}},
        "GET /api/v1/grants/calls/{slug}": {"path": {"slug": w["slug"]}},
        "GET /api/v1/grants/calls/{slug}/results": {"path": {"slug": w["published_slug"]}},
        "GET /api/v1/grants/calls/{slug}/results/360giving": {"path": {"slug": w["published_slug"]}},
        "GET /api/v1/grants/applications": {"query": {"call": w["slug"]}},
        "GET /api/v1/grants/applications/{pk}": {"path": {"pk": w["pk"]}},
        "POST /api/v1/grants/calls/{slug}/submissions": {
            "path": {"slug": w["slug"]},
            "body": {
                "organisation_id": w["organisation_id"],
                "idempotency_key": "6f1c8e52-4a0e-4d3b-9a51-1f0f3c2b7d10",
                "title": "Школа волонтёров",
            },
            "staff": 403,  # staff do not represent the organisation
        },
        "GET /api/v1/reviews/my/assignments": {},
        "GET /api/v1/reviews/my/assignments/{assignment_id}/evaluation": {
            "path": {"assignment_id": w["assignment_id"]},
            "staff": 404,  # the expert's own, hidden from everyone else
        },
        "GET /api/v1/reviews/calls/{slug}/assignments": {"path": {"slug": w["review_slug"]}},
        "GET /api/v1/reviews/calls/{slug}/ranking": {"path": {"slug": w["review_slug"]}},
        "GET /api/v1/learning/courses": {"query": {"topic": "finance", "limit": 10}},
        "GET /api/v1/learning/sessions": {"query": {"offset": 0}},
        "GET /api/v1/learning/enrolments": {},
        "POST /api/v1/learning/sessions/{session_id}/enrol": {
            "path": {"session_id": w["session_id"]},
            "body": {"motivation": "Хочу научиться вести учёт"},
        },
        "GET /api/v1/learning/consultations": {"query": {"status": "requested"}},
        "GET /api/v1/learning/consultations/{consultation_id}": {
            "path": {"consultation_id": w["consultation_id"]}
        },
        "POST /api/v1/learning/consultations": {
            "body": {
                "centre_id": w["centre_id"],
                "topic": "law",
                "subject": "Отчётность",
                "question": "Когда?",
            }
        },
        "GET /api/v1/events/events/": {"query": {"when": "upcoming"}},
        "GET /api/v1/events/events/{event_id}/": {"path": {"event_id": w["event_id"]}},
        "GET /api/v1/events/events/{event_id}/registrations/": {"path": {"event_id": w["event_id"]}},
        "POST /api/v1/events/events/{event_id}/registrations/{registration_id}/check-in/": {
            "path": {"event_id": w["event_id"], "registration_id": w["registration_id"]},
            "staff": 200,
        },
        "GET /api/v1/outreach/publications/": {"query": {"year": 2026}},
        "GET /api/v1/outreach/publications/{publication_id}/": {
            "path": {"publication_id": w["publication_id"]}
        },
        "GET /api/v1/outreach/challenges/": {},
        "GET /api/v1/outreach/challenges/{challenge_id}/": {"path": {"challenge_id": w["challenge_id"]}},
        "GET /api/v1/cooperation/partnerships": {"query": {"year": 2025}},
        "GET /api/v1/cooperation/partnerships/{partnership_id}": {
            "path": {"partnership_id": w["partnership_id"]}
        },
        "POST /api/v1/cooperation/partnerships": {
            "body": {
                "centre_id": w["centre_id"],
                "organisation_a_id": w["company_id"],
                "organisation_b_id": w["organisation_id"],
                "type": "pro_bono",
                "title": "Бухгалтерия pro bono",
                "started_on": str(today),
                "value": str(Decimal("120000.50")),
            }
        },
        "GET /api/v1/cooperation/memberships": {"query": {"role": "board_member"}},
        "GET /api/v1/cooperation/memberships/{membership_id}": {
            "path": {"membership_id": w["membership_id"]}
        },
        "POST /api/v1/cooperation/memberships": {
            "body": {
                "centre_id": w["centre_id"],
                "person_id": w["director_id"],
                "organisation_id": w["company_id"],
                "role": "board_member",
                "started_on": "2024-01-01",
            }
        },
        "GET /api/v1/cooperation/advice-requests": {"query": {"open": "true"}},
        "GET /api/v1/cooperation/advice-requests/{request_id}": {"path": {"request_id": w["request_id"]}},
        "POST /api/v1/cooperation/advice-requests": {
            "body": {
                "centre_id": w["centre_id"],
                "topic": "Стандарт поддержки НКО",
                "requester_id": w["company_id"],
                "received_on": str(today),
                "due_on": str(today + dt.timedelta(days=30)),
            }
        },
        "GET /api/v1/research/studies": {},
        "GET /api/v1/research/studies/{study_id}": {"path": {"study_id": w["study_id"]}},
        "GET /api/v1/research/studies/{study_id}/respondents": {"path": {"study_id": w["study_id"]}},
        "GET /api/v1/research/studies/{study_id}/nominations": {"path": {"study_id": w["study_id"]}},
        "POST /api/v1/research/studies/{study_id}/nominations": {
            "path": {"study_id": w["study_id"]},
            "body": {"respondent_id": w["respondent_id"], "name": "Клуб «Неведомый»", "areas": ["networks"]},
        },
        "GET /api/v1/research/studies/{study_id}/ranking": {"path": {"study_id": w["study_id"]}},
    }


def test_every_operation_has_a_known_request(world):
    assert sorted(_known(world)) == OPERATIONS


@pytest.mark.parametrize("operation", OPERATIONS)
def test_known_requests(operation, world, caller):
    method, path = operation.split(" ", 1)
    request = _known(world)[operation]
    operation_schema = schema[path][method]
    case = operation_schema.Case(
        path_parameters=request.get("path") or {},
        query=request.get("query") or {},
        **({"body": request["body"], "media_type": "application/json"} if "body" in request else {}),
    )
    response = _call_and_validate(case, caller)
    expected = request.get("staff", 201 if method == "POST" else 200)
    if not caller and operation_schema.definition.raw.get("security"):
        expected = 401
    assert response.status_code == expected, response.text
