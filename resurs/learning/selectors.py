"""Reads of the learning app: querysets already filtered to what a user may see, summaries and service quality."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from resurs.accounts.access import is_admin
from resurs.accounts.choices import Role
from resurs.learning.access import (
    assessments_visible_q,
    consultations_visible_q,
    enrolments_visible_q,
    managed_centre_ids,
    project_reviews_visible_q,
)
from resurs.learning.choices import (
    OPEN_CONSULTATION,
    AssessmentStatus,
    EnrolmentStatus,
    SessionStatus,
    Topic,
)
from resurs.learning.models import (
    Area,
    AreaScore,
    Assessment,
    Attendance,
    Certificate,
    Consultation,
    Course,
    Enrolment,
    Feedback,
    Programme,
    ProjectReview,
    Session,
    SessionDay,
)

# --- catalogue ---------------------------------------------------------------------------------------------


def course_list(*, include_unpublished_for=None):
    """Published courses with their centre and the number of upcoming sessions (one query). The number is a
    subquery a course, not a join grouped by course: a search of the catalogue then reads the trigram indexes
    of the courses' titles and summaries (learning 0004) instead of walking the courses in grouping order."""
    today = timezone.localdate()
    upcoming = (
        Session.objects.filter(course=OuterRef("pk"), starts_on__gte=today, status=SessionStatus.PLANNED)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = Course.objects.select_related("centre__organisation", "programme").annotate(
        upcoming=Coalesce(Subquery(upcoming), 0)
    )
    user = include_unpublished_for
    if user is not None and is_admin(user):
        return queryset
    managed = managed_centre_ids(user) if user is not None else set()
    return queryset.filter(Q(is_published=True) | Q(centre_id__in=managed))


def programme_list():
    return (
        Programme.objects.filter(is_published=True)
        .select_related("centre__organisation")
        .annotate(course_count=Count("courses", filter=Q(courses__is_published=True)))
    )


def session_list():
    """Sessions of published courses with their seat counts."""
    return (
        Session.objects.filter(course__is_published=True)
        .select_related("course__centre__organisation", "trainer")
        .annotate(
            accepted=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACCEPTED)),
            waitlisted=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        )
    )


def upcoming_sessions(*, limit: int | None = None):
    today = timezone.localdate()
    queryset = (
        session_list().filter(starts_on__gte=today, status=SessionStatus.PLANNED).order_by("starts_on", "pk")
    )
    return queryset[:limit] if limit else queryset


