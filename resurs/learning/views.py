"""Pages of the learning app: the public catalogue, enrolment, attendance, certificates, feedback,
consultations, project evaluations, capacity assessments and service quality."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resurs.accounts.access import can_manage_centre_work, is_admin, represented_organisation_ids
from resurs.core import precomputed
from resurs.core.files import private_file_response
from resurs.core.htmx import precompute_context, precompute_poll, precompute_poll_response, render_page
from resurs.core.redirects import safe_next
from resurs.core.uploads import upload_limit
from resurs.learning import access, selectors, services
from resurs.learning.choices import (
    AssessmentKind,
    AssessmentStatus,
    ConsultationStatus,
    EnrolmentStatus,
    ProjectReviewStatus,
)
from resurs.learning.filters import ConsultationFilter, CourseFilter
from resurs.learning.forms import (
    AnswerForm,
    AreaFormSet,
    AssessmentForm,
    AssessmentStartForm,
    AssignForm,
    ConsultationRequestForm,
    CourseForm,
    EnrolForm,
    FeedbackForm,
    InstrumentForm,
    MaterialForm,
    PeriodForm,
    ProgrammeForm,
    ProjectReviewForm,
    RateForm,
    RevokeForm,
    SessionForm,
    VerifyForm,
)
from resurs.learning.models import Course, Instrument, Programme, Session
from resurs.learning.services import QUALITY_TOPIC
from resurs.registry.models import Centre, Organisation


def _centres_managed(user):
    centres = Centre.objects.select_related("organisation")
    return centres if is_admin(user) else centres.filter(pk__in=access.managed_centre_ids(user))


def _represented(user):
    return Organisation.objects.filter(pk__in=represented_organisation_ids(user)).order_by("name")


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _message_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- catalogue ---------------------------------------------------------------------------------------------


def catalogue(request):
    """The public catalogue: courses by topic, programmes, filters."""
    courses = CourseFilter(request.GET, queryset=selectors.course_list(include_unpublished_for=request.user))
    page = Paginator(courses.qs.order_by("topic", "title"), 30).get_page(request.GET.get("page"))
    context = {
        "filter": courses,
        "page_obj": page,
        "programmes": list(selectors.programme_list()) if not request.GET.get("page") else [],
        "can_create": bool(access.managed_centre_ids(request.user)) or is_admin(request.user),
    }
    return render_page(
        request, "learning/catalogue.html", context, partial="learning/partials/_course_list.html"
    )


def programme_detail(request, pk):
    programme = access.get_programme_for_user(request.user, pk)
    courses = (
        selectors.course_list(include_unpublished_for=request.user)
        .filter(programme=programme)
        .order_by("programme_order", "title")
    )
    return render(
        request,
        "learning/programme_detail.html",
        {
            "programme": programme,
            "courses": courses,
            "can_manage": can_manage_centre_work(request.user, programme.centre),
        },
    )


def course_detail(request, pk):
    course = access.get_course_for_user(request.user, pk)
    sessions = selectors.session_list().filter(course=course).order_by("-starts_on")
    if not course.is_published:
        sessions = Session.objects.filter(course=course).select_related("trainer").order_by("-starts_on")
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "can_manage": access.can_manage_course(request.user, course),
        },
    )


@login_required
def course_edit(request, pk=None):
    course = access.get_course_for_user(request.user, pk, manage=True) if pk else Course()
    centres = _centres_managed(request.user)
    if pk is None and not centres.exists():
        raise PermissionDenied
    programmes = Programme.objects.filter(centre__in=centres)
    form = CourseForm(request.POST or None, instance=course, centres=centres, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(course=form.save(commit=False), actor=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The course has been saved."))
            return redirect(course)
    return render(request, "learning/course_form.html", {"form": form, "course": course})


@login_required
def session_edit(request, course_pk=None, pk=None):
    if pk:
        session = access.get_session_for_user(request.user, pk, manage=True)
        course = session.course
    else:
        course = access.get_course_for_user(request.user, course_pk, manage=True)
        session = Session(course=course)
    form = SessionForm(request.POST or None, instance=session, trainers=selectors.trainers_of(course.centre))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(
                session=form.save(commit=False), actor=request.user, days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The session has been saved."))
            return redirect(session)
    return render(request, "learning/session_form.html", {"form": form, "session": session, "course": course})


def session_detail(request, pk):
    session = access.get_session_for_user(request.user, pk)
    user = request.user
    own = None
    if user.is_authenticated:
        own = session.enrolments.filter(user=user).select_related("certificate").order_by("-pk").first()
    can_mark = access.can_mark_attendance(user, session)
    is_participant = own is not None and own.status == EnrolmentStatus.ACCEPTED
    context = {
        "session": session,
        "course": session.course,
        "days": list(session.days.all()),
        "own": own,
        "accepted": session.enrolments.filter(status=EnrolmentStatus.ACCEPTED).count(),
        "can_manage": access.can_manage_course(user, session.course),
        "can_mark": can_mark,
        "materials": list(session.materials.all()) if (is_participant or can_mark) else [],
        "enrol_form": (
            EnrolForm(organisations=_represented(user))
            if user.is_authenticated and session.is_open and (own is None or not own.is_active)
            else None
        ),
        "roster": list(selectors.session_roster(session)) if can_mark else [],
        "material_form": MaterialForm() if access.can_manage_course(user, session.course) else None,
    }
    return render(request, "learning/session_detail.html", context)


@login_required
@require_POST
def session_enrol(request, pk):
    session = access.get_session_for_user(request.user, pk)
    form = EnrolForm(request.POST, organisations=_represented(request.user))
    if form.is_valid():
        try:
            enrolment = services.enrolment_apply(
                session=session,
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as error:
            _message_errors(request, error)
        else:
            if enrolment.status == EnrolmentStatus.WAITLISTED:
                messages.warning(
                    request,
                    _("The session is full: you are on the waitlist and will be told if a seat frees up."),
                )
            elif enrolment.status == EnrolmentStatus.ACCEPTED:
                messages.success(request, _("You are enrolled."))
            else:
                messages.success(request, _("Your application has been sent; the centre will confirm it."))
            return redirect(enrolment)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(session)


@login_required
@require_POST
def material_add(request, pk):
    session = access.get_session_for_user(request.user, pk, manage=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_add(
                session=session,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("The material has been added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(session)


@login_required
def session_attendance(request, pk):
    """The register of one day: GET shows it, POST saves who was present."""
    session = access.get_session_for_user(request.user, pk)
    if not access.can_mark_attendance(request.user, session):
        raise PermissionDenied
    days = list(session.days.all())
    raw = request.POST.get("date") or request.GET.get("date")
    error = None
    try:
        date = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        date, error = None, _("“%(value)s” is not a date.") % {"value": raw}
    if date is None and not error:
        today = timezone.localdate()
        date = next((d.date for d in days if d.date >= today), days[-1].date if days else None)
    roster = [e for e in selectors.session_roster(session) if e.status == EnrolmentStatus.ACCEPTED]
    if request.method == "POST" and date is not None:
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            count = services.attendance_mark_day(
                session=session, date=date, present_ids=present, actor=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Attendance saved for %(count)d participants.") % {"count": count})
            return redirect(
                f"{reverse('learning:session-attendance', args=[session.pk])}?date={date.isoformat()}"
            )
    marks = {
        a.enrolment_id: a.present for e in roster for a in e.attendance.all() if date and a.day.date == date
    }
    context = {
        "session": session,
        "days": days,
        "date": date,
        "roster": roster,
        "present_ids": [pk for pk, present in marks.items() if present],
        "error": error,
    }
    return render(request, "learning/session_attendance.html", context, status=400 if error else 200)


# --- enrolments --------------------------------------------------------------------------------------------


@login_required
def my_learning(request):
    enrolments = list(selectors.my_enrolments(request.user))
    return render(
        request,
        "learning/my_learning.html",
        {
            "enrolments": enrolments,
            "consultations": list(
                selectors.consultation_list_for(request.user).filter(requested_by=request.user)[:20]
            ),
            "projects": list(
                selectors.project_review_list_for(request.user).filter(submitted_by=request.user)[:20]
            ),
        },
    )


@login_required
def enrolment_detail(request, pk):
    enrolment = access.get_enrolment_for_user(request.user, pk)
    certificate = getattr(enrolment, "certificate", None) if hasattr(enrolment, "certificate") else None
    context = {
        "enrolment": enrolment,
        "session": enrolment.session,
        "attendance": list(enrolment.attendance.select_related("day").order_by("day__date")),
        "percent": services.attendance_percent(enrolment),
        "gaps": services.completion_gaps(enrolment) if enrolment.completed_at is None else [],
        "certificate": certificate,
        "has_feedback": hasattr(enrolment, "feedback"),
        "can_cancel": access.can_cancel_enrolment(request.user, enrolment),
        "can_decide": access.can_decide_enrolment(request.user, enrolment),
        "can_feedback": access.can_give_feedback(request.user, enrolment)
        and enrolment.status == EnrolmentStatus.ACCEPTED
        and enrolment.session.starts_on <= timezone.localdate(),
        "revoke_form": RevokeForm()
        if certificate and access.can_decide_enrolment(request.user, enrolment)
        else None,
    }
    return render(request, "learning/enrolment_detail.html", context)


@login_required
@require_POST
def enrolment_cancel(request, pk):
    enrolment = access.get_enrolment_for_user(request.user, pk)
    if not access.can_cancel_enrolment(request.user, enrolment):
        raise PermissionDenied
    try:
        services.enrolment_cancel(enrolment=enrolment, actor=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("The enrolment has been cancelled."))
    return redirect(enrolment)


DECISIONS = {
    "accept": services.enrolment_accept,
    "waitlist": services.enrolment_waitlist,
    "decline": services.enrolment_decline,
}


@login_required
@require_POST
def enrolment_decide(request, pk):
    enrolment = access.get_enrolment_for_user(request.user, pk)
    if not access.can_decide_enrolment(request.user, enrolment):
        raise PermissionDenied
    action = DECISIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
    else:
        try:
            action(enrolment=enrolment, actor=request.user)
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("The decision has been saved."))
    return redirect(safe_next(request, enrolment.session.get_absolute_url()))


@login_required
def feedback(request, pk):
    enrolment = access.get_enrolment_for_user(request.user, pk)
    if not access.can_give_feedback(request.user, enrolment):
        raise PermissionDenied
    if hasattr(enrolment, "feedback"):
        messages.info(request, _("You have already given feedback on this session."))
        return redirect(enrolment)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                enrolment=enrolment, ratings=form.ratings(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(enrolment)
    return render(request, "learning/feedback_form.html", {"form": form, "enrolment": enrolment})


# --- certificates ------------------------------------------------------------------------------------------


@login_required
def certificate_pdf(request, pk):
    from resurs.core.pdf import pdf_response

    certificate = access.get_certificate_for_user(request.user, pk)
    if not certificate.is_valid:
        messages.error(request, _("This certificate has been revoked."))
        return redirect(certificate.enrolment)
    verify_url = (
        request.build_absolute_uri(reverse("learning:certificate-verify")) + f"?code={certificate.code}"
    )
    return pdf_response(
        "learning/pdf/certificate.html",
        {"certificate": certificate, "enrolment": certificate.enrolment, "verify_url": verify_url},
        filename=f"certificate-{certificate.code}",
    )


@login_required
@require_POST
def certificate_revoke(request, pk):
    certificate = access.get_certificate_for_user(request.user, pk)
    if not access.can_decide_enrolment(request.user, certificate.enrolment):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("The certificate has been revoked."))
    else:
        messages.error(request, _("Say why the certificate is revoked."))
    return redirect(certificate.enrolment)


def certificate_verify(request):
    """Public: anyone can check a certificate code."""
    form = VerifyForm(request.GET or None)
    certificate, outcome = None, None
    if form.is_valid():
        certificate = selectors.certificate_by_code(form.cleaned_data["code"])
        if certificate is None:
            outcome = "unknown"
        elif not certificate.is_valid:
            outcome = "revoked"
        else:
            outcome = "valid"
    status = 404 if outcome == "unknown" else 200
    return render(
        request,
        "learning/certificate_verify.html",
        {"form": form, "certificate": certificate, "outcome": outcome},
        status=status,
    )


# --- consultations -----------------------------------------------------------------------------------------


@login_required
def consultation_list(request):
    user = request.user
    queue_mode = access.can_use_consultation_queue(user)
    base = (
        selectors.consultation_queue(user)
        if queue_mode and not request.GET.get("all")
        else selectors.consultation_list_for(user)
    )
    filtered = ConsultationFilter(request.GET, queryset=base)
    page = Paginator(filtered.qs, 30).get_page(request.GET.get("page"))
    return render_page(
        request,
        "learning/consultation_list.html",
        {
            "filter": filtered,
            "page_obj": page,
            "queue_mode": queue_mode,
            "show_all": bool(request.GET.get("all")),
        },
        partial="learning/partials/_consultation_rows.html",
    )


@upload_limit(20)
@login_required
def consultation_request(request):
    organisations = _represented(request.user)
    form = ConsultationRequestForm(
        request.POST or None,
        request.FILES or None,
        centres=Centre.objects.select_related("organisation").order_by("-is_hub", "organisation__name"),
        organisations=organisations,
        initial={"topic": request.GET.get("topic", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_request(
                centre=data["centre"],
                requested_by=request.user,
                organisation=data["organisation"],
                topic=data["topic"],
                subject=data["subject"],
                question=data["question"],
                files=[data["files"]] if data.get("files") else [],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Your question has been sent. The centre answers within two working days.")
            )
            return redirect(consultation)
    return render(request, "learning/consultation_form.html", {"form": form})


@login_required
def consultation_detail(request, pk):
    consultation = access.get_consultation_for_user(request.user, pk)
    user = request.user
    can_triage = access.can_triage_consultation(user, consultation)
    can_answer = access.can_answer_consultation(user, consultation)
    open_ = consultation.status in (
        ConsultationStatus.REQUESTED,
        ConsultationStatus.ASSIGNED,
        ConsultationStatus.IN_PROGRESS,
    )
    context = {
        "consultation": consultation,
        "attachments": list(consultation.attachments.all()),
        "can_triage": can_triage,
        "can_answer": can_answer,
        "assign_form": AssignForm(consultants=selectors.trainers_of(consultation.centre))
        if can_triage and open_
        else None,
        "answer_form": AnswerForm()
        if can_answer and consultation.status in (ConsultationStatus.ASSIGNED, ConsultationStatus.IN_PROGRESS)
        else None,
        "rate_form": RateForm()
        if access.can_rate_consultation(user, consultation)
        and consultation.rating is None
        and consultation.status in (ConsultationStatus.ANSWERED, ConsultationStatus.CLOSED)
        else None,
    }
    return render(request, "learning/consultation_detail.html", context)


@login_required
@require_POST
def consultation_action(request, pk, action):
    """assign / start / answer / close / rate: authorise, parse, call the service, respond."""
    consultation = access.get_consultation_for_user(request.user, pk)
    user = request.user
    allowed = {
        "assign": access.can_triage_consultation,
        "close": access.can_triage_consultation,
        "start": access.can_answer_consultation,
        "answer": access.can_answer_consultation,
        "rate": access.can_rate_consultation,
    }
    if action not in allowed:
        raise PermissionDenied
    if not allowed[action](user, consultation):
        raise PermissionDenied
    form = None
    try:
        if action == "assign":
            form = AssignForm(request.POST, consultants=selectors.trainers_of(consultation.centre))
            if form.is_valid():
                services.consultation_assign(
                    consultation=consultation, consultant=form.cleaned_data["consultant"], actor=user
                )
        elif action == "start":
            services.consultation_start(consultation=consultation, actor=user)
        elif action == "answer":
            form = AnswerForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                services.consultation_answer(
                    consultation=consultation,
                    actor=user,
                    answer=data["answer"],
                    minutes_spent=data["minutes_spent"],
                    outcome=data["outcome"],
                    follow_up_on=data["follow_up_on"],
                )
        elif action == "close":
            services.consultation_close(consultation=consultation, actor=user)
        elif action == "rate":
            form = RateForm(request.POST)
            if form.is_valid():
                services.consultation_rate(
                    consultation=consultation,
                    actor=user,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
    except ValidationError as error:
        if form is None:
            _message_errors(request, error)
            return redirect(consultation)
        _apply_errors(form, error)
    if form is not None and form.errors:
        context = {
            "consultation": consultation,
            "attachments": list(consultation.attachments.all()),
            "can_triage": access.can_triage_consultation(user, consultation),
            "can_answer": access.can_answer_consultation(user, consultation),
            f"{action}_form": form,
        }
        return render(request, "learning/consultation_detail.html", context, status=400)
    messages.success(request, _("Saved."))
    return redirect(consultation)


# --- feedback summaries ------------------------------------------------------------------------------------


@login_required
def feedback_summary(request):
    if not access.can_see_service_quality(request.user):
        raise PermissionDenied
    centre_ids = None if is_admin(request.user) else access.managed_centre_ids(request.user)
    return render(
        request,
        "learning/feedback_summary.html",
        {
            "by_trainer": selectors.feedback_by_trainer(centre_ids),
            "by_course": selectors.feedback_by_course(centre_ids),
        },
    )


# --- project evaluation ------------------------------------------------------------------------------------


@login_required
def project_list(request):
    reviews = selectors.project_review_list_for(request.user)
    page = Paginator(reviews, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/project_list.html",
        {"page_obj": page, "can_submit": bool(represented_organisation_ids(request.user))},
    )


@upload_limit(20)
@login_required
def project_submit(request):
    organisations = _represented(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = ProjectReviewForm(
        request.POST or None,
        request.FILES or None,
        centres=Centre.objects.select_related("organisation").order_by("-is_hub", "organisation__name"),
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.project_review_submit(
                centre=data["centre"],
                organisation=data["organisation"],
                submitted_by=request.user,
                title=data["title"],
                summary=data["summary"],
                budget=data["budget"],
                document=data["document"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The project has been submitted for evaluation."))
            return redirect(review)
    return render(request, "learning/project_form.html", {"form": form})


@login_required
def project_detail(request, pk):
    from resurs.criteria.forms import EvaluationForm
    from resurs.criteria.models import Evaluation
    from resurs.criteria.services import EvaluationIncomplete

    review = access.get_project_review_for_user(request.user, pk)
    user = request.user
    can_assign = access.can_assign_project_review(user, review)
    can_evaluate = (
        access.can_evaluate_project(user, review) and review.status != ProjectReviewStatus.COMPLETED
    )
    assign_form = eval_form = None
    if can_assign and review.status != ProjectReviewStatus.COMPLETED:
        from resurs.accounts.models import User

        evaluators = (
            User.objects.filter(role_assignments__centre=review.centre).distinct().order_by("last_name")
        )
        assign_form = AssignForm(
            request.POST if request.POST.get("form") == "assign" else None,
            consultants=evaluators,
            label=_("Evaluator"),
        )
        if request.method == "POST" and request.POST.get("form") == "assign" and assign_form.is_valid():
            try:
                services.project_review_assign(
                    review=review, evaluator=assign_form.cleaned_data["consultant"], actor=user
                )
            except ValidationError as error:
                _apply_errors(assign_form, error)
            else:
                messages.success(request, _("The evaluator has been assigned."))
                return redirect(review)
    elif request.method == "POST" and request.POST.get("form") == "assign":
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("form") == "evaluation" and not can_evaluate:
        raise PermissionDenied
    if can_evaluate:
        evaluation = services.project_evaluation(review)
        eval_form = EvaluationForm(
            request.POST if request.POST.get("form") == "evaluation" else None, evaluation=evaluation
        )
        if request.method == "POST" and request.POST.get("form") == "evaluation" and eval_form.is_valid():
            try:
                services.project_review_save(
                    review=review,
                    actor=user,
                    scores=eval_form.score_inputs(),
                    overall_comment=eval_form.cleaned_data["overall_comment"],
                    submit="submit" in request.POST,
                )
            except EvaluationIncomplete as error:
                eval_form.add_service_errors(error.message_dict)
            except ValidationError as error:
                _apply_errors(eval_form, error)
            else:
                messages.success(request, _("The evaluation has been saved."))
                return redirect(review)
    evaluation = (
        Evaluation.objects.filter(
            subject_type__model="projectreview",
            subject_type__app_label="learning",
            subject_id=review.pk,
            status=Evaluation.Status.SUBMITTED,
        )
        .prefetch_related("scores__criterion")
        .first()
    )
    return render(
        request,
        "learning/project_detail.html",
        {"review": review, "assign_form": assign_form, "form": eval_form, "evaluation": evaluation},
        status=400 if request.method == "POST" else 200,
    )


# --- Files: each through its object's door (anonymous and outsiders get 404) ----------------------------------


def material_file(request, pk, material_pk):
    material = access.get_material_for_user(request.user, pk, material_pk)
    if not material.file:
        raise Http404
    return private_file_response(material.file, material.original_name or material.title)


def consultation_attachment(request, pk, attachment_pk):
    attachment = access.get_consultation_attachment_for_user(request.user, pk, attachment_pk)
    return private_file_response(attachment.file, attachment.name)


def project_document(request, pk):
    review = access.get_project_review_for_user(request.user, pk)
    if not review.document:
        raise Http404
    return private_file_response(review.document, review.document_name or review.title)


@login_required
def project_report(request, pk):
    from resurs.core.pdf import pdf_response
    from resurs.criteria.models import Evaluation

    review = access.get_project_review_for_user(request.user, pk)
    evaluation = (
        Evaluation.objects.filter(
            subject_type__model="projectreview",
            subject_type__app_label="learning",
            subject_id=review.pk,
            status=Evaluation.Status.SUBMITTED,
        )
        .select_related("scheme", "evaluator")
        .prefetch_related("scores__criterion")
        .first()
    )
    if evaluation is None:
        messages.error(request, _("The report is ready once the evaluation is complete."))
        return redirect(review)
    return pdf_response(
        "learning/pdf/project_report.html",
        {"review": review, "evaluation": evaluation, "scores": list(evaluation.scores.all())},
        filename=f"project-evaluation-{review.pk}",
    )


# --- capacity assessments ----------------------------------------------------------------------------------


@login_required
def assessment_list(request):
    assessments = selectors.assessment_list_for(request.user).order_by("organisation__name", "-wave")
    page = Paginator(assessments, 30).get_page(request.GET.get("page"))
    can_start = (
        bool(represented_organisation_ids(request.user))
        or bool(access.managed_centre_ids(request.user))
        or is_admin(request.user)
    )
    return render(
        request,
        "learning/assessment_list.html",
        {
            "page_obj": page,
            "can_start": can_start,
            "can_configure": bool(_centres_managed(request.user).exists()),
        },
    )


@login_required
def assessment_start(request):
    user = request.user
    managed = _centres_managed(user)
    kinds = []
    if represented_organisation_ids(user):
        kinds.append(AssessmentKind.SELF)
    if managed.exists():
        kinds.append(AssessmentKind.FACILITATED)
    if not kinds:
        raise PermissionDenied
    instruments = Instrument.objects.filter(is_active=True)
    organisations = Organisation.objects.order_by("name") if managed.exists() else _represented(user)
    form = AssessmentStartForm(
        request.POST or None, instruments=instruments, organisations=organisations, kinds=kinds
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == AssessmentKind.FACILITATED and not can_manage_centre_work(
            user, data["instrument"].centre
        ):
            form.add_error("instrument", _("Facilitated assessments use your centre's instruments."))
        else:
            try:
                assessment = services.assessment_start(
                    instrument=data["instrument"],
                    organisation=data["organisation"],
                    kind=data["kind"],
                    actor=user,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return redirect(assessment)
    return render(request, "learning/assessment_start.html", {"form": form})


@login_required
def assessment_detail(request, pk):
    from resurs.core.chartspec import chart_spec

    assessment = access.get_assessment_for_user(request.user, pk)
    editable = access.can_edit_assessment(request.user, assessment)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = AssessmentForm(request.POST or None, assessment=assessment) if editable else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(
                assessment=assessment,
                actor=request.user,
                scores=form.score_inputs(),
                notes=form.cleaned_data["notes"],
                submit="submit" in request.POST,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The assessment has been saved."))
            return redirect(assessment)
    history = selectors.assessment_history(assessment.organisation, assessment.instrument)
    chart = None
    if len(history["waves"]) > 1:
        # Each wave is labelled with its own date: the scores are the organisation's capacity on that day.
        labels = [
            f"{w['assessment'].wave} · {w['assessment'].get_kind_display()} · "
            f"{date_format(w['assessment'].conducted_on, 'SHORT_DATE_FORMAT')}"
            for w in history["waves"]
        ]
        chart = chart_spec(
            "capacity-by-wave",
            title=_("Capacity by area, wave by wave"),
            labels=labels,
            series={row["area"].name: row["values"] for row in history["rows"]},
            kind="line",
            fmt="decimal",
            axis=_("Level (1–4)"),
            label_header=_("Wave"),
        )
    context = {
        "assessment": assessment,
        "form": form,
        "scores": list(assessment.scores.select_related("area")),
        "history": history,
        "chart": chart,
        "plan": selectors.action_plan(assessment) if assessment.status == AssessmentStatus.SUBMITTED else [],
    }
    return render(
        request,
        "learning/assessment_detail.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


# --- service quality ---------------------------------------------------------------------------------------


def _period(form) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    end = data.get("end") or today
    start = data.get("start") or end.replace(month=1, day=1)
    return start, end


@login_required
def service_quality(request):
    user = request.user
    if not access.can_see_service_quality(user):
        raise PermissionDenied
    centres = _centres_managed(user)
    form = PeriodForm(request.GET or None, centres=centres)
    start, end = _period(form)
    chosen = form.cleaned_data.get("centre") if form.is_valid() else None
    if chosen is not None:
        centre_ids = {chosen.pk}
    else:
        centre_ids = None if is_admin(user) else set(access.managed_centre_ids(user))
    if request.GET.get("format") == "xlsx":
        quality = selectors.service_quality(start=start, end=end, centre_ids=centre_ids)
        return _quality_export(quality, centres, start, end)
    # Figures and charts over a year of a national network take seconds: computed in the background when the
    # centres' services change (learning.services.QUALITY_TOPIC), the last figures staying on view meanwhile.
    name = ":".join(
        [
            get_language(),
            str(start),
            str(end),
            ",".join(map(str, sorted(centre_ids))) if centre_ids is not None else "all",
        ]
    )
    shown = precomputed.background(
        QUALITY_TOPIC,
        name,
        function="resurs.learning.quality.quality_figures",
        user=user,
        kwargs={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "centre_ids": sorted(centre_ids) if centre_ids is not None else None,
            "compare": is_admin(user) and chosen is None,
        },
        steps=3,
        start=not precompute_poll(request),
    )
    if precompute_poll(request):
        return precompute_poll_response(request, shown)
    context = {
        "form": form,
        "start": start,
        "end": end,
        **(shown.value or {}),
        **precompute_context(request, shown),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "learning/service_quality.html", context)


def _quality_export(quality, centres, start, end):
    from resurs.core.tabular import table_response

    names = dict(
        Centre.objects.filter(pk__in=quality["per_centre"].keys()).values_list("pk", "organisation__name")
    )
    header = [
        _("Centre"),
        _("Organisations served"),
        _("Sessions"),
        _("Training hours"),
        _("Participant hours"),
        _("Participants"),
        _("Attendance rate"),
        _("Completion rate"),
        _("Satisfaction (1–5)"),
        _("Consultations"),
        _("Consulting hours"),
        _("Consultation rating (1–5)"),
        _("Median hours to first response"),
        _("First response in time"),
    ]

    def row(name, q):
        return [
            name,
            q.organisations_served,
            q.sessions,
            q.training_hours,
            round(q.participant_hours, 1),
            q.participants,
            round(q.attendance_rate, 3) if q.attendance_rate is not None else None,
            round(q.completion_rate, 3) if q.completion_rate is not None else None,
            q.satisfaction,
            q.consultations,
            q.consulting_hours,
            q.consultation_rating,
            q.median_response_hours,
            round(q.in_time_rate, 3) if q.in_time_rate is not None else None,
        ]

    rows = [
        row(names.get(pk, pk), q)
        for pk, q in sorted(quality["per_centre"].items(), key=lambda i: str(names.get(i[0])))
    ]
    rows.append(row(_("Total"), quality["total"]))
    return table_response("xlsx", f"service-quality-{start:%Y%m%d}-{end:%Y%m%d}", header, rows)


# --- programmes and instruments (staff) --------------------------------------------------------------------


@login_required
def programme_edit(request, pk=None):
    programme = access.get_programme_to_manage(request.user, pk) if pk else Programme()
    centres = _centres_managed(request.user)
    if pk is None and not centres.exists():
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, instance=programme, centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_save(programme=form.save(commit=False), actor=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect(programme)
    return render(request, "learning/programme_form.html", {"form": form, "programme": programme})


@login_required
def instrument_list(request):
    centres = _centres_managed(request.user)
    if not centres.exists():
        raise PermissionDenied
    if request.method == "POST":
        centre = centres.filter(pk=request.POST.get("centre")).first()
        if centre is None:
            raise PermissionDenied
        instrument = services.instrument_create_default(centre=centre)
        messages.success(request, _("The six-area capacity grid has been created; adjust it to your needs."))
        return redirect("learning:instrument-edit", pk=instrument.pk)
    instruments = (
        Instrument.objects.filter(centre__in=centres)
        .select_related("centre__organisation")
        .annotate(
            area_count=Count("areas", distinct=True), assessment_count=Count("assessments", distinct=True)
        )
    )
    return render(request, "learning/instrument_list.html", {"instruments": instruments, "centres": centres})


@login_required
def instrument_edit(request, pk):
    instrument = access.get_instrument_for_user(request.user, pk)
    form = InstrumentForm(request.POST or None, instance=instrument, centres=_centres_managed(request.user))
    areas = AreaFormSet(request.POST or None, instance=instrument)
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        try:
            services.instrument_save(
                instrument=form.save(commit=False), areas_formset=areas, actor=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The instrument has been saved."))
            return redirect("learning:instrument-list")
    return render(
        request, "learning/instrument_form.html", {"form": form, "areas": areas, "instrument": instrument}
    )
