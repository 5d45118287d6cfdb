"""Who may see and change courses, sessions, enrolments, consultations, project reviews and assessments.

``get_<noun>_for_user`` fetches and authorises in one step: 404 when missing or not visible, and the caller
checks ``can_<verb>_<noun>`` for a 403 when the object is visible but the action is not allowed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from resurs.accounts.access import (
    can_manage_centre_work,
    centre_ids_for,
    has_role,
    is_admin,
    is_centre_staff,
    represented_organisation_ids,
)
from resurs.accounts.choices import MANAGING_ROLES, Role
from resurs.learning.choices import EnrolmentStatus
from resurs.learning.models import (
    Assessment,
    Certificate,
    Consultation,
    ConsultationAttachment,
    Course,
    Enrolment,
    Material,
    Programme,
    ProjectReview,
    Session,
)


def is_trainer(user) -> bool:
    return has_role(user, Role.TRAINER)


def managed_centre_ids(user) -> set[int]:
    return centre_ids_for(user, MANAGING_ROLES)


# --- catalogue ---------------------------------------------------------------------------------------------


def can_manage_course(user, course: Course) -> bool:
    return can_manage_centre_work(user, course.centre)


def get_programme_for_user(user, pk: int) -> Programme:
    programme = Programme.objects.select_related("centre__organisation").filter(pk=pk).first()
    if programme is None or not (programme.is_published or can_manage_centre_work(user, programme.centre)):
        raise Http404
    return programme


def get_course_for_user(user, pk: int, *, manage: bool = False) -> Course:
    course = Course.objects.select_related("centre__organisation", "programme").filter(pk=pk).first()
    if course is None or not (course.is_published or can_manage_course(user, course)):
        raise Http404
    if manage and not can_manage_course(user, course):
        raise PermissionDenied
    return course


def get_session_for_user(user, pk: int, *, manage: bool = False) -> Session:
    session = Session.objects.select_related("course__centre__organisation", "trainer").filter(pk=pk).first()
    if session is None or not (session.course.is_published or can_manage_course(user, session.course)):
        raise Http404
    if manage and not can_manage_course(user, session.course):
        raise PermissionDenied
    return session


def can_mark_attendance(user, session: Session) -> bool:
    """Staff of the course's centre, or the session's own trainer."""
    return can_manage_course(user, session.course) or (
        user.is_authenticated and session.trainer_id == user.pk
    )


def can_see_roster(user, session: Session) -> bool:
    return can_mark_attendance(user, session)


def can_see_materials(user, session: Session) -> bool:
    """Handouts are for the accepted participants, the trainer and the centre's staff."""
    return can_mark_attendance(user, session) or (
        user.is_authenticated
        and session.enrolments.filter(user=user, status=EnrolmentStatus.ACCEPTED).exists()
    )


def get_material_for_user(user, session_pk: int, pk: int) -> Material:
    """A session's handout (a file or a link): 404 unless the user may see the session's materials."""
    session = get_session_for_user(user, session_pk)
    material = session.materials.filter(pk=pk).first()
    if material is None or not can_see_materials(user, session):
        raise Http404
    return material


# --- enrolments --------------------------------------------------------------------------------------------


def enrolments_visible_q(user) -> Q:
    if is_admin(user):
        return Q()
    return (
        Q(user=user) | Q(session__course__centre_id__in=managed_centre_ids(user)) | Q(session__trainer=user)
    )