def session_roster(session: Session):
    """Enrolments of a session with their attendance, ordered for the register (two queries)."""
    return (
        session.enrolments.select_related("user", "organisation")
        .prefetch_related("attendance__day")
        .annotate(present_days=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("status", "created_at", "pk")
    )


def trainers_of(centre):
    """Users who hold the trainer role for ``centre``."""
    from resurs.accounts.models import User

    return (
        User.objects.filter(role_assignments__role=Role.TRAINER)
        .filter(Q(role_assignments__centre=centre) | Q(role_assignments__centre__isnull=True))
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- enrolments --------------------------------------------------------------------------------------------


def enrolment_list_for(user):
    return (
        Enrolment.objects.filter(enrolments_visible_q(user))
        .select_related("session__course__centre__organisation", "organisation", "user")
        .annotate(has_feedback=Exists(Feedback.objects.filter(enrolment=OuterRef("pk"))))
    )


def applications_to_decide(user):
    """Applications for upcoming sessions of the centres the user manages, oldest first."""
    queryset = Enrolment.objects.filter(
        status=EnrolmentStatus.APPLIED, session__ends_on__gte=timezone.localdate()
    ).select_related("session__course", "user")
    if not is_admin(user):
        queryset = queryset.filter(session__course__centre_id__in=managed_centre_ids(user))
    return queryset.order_by("created_at", "pk")


def my_enrolments(user):
    """The user's own enrolments with certificates (for "My learning")."""
    return (
        Enrolment.objects.filter(user=user)
        .select_related("session__course__centre__organisation", "organisation", "certificate")
        .annotate(has_feedback=Exists(Feedback.objects.filter(enrolment=OuterRef("pk"))))
        .order_by("-session__starts_on", "-pk")
    )


def certificate_by_code(code: str) -> Certificate | None:
    normalised = (code or "").strip().upper()
    if not normalised:
        return None
    return (
        Certificate.objects.filter(code=normalised)
        .select_related("enrolment__session__course__centre__organisation", "enrolment__organisation")
        .first()
    )


# --- feedback summaries ------------------------------------------------------------------------------------

RATING_FIELDS = ["rating_content", "rating_trainer", "rating_organisation", "rating_overall"]


def feedback_summary(queryset) -> dict:
    """Average of each question and the number of answers over a Feedback queryset."""
    return queryset.aggregate(count=Count("pk"), **{name: Avg(name) for name in RATING_FIELDS})


def feedback_by_trainer(centre_ids: set[int] | None = None) -> list[dict]:
    queryset = Feedback.objects.filter(enrolment__session__trainer__isnull=False)
    if centre_ids is not None:
        queryset = queryset.filter(enrolment__session__course__centre_id__in=centre_ids)
    return list(
        queryset.values(
            "enrolment__session__trainer_id",
            "enrolment__session__trainer__last_name",
            "enrolment__session__trainer__first_name",
        )
        .annotate(count=Count("pk"), **{name: Avg(name) for name in RATING_FIELDS})
        .order_by("enrolment__session__trainer__last_name")
    )


def feedback_by_course(centre_ids: set[int] | None = None) -> list[dict]:
    queryset = Feedback.objects.all()
    if centre_ids is not None:
        queryset = queryset.filter(enrolment__session__course__centre_id__in=centre_ids)
    return list(
        queryset.values("enrolment__session__course_id", "enrolment__session__course__title")
        .annotate(count=Count("pk"), **{name: Avg(name) for name in RATING_FIELDS})
        .order_by("enrolment__session__course__title")
    )


# --- consultations -----------------------------------------------------------------------------------------


def consultation_list_for(user):
    return Consultation.objects.filter(consultations_visible_q(user)).select_related(
        "centre__organisation", "organisation", "consultant", "requested_by"
    )


def consultation_queue(user):
    """Open consultations a staff member triages or a consultant works on, most urgent first."""
    queryset = consultation_list_for(user).filter(status__in=OPEN_CONSULTATION)
    if not is_admin(user) and not managed_centre_ids(user):
        queryset = queryset.filter(consultant=user)
    return queryset.order_by("respond_by", "pk")


# --- project reviews and assessments -----------------------------------------------------------------------


def project_review_list_for(user):
    return ProjectReview.objects.filter(project_reviews_visible_q(user)).select_related(
        "centre__organisation", "organisation", "evaluator"
    )


def assessment_list_for(user):
    return Assessment.objects.filter(assessments_visible_q(user)).select_related(
        "instrument", "organisation", "conducted_by"
    )


def assessment_history(organisation, instrument) -> dict:
    """Submitted waves of an organisation, the score per area per wave, and the change from the first to the
    last wave of each kind."""
    areas = list(instrument.areas.all())
    assessments = list(
        Assessment.objects.filter(
            organisation=organisation, instrument=instrument, status=AssessmentStatus.SUBMITTED
        )
        .prefetch_related(Prefetch("scores", queryset=AreaScore.objects.select_related("area")))
        .order_by("wave", "kind")
    )
    waves = []
    for assessment in assessments:
        by_area = {s.area_id: s.score for s in assessment.scores.all()}
        waves.append({"assessment": assessment, "scores": [by_area.get(a.pk) for a in areas]})
    rows = []
    for index, area in enumerate(areas):
        values = [w["scores"][index] for w in waves]
        known = [v for v in values if v is not None]
        rows.append(
            {"area": area, "values": values, "change": (known[-1] - known[0]) if len(known) > 1 else None}
        )
    return {"areas": areas, "waves": waves, "rows": rows}


def action_plan(assessment: Assessment) -> list[dict]:
    """For each weak area (level 1 or 2): the upcoming courses on its topic and the organisation's
    consultations on that topic, so that the plan links straight to what addresses it."""
    scores = list(assessment.scores.select_related("area").filter(score__lte=2))
    if not scores:
        return []
    topics = {s.area.topic for s in scores}
    today = timezone.localdate()
    courses_by_topic: dict[str, list] = defaultdict(list)
    for session in (
        upcoming_sessions().filter(course__topic__in=topics, starts_on__gte=today).order_by("starts_on")[:60]
    ):
        if len(courses_by_topic[session.course.topic]) < 3:
            courses_by_topic[session.course.topic].append(session)
    consultations_by_topic: dict[str, list] = defaultdict(list)
    for consultation in Consultation.objects.filter(
        organisation=assessment.organisation, topic__in=topics
    ).order_by("-requested_at")[:30]:
        consultations_by_topic[consultation.topic].append(consultation)
    return [
        {
            "area": score.area,
            "score": score.score,
            "topic": Topic(score.area.topic).label,
            "topic_code": score.area.topic,
            "sessions": courses_by_topic.get(score.area.topic, []),
            "consultations": consultations_by_topic.get(score.area.topic, []),
        }
        for score in scores
    ]


# --- an organisation's services ----------------------------------------------------------------------------


def services_for_organisation(org) -> dict:
    """Every service an organisation received: training, consultations, project evaluations, assessments.

    For the registry profile (``learning/partials/_organisation_services.html``); four queries.
    """
    enrolments = list(
        Enrolment.objects.filter(organisation=org)
        .exclude(status__in=[EnrolmentStatus.CANCELLED, EnrolmentStatus.DECLINED])
        .select_related("session__course__centre__organisation", "user")
        .order_by("-session__starts_on")[:50]
    )
    consultations = list(
        Consultation.objects.filter(organisation=org)
        .select_related("centre__organisation")
        .order_by("-requested_at")[:50]
    )
    reviews = list(ProjectReview.objects.filter(organisation=org).order_by("-created_at")[:20])
    assessments = list(
        Assessment.objects.filter(organisation=org, status=AssessmentStatus.SUBMITTED)
        .select_related("instrument")
        .order_by("-conducted_on")[:20]
    )
    return {
        "organisation": org,
        "enrolments": enrolments,
        "completed": sum(1 for e in enrolments if e.completed_at),
        "consultations": consultations,
        "consulting_minutes": sum(c.minutes_spent for c in consultations),
        "project_reviews": reviews,
        "assessments": assessments,
        "total": len(enrolments) + len(consultations) + len(reviews) + len(assessments),
    }


# --- service quality ---------------------------------------------------------------------------------------


@dataclass
class Quality:
    """Service-quality figures of one centre (or the network) over a period."""

    organisations: set = field(default_factory=set)
    sessions: int = 0
    training_hours: float = 0
    participant_hours: float = 0
    participants: int = 0
    completed: int = 0
    finished_enrolments: int = 0
    attendance_present: int = 0
    attendance_marked: int = 0
    feedback_count: int = 0
    feedback_sum: float = 0
    consultations: int = 0
    consulting_minutes: int = 0
    consultation_ratings: list = field(default_factory=list)
    response_hours: list = field(default_factory=list)
    responded_in_time: int = 0
    responded: int = 0

    @property
    def organisations_served(self) -> int:
        return len(self.organisations)

    @property
    def consulting_hours(self) -> float:
        return round(self.consulting_minutes / 60, 1)

    @property
    def attendance_rate(self) -> float | None:
        return self.attendance_present / self.attendance_marked if self.attendance_marked else None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.finished_enrolments if self.finished_enrolments else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.feedback_sum / self.feedback_count, 2) if self.feedback_count else None

    @property
    def consultation_rating(self) -> float | None:
        ratings = self.consultation_ratings
        return round(sum(ratings) / len(ratings), 2) if ratings else None

    @property
    def median_response_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 1) if self.response_hours else None

    @property
    def in_time_rate(self) -> float | None:
        return self.responded_in_time / self.responded if self.responded else None


