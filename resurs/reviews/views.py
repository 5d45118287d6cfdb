"""Pages of expert evaluation: the expert's own reviews, and the staff's tools for a call."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resurs.accounts.access import is_admin, is_centre_staff
from resurs.core.files import private_file_response
from resurs.core.htmx import render_page
from resurs.core.templatetags.core_tags import format_money
from resurs.criteria.forms import EvaluationForm
from resurs.criteria.services import EvaluationIncomplete
from resurs.registry.widgets import pick_request, results_id
from resurs.reviews import access, selectors, services
from resurs.reviews.affinity import DEFAULT_WEIGHTS
from resurs.reviews.choices import RunStatus
from resurs.reviews.forms import ExpertProfileForm, InviteForm, OverrideForm, ReasonForm, SettingsForm
from resurs.reviews.ranking import DEFAULT_BANDS, OUTCOME_LABELS

ASSIGNMENT_PAGE = 20  # applications per page of the assignment matrix
SCORES_PAGE = 50  # rows per page of the progress, moderation and ranking pages


def _crumbs(call=None, label=None):
    crumbs = [(_("Expert evaluation"), reverse("reviews:calls"))]
    if call is not None:
        crumbs.append((call.title, reverse("reviews:call", args=[call.slug])))
    if label:
        crumbs.append((label, ""))
    return crumbs


# --- experts ------------------------------------------------------------------------------------------------


@login_required
def my_reviews(request):
    assignments = list(selectors.assignments_for_expert(request.user))
    evaluations = selectors.my_evaluation_map(request.user, assignments)
    rows = [(a, evaluations.get(a.application_id)) for a in assignments]
    invitations = list(selectors.invitations_for_expert(request.user))
    return render(
        request,
        "reviews/my_reviews.html",
        {"rows": rows, "invitations": invitations, "crumbs": [(_("My reviews"), "")]},
    )


@login_required
@require_POST
def invitation_respond(request, pk: int):
    invitation = access.get_invitation_for_expert(request.user, pk)
    services.invitation_respond(
        invitation=invitation, actor=request.user, accept=request.POST.get("accept") == "1"
    )
    messages.success(request, _("Your answer is recorded."))
    return HttpResponseRedirect(reverse("reviews:my"))


@login_required
def review(request, pk: int):
    """An assigned application, read-only, and the expert's scoring form (criteria app)."""
    assignment = access.get_assignment_for_expert(request.user, pk)
    try:
        evaluation = services.evaluation_of(assignment)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return HttpResponseRedirect(reverse("reviews:my"))
    closed = selectors.other_scores_visible(assignment.call)
    editable = evaluation.status != evaluation.Status.SUBMITTED and not closed
    form = EvaluationForm(request.POST or None, evaluation=evaluation)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.review_save(
                    assignment=assignment,
                    actor=request.user,
                    scores=form.score_inputs(),
                    overall_comment=form.cleaned_data["overall_comment"],
                    submit=submit,
                )
            except EvaluationIncomplete as error:
                form.add_service_errors(error.message_dict)
                messages.error(request, _("The draft is saved; correct the marked fields to submit."))
            else:
                messages.success(
                    request, _("Your review is submitted.") if submit else _("The draft is saved.")
                )
                return HttpResponseRedirect(reverse("reviews:review", args=[assignment.pk]))
    others = []
    if closed:
        others = [
            e
            for e in selectors.evaluations_for_application(assignment.application).select_related("evaluator")
            if e.evaluator_id != request.user.pk and e.status == e.Status.SUBMITTED
        ]
    application = assignment.application
    return render(
        request,
        "reviews/review.html",
        {
            "assignment": assignment,
            "application": application,
            "sections": selectors.grants_selectors.application_sections(application),
            "attachments": selectors.grants_selectors.attachments_of(application),
            "facts": _application_facts(application),
            "neighbours": selectors.assignment_neighbours(request.user, assignment),
            "evaluation": evaluation,
            "form": form,
            "editable": editable,
            "others": others,
            "crumbs": [(_("My reviews"), reverse("reviews:my")), (str(assignment.application), "")],
        },
    )


