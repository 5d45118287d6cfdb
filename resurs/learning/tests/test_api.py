import json

import pytest
from django.utils import translation

from resurs.learning import services
from resurs.learning.choices import EnrolmentStatus, Topic
from resurs.learning.models import Consultation, Enrolment
from resurs.learning.tests.factories import CourseFactory, SessionFactory

BASE = "/api/v1/learning"


@pytest.fixture
def catalogue(personas):
    course = CourseFactory(centre=personas.centre, title="Бухгалтерия НКО", topic=Topic.FINANCE)
    CourseFactory(centre=personas.centre, title="Скрытый курс", is_published=False)
    session = SessionFactory(course=course, capacity=1)
    return course, session


def test_catalogue_is_public_and_hides_unpublished(catalogue, client_for):
    response = client_for(None).get(f"{BASE}/courses")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["title"] == "Бухгалтерия НКО"
    assert body["results"][0]["upcoming_sessions"] == 1
    assert client_for(None).get(f"{BASE}/courses", {"topic": "law"}).json()["count"] == 0
    assert client_for(None).get(f"{BASE}/courses", {"topic": "nonsense"}).status_code == 422
    sessions = client_for(None).get(f"{BASE}/sessions").json()
    assert sessions["count"] == 1 and sessions["results"][0]["seats_taken"] == 0


def test_enrolments_and_consultations_need_authentication(db, client_for):
    anonymous = client_for(None)
    assert anonymous.get(f"{BASE}/enrolments").status_code == 401
    assert anonymous.get(f"{BASE}/consultations").status_code == 401


def test_enrol_through_the_api_then_waitlist_and_double(catalogue, personas, client_for):
    _course, session = catalogue
    url = f"{BASE}/sessions/{session.pk}/enrol"
    first = client_for(personas.ngo_rep).post(
        url, json.dumps({"organisation_id": personas.ngo.pk}), content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["status"] == "accepted"
    again = client_for(personas.ngo_rep).post(url, "{}", content_type="application/json")
    with translation.override("ru"):
        expected = translation.gettext("You have already applied for this session.")
    assert again.status_code == 400 and again.json()["detail"] == expected
    other = client_for(personas.outsider).post(url, "{}", content_type="application/json")
    assert other.json()["status"] == "waitlisted"
    foreign = client_for(personas.expert).post(
        url, json.dumps({"organisation_id": personas.ngo.pk}), content_type="application/json"
    )
    assert foreign.status_code == 400
    assert Enrolment.objects.filter(session=session).count() == 2


def test_enrolments_are_own_only_and_centre_staff_see_their_centre(
    catalogue, personas, client_for, django_assert_max_num_queries
):
    _course, session = catalogue
    Enrolment.objects.create(session=session, user=personas.ngo_rep, status=EnrolmentStatus.ACCEPTED)
    Enrolment.objects.create(session=session, user=personas.outsider, status=EnrolmentStatus.WAITLISTED)
    assert client_for(personas.ngo_rep).get(f"{BASE}/enrolments").json()["count"] == 1
    assert client_for(personas.expert).get(f"{BASE}/enrolments").json()["count"] == 0
    assert client_for(personas.other_staff).get(f"{BASE}/enrolments").json()["count"] == 0
    client = client_for(personas.staff)
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/enrolments").json()["count"] == 2


def test_consultations_own_only(personas, client_for, django_assert_max_num_queries):
    created = client_for(personas.ngo_rep).post(
        f"{BASE}/consultations",
        json.dumps(
            {
                "centre_id": personas.centre.pk,
                "organisation_id": personas.ngo.pk,
                "topic": "law",
                "subject": "Устав",
                "question": "Как внести изменения?",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["respond_by"] is not None
    services.consultation_request(
        centre=personas.other_centre,
        requested_by=personas.outsider,
        topic=Topic.PR,
        subject="Другое",
        question="?",
    )
    assert client_for(personas.ngo_rep).get(f"{BASE}/consultations").json()["count"] == 1
    assert client_for(personas.other_staff).get(f"{BASE}/consultations").json()["count"] == 1
    assert client_for(personas.other_staff).get(f"{BASE}/consultations/{pk}").status_code == 404
    assert client_for(personas.staff).get(f"{BASE}/consultations/{pk}").status_code == 200
    client = client_for(personas.admin)
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/consultations").json()["count"] == 2
    bad = client_for(personas.outsider).post(
        f"{BASE}/consultations",
        json.dumps(
            {
                "centre_id": personas.centre.pk,
                "organisation_id": personas.ngo.pk,
                "topic": "law",
                "subject": "x",
                "question": "y",
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert Consultation.objects.count() == 2