def service_quality(*, start: dt.date, end: dt.date, centre_ids: set[int] | None = None) -> dict:
    """Figures per centre and for all of them together over [start, end]; a fixed number of queries."""
    per: dict[int, Quality] = defaultdict(Quality)
    total = Quality()
    today = timezone.localdate()

    def scoped(queryset, path: str):
        return queryset if centre_ids is None else queryset.filter(**{f"{path}__in": centre_ids})

    sessions = scoped(
        Session.objects.filter(
            starts_on__range=(start, end), status=SessionStatus.PLANNED, starts_on__lte=today
        ),
        "course__centre_id",
    )
    days_per_session = dict(
        SessionDay.objects.filter(session__in=sessions).values_list("session_id").annotate(n=Count("pk"))
    )
    for row in sessions.values("pk", "course__centre_id", "course__hours"):
        for quality in (per[row["course__centre_id"]], total):
            quality.sessions += 1
            quality.training_hours += row["course__hours"]

    enrolments = Enrolment.objects.filter(session__in=sessions, status=EnrolmentStatus.ACCEPTED)
    for row in enrolments.values(
        "organisation_id", "session__course__centre_id", "session__ends_on", "completed_at"
    ):
        centre = row["session__course__centre_id"]
        for quality in (per[centre], total):
            quality.participants += 1
            if row["organisation_id"]:
                quality.organisations.add(row["organisation_id"])
            if row["session__ends_on"] < today:
                quality.finished_enrolments += 1
                quality.completed += row["completed_at"] is not None

    attendance = (
        Attendance.objects.filter(enrolment__in=enrolments)
        .values(
            "enrolment__session_id",
            "enrolment__session__course__centre_id",
            "enrolment__session__course__hours",
        )
        .annotate(marked=Count("pk"), present=Count("pk", filter=Q(present=True)))
    )
    for row in attendance:
        centre = row["enrolment__session__course__centre_id"]
        days = days_per_session.get(row["enrolment__session_id"]) or 1
        hours = row["enrolment__session__course__hours"] * row["present"] / days
        for quality in (per[centre], total):
            quality.attendance_marked += row["marked"]
            quality.attendance_present += row["present"]
            quality.participant_hours += hours

    feedback = (
        Feedback.objects.filter(enrolment__session__in=sessions)
        .values("enrolment__session__course__centre_id")
        .annotate(n=Count("pk"), s=Sum("rating_overall"))
    )
    for row in feedback:
        for quality in (per[row["enrolment__session__course__centre_id"]], total):
            quality.feedback_count += row["n"]
            quality.feedback_sum += row["s"] or 0

    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    end_at = timezone.make_aware(dt.datetime.combine(end, dt.time.max))
    consultations = scoped(Consultation.objects.filter(requested_at__range=(start_at, end_at)), "centre_id")
    for row in consultations.values(
        "centre_id",
        "organisation_id",
        "minutes_spent",
        "rating",
        "requested_at",
        "first_response_at",
        "respond_by",
    ):
        for quality in (per[row["centre_id"]], total):
            quality.consultations += 1
            quality.consulting_minutes += row["minutes_spent"]
            if row["organisation_id"]:
                quality.organisations.add(row["organisation_id"])
            if row["rating"] is not None:
                quality.consultation_ratings.append(row["rating"])
            if row["first_response_at"] is not None:
                quality.responded += 1
                quality.response_hours.append(
                    (row["first_response_at"] - row["requested_at"]).total_seconds() / 3600
                )
                if row["respond_by"] is None or row["first_response_at"] <= row["respond_by"]:
                    quality.responded_in_time += 1
    return {"total": total, "per_centre": dict(per)}


