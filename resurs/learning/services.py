"""Writes of the learning app: catalogue, enrolment and waitlist, attendance, completion and certificates,
feedback, consultations, project evaluations and capacity assessments."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from decimal import Decimal

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from resurs.accounts.access import represented_organisation_ids
from resurs.core import precomputed
from resurs.core.audit import audit_event
from resurs.learning.choices import (
    ACTIVE_ENROLMENT,
    AssessmentKind,
    AssessmentStatus,
    ConsultationStatus,
    EnrolmentStatus,
    ProjectReviewStatus,
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
    ConsultationAttachment,
    Course,
    Enrolment,
    Feedback,
    Instrument,
    Material,
    ProjectReview,
    Session,
    SessionDay,
)
from resurs.notifications.services import email_send

# The service-quality page is precomputed under this topic: every service that changes sessions, enrolments,
# attendance, feedback, certificates or consultations marks it changed.
QUALITY_TOPIC = "learning-quality"
FIRST_RESPONSE_WORKING_DAYS = 2
CERTIFICATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


# ---------------------------------------------------------------------------------------------------------------
# Catalogue


@transaction.atomic
def course_save(*, course: Course, actor) -> Course:
    """Create or change a course (the view has checked that ``actor`` manages ``course.centre``)."""
    created = course.pk is None
    course.full_clean()
    course.save()
    audit_event(actor=actor, obj=course, action="course_created" if created else "course_changed")
    return course


def _days_between(starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    return [starts_on + dt.timedelta(days=i) for i in range((ends_on - starts_on).days + 1)]


@transaction.atomic
def session_save(*, session: Session, actor, days: list[dt.date] | None = None) -> Session:
    """Create or change a session. ``days`` are the dates it meets (default: every day from start to end).

    Days that already have attendance are kept; a day outside the new dates is refused rather than lost.
    """
    precomputed.data_changed(QUALITY_TOPIC)
    session.full_clean()
    wanted = sorted(set(days or _days_between(session.starts_on, session.ends_on)))
    outside = [d for d in wanted if not session.starts_on <= d <= session.ends_on]
    if outside:
        raise ValidationError(
            {
                "days": [
                    _("%(date)s is outside the session's dates.") % {"date": outside[0].strftime("%d.%m.%Y")}
                ]
            }
        )
    created = session.pk is None
    previous_status = None if created else _lock_session(session).status
    session.save()
    existing = {d.date: d for d in session.days.all()}
    dropped = [day for date, day in existing.items() if date not in wanted]
    if any(day.attendance.exists() for day in dropped):
        raise ValidationError({"days": [_("A day with marked attendance cannot be removed.")]})
    for day in dropped:
        day.delete()
    SessionDay.objects.bulk_create([SessionDay(session=session, date=d) for d in wanted if d not in existing])
    audit_event(actor=actor, obj=session, action="session_created" if created else "session_changed")
    if not created:
        if session.status == SessionStatus.CANCELLED and previous_status != SessionStatus.CANCELLED:
            for enrolment in session.enrolments.filter(status__in=ACTIVE_ENROLMENT).select_related("user"):
                _notify_enrolment(enrolment, "session_cancelled")
        elif session.status == SessionStatus.PLANNED:
            _promote_waitlist(session, actor=actor)  # more seats may have been added
    return session


@transaction.atomic
def material_add(*, session: Session, title: str, file=None, url: str = "") -> Material:
    material = Material(
        session=session, title=title, file=file or "", original_name=file.name[:255] if file else "", url=url
    )
    if not file and not url:
        raise ValidationError({"url": [_("Give a link or attach a file.")]})
    material.full_clean()
    material.save()
    return material


# ---------------------------------------------------------------------------------------------------------------
# Enrolment and the waitlist


def _lock_session(session: Session) -> Session:
    """Every change to a session's seats locks the session row first (the one fixed lock order)."""
    return Session.objects.select_for_update().select_related("course").get(pk=session.pk)


def _accepted_count(session: Session) -> int:
    return session.enrolments.filter(status=EnrolmentStatus.ACCEPTED).count()


def _notify_enrolment(enrolment: Enrolment, event: str) -> None:
    user = enrolment.user
    email_send(
        to=user.email,
        template=f"learning/email/enrolment_{event}",
        context={"enrolment": enrolment, "session": enrolment.session, "course": enrolment.session.course},
        language=getattr(user, "preferred_language", "ru"),
        related=enrolment,
        key=f"learning:enrolment:{enrolment.pk}:{event}:{enrolment.updated_at.timestamp():.0f}",
    )


