"""API router of the learning app (mounted under /api/v1/learning/).

The catalogue is public; enrolments and consultations are the caller's own (staff: their centres').
The same selectors, filters and services serve the pages.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from resurs.learning import access, selectors, services
from resurs.learning.filters import ConsultationFilter, CourseFilter
from resurs.registry.models import Centre, Organisation

router = Router(tags=["learning"])
MAX_LIMIT = 200


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


class SessionOut(Schema):
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
    organisation_id: int | None = None
    motivation: str = ""


class ConsultationIn(Schema):
    centre_id: int
    organisation_id: int | None = None
    topic: str
    subject: str
    question: str


class Page(Schema):
    count: int
    limit: int
    offset: int


class CoursePage(Page):
    results: list[CourseOut]


class SessionPage(Page):
    results: list[SessionOut]


class EnrolmentPage(Page):
    results: list[EnrolmentOut]


class ConsultationPage(Page):
    results: list[ConsultationOut]


class Paging(Schema):
    limit: int = 50
    offset: int = 0


def _page(queryset, paging: Paging):
    limit = max(1, min(paging.limit, MAX_LIMIT))
    offset = max(0, paging.offset)
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
def course_list(request, paging: Query[Paging], topic: str = "", q: str = "", centre: int | None = None):
    params = {"topic": topic, "q": q, "centre": centre or ""}
    filtered = CourseFilter(params, queryset=selectors.course_list().filter(is_published=True))
    if not filtered.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in filtered.errors.items()))
    page = _page(filtered.qs.order_by("topic", "title"), paging)
    return {**page, "results": [_course(c) for c in page.pop("items")]}


@router.get("/sessions", response=SessionPage, auth=None, summary="Upcoming sessions (public)")
def session_list(request, paging: Query[Paging], course: int | None = None):
    queryset = selectors.upcoming_sessions()
    if course:
        queryset = queryset.filter(course_id=course)
    page = _page(queryset, paging)
    return {**page, "results": [_session(s) for s in page.pop("items")]}


@router.get("/enrolments", response=EnrolmentPage, summary="Your enrolments (staff: their centres')")
def enrolment_list(request, paging: Query[Paging]):
    page = _page(selectors.enrolment_list_for(request.auth).order_by("-session__starts_on", "pk"), paging)
    return {**page, "results": [_enrolment(e) for e in page.pop("items")]}


@router.post("/sessions/{session_id}/enrol", response={201: EnrolmentOut}, summary="Apply for a session")
def enrol(request, session_id: int, payload: EnrolIn):
    from django.http import Http404

    user = request.auth
    try:
        session = access.get_session_for_user(user, session_id)
    except Http404 as exc:
        raise HttpError(404, "Not found") from exc
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise HttpError(400, "organisation: unknown organisation")
    try:
        enrolment = services.enrolment_apply(
            session=session, user=user, organisation=organisation, motivation=payload.motivation
        )
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error
    return 201, _enrolment(enrolment)


@router.get("/consultations", response=ConsultationPage, summary="Your consultations (staff: their centres')")
def consultation_list(request, paging: Query[Paging], status: str = "", topic: str = ""):
    filtered = ConsultationFilter(
        {"status": status, "topic": topic}, queryset=selectors.consultation_list_for(request.auth)
    )
    if not filtered.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in filtered.errors.items()))
    page = _page(filtered.qs, paging)
    return {**page, "results": page.pop("items")}


@router.get("/consultations/{consultation_id}", response=ConsultationOut, summary="One consultation")
def consultation_get(request, consultation_id: int):
    from django.http import Http404

    try:
        return access.get_consultation_for_user(request.auth, consultation_id)
    except Http404 as exc:
        raise HttpError(404, "Not found") from exc


@router.post("/consultations", response={201: ConsultationOut}, summary="Ask for a consultation")
def consultation_create(request, payload: ConsultationIn):
    centre = get_object_or_404(Centre, pk=payload.centre_id)
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise HttpError(400, "organisation: unknown organisation")
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
    return 201, consultation