def get_enrolment_for_user(user, pk: int) -> Enrolment:
    if not user.is_authenticated:
        raise Http404
    enrolment = (
        Enrolment.objects.filter(enrolments_visible_q(user), pk=pk)
        .select_related("session__course__centre__organisation", "user", "organisation", "session__trainer")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def can_decide_enrolment(user, enrolment: Enrolment) -> bool:
    return can_manage_course(user, enrolment.session.course)


def can_cancel_enrolment(user, enrolment: Enrolment) -> bool:
    return enrolment.is_active and (enrolment.user_id == user.pk or can_decide_enrolment(user, enrolment))


def can_give_feedback(user, enrolment: Enrolment) -> bool:
    return enrolment.user_id == user.pk


# --- certificates ------------------------------------------------------------------------------------------


def get_certificate_for_user(user, pk: int) -> Certificate:
    certificate = (
        Certificate.objects.filter(pk=pk)
        .select_related("enrolment__session__course__centre__organisation")
        .first()
    )
    if certificate is None or not user.is_authenticated:
        raise Http404
    enrolment = certificate.enrolment
    if enrolment.user_id != user.pk and not can_manage_course(user, enrolment.session.course):
        raise Http404
    return certificate


# --- consultations -----------------------------------------------------------------------------------------


def consultations_visible_q(user) -> Q:
    if is_admin(user):
        return Q()
    return (
        Q(requested_by=user)
        | Q(organisation_id__in=represented_organisation_ids(user))
        | Q(consultant=user)
        | Q(centre_id__in=managed_centre_ids(user))
    )


def get_consultation_for_user(user, pk: int) -> Consultation:
    if not user.is_authenticated:
        raise Http404
    consultation = (
        Consultation.objects.filter(consultations_visible_q(user), pk=pk)
        .select_related("centre__organisation", "organisation", "requested_by", "consultant")
        .first()
    )
    if consultation is None:
        raise Http404
    return consultation


def get_consultation_attachment_for_user(user, consultation_pk: int, pk: int) -> ConsultationAttachment:
    """A file attached to a question: whoever may see the consultation."""
    consultation = get_consultation_for_user(user, consultation_pk)
    attachment = consultation.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def can_triage_consultation(user, consultation: Consultation) -> bool:
    return can_manage_centre_work(user, consultation.centre)


def can_answer_consultation(user, consultation: Consultation) -> bool:
    return consultation.consultant_id == user.pk or can_triage_consultation(user, consultation)


def can_rate_consultation(user, consultation: Consultation) -> bool:
    return consultation.requested_by_id == user.pk or (
        consultation.organisation_id is not None
        and consultation.organisation_id in represented_organisation_ids(user)
    )


def can_use_consultation_queue(user) -> bool:
    return is_centre_staff(user) or has_role(user, Role.TRAINER)


# --- project reviews ---------------------------------------------------------------------------------------


def project_reviews_visible_q(user) -> Q:
    if is_admin(user):
        return Q()
    return (
        Q(submitted_by=user)
        | Q(organisation_id__in=represented_organisation_ids(user))
        | Q(evaluator=user)
        | Q(centre_id__in=managed_centre_ids(user))
    )


def get_project_review_for_user(user, pk: int) -> ProjectReview:
    if not user.is_authenticated:
        raise Http404
    review = (
        ProjectReview.objects.filter(project_reviews_visible_q(user), pk=pk)
        .select_related("centre__organisation", "organisation", "submitted_by", "evaluator", "scheme")
        .first()
    )
    if review is None:
        raise Http404
    return review


def can_assign_project_review(user, review: ProjectReview) -> bool:
    return can_manage_centre_work(user, review.centre)


def can_evaluate_project(user, review: ProjectReview) -> bool:
    return review.evaluator_id is not None and review.evaluator_id == user.pk


# --- capacity assessments ----------------------------------------------------------------------------------


def assessments_visible_q(user) -> Q:
    if is_admin(user):
        return Q()
    return (
        Q(organisation_id__in=represented_organisation_ids(user))
        | Q(instrument__centre_id__in=managed_centre_ids(user))
        | Q(conducted_by=user)
    )


def get_assessment_for_user(user, pk: int) -> Assessment:
    if not user.is_authenticated:
        raise Http404
    assessment = (
        Assessment.objects.filter(assessments_visible_q(user), pk=pk)
        .select_related("instrument__centre", "organisation", "conducted_by")
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def can_edit_assessment(user, assessment: Assessment) -> bool:
    from resurs.learning.choices import AssessmentKind, AssessmentStatus

    if assessment.status != AssessmentStatus.DRAFT:
        return False
    if assessment.kind == AssessmentKind.SELF:
        return assessment.organisation_id in represented_organisation_ids(user)
    return can_manage_centre_work(user, assessment.instrument.centre)


def can_see_service_quality(user) -> bool:
    return is_centre_staff(user)


def get_instrument_for_user(user, pk: int):
    """Instruments are configured by the staff of their centre: others get 404 (they are not public)."""
    from resurs.learning.models import Instrument

    instrument = Instrument.objects.select_related("centre__organisation").filter(pk=pk).first()
    if instrument is None or not can_manage_centre_work(user, instrument.centre):
        raise Http404
    return instrument


def get_programme_to_manage(user, pk: int) -> Programme:
    programme = get_programme_for_user(user, pk)
    if not can_manage_centre_work(user, programme.centre):
        raise PermissionDenied
    return programme