@transaction.atomic
def enrolment_apply(*, session: Session, user, organisation=None, motivation: str = "") -> Enrolment:
    """Apply for a session. A full session puts the applicant on the waitlist; a second active application
    is refused with a clear message."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, QUALITY_TOPIC)
    session = _lock_session(session)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("This session has been cancelled."))
    if session.ends_on < timezone.localdate():
        raise ValidationError(_("This session is over; choose an upcoming one."))
    if organisation is not None and organisation.pk not in represented_organisation_ids(user):
        raise ValidationError({"organisation": [_("You do not represent this organisation.")]})
    if session.enrolments.filter(user=user, status__in=ACTIVE_ENROLMENT).exists():
        raise ValidationError(_("You have already applied for this session."))
    full = _accepted_count(session) >= session.capacity
    if full:
        status = EnrolmentStatus.WAITLISTED
    elif session.requires_approval:
        status = EnrolmentStatus.APPLIED
    else:
        status = EnrolmentStatus.ACCEPTED
    enrolment = Enrolment(
        session=session, user=user, organisation=organisation, status=status, motivation=motivation
    )
    if status == EnrolmentStatus.ACCEPTED:
        enrolment.decided_at = timezone.now()
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:  # a concurrent double click: the constraint has the last word
        raise ValidationError(_("You have already applied for this session.")) from exc
    _notify_enrolment(enrolment, status)
    return enrolment


def _set_status(enrolment: Enrolment, frm: list[str], to: str, **fields) -> bool:
    """Conditional update: changes the row only if it is still in one of ``frm`` (no check-then-act)."""
    changed = Enrolment.objects.filter(pk=enrolment.pk, status__in=frm).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if changed:
        enrolment.refresh_from_db()
    return bool(changed)


@transaction.atomic
def enrolment_accept(*, enrolment: Enrolment, actor) -> Enrolment:
    """Staff accept an application (or a waitlisted person) while seats remain."""
    precomputed.data_changed(QUALITY_TOPIC)
    session = _lock_session(enrolment.session)
    if _accepted_count(session) >= session.capacity:
        raise ValidationError(_("The session is full: keep the applicant on the waitlist or add seats."))
    if not _set_status(
        enrolment,
        [EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED],
        EnrolmentStatus.ACCEPTED,
        decided_at=timezone.now(),
    ):
        raise ValidationError(_("Only an application or a waitlisted enrolment can be accepted."))
    audit_event(actor=actor, obj=enrolment, action="enrolment_accepted")
    _notify_enrolment(enrolment, "accepted")
    return enrolment


@transaction.atomic
def enrolment_waitlist(*, enrolment: Enrolment, actor) -> Enrolment:
    precomputed.data_changed(QUALITY_TOPIC)
    _lock_session(enrolment.session)
    if not _set_status(
        enrolment,
        [EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED],
        EnrolmentStatus.WAITLISTED,
        decided_at=timezone.now(),
    ):
        raise ValidationError(_("Only an application or an accepted enrolment can be waitlisted."))
    audit_event(actor=actor, obj=enrolment, action="enrolment_waitlisted")
    _notify_enrolment(enrolment, "waitlisted")
    _promote_waitlist(enrolment.session, actor=actor)
    return enrolment


@transaction.atomic
def enrolment_decline(*, enrolment: Enrolment, actor) -> Enrolment:
    precomputed.data_changed(QUALITY_TOPIC)
    _lock_session(enrolment.session)
    if not _set_status(
        enrolment,
        [EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED],
        EnrolmentStatus.DECLINED,
        decided_at=timezone.now(),
    ):
        raise ValidationError(_("Only an application or a waitlisted enrolment can be declined."))
    audit_event(actor=actor, obj=enrolment, action="enrolment_declined")
    _notify_enrolment(enrolment, "declined")
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, actor) -> list[Enrolment]:
    """Cancel an enrolment and give freed seats to the waitlist, first come first served.

    Correct under concurrent cancellations: the session row is locked first, the cancellation is a conditional
    update (a second cancel of the same row changes nothing) and promotion counts seats under that lock.
    Returns the enrolments promoted from the waitlist.
    """
    precomputed.data_changed(QUALITY_TOPIC)
    session = _lock_session(enrolment.session)
    if not _set_status(enrolment, ACTIVE_ENROLMENT, EnrolmentStatus.CANCELLED, cancelled_at=timezone.now()):
        raise ValidationError(_("This enrolment has already been cancelled or closed."))
    audit_event(actor=actor, obj=enrolment, action="enrolment_cancelled")
    _notify_enrolment(enrolment, "cancelled")
    return _promote_waitlist(session, actor=actor)


def _promote_waitlist(session: Session, *, actor) -> list[Enrolment]:
    """Move waitlisted people to accepted while seats remain. Caller holds the session lock."""
    promoted = []
    free = session.capacity - _accepted_count(session)
    if free <= 0:
        return promoted
    waiting = list(
        session.enrolments.select_for_update()
        .filter(status=EnrolmentStatus.WAITLISTED)
        .select_related("user")
        .order_by("created_at", "pk")[:free]
    )
    for enrolment in waiting:
        if _set_status(
            enrolment, [EnrolmentStatus.WAITLISTED], EnrolmentStatus.ACCEPTED, decided_at=timezone.now()
        ):
            audit_event(actor=actor, obj=enrolment, action="enrolment_promoted")
            _notify_enrolment(enrolment, "promoted")
            promoted.append(enrolment)
    return promoted


# ---------------------------------------------------------------------------------------------------------------
# Attendance, feedback, completion, certificates


@transaction.atomic
def attendance_mark(*, enrolment: Enrolment, date: dt.date, present: bool, actor) -> Attendance:
    """Mark one participant on one day. A date the session does not meet on is refused with a clear error."""
    precomputed.data_changed(QUALITY_TOPIC)
    session = enrolment.session
    day = session.days.filter(date=date).first()
    if day is None:
        raise ValidationError(
            {
                "date": [
                    _("The session does not meet on %(date)s; its days are %(start)s–%(end)s.")
                    % {
                        "date": date.strftime("%d.%m.%Y"),
                        "start": session.starts_on.strftime("%d.%m.%Y"),
                        "end": session.ends_on.strftime("%d.%m.%Y"),
                    }
                ]
            }
        )
    if enrolment.status != EnrolmentStatus.ACCEPTED:
        raise ValidationError(_("Attendance is marked only for accepted participants."))
    attendance, _created = Attendance.objects.update_or_create(
        enrolment=enrolment, day=day, defaults={"present": present, "marked_by": actor}
    )
    enrolment_check_completion(enrolment=enrolment)
    return attendance


@transaction.atomic
def attendance_mark_day(*, session: Session, date: dt.date, present_ids: set[int], actor) -> int:
    """The register of one day: every accepted participant is marked present (in ``present_ids``) or absent."""
    precomputed.data_changed(QUALITY_TOPIC)
    count = 0
    for enrolment in session.enrolments.filter(status=EnrolmentStatus.ACCEPTED).select_related("user"):
        attendance_mark(enrolment=enrolment, date=date, present=enrolment.pk in present_ids, actor=actor)
        count += 1
    return count


def attendance_percent(enrolment: Enrolment) -> int:
    days = enrolment.session.days.count()
    if not days:
        return 0
    present = enrolment.attendance.filter(present=True).count()
    return round(100 * present / days)


def completion_gaps(enrolment: Enrolment) -> list[str]:
    """What is still missing for the course to count as completed (empty when complete)."""
    course = enrolment.session.course
    gaps = []
    if enrolment.status != EnrolmentStatus.ACCEPTED:
        gaps.append(_("The enrolment is not accepted."))
        return gaps
    percent = attendance_percent(enrolment)
    if percent < course.min_attendance_percent:
        gaps.append(
            _("Attendance is %(have)d%%; the course needs %(need)d%%.")
            % {"have": percent, "need": course.min_attendance_percent}
        )
    if course.feedback_required and not Feedback.objects.filter(enrolment=enrolment).exists():
        gaps.append(_("The feedback survey has not been filled."))
    return gaps


@transaction.atomic
def enrolment_check_completion(*, enrolment: Enrolment) -> bool:
    """Apply the course's completion rules; on completion, issue the certificate (once)."""
    if completion_gaps(enrolment):
        return False
    if enrolment.completed_at is None:
        Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
        enrolment.refresh_from_db()
    if enrolment.session.course.issues_certificate:
        certificate_issue(enrolment=enrolment)
    return True