def organisations_breakdown(organisation_ids: set[int]) -> dict:
    """Organisations served, by region and by kind (one query)."""
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.models import Organisation

    english = (get_language() or "ru").startswith("en")
    by_region: Counter = Counter()
    by_kind: Counter = Counter()
    for region_ru, region_en, kind in Organisation.objects.filter(pk__in=organisation_ids).values_list(
        "region__name_ru", "region__name_en", "kind"
    ):
        by_region[(english and region_en) or region_ru or "—"] += 1
        by_kind[str(OrganisationKind(kind).label) if kind in OrganisationKind.values else kind] += 1
    return {"by_region": by_region.most_common(), "by_kind": by_kind.most_common()}


def monthly_activity(*, start: dt.date, end: dt.date, centre_ids: set[int] | None = None) -> dict:
    """Participants of sessions and consultations requested, per month (for the chart)."""
    from django.db.models.functions import TruncMonth

    enrolments = Enrolment.objects.filter(
        status=EnrolmentStatus.ACCEPTED, session__starts_on__range=(start, end)
    )
    consultations = Consultation.objects.filter(requested_at__date__range=(start, end))
    if centre_ids is not None:
        enrolments = enrolments.filter(session__course__centre_id__in=centre_ids)
        consultations = consultations.filter(centre_id__in=centre_ids)
    participants = dict(
        enrolments.annotate(m=TruncMonth("session__starts_on")).values_list("m").annotate(n=Count("pk"))
    )
    asked = dict(
        consultations.annotate(m=TruncMonth("requested_at")).values_list("m").annotate(n=Count("pk"))
    )
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)

    def value(table, month):
        for key, n in table.items():
            key_date = key.date() if isinstance(key, dt.datetime) else key
            if key_date.year == month.year and key_date.month == month.month:
                return n
        return 0

    return {
        "months": months,
        "participants": [value(participants, m) for m in months],
        "consultations": [value(asked, m) for m in months],
    }