def _application_facts(application) -> list[tuple[str, str]]:
    starts = localize(application.project_starts_on) if application.project_starts_on else "…"
    ends = localize(application.project_ends_on) if application.project_ends_on else "…"
    return [
        (_("Organisation"), str(application.organisation)),
        (_("Region"), str(application.organisation.region or "—")),
        (_("Amount requested"), format_money(application.requested_amount)),
        (_("Total cost"), format_money(application.total_cost)),
        (_("Co-financing"), format_money(application.cofinancing_amount)),
        (_("Project period"), f"{starts} – {ends}"),
    ]


@login_required
def assignment_attachment(request, pk: int, attachment_id: int):
    """A file attached to an application the expert is assigned to."""
    assignment = access.get_assignment_for_expert(request.user, pk)
    attachment = (
        selectors.grants_selectors.attachments_of(assignment.application).filter(pk=attachment_id).first()
    )
    if attachment is None:
        raise Http404
    return private_file_response(attachment.file, attachment.original_name)


@login_required
@require_POST
def declare_conflict(request, pk: int):
    assignment = access.get_assignment_for_expert(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.conflict_declare(
            expert=assignment.expert,
            application=assignment.application,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request, _("The conflict of interest is recorded; the application is passed to another expert.")
        )
        return HttpResponseRedirect(reverse("reviews:my"))
    messages.error(request, _("Say what the conflict of interest is."))
    return HttpResponseRedirect(reverse("reviews:review", args=[pk]))


@login_required
@require_POST
def decline(request, pk: int):
    assignment = access.get_assignment_for_expert(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.assignment_decline(
            assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("You have declined the application; another expert will evaluate it."))
        return HttpResponseRedirect(reverse("reviews:my"))
    messages.error(request, _("Say why you decline this application."))
    return HttpResponseRedirect(reverse("reviews:review", args=[pk]))


@login_required
def profile(request):
    """The signed-in expert's own profile (404 for users who are not experts)."""
    expert = selectors.expert_for_user(request.user)
    if expert is None:
        raise Http404
    form = ExpertProfileForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.expert_profile_save(
            person=expert.person,
            user=request.user,
            fields=data["fields"],
            regions=data["regions"],
            languages=data["languages"],
            min_load=data["min_load"],
            max_load=data["max_load"],
            bio=data["bio"],
            is_available=data["is_available"],
            available_note=data["available_note"],
        )
        messages.success(request, _("Your expert profile is saved."))
        return HttpResponseRedirect(reverse("reviews:profile"))
    crumbs = [(_("My reviews"), reverse("reviews:my")), (_("Expert profile"), "")]
    return render(request, "reviews/profile.html", {"form": form, "crumbs": crumbs})


# --- staff --------------------------------------------------------------------------------------------------


def _require_staff(user) -> None:
    if not (is_centre_staff(user) or is_admin(user)):
        raise PermissionDenied


@login_required
def experts(request):
    """The expert pool across calls; staff add registry people as experts."""
    _require_staff(request.user)
    if request.method == "POST":
        person = selectors.person_for_expert(request.POST.get("person", ""))
        if person is None:
            raise Http404
        services.expert_add(person=person, actor=request.user)
        messages.success(request, _("%(person)s is now in the expert pool.") % {"person": person})
        return HttpResponseRedirect(reverse("reviews:experts"))
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.expert_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/experts.html",
        {
            "page_obj": page,
            "query": query,
            "found": selectors.people_to_add(query) if len(query) >= 2 else [],
            "crumbs": _crumbs(label=_("Experts")),
        },
    )


@login_required
def calls(request):
    _require_staff(request.user)
    items = selectors.review_calls_for_staff(request.user)
    return render(request, "reviews/calls.html", {"calls": items, "crumbs": [(_("Expert evaluation"), "")]})


@login_required
def call(request, slug: str):
    """Progress of scoring and the dispersion of each application's totals, a page of applications at a time
    (a national call has 15,000); the whole call's calibration is precomputed."""
    call = access.get_review_call_for_user(request.user, slug)
    threshold = float(call.score_threshold)
    show = request.GET.get("show", "")
    show = show if show in selectors.PROGRESS_FILTERS else ""
    calibration = selectors.call_calibration(call)
    ids = selectors.progress_application_ids(calibration, show=show, threshold=threshold)
    page = Paginator(ids, SCORES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/call.html",
        {
            "call": call,
            "tab": "progress",
            "scores": selectors.call_scores(
                call, application_ids=list(page.object_list), calibration=calibration
            ),
            "application_count": len(calibration.applications),
            "page_obj": page,
            "show": show,
            "threshold": threshold,
            "review": services.call_review_for(call),
            "run": selectors.latest_run(call),
            "counts": selectors.invitation_counts(call),
            "crumbs": _crumbs(call),
        },
    )


@login_required
def pool(request, slug: str):
    call = access.get_review_call_for_user(request.user, slug)
    form = InviteForm(request.POST or None, queryset=selectors.experts_to_invite(call))
    if request.method == "POST" and form.is_valid():
        services.experts_invite_bulk(
            call=call,
            experts=form.cleaned_data["experts"],
            actor=request.user,
            max_load=form.cleaned_data["max_load"],
        )
        messages.success(request, _("Invitations sent."))
        return HttpResponseRedirect(reverse("reviews:pool", args=[slug]))
    # A national call invites 1,500 experts: a page at a time, with the loads of that page's experts only.
    page = Paginator(selectors.pool_for_call(call), 50).get_page(request.GET.get("page"))
    loads = selectors.active_loads(call, [inv.expert_id for inv in page.object_list])
    for inv in page.object_list:
        inv.active = loads.get(inv.expert_id, 0)
    return render(
        request,
        "reviews/pool.html",
        {
            "call": call,
            "tab": "pool",
            "page_obj": page,
            "form": form,
            "crumbs": _crumbs(call, _("Expert pool")),
        },
    )


@login_required
def settings_view(request, slug: str):
    call = access.get_review_call_for_user(request.user, slug)
    review = services.call_review_for(call)
    weights = {**DEFAULT_WEIGHTS, **(review.weights or {})}
    bands = review.bands or DEFAULT_BANDS
    initial = {f"weight_{k}": round(float(v), 3) for k, v in weights.items()}
    initial.update({f"pass_mark_{i}": b["pass_mark"] for i, b in enumerate(bands)})
    initial.update({"require_regional": review.require_regional, "fairness": review.fairness})
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_review_update(
                call=call,
                actor=request.user,
                weights=form.weights(),
                require_regional=form.cleaned_data["require_regional"],
                fairness=form.cleaned_data["fairness"],
                bands=form.bands(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Settings saved."))
            return HttpResponseRedirect(reverse("reviews:settings", args=[slug]))
    return render(
        request,
        "reviews/settings.html",
        {"call": call, "tab": "settings", "form": form, "crumbs": _crumbs(call, _("Settings"))},
    )


@login_required
def conflicts(request, slug: str):
    call = access.get_review_call_for_user(request.user, slug)
    if request.method == "POST":
        added = services.conflicts_detect(call=call)
        messages.success(
            request, _("Registry checked: %(count)d new conflicts of interest.") % {"count": added}
        )
        return HttpResponseRedirect(reverse("reviews:conflicts", args=[slug]))
    return render(
        request,
        "reviews/conflicts.html",
        {
            "call": call,
            "tab": "conflicts",
            "conflicts": selectors.conflicts_for_call(call),
            "crumbs": _crumbs(call, _("Conflicts of interest")),
        },
    )


@login_required
def assignment(request, slug: str):
    """Runs of the optimiser (with diagnostics), the assignment matrix with explanations and overrides."""
    call = access.get_review_call_for_user(request.user, slug)
    if request.method == "POST":
        try:
            services.assignment_run_start(call=call, actor=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return HttpResponseRedirect(reverse("reviews:assignment", args=[slug]))
    run = selectors.latest_run(call)
    # A page of applications with their experts (a national call has 15,000 applications and 45,000 assignments).
    page = Paginator(selectors.assigned_application_ids(call), ASSIGNMENT_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.applications_by_ids(list(page.object_list))
    grouped: dict = {application: [] for application in page.object_list}
    by_pk = {application.pk: application for application in grouped}
    for a in selectors.active_assignments(call).filter(application_id__in=list(by_pk)):
        grouped[by_pk[a.application_id]].append(a)
    # Each row adds an expert through a search of the pool (a national pool has 1,500 experts): the page's size
    # does not grow with the pool.
    pool = selectors.pool_experts(call)
    rows = [
        (application, items, _override_form(call, application, pool))
        for application, items in grouped.items()
    ]
    return render_page(
        request,
        "reviews/assignment.html",
        {
            "call": call,
            "tab": "assignment",
            "run": run,
            "running": run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
            "grouped": grouped,
            "rows": rows,
            "page_obj": page,
            "scoring_started": services.scoring_started(call),
            "crumbs": _crumbs(call, _("Assignment")),
        },
    )


def _override_form(call, application, experts, data=None) -> OverrideForm:
    """The form that changes one application's experts; its picker searches the pool for that application."""
    return OverrideForm(
        data,
        experts=experts,
        search_url=reverse("reviews:expert-pick", args=[call.slug, application.pk]),
        auto_id=f"id_app{application.pk}_%s",
    )


@login_required
def override(request, slug: str, pk: int):
    """One application's experts changed by hand. The matrix posts here (its picker has found the expert); the
    page itself (GET, or a post that names no expert but words to find one, as without JavaScript) lists the
    pool's experts that the words find, to choose from."""
    call = access.get_review_call_for_user(request.user, slug)
    application = access.get_call_application(call, pk)
    back = reverse("reviews:assignment", args=[slug]) + f"#app-{application.pk}"
    query = (request.POST.get("add_expert__search") or request.GET.get("q") or "").strip()
    if request.method == "POST" and (request.POST.get("add_expert") or request.POST.get("remove")):
        form = _override_form(call, application, selectors.pool_experts(call), request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return HttpResponseRedirect(back)
        remove = form.cleaned_data["remove"]
        try:
            services.assignment_override(
                application=application,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                add_expert=form.cleaned_data["add_expert"],
                remove=access.get_call_assignment(call, remove) if remove else None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The assignment is changed."))
        return HttpResponseRedirect(back)
    results = selectors.pool_pick_results(call, application, query) if len(query) >= 2 else None
    error = ""
    if request.method == "POST":  # the words typed, no expert chosen yet
        if results is None:
            error = _("Type at least two letters of the expert's name to find them.")
        elif results:
            error = _("Choose an expert from the list below.")
    return render(
        request,
        "reviews/override.html",
        {
            "call": call,
            "tab": "assignment",
            "application": application,
            "items": list(selectors.active_assignments(call).filter(application=application)),
            "query": query,
            "reason": (request.POST.get("reason") or "").strip(),
            "results": results,
            "error": error,
            "crumbs": [*_crumbs(call), (_("Assignment"), back), (application.number, "")],
        },
    )


@login_required
def expert_pick(request, slug: str, pk: int):
    """The expert picker of the assignment matrix (HTMX, as ``registry:pick``): the pool's experts that the typed
    words find and that may evaluate the application, or (``pk``) the one chosen. Only the call's managers."""
    call = access.get_review_call_for_user(request.user, slug)
    application = access.get_call_application(call, pk)
    field, target, _multiple = pick_request(request.GET)
    chosen = request.GET.get("pk", "")
    if chosen.isdigit():
        expert = get_object_or_404(selectors.pool_pick_queryset(call, application), pk=chosen)
        return render(
            request,
            "registry/widgets/_picked.html",
            {"field": field, "pk": expert.pk, "label": str(expert), "closes": results_id(target)},
        )
    query = (request.GET.get(f"{field}__search") or "").strip()
    return render(
        request,
        "reviews/partials/_expert_pick_results.html",
        {
            "results": selectors.pool_pick_results(call, application, query) if len(query) >= 2 else [],
            "query": query,
            "target": target,
            "pick_url": request.path + "?" + urlencode({"field": field, "target": target}),
        },
    )


@login_required
def moderation(request, slug: str):
    call = access.get_review_call_for_user(request.user, slug)
    directions = list(call.directions.all())
    direction_id = request.GET.get("direction")
    direction_id = int(direction_id) if direction_id and direction_id.isdigit() else None
    calibration = selectors.call_calibration(call)
    ids = selectors.outlying_review_ids(calibration, direction_id=direction_id)
    page = Paginator(ids, SCORES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/moderation.html",
        {
            "call": call,
            "tab": "moderation",
            "directions": directions,
            "direction_id": direction_id,
            "page_obj": page,
            "outliers": selectors.outlying_reviews(
                call, assignment_ids=list(page.object_list), calibration=calibration
            ),
            "crumbs": _crumbs(call, _("Moderation")),
        },
    )


@login_required
@require_POST
def send_back(request, slug: str, pk: int):
    call = access.get_review_call_for_user(request.user, slug)
    evaluation = access.get_call_evaluation(call, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the review is sent back."))
    else:
        try:
            services.evaluation_send_back(
                evaluation=evaluation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The review is sent back to the expert."))
    return HttpResponseRedirect(reverse("reviews:moderation", args=[slug]))


@login_required
def ranking(request, slug: str):
    call = access.get_review_call_for_user(request.user, slug)
    if request.method == "POST":
        if request.POST.get("all_proposed") == "1":
            ids = selectors.proposals_not_yet_awarded(call)
        else:
            ids = [int(x) for x in request.POST.getlist("application") if x.isdigit()]
        try:
            count = services.awards_confirm(call=call, actor=request.user, application_ids=ids)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)d awards confirmed.") % {"count": count})
        return HttpResponseRedirect(reverse("reviews:ranking", args=[slug]))
    # The whole call is ranked (precomputed), a page of it is shown; "outcome" keeps one kind of proposal.
    result, all_rows, calibration = selectors.call_ranking_rows(call)
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in OUTCOME_LABELS else ""
    rows = [r for r in all_rows if r[-1] == outcome] if outcome else all_rows
    page = Paginator(rows, SCORES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/ranking.html",
        {
            "call": call,
            "tab": "ranking",
            "ranking": result,
            "items": selectors.with_rows(call, selectors.ranked_items(page.object_list), calibration),
            "proposals_left": len(selectors.proposals_not_yet_awarded(call, all_rows)),
            "page_obj": page,
            "outcome": outcome,
            "labels": OUTCOME_LABELS,
            "review": services.call_review_for(call),
            "crumbs": _crumbs(call, _("Ranking")),
        },
    )


@login_required
@require_POST
def close_round(request, slug: str):
    call = access.get_review_call_for_user(request.user, slug)
    services.round_close(call=call, actor=request.user, reopen=request.POST.get("reopen") == "1")
    messages.success(
        request, _("Scoring is reopened.") if request.POST.get("reopen") == "1" else _("Scoring is closed.")
    )
    return HttpResponseRedirect(reverse("reviews:ranking", args=[slug]))