def _new_code() -> str:
    raw = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(10))
    return f"RS-{raw[:5]}-{raw[5:]}"


@transaction.atomic
def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """Issue the certificate of a completed enrolment (idempotent) and mail its holder."""
    precomputed.data_changed(QUALITY_TOPIC)
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    if enrolment.completed_at is None:
        raise ValidationError(_("A certificate is issued only when the course is completed."))
    user = enrolment.user
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrolment=enrolment, code=_new_code(), holder_name=user.get_full_name() or user.username
                )
            break
        except IntegrityError:
            if Certificate.objects.filter(enrolment=enrolment).exists():
                return Certificate.objects.get(enrolment=enrolment)
    else:  # pragma: no cover - 32**10 codes
        raise RuntimeError("could not draw a unique certificate code")
    email_send(
        to=user.email,
        template="learning/email/certificate_issued",
        context={"certificate": certificate, "course": enrolment.session.course},
        language=getattr(user, "preferred_language", "ru"),
        related=certificate,
        key=f"learning:certificate:{certificate.pk}",
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    precomputed.data_changed(QUALITY_TOPIC)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate has already been revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    audit_event(actor=actor, obj=certificate, action="certificate_revoked", data={"reason": reason})
    return certificate


@transaction.atomic
def feedback_submit(*, enrolment: Enrolment, ratings: dict[str, int], comment: str = "") -> Feedback:
    """The participant's survey (once per enrolment); may complete the course."""
    precomputed.data_changed(QUALITY_TOPIC)
    if enrolment.status != EnrolmentStatus.ACCEPTED:
        raise ValidationError(_("Only participants of the session can give feedback."))
    if enrolment.session.starts_on > timezone.localdate():
        raise ValidationError(_("The survey opens when the session starts."))
    if Feedback.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(_("You have already given feedback on this session."))
    errors = {}
    for name, _label in Feedback.QUESTIONS:
        value = ratings.get(name)
        if value is None or not 1 <= int(value) <= 5:
            errors[name] = [_("Choose a rating from 1 to 5.")]
    if errors:
        raise ValidationError(errors)
    feedback = Feedback.objects.create(
        enrolment=enrolment, comment=comment, **{name: int(ratings[name]) for name, _l in Feedback.QUESTIONS}
    )
    enrolment_check_completion(enrolment=enrolment)
    return feedback


# ---------------------------------------------------------------------------------------------------------------
# Consultations


@functools.cache
def public_holidays(country: str) -> holidays.HolidayBase:
    """The public holidays of ``country`` (python-holidays; years are added as they are asked about)."""
    return holidays.country_holidays(country)


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """``moment`` plus ``days`` working days, keeping the time of day: Monday to Friday, except the public
    holidays of ``settings.WORKING_CALENDAR`` (Russia's by default: the New Year holidays, 23 February, 8 March,
    1 and 9 May, 12 June, 4 November). Days are counted in the centre's time zone."""
    calendar = public_holidays(settings.WORKING_CALENDAR)
    current = moment
    added = 0
    while added < days:
        current += dt.timedelta(days=1)
        local = timezone.localtime(current) if timezone.is_aware(current) else current
        if local.weekday() < 5 and local.date() not in calendar:
            added += 1
    return current


@transaction.atomic
def consultation_request(
    *,
    centre,
    requested_by,
    topic: str,
    subject: str,
    question: str,
    organisation=None,
    files: list | None = None,
    now: dt.datetime | None = None,
) -> Consultation:
    """An NGO asks a question; the first response is due in two working days."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, QUALITY_TOPIC)
    if organisation is not None and organisation.pk not in represented_organisation_ids(requested_by):
        raise ValidationError({"organisation": [_("You do not represent this organisation.")]})
    requested_at = now or timezone.now()
    consultation = Consultation(
        centre=centre,
        organisation=organisation,
        requested_by=requested_by,
        topic=topic,
        subject=subject,
        question=question,
        requested_at=requested_at,
        respond_by=add_working_days(requested_at, FIRST_RESPONSE_WORKING_DAYS),
    )
    consultation.full_clean()
    consultation.save()
    for upload in files or []:
        ConsultationAttachment.objects.create(consultation=consultation, file=upload, name=upload.name[:300])
    audit_event(actor=requested_by, obj=consultation, action="consultation_requested")
    return consultation


def _consultation_locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


@transaction.atomic
def consultation_assign(*, consultation: Consultation, consultant, actor) -> Consultation:
    """Triage: give the question to a consultant (a trainer of the centre). Counts as the first response."""
    precomputed.data_changed(QUALITY_TOPIC)
    from resurs.accounts.access import has_role
    from resurs.accounts.choices import Role

    consultation = _consultation_locked(consultation)
    if consultation.status in (ConsultationStatus.ANSWERED, ConsultationStatus.CLOSED):
        raise ValidationError(_("An answered or closed consultation cannot be reassigned."))
    if not has_role(consultant, Role.TRAINER, centre=consultation.centre):
        raise ValidationError({"consultant": [_("The consultant must be a trainer of this centre.")]})
    now = timezone.now()
    consultation.consultant = consultant
    fields = ["consultant", "updated_at"]
    if consultation.status == ConsultationStatus.REQUESTED:
        consultation.status = ConsultationStatus.ASSIGNED
        consultation.assigned_at = now
        fields += ["status", "assigned_at"]
    if consultation.first_response_at is None:
        consultation.first_response_at = now
        fields.append("first_response_at")
    consultation.save(update_fields=fields)
    audit_event(
        actor=actor, obj=consultation, action="consultation_assigned", data={"consultant": consultant.pk}
    )
    email_send(
        to=consultant.email,
        template="learning/email/consultation_assigned",
        context={"consultation": consultation},
        language=getattr(consultant, "preferred_language", "ru"),
        related=consultation,
        key=f"learning:consultation:{consultation.pk}:assigned:{consultant.pk}",
    )
    return consultation


@transaction.atomic
def consultation_start(*, consultation: Consultation, actor) -> Consultation:
    precomputed.data_changed(QUALITY_TOPIC)
    consultation = _consultation_locked(consultation)
    if consultation.status != ConsultationStatus.ASSIGNED:
        raise ValidationError(_("Only an assigned consultation can be started."))
    consultation.status = ConsultationStatus.IN_PROGRESS
    consultation.started_at = timezone.now()
    consultation.save(update_fields=["status", "started_at", "updated_at"])
    audit_event(actor=actor, obj=consultation, action="consultation_started")
    return consultation


@transaction.atomic
def consultation_answer(
    *,
    consultation: Consultation,
    actor,
    answer: str,
    minutes_spent: int,
    outcome: str = "",
    follow_up_on: dt.date | None = None,
) -> Consultation:
    """The consultant's answer, the time it took, the outcome and a follow-up date; the NGO is told."""
    precomputed.data_changed(QUALITY_TOPIC)
    consultation = _consultation_locked(consultation)
    if consultation.status not in (ConsultationStatus.ASSIGNED, ConsultationStatus.IN_PROGRESS):
        raise ValidationError(_("Only an assigned consultation can be answered."))
    errors = {}
    if not answer.strip():
        errors["answer"] = [_("Write the answer.")]
    if minutes_spent is None or minutes_spent <= 0:
        errors["minutes_spent"] = [_("Say how many minutes the consultation took.")]
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        errors["follow_up_on"] = [_("The follow-up date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    consultation.status = ConsultationStatus.ANSWERED
    consultation.answer = answer.strip()
    consultation.minutes_spent = minutes_spent
    consultation.outcome = outcome.strip()
    consultation.follow_up_on = follow_up_on
    consultation.answered_at = now
    consultation.started_at = consultation.started_at or now
    consultation.first_response_at = consultation.first_response_at or now
    consultation.save()
    audit_event(actor=actor, obj=consultation, action="consultation_answered")
    requester = consultation.requested_by
    email_send(
        to=requester.email,
        template="learning/email/consultation_answered",
        context={"consultation": consultation},
        language=getattr(requester, "preferred_language", "ru"),
        related=consultation,
        key=f"learning:consultation:{consultation.pk}:answered",
    )
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, actor) -> Consultation:
    precomputed.data_changed(QUALITY_TOPIC)
    consultation = _consultation_locked(consultation)
    if consultation.status == ConsultationStatus.CLOSED:
        raise ValidationError(_("This consultation is already closed."))
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = timezone.now()
    consultation.save(update_fields=["status", "closed_at", "updated_at"])
    audit_event(actor=actor, obj=consultation, action="consultation_closed")
    return consultation


@transaction.atomic
def consultation_rate(*, consultation: Consultation, actor, rating: int, comment: str = "") -> Consultation:
    """The NGO rates an answered consultation once (1–5 and a comment)."""
    precomputed.data_changed(QUALITY_TOPIC)
    consultation = _consultation_locked(consultation)
    if consultation.status not in (ConsultationStatus.ANSWERED, ConsultationStatus.CLOSED):
        raise ValidationError(_("A consultation can be rated once it has been answered."))
    if consultation.rating is not None:
        raise ValidationError(_("You have already rated this consultation."))
    if rating is None or not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Choose a rating from 1 to 5.")]})
    consultation.rating = rating
    consultation.rating_comment = comment.strip()
    consultation.rated_at = timezone.now()
    consultation.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    audit_event(actor=actor, obj=consultation, action="consultation_rated", data={"rating": rating})
    return consultation


# ---------------------------------------------------------------------------------------------------------------
# Project evaluation (criteria are the shared criteria component)

PROJECT_SCHEME_NAME = "Оценка проекта НКО"
PROJECT_CRITERIA = [
    ("problem", "Обоснованность социальной проблемы", "Problem analysis", 2),
    ("goals", "Ясность цели и задач, их связь с проблемой", "Clarity of goals", 1.5),
    ("activities", "Реалистичность плана мероприятий", "Feasibility of activities", 1),
    ("results", "Измеримость ожидаемых результатов", "Measurable results", 1.5),
    ("evaluation", "Система мониторинга и оценки", "Monitoring and evaluation", 1),
    ("budget", "Обоснованность бюджета", "Budget justification", 1),
    ("team", "Компетенции команды и партнёры", "Team and partners", 1),
    ("sustainability", "Устойчивость после окончания финансирования", "Sustainability", 1),
]


def project_scheme_for(centre):
    """The centre's project-evaluation scheme (created on first use with ``criteria.services.scheme_create``)."""
    from resurs.criteria.models import Scheme
    from resurs.criteria.services import scheme_create

    scheme = Scheme.objects.filter(centre=centre, name=PROJECT_SCHEME_NAME).order_by("pk").first()
    if scheme is None:
        scheme = scheme_create(
            name=PROJECT_SCHEME_NAME,
            centre=centre,
            description="Структурированная оценка проекта НКО по восьми критериям (1–5).",
            criteria=[
                {
                    "code": code,
                    "name_ru": name_ru,
                    "name_en": name_en,
                    "weight": Decimal(str(weight)),
                    "min_score": 1,
                    "max_score": 5,
                    "comment_required_at_or_below": 2,
                }
                for code, name_ru, name_en, weight in PROJECT_CRITERIA
            ],
        )
    return scheme


@transaction.atomic
def project_review_submit(
    *, centre, organisation, submitted_by, title: str, summary: str, budget=None, document=None
) -> ProjectReview:
    precomputed.data_changed(precomputed.SECTOR_NETWORK)
    if organisation.pk not in represented_organisation_ids(submitted_by):
        raise ValidationError({"organisation": [_("You do not represent this organisation.")]})
    review = ProjectReview(
        centre=centre,
        organisation=organisation,
        submitted_by=submitted_by,
        title=title,
        summary=summary,
        budget=budget,
        document=document or "",
        document_name=document.name[:255] if document else "",
        scheme=project_scheme_for(centre),
    )
    review.full_clean()
    review.save()
    audit_event(actor=submitted_by, obj=review, action="project_review_submitted")
    return review


@transaction.atomic
def project_review_assign(*, review: ProjectReview, evaluator, actor) -> ProjectReview:
    from resurs.accounts.access import has_role, is_centre_staff
    from resurs.accounts.choices import Role

    if review.status == ProjectReviewStatus.COMPLETED:
        raise ValidationError(_("This evaluation is complete."))
    if not (
        has_role(evaluator, Role.TRAINER, Role.EXPERT, centre=review.centre)
        or is_centre_staff(evaluator, review.centre)
    ):
        raise ValidationError(
            {"evaluator": [_("The evaluator must be a trainer, expert or staff of the centre.")]}
        )
    review.evaluator = evaluator
    review.status = ProjectReviewStatus.IN_REVIEW
    review.save(update_fields=["evaluator", "status", "updated_at"])
    audit_event(actor=actor, obj=review, action="project_review_assigned", data={"evaluator": evaluator.pk})
    return review


def project_evaluation(review: ProjectReview):
    """The evaluator's criteria evaluation of the project (an empty draft on first use)."""
    from resurs.criteria.services import evaluation_for

    return evaluation_for(scheme=review.scheme, evaluator=review.evaluator, subject=review)


@transaction.atomic
def project_review_save(*, review: ProjectReview, actor, scores, overall_comment: str, submit: bool):
    """Save the evaluator's scores through the criteria component; on submit the review is complete and the NGO
    is told its PDF report is ready. Raises ``EvaluationIncomplete`` (after keeping the valid draft)."""
    from resurs.criteria.services import evaluation_save

    evaluation = evaluation_save(
        evaluation=project_evaluation(review),
        actor=actor,
        scores=scores,
        overall_comment=overall_comment,
        submit=submit,
    )
    if submit:
        review.status = ProjectReviewStatus.COMPLETED
        review.completed_at = timezone.now()
        review.save(update_fields=["status", "completed_at", "updated_at"])
        email_send(
            to=review.submitted_by.email,
            template="learning/email/project_review_completed",
            context={"review": review},
            language=getattr(review.submitted_by, "preferred_language", "ru"),
            related=review,
            key=f"learning:project:{review.pk}:completed",
        )
    return evaluation


# ---------------------------------------------------------------------------------------------------------------
# Capacity assessment

DEFAULT_AREAS = [
    (
        "strategy",
        "Стратегия",
        "Strategy",
        Topic.MANAGEMENT,
        [
            "Миссии и стратегии нет; работа строится от проекта к проекту.",
            "Миссия записана, но стратегического плана нет или он не используется.",
            "Есть стратегический план на 2–3 года, команда его знает.",
            "Стратегия пересматривается ежегодно по данным мониторинга.",
        ],
    ),
    (
        "governance",
        "Управление",
        "Governance",
        Topic.SETUP,
        [
            "Органы управления существуют только на бумаге.",
            "Правление собирается нерегулярно, решения не протоколируются.",
            "Правление собирается регулярно, роли разделены.",
            "Правление независимо, оценивает руководителя, обновляется по правилам.",
        ],
    ),
    (
        "finance",
        "Финансы",
        "Finance",
        Topic.FINANCE,
        [
            "Один источник дохода, учёт ведётся от случая к случаю.",
            "Несколько источников, бюджет составляется только под гранты.",
            "Годовой бюджет организации, бухгалтерия и отчётность в срок.",
            "Диверсифицированные доходы, резервный фонд, аудит.",
        ],
    ),
    (
        "people",
        "Люди",
        "People",
        Topic.MANAGEMENT,
        [
            "Работают только руководитель и случайные добровольцы.",
            "Есть сотрудники, но нет описаний обязанностей и обучения.",
            "Роли описаны, сотрудники и добровольцы обучаются.",
            "Система развития персонала и работы с добровольцами.",
        ],
    ),
    (
        "programmes",
        "Программы",
        "Programmes",
        Topic.PROJECTS,
        [
            "Мероприятия без целей и измеряемых результатов.",
            "Цели есть, результаты считаются в штуках мероприятий.",
            "Результаты для благополучателей измеряются и анализируются.",
            "Доказанная эффективность, оценка воздействия, тиражирование.",
        ],
    ),
    (
        "external",
        "Внешние связи",
        "External relations",
        Topic.PR,
        [
            "Организацию мало кто знает, сайта и отчётов нет.",
            "Есть страница в соцсетях, публикации нерегулярны.",
            "Регулярный публичный отчёт, партнёры в бизнесе и власти.",
            "Организация признана экспертом, участвует в выработке политики.",
        ],
    ),
]


@transaction.atomic
def instrument_create_default(*, centre, name: str = "Сетка организационного потенциала НКО") -> Instrument:
    """The six-area capacity grid (strategy, governance, finance, people, programmes, external relations)."""
    instrument = Instrument.objects.create(
        centre=centre,
        name=name,
        description="Шесть областей, каждая оценивается по шкале 1–4 с описанием уровней.",
    )
    Area.objects.bulk_create(
        [
            Area(
                instrument=instrument,
                code=code,
                name_ru=name_ru,
                name_en=name_en,
                topic=topic,
                level_1=levels[0],
                level_2=levels[1],
                level_3=levels[2],
                level_4=levels[3],
                order=order,
            )
            for order, (code, name_ru, name_en, topic, levels) in enumerate(DEFAULT_AREAS)
        ]
    )
    return instrument


@transaction.atomic
def assessment_start(
    *, instrument: Instrument, organisation, kind: str, actor, conducted_on=None
) -> Assessment:
    """A new wave of the organisation's self- or facilitated assessment (wave numbers count per kind)."""
    last = (
        Assessment.objects.filter(instrument=instrument, organisation=organisation, kind=kind)
        .select_for_update()
        .aggregate(m=Max("wave"))["m"]
    )
    if kind == AssessmentKind.SELF and organisation.pk not in represented_organisation_ids(actor):
        raise ValidationError(_("Only the organisation's representatives fill its self-assessment."))
    if Assessment.objects.filter(
        instrument=instrument, organisation=organisation, kind=kind, status=AssessmentStatus.DRAFT
    ).exists():
        raise ValidationError(_("Finish the draft assessment of this kind before starting a new wave."))
    assessment = Assessment.objects.create(
        instrument=instrument,
        organisation=organisation,
        kind=kind,
        wave=(last or 0) + 1,
        conducted_by=actor,
        conducted_on=conducted_on or timezone.localdate(),
    )
    audit_event(actor=actor, obj=assessment, action="assessment_started")
    return assessment


def assessment_save(
    *, assessment: Assessment, actor, scores: dict[str, tuple[int | None, str]], notes: str = "", submit=False
) -> Assessment:
    """Keep every valid score; on submit every area must be scored 1–4 (errors per field otherwise)."""
    assessment, errors = _assessment_store(assessment, actor, scores, notes, submit)
    if errors:
        raise AssessmentIncomplete(errors, assessment)
    if submit:
        audit_event(actor=actor, obj=assessment, action="assessment_submitted")
    return assessment


@transaction.atomic
def _assessment_store(assessment, actor, scores, notes, submit):
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.SUBMITTED:
        raise ValidationError(_("This assessment has been submitted and can no longer be changed."))
    errors: dict[str, list[str]] = {}
    existing = {s.area_id: s for s in assessment.scores.all()}
    for area in assessment.instrument.areas.all():
        score, comment = scores.get(area.code, (None, ""))
        if score is None:
            if submit and area.pk not in existing:
                errors[f"score_{area.code}"] = [_("Choose a level for this area.")]
            continue
        if not 1 <= score <= 4:
            errors[f"score_{area.code}"] = [_("The level must be between 1 and 4.")]
            continue
        AreaScore.objects.update_or_create(
            assessment=assessment, area=area, defaults={"score": score, "comment": comment}
        )
    assessment.notes = notes
    fields = ["notes", "updated_at"]
    if submit and not errors:
        assessment.status = AssessmentStatus.SUBMITTED
        fields.append("status")
    assessment.save(update_fields=fields)
    return assessment, errors


class AssessmentIncomplete(ValidationError):
    """The valid scores were kept; ``error_dict`` names each area still wrong."""

    def __init__(self, errors, assessment):
        super().__init__(errors)
        self.assessment = assessment


@transaction.atomic
def programme_save(*, programme, actor):
    """Create or change a programme (the view has checked that ``actor`` manages its centre)."""
    created = programme.pk is None
    programme.full_clean()
    programme.save()
    audit_event(actor=actor, obj=programme, action="programme_created" if created else "programme_changed")
    return programme


@transaction.atomic
def instrument_save(*, instrument: Instrument, areas_formset, actor) -> Instrument:
    """Save an instrument and its areas. An area already scored keeps its code (past waves refer to it)."""
    created = instrument.pk is None
    instrument.full_clean()
    instrument.save()
    areas_formset.instance = instrument
    for form in areas_formset.forms:
        if form.instance.pk and "code" in form.changed_data and form.instance.scores.exists():
            raise ValidationError({"code": [_("An area that has been scored keeps its code.")]})
    areas_formset.save()
    audit_event(actor=actor, obj=instrument, action="instrument_created" if created else "instrument_changed")
    return instrument


def consultation_follow_up_reminders(*, on: dt.date | None = None) -> int:
    """Remind each consultant of the follow-ups due on ``on`` (default today). Idempotent per consultation and
    day, so the daily task may run twice without mailing twice. Returns the number of reminders queued."""
    day = on or timezone.localdate()
    sent = 0
    due = (
        Consultation.objects.filter(follow_up_on=day, consultant__isnull=False)
        .exclude(status=ConsultationStatus.CLOSED)
        .select_related("consultant", "organisation")
    )
    for consultation in due:
        consultant = consultation.consultant
        with transaction.atomic():
            message = email_send(
                to=consultant.email,
                template="learning/email/consultation_follow_up",
                context={"consultation": consultation},
                language=getattr(consultant, "preferred_language", "ru"),
                related=consultation,
                key=f"learning:consultation:{consultation.pk}:follow-up:{day.isoformat()}",
            )
        sent += message is not None
    return sent