def area_topic_courses(area: Area):
    return upcoming_sessions().filter(course__topic=area.topic)


def home_sessions(limit: int = 6):
    """The next ``limit`` upcoming sessions with their seat counts. The sessions are chosen first and their
    enrolments counted after, so that only theirs are read (grouped over every upcoming session's enrolments,
    200,000 of them nationally, the home page waited 100-200 ms)."""
    today = timezone.localdate()
    ids = list(
        Session.objects.filter(course__is_published=True, starts_on__gte=today, status=SessionStatus.PLANNED)
        .order_by("starts_on", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return list(session_list().filter(pk__in=ids).order_by("starts_on", "pk")) if ids else []


def consultation_status_counts(user) -> dict:
    return dict(consultation_list_for(user).values_list("status").annotate(n=Count("pk")).order_by())


def service_edges():
    """(centre's organisation id, served organisation id) for every organisation a centre trained, consulted or
    evaluated. Used by the sector network."""
    from resurs.learning.models import Consultation, Enrolment, ProjectReview

    seen: set[tuple[int, int]] = set()
    sources = [
        Enrolment.objects.exclude(organisation=None).values_list(
            "session__course__centre__organisation_id", "organisation_id"
        ),
        Consultation.objects.exclude(organisation=None).values_list(
            "centre__organisation_id", "organisation_id"
        ),
        ProjectReview.objects.exclude(organisation=None).values_list(
            "centre__organisation_id", "organisation_id"
        ),
    ]
    for rows in sources:
        for pair in rows.distinct().iterator(chunk_size=5000):
            if pair not in seen and pair[0] != pair[1]:
                seen.add(pair)
                yield pair
