"""Pages of the research app. Each view authorises through ``access``, parses with a form, calls a service and
responds; HTMX requests get the partial they target."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from resurs.core import precomputed
from resurs.core.files import private_file_response
from resurs.core.htmx import (
    precompute_context,
    precompute_poll,
    precompute_poll_response,
    render_page,
)
from resurs.core.pdf import pdf_file_response
from resurs.core.precomputed_json import json_endpoint, precomputed_json_response
from resurs.core.redirects import safe_next
from resurs.core.tabular import table_response, xlsx_response
from resurs.core.uploads import upload_limit
from resurs.registry.models import Centre, Organisation
from resurs.research import access, selectors, services
from resurs.research.choices import NominationStatus
from resurs.research.forms import (
    CodeForm,
    ImportForm,
    InterviewForm,
    MemberForm,
    NominationForm,
    RespondentForm,
    SegmentForm,
    StudyForm,
    TranscriptForm,
)
from resurs.research.importing import COLUMNS, ImportFailed, import_rows, read_table
from resurs.research.matching import suggest_organisations
from resurs.research.models import Code, StudyMember
from resurs.research.qdc import codebook_qdc
from resurs.research.report import (
    export_graph,
    report_context,
    study_figures_cached,
    study_findings,
    study_topic,
    study_version,
)


def _crumbs(*items):
    return [(_("Research"), reverse("research:study-list")), *items]


def _study_crumb(study):
    return (study.title, reverse("research:study-detail", args=[study.pk]))


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            visible = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if visible else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Studies ----------------------------------------------------------------------------------------------------


def study_list(request):
    if not request.user.is_authenticated or not access.may_use_research(request.user):
        published = selectors.published_study_list()
        return render(request, "research/published_list.html", {"studies": published, "crumbs": _crumbs()})
    page = Paginator(selectors.study_list(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "research/study_list.html",
        {
            "page_obj": page,
            "studies": page.object_list,
            "can_create": access.creatable_centre_ids(request.user) != set(),
            "crumbs": _crumbs(),
        },
    )


@login_required
def study_create(request):
    centre_ids = access.creatable_centre_ids(request.user)
    if centre_ids == set():
        raise PermissionDenied
    centres = Centre.objects.select_related("organisation")
    if centre_ids is not None:
        centres = centres.filter(pk__in=centre_ids)
    form = StudyForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            study = services.study_create(
                centre=form.cleaned_data["centre"],
                actor=request.user,
                partner_organisations=form.cleaned_data["partners"],
                **{
                    k: form.cleaned_data[k]
                    for k in ("title", "method", "interview_guide", "starts_on", "ends_on")
                },
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The study has been created with the default codebook."))
            return redirect(study)
    return render(
        request, "research/study_form.html", {"form": form, "crumbs": _crumbs((_("New study"), ""))}
    )


@login_required
def study_edit(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.MANAGE)
    form = StudyForm(request.POST or None, instance=study, editing=True)
    if request.method == "POST" and form.is_valid():
        changes = {
            k: form.cleaned_data[k]
            for k in ("title", "method", "interview_guide", "starts_on", "ends_on", "is_published")
        }
        try:
            services.study_update(
                study=study,
                actor=request.user,
                partner_organisations=form.cleaned_data["partners"],
                **changes,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The study has been saved."))
            return redirect(study)
    return render(
        request,
        "research/study_form.html",
        {"form": form, "study": study, "crumbs": _crumbs(_study_crumb(study), (_("Edit"), ""))},
    )


@login_required
def study_detail(request, pk):
    study = access.get_study_for_user(request.user, pk)
    can_work = access.can_work_on_study(request.user, study)
    context = {
        "study": study,
        "can_work": can_work,
        "can_manage": access.can_manage_study(request.user, study),
        "respondents": selectors.respondent_list(study),
        "members": selectors.member_list(study),
        "partners": study.partner_organisations.all(),
        "member_form": MemberForm(),
        "unmatched": selectors.unmatched_nominations(study).count(),
        "candidates": selectors.nomination_list(study, status=NominationStatus.CANDIDATE).count(),
        "tab": "overview",
        "crumbs": _crumbs(_study_crumb(study)),
    }
    return render(request, "research/study_detail.html", context)


@login_required
@require_POST
def member_add(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.MANAGE)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.member_add(
                study=study,
                user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
            messages.success(request, _("The researcher has joined the study."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(study)


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    study = access.get_study_for_user(request.user, pk, need=access.MANAGE)
    member = get_object_or_404(StudyMember, pk=member_pk, study=study)
    try:
        services.member_remove(member=member, actor=request.user)
        messages.success(request, _("The researcher has left the study."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(study)


# --- Respondents and interviews -----------------------------------------------------------------------------


@login_required
def respondent_create(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.WORK)
    form = RespondentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            respondent = services.respondent_create_with_person(
                study=study,
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                email=data["email"],
                organisation=data["organisation"],
                category=data["category"],
                region=data["region"],
                code=data["code"],
                consent=data["consent"],
                actor=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The respondent has been added."))
            return redirect("research:respondent-detail", respondent.pk)
    return render(
        request,
        "research/respondent_form.html",
        {"form": form, "study": study, "crumbs": _crumbs(_study_crumb(study), (_("New respondent"), ""))},
    )


@login_required
def respondent_detail(request, pk):
    respondent = access.get_respondent_for_user(request.user, pk)
    study = respondent.study
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_create(
                respondent=respondent,
                name=form.cleaned_data["name"],
                organisation=form.cleaned_data["organisation"],
                areas=form.cleaned_data["areas"],
                rank=form.cleaned_data["rank"],
                quote=form.cleaned_data["quote"],
                actor=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The nomination has been recorded."))
            return redirect("research:respondent-detail", respondent.pk)
    nominations = list(
        respondent.nominations.select_related("organisation__region").order_by("status", "rank", "name")
    )
    suggestions = {n.pk: suggest_organisations(n.name, limit=3) for n in nominations if not n.organisation_id}
    return render_page(
        request,
        "research/respondent_detail.html",
        {
            "respondent": respondent,
            "study": study,
            "interviews": respondent.interviews.all(),
            "nominations": nominations,
            "suggestions": suggestions,
            "form": form,
            "crumbs": _crumbs(_study_crumb(study), (str(respondent), "")),
        },
        status=400 if request.method == "POST" else 200,
    )


@upload_limit(5)
@login_required
def interview_create(request, pk):
    respondent = access.get_respondent_for_user(request.user, pk)
    form = InterviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.interview_create(
                respondent=respondent,
                held_on=form.cleaned_data["held_on"],
                mode=form.cleaned_data["mode"],
                consent=form.cleaned_data["consent"],
                transcript=form.cleaned_data["transcript"],
                upload=form.cleaned_data["transcript_file"],
                actor=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The interview has been saved."))
            return redirect("research:interview-detail", interview.pk)
    study = respondent.study
    return render(
        request,
        "research/interview_form.html",
        {
            "form": form,
            "respondent": respondent,
            "study": study,
            "crumbs": _crumbs(
                _study_crumb(study),
                (str(respondent), reverse("research:respondent-detail", args=[respondent.pk])),
                (_("New interview"), ""),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def _transcript_chunks(text: str, segments) -> list[dict]:
    """The transcript cut at passage boundaries, so that coded stretches can be highlighted while the text
    content of the element stays exactly the transcript (the offsets the browser sends count its characters)."""
    bounds = {0, len(text)}
    for s in segments:
        bounds.update((s.start, s.end))
    points = sorted(bounds)
    chunks = []
    for a, b in zip(points, points[1:], strict=False):
        codes = [s.code for s in segments if s.start <= a and b <= s.end]
        chunks.append({"text": text[a:b], "codes": codes, "color": codes[-1].color if codes else ""})
    return chunks


def _coding_context(request, interview, form=None):
    study = interview.respondent.study
    mine = list(interview.segments.filter(coder=request.user).select_related("code").order_by("start", "end"))
    return {
        "interview": interview,
        "study": study,
        "segments": mine,
        "chunks": _transcript_chunks(interview.transcript, mine),
        "segment_form": form or SegmentForm(study=study),
    }


def interview_transcript_file(request, pk):
    """The uploaded transcript (as stored: converted to UTF-8), for the members of the study only."""
    interview = access.get_interview_for_user(request.user, pk)
    if not interview.transcript_file:
        raise Http404
    return private_file_response(
        interview.transcript_file, interview.transcript_file_name or f"{interview}.txt"
    )


@login_required
def interview_detail(request, pk):
    interview = access.get_interview_for_user(request.user, pk)
    respondent = interview.respondent
    context = _coding_context(request, interview)
    context["crumbs"] = _crumbs(
        _study_crumb(respondent.study),
        (str(respondent), reverse("research:respondent-detail", args=[respondent.pk])),
        (str(interview), ""),
    )
    context["respondent"] = respondent
    return render(request, "research/interview_detail.html", context)


@login_required
@require_POST
def segment_create(request, pk):
    interview = access.get_interview_for_user(request.user, pk)
    form = SegmentForm(request.POST, study=interview.respondent.study)
    if form.is_valid():
        try:
            services.segment_create(
                interview=interview,
                code=form.cleaned_data["code"],
                coder=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
            form = None
        except ValidationError as error:
            _apply_errors(form, error)
    if not request.htmx:
        if form is not None:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("research:interview-detail", interview.pk)
    # Answered with 200 even when the passage is refused: htmx swaps only successful responses, and the panel
    # with the message beside the form is what the coder must see.
    return render(request, "research/partials/_coding.html", _coding_context(request, interview, form))


@login_required
@require_POST
def segment_delete(request, pk):
    segment = access.get_segment_for_user(request.user, pk)
    interview = segment.interview
    services.segment_delete(segment=segment)
    if request.htmx:
        return render(request, "research/partials/_coding.html", _coding_context(request, interview))
    return redirect("research:interview-detail", interview.pk)


@login_required
def transcript_edit(request, pk):
    interview = access.get_interview_for_user(request.user, pk)
    form = TranscriptForm(request.POST or None, initial={"transcript": interview.transcript})
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_update_transcript(
                interview=interview, transcript=form.cleaned_data["transcript"], actor=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect("research:interview-detail", interview.pk)
    study = interview.respondent.study
    return render(
        request,
        "research/transcript_form.html",
        {
            "form": form,
            "interview": interview,
            "study": study,
            "crumbs": _crumbs(_study_crumb(study), (_("Edit the transcript"), "")),
        },
    )


@login_required
@require_POST
def interview_candidates(request, pk):
    interview = access.get_interview_for_user(request.user, pk)
    found = services.nominations_from_transcript(interview=interview, actor=request.user)
    messages.success(
        request,
        _("Organisations found in the transcript and offered as candidates: %(count)s.")
        % {"count": len(found)},
    )
    return redirect("research:respondent-detail", interview.respondent_id)


# --- Nominations ---------------------------------------------------------------------------------------------


@login_required
def nomination_list(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.WORK)
    unmatched = list(selectors.unmatched_nominations(study))
    suggestions = {n.pk: suggest_organisations(n.name, limit=3) for n in unmatched}
    candidates = selectors.nomination_list(study, status=NominationStatus.CANDIDATE)
    page = Paginator(selectors.nomination_list(study, status=NominationStatus.CONFIRMED), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "research/nomination_list.html",
        {
            "study": study,
            "unmatched": unmatched,
            "suggestions": suggestions,
            "candidates": candidates,
            "page_obj": page,
            "nominations": page.object_list,
            "tab": "nominations",
            "crumbs": _crumbs(_study_crumb(study), (_("Nominations"), "")),
        },
    )


def _back(request, nomination):
    target = safe_next(request)
    if target.startswith("/research/"):
        return redirect(target)
    return redirect("research:respondent-detail", nomination.respondent_id)


@login_required
@require_POST
def nomination_resolve(request, pk):
    nomination = access.get_nomination_for_user(request.user, pk)
    organisation = Organisation.objects.filter(pk=request.POST.get("organisation") or 0).first()
    if organisation is None:
        from resurs.research.forms import find_organisation

        organisation = find_organisation(request.POST.get("query", ""))
    if organisation is None:
        messages.error(request, _("No organisation in the registry matches; check the name or give the INN."))
        return _back(request, nomination)
    try:
        services.nomination_resolve(nomination=nomination, organisation=organisation, actor=request.user)
        messages.success(
            request,
            _("“%(name)s” is now linked to %(org)s.") % {"name": nomination.name, "org": organisation},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, nomination)


@login_required
@require_POST
def nomination_status(request, pk):
    nomination = access.get_nomination_for_user(request.user, pk)
    status = request.POST.get("status")
    if status not in NominationStatus.values:
        messages.error(request, _("Unknown status."))
    else:
        services.nomination_update(nomination=nomination, status=status, actor=request.user)
    return _back(request, nomination)


@login_required
@require_POST
def nomination_delete(request, pk):
    nomination = access.get_nomination_for_user(request.user, pk)
    services.nomination_delete(nomination=nomination, actor=request.user)
    messages.success(request, _("The nomination has been removed."))
    return _back(request, nomination)


# --- Coding ----------------------------------------------------------------------------------------------------


@login_required
def coding(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.WORK)
    form = CodeForm(request.POST or None, study=study)
    if request.method == "POST" and form.is_valid():
        try:
            services.code_create(
                study=study,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
                color=form.cleaned_data["color"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The code has been added."))
            return redirect("research:coding", study.pk)
    coder_list = selectors.coders(study)
    # Co-occurrence and agreement read every transcript of the study: computed once per version of its data.
    version = hashlib.sha256(selectors.coding_data_version(study).encode()).hexdigest()[:24]
    topic = f"study:{study.pk}:coding:{version}"
    agreement_result = None
    a_id, b_id = request.GET.get("a"), request.GET.get("b")
    if len(coder_list) >= 2:
        by_id = {str(u.pk): u for u in coder_list}
        a = by_id.get(a_id) or coder_list[0]
        b = by_id.get(b_id) or next(u for u in coder_list if u != a)
        if a != b:
            figures = precomputed.cached(
                topic, f"agreement:{a.pk}:{b.pk}", lambda: selectors.coder_agreement(study, a, b)
            )
            agreement_result = {"a": a, "b": b, **figures}
    codes, matrix = precomputed.cached(topic, "co-occurrence", lambda: selectors.co_occurrence(study))
    # A national study has hundreds of interviews: the list shows them a page at a time.
    interviews = Paginator(selectors.interview_list(study), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "research/coding.html",
        {
            "study": study,
            "form": form,
            "codebook": selectors.codebook(study),
            "frequencies": {c.pk: (p, i) for c, p, i in selectors.code_frequencies(study)},
            "co_codes": codes,
            "co_matrix": list(zip(codes, matrix, strict=True)),
            "coders": coder_list,
            "agreement": agreement_result,
            "interviews": interviews.object_list,
            "page_obj": interviews,
            "tab": "coding",
            "crumbs": _crumbs(_study_crumb(study), (_("Coding"), "")),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def code_detail(request, pk):
    code = get_object_or_404(Code.objects.select_related("study"), pk=pk)
    study = access.get_study_for_user(request.user, code.study_id, need=access.WORK)
    return render(
        request,
        "research/code_detail.html",
        {
            "study": study,
            "code": code,
            "segments": selectors.segments_for_code(code),
            "crumbs": _crumbs(
                _study_crumb(study),
                (_("Coding"), reverse("research:coding", args=[study.pk])),
                (code.name, ""),
            ),
        },
    )


@login_required
def passages_export(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.WORK)
    segments = (
        selectors.CodedSegment.objects.filter(interview__respondent__study=study)
        .select_related("code__parent", "interview__respondent", "coder")
        .order_by("code__order", "interview__respondent__code", "start")
    )
    header = [
        _("Code"),
        _("Parent code"),
        _("Respondent"),
        _("Interview date"),
        _("Coder"),
        pgettext("passage", "Start"),
        pgettext("passage", "End"),
        _("Passage"),
    ]
    rows = (
        [
            s.code.name,
            s.code.parent.name if s.code.parent else "",
            s.interview.respondent.code,
            s.interview.held_on,
            s.coder.username,
            s.start,
            s.end,
            s.text,
        ]
        for s in segments.iterator()
    )
    return xlsx_response(f"coded-passages-{study.pk}", header, rows)


@login_required
def codebook_export(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.WORK)
    response = HttpResponse(codebook_qdc(study), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codebook-{study.pk}.qdc"'
    return response


# --- Analysis, report and exports ------------------------------------------------------------------------


def _study_figures(request, study, *, version: str | None = None, start: bool | None = None):
    """The study's findings with their table, charts and network for the data's current version, computed in the
    background (a national study of 2,000 nominations takes seconds): the last ones stay on view meanwhile."""
    return precomputed.background(
        study_topic(study),
        get_language(),
        function="resurs.research.report.study_figures",
        user=request.user,
        kwargs={"study_id": study.pk},
        steps=2,
        version=version or study_version(study),
        start=not precompute_poll(request) if start is None else start,
    )


@login_required
def analysis(request, pk):
    study = access.get_study_for_user(request.user, pk)
    shown = _study_figures(request, study)
    if precompute_poll(request):
        return precompute_poll_response(request, shown)
    return render(
        request,
        "research/analysis.html",
        {
            "study": study,
            **(shown.value or {}),
            **precompute_context(request, shown),
            "can_work": access.can_work_on_study(request.user, study),
            "internal": True,  # the staff's working page: notes about unmatched names belong here
            "tab": "analysis",
            "crumbs": _crumbs(_study_crumb(study), (_("Analysis"), "")),
        },
    )


@json_endpoint
@require_safe
def analysis_network(request, pk):
    """The analysis page's nomination network as JSON (static/js/network.js fetches it): the page's access and the
    figures it shows. Nominations carry no amounts: every reader of the page gets the same data."""
    study = access.get_study_for_user(request.user, pk)
    version = study_version(study)
    return precomputed_json_response(
        request,
        topic=study_topic(study),
        name=get_language(),
        version=version,
        shown=lambda: _study_figures(request, study, version=version, start=True),
        payload=lambda value: value["network"],
        computing_message=_("The analysis is being computed; the page will update itself when it is ready."),
    )


def report(request, pk):
    study = access.get_report_study(request.user, pk)
    shown = _study_figures(request, study)
    if precompute_poll(request):
        return precompute_poll_response(request, shown)
    context = report_context(study, shown.value) if shown.value is not None else {"study": study}
    context.update(precompute_context(request, shown))
    context["can_work"] = access.can_work_on_study(request.user, study)
    context["tab"] = "report"
    context["crumbs"] = (
        _crumbs(_study_crumb(study), (_("Report"), ""))
        if access.can_view_study(request.user, study)
        else _crumbs((study.title, ""))
    )
    context["is_private_view"] = access.can_view_study(request.user, study)
    context["internal"] = context["is_private_view"]  # the published report shows no internal notes
    return render(request, "research/report.html", context)


def report_pdf(request, pk):
    """The report's PDF once it is set for the data's current version (seconds for a national study, in the
    background); until then a page with its progress, which offers the download when it is ready. An older PDF is
    never handed out: a downloaded report is quoted and passed on, and nothing in it would say it is out of date."""
    study = access.get_report_study(request.user, pk)
    shown = precomputed.background(
        f"{study_topic(study)}:report-pdf",
        get_language(),
        function="resurs.research.report.report_pdf",
        user=request.user,
        kwargs={"study_id": study.pk},
        steps=3,
        version=study_version(study),
        start=not precompute_poll(request),
    )
    if precompute_poll(request):
        if shown.current:  # the progress turns into the download (a refresh would download it on every poll)
            return render(
                request,
                "research/partials/_report_pdf_ready.html",
                {"study": study},
            )
        return precompute_poll_response(request, shown)
    if shown.current:
        return pdf_file_response(shown.value, filename=f"study-{study.pk}")
    context = {
        "study": study,
        **precompute_context(request, shown),
        "crumbs": (
            _crumbs(
                _study_crumb(study), (_("Report"), reverse("research:report", args=[study.pk])), ("PDF", "")
            )
            if access.can_view_study(request.user, study)
            else _crumbs((study.title, reverse("research:report", args=[study.pk])), ("PDF", ""))
        ),
    }
    return render(request, "research/report_pdf_preparing.html", context)


def ranking_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    study = access.get_report_study(request.user, pk)
    table = study_figures_cached(study)["table"]  # the analysis page's, for the data's current version
    header = [
        _("Rank"),
        _("Organisation"),
        _("INN"),
        _("Region"),
        _("Nominations"),
        _("Share of respondents"),
        _("Rank without self-nominations"),
        _("Rank without self- and partner nominations"),
        _("Rank range, leave one out"),
        _("Rank, 95% bootstrap interval"),
        _("PageRank"),
    ]
    rows = [
        [
            row["item"].rank,
            row["organisation"].display_name,
            row["organisation"].inn,
            row["organisation"].region.name if row["organisation"].region else "",
            row["item"].count,
            round(row["item"].share, 4),
            row["rank_no_self"] or "",
            row["rank_no_partner"] or "",
            "–".join(map(str, row["item"].loo_range)) if row["item"].loo_range else "",
            "–".join(map(str, row["item"].bootstrap_interval)) if row["item"].bootstrap_interval else "",
            round(row["pagerank"], 6) if row["pagerank"] is not None else "",
        ]
        for row in table
    ]
    return table_response(fmt, f"ranking-{study.pk}", header, rows)


def network_export(request, pk, fmt):
    if fmt not in ("gexf", "graphml"):
        raise Http404
    study = access.get_report_study(request.user, pk)
    data = export_graph(study_findings(study, stability=False), fmt)
    content_type = "application/gexf+xml" if fmt == "gexf" else "application/graphml+xml"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="nominations-{study.pk}.{fmt}"'
    return response


# --- Import ----------------------------------------------------------------------------------------------------


@login_required
def import_view(request, pk):
    study = access.get_study_for_user(request.user, pk, need=access.WORK)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_table(upload.read(), upload.name)
            result = import_rows(study=study, rows=rows, actor=request.user)
        except ImportFailed as failure:
            errors = failure.errors
    return render(
        request,
        "research/import.html",
        {
            "study": study,
            "form": form,
            "errors": errors,
            "result": result,
            "columns": COLUMNS,
            "crumbs": _crumbs(_study_crumb(study), (_("Import"), "")),
        },
        status=400 if errors or (request.method == "POST" and not form.is_valid()) else 200,
    )


# --- Sector view ---------------------------------------------------------------------------------------------


@login_required
def sector(request):
    if not access.may_use_research(request.user):
        raise PermissionDenied
    from resurs.research.sector import SECTOR_TOPIC

    # Precomputed in the background whenever the network's data change; the last result stays on view meanwhile.
    result = precomputed.background(
        SECTOR_TOPIC,
        "summary",
        function="resurs.research.sector.sector_summary",
        user=request.user,
        steps=3,
        start=not precompute_poll(request),
    )
    if precompute_poll(request):
        return precompute_poll_response(request, result)
    network = result.value
    centre_ids = access.creatable_centre_ids(request.user)
    centres = Centre.objects.select_related("organisation")
    if centre_ids is not None:
        centres = centres.filter(pk__in=centre_ids)
    centres = list(centres)
    chosen = next(
        (c for c in centres if str(c.pk) == request.GET.get("centre")), centres[0] if centres else None
    )
    top = network.top if network else []
    organisations = Organisation.objects.select_related("region").in_bulk([org_id for org_id, _p, _d in top])
    return render(
        request,
        "research/sector.html",
        {
            "network": network,
            "current": result.current,
            "job": result.job,
            **precompute_context(request, result),
            "centres": centres,
            "chosen": chosen,
            "place": network.places.get(chosen.organisation_id) if chosen and network else None,
            "top": [(organisations[o], p, d) for o, p, d in top if o in organisations],
            "crumbs": _crumbs((_("The sector"), "")),
        },
    )
