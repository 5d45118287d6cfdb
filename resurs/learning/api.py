"""API router of the learning app (mounted under /api/v1/learning/).

The catalogue is public; enrolments and consultations are the caller's own (staff: their centres').
The same selectors, filters and services serve the pages.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from resurs.core.api import (
    MAX_LIMIT,
    ColumnText,
    ErrorOut,
    Id,
    LimitOffsetIn,
    Search,
    StrictId,
    choice,
    filtered,
)
from resurs.learning import access, selectors, services
from resurs.learning.choices import ConsultationStatus, Topic
from resurs.learning.filters import ConsultationFilter, CourseFilter
from resurs.learning.models import Consultation, Enrolment
from resurs.registry.models import Centre, Organisation

router = Router(tags=["learning"])


class CentreOut(Schema):
    id: int
    name: str


class CourseOut(Schema):
    id: int
    title: str
    topic: str
    summary: str
    hours: int
    centre: CentreOut
    programme_id: int | None
    upcoming_sessions: int


class CourseSessionOut(Schema):
    id: int
    course_id: int
    course_title: str
    starts_on: dt.date
    ends_on: dt.date
    format: str
    venue: str
    capacity: int
    seats_taken: int
    trainer: str | None


class EnrolmentOut(Schema):
    id: int
    session_id: int
    course_title: str
    starts_on: dt.date
    status: str
    organisation_id: int | None
    completed: bool


class ConsultationOut(Schema):
    id: int
    centre_id: int
    organisation_id: int | None
    topic: str
    subject: str
    status: str
    requested_at: dt.datetime
    respond_by: dt.datetime | None
    first_response_at: dt.datetime | None
    answered_at: dt.datetime | None
    minutes_spent: int
    rating: int | None


class EnrolIn(Schema):
    organisation_id: StrictId | None = None
    motivation: ColumnText(Enrolment, "motivation") = ""


class ConsultationIn(Schema):
    centre_id: StrictId
    organisation_id: StrictId | None = None
    topic: choice(Topic)
    subject: ColumnText(Consultation, "subject", min_length=1)
    question: ColumnText(Consultation, "question", min_length=1)


class Page(Schema):
    count: int
    limit: int
    offset: int


class CoursePage(Page):
    results: list[CourseOut]


class SessionPage(Page):
    results: list[CourseSessionOut]


class EnrolmentPage(Page):
    results: list[EnrolmentOut]


class ConsultationPage(Page):
    results: list[ConsultationOut]


class Paging(LimitOffsetIn):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


class CourseFilterIn(Paging):
    topic: choice(Topic) | None = None
    q: Search | None = None
    centre: Id | None = None


class SessionFilterIn(Paging):
    course: Id | None = None


class ConsultationFilterIn(Paging):
    status: choice(ConsultationStatus) | None = None
    topic: choice(Topic) | None = None


def _page(queryset, paging: Paging):
    offset, limit = paging.offset, paging.limit
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(queryset[offset : offset + limit]),
    }


def _course(c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "topic": c.topic,
        "summary": c.summary,
        "hours": c.hours,
        "centre": {"id": c.centre_id, "name": str(c.centre)},
        "programme_id": c.programme_id,
        "upcoming_sessions": c.upcoming,
    }


def _session(s) -> dict:
    return {
        "id": s.pk,
        "course_id": s.course_id,
        "course_title": s.course.title,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "format": s.format,
        "venue": s.venue,
        "capacity": s.capacity,
        "seats_taken": getattr(s, "accepted", 0),
        "trainer": str(s.trainer) if s.trainer_id else None,
    }


def _enrolment(e) -> dict:
    return {
        "id": e.pk,
        "session_id": e.session_id,
        "course_title": e.session.course.title,
        "starts_on": e.session.starts_on,
        "status": e.status,
        "organisation_id": e.organisation_id,
        "completed": e.completed_at is not None,
    }


@router.get("/courses", response=CoursePage, auth=None, summary="The public course catalogue")
def course_list(request, filters: Query[CourseFilterIn]):
    params = filters.dict(include={"topic", "q", "centre"}, exclude_none=True)
    courses = filtered(CourseFilter(params, queryset=selectors.course_list().filter(is_published=True)))
    page = _page(courses.order_by("topic", "title"), filters)
    return {**page, "results": [_course(c) for c in page.pop("items")]}


@router.get("/sessions", response=SessionPage, auth=None, summary="Upcoming sessions (public)")
def session_list(request, filters: Query[SessionFilterIn]):
    queryset = selectors.upcoming_sessions()
    if filters.course:
        queryset = queryset.filter(course_id=filters.course)
    page = _page(queryset, filters)
    return {**page, "results": [_session(s) for s in page.pop("items")]}


@router.get("/enrolments", response=EnrolmentPage, summary="Your enrolments (staff: their centres')")
def enrolment_list(request, paging: Query[Paging]):
    page = _page(selectors.enrolment_list_for(request.auth).order_by("-session__starts_on", "pk"), paging)
    return {**page, "results": [_enrolment(e) for e in page.pop("items")]}


def _organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation_id": [_("No such organisation in the registry.")]})
    return organisation


@router.post(
    "/sessions/{session_id}/enrol",
    response={201: EnrolmentOut, 400: ErrorOut},
    summary="Apply for a session",
)
def enrol(request, session_id: Id, payload: EnrolIn):
    """400 when the session does not take this application (already applied, closed, an organisation the
    caller does not represent)."""
    user = request.auth
    session = access.get_session_for_user(user, session_id)
    organisation = _organisation(payload.organisation_id)
    try:
        enrolment = services.enrolment_apply(
            session=session, user=user, organisation=organisation, motivation=payload.motivation
        )
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error
    return Status(201, _enrolment(enrolment))


@router.get("/consultations", response=ConsultationPage, summary="Your consultations (staff: their centres')")
def consultation_list(request, filters: Query[ConsultationFilterIn]):
    params = filters.dict(include={"status", "topic"}, exclude_none=True)
    consultations = filtered(
        ConsultationFilter(params, queryset=selectors.consultation_list_for(request.auth))
    )
    page = _page(consultations, filters)
    return {**page, "results": page.pop("items")}


@router.get("/consultations/{consultation_id}", response=ConsultationOut, summary="One consultation")
def consultation_get(request, consultation_id: Id):
    return access.get_consultation_for_user(request.auth, consultation_id)


@router.post(
    "/consultations", response={201: ConsultationOut, 400: ErrorOut}, summary="Ask for a consultation"
)
def consultation_create(request, payload: ConsultationIn):
    centre = Centre.objects.filter(pk=payload.centre_id).first()
    if centre is None:
        raise ValidationError({"centre_id": [_("No such centre.")]})
    organisation = _organisation(payload.organisation_id)
    try:
        consultation = services.consultation_request(
            centre=centre,
            requested_by=request.auth,
            organisation=organisation,
            topic=payload.topic,
            subject=payload.subject,
            question=payload.question,
        )
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error
    return Status(201, consultation)
