"""Registry pages: the organisation list with filters and facets, profiles, staff forms, proposed changes and
personal data. Each view authorises (access.py), parses (forms/filters), calls a service and responds."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resurs.accounts.services import representation_request as representation_request_service
from resurs.core.audit import audit_history
from resurs.core.htmx import render_page
from resurs.core.pagination import CountedPaginator, page_number
from resurs.core.redirects import safe_next
from resurs.core.sections import collect as collect_sections
from resurs.core.tabular import table_response
from resurs.registry import selectors, services
from resurs.registry.access import (
    can_edit_registry,
    can_export_registry,
    can_manage_person_data,
    can_pick_from_registry,
    can_propose_change,
    can_review_proposals,
    can_see_audit,
    can_see_person_contacts,
    get_organisation_for_user,
    get_person_for_user,
    get_proposal_for_user,
    get_tie_for_user,
    is_self,
)
from resurs.registry.choices import OrganisationKind, ProposalStatus
from resurs.registry.filters import organisation_filter
from resurs.registry.forms import (
    ConsentForm,
    OrganisationForm,
    OrganisationRegisterForm,
    PersonForm,
    ProposalForm,
    RepresentationSearchForm,
    ReviewForm,
    TieEndForm,
    TieForm,
)
from resurs.registry.models import Field, Organisation
from resurs.registry.search import organisation_page, organisation_search
from resurs.registry.widgets import pick_request, results_id

PAGE_SIZE = 25
REPRESENT_RESULTS = 10


def _require_editor(user) -> None:
    if not can_edit_registry(user):
        raise PermissionDenied


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or on top when not field-specific)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _crumbs(*items):
    return [(_("Registry"), "/registry/organisations/"), *items]


# --- Organisations ----------------------------------------------------------------------------------------


@login_required
def organisation_list(request):
    filterset = organisation_filter(request.GET, selectors.organisation_list())
    queryset = filterset.qs
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        if not can_export_registry(request.user):
            raise PermissionDenied
        return _export(export, queryset)
    # The page and the count in one query (the count estimated from a sample for a very large result); the
    # facets come from the same count.
    number = page_number(request.GET.get("page"))
    rows_queryset = selectors.organisation_rows(queryset)
    count, rows = organisation_page(rows_queryset, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    paginator = CountedPaginator(queryset, PAGE_SIZE, count=count.value, estimated=not count.exact)
    if not rows and number > 1:  # past the end: the last page
        number = paginator.num_pages
        rows = list(rows_queryset[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    page_obj = Page(rows, number, paginator)
    context = {
        "filter": filterset,
        "page_obj": page_obj,
        "organisations": page_obj.object_list,
        "result_count": count,
        "facets": selectors.facets_for_display(queryset, count=count),
        "active_filters": _active_filters(filterset, request),
        "can_edit": can_edit_registry(request.user),
        "can_export": can_export_registry(request.user),
        "crumbs": [(_("Registry"), None)],
    }
    return render_page(
        request,
        "registry/organisation_list.html",
        context,
        partial="registry/partials/_organisation_results.html",
    )


def _active_filters(filterset, request) -> list[dict]:
    """The filters in force, each with a link that removes it (shown above the results)."""
    if not filterset.is_bound or not hasattr(filterset.form, "cleaned_data"):
        return []
    active = []
    for name, value in filterset.form.cleaned_data.items():
        if name == "sort" or value in (None, ""):
            continue
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", []) or []) if name in ("kind", "status") else {}
        query = request.GET.copy()
        query.pop(name, None)
        query.pop("page", None)
        active.append(
            {
                "label": field.label,
                "value": choices.get(value, value),
                "remove": "?" + query.urlencode(),
            }
        )
    return active


def _export(fmt: str, queryset):
    header = [
        _("Full name"),
        _("Short name"),
        _("Kind"),
        _("INN"),
        _("OGRN"),
        _("Region"),
        _("City"),
        _("Founding date"),
        _("Status"),
        _("Website"),
    ]
    rows = (
        [
            org.name,
            org.short_name,
            org.get_kind_display(),
            org.inn,
            org.ogrn,
            org.region.name if org.region else "",
            org.city,
            org.founded_on,
            org.get_status_display(),
            org.website,
        ]
        for org in queryset.iterator(chunk_size=2000)
    )
    return table_response(fmt, f"registry-{timezone.localdate():%Y-%m-%d}", header, rows)


@login_required
def organisation_detail(request, pk: int):
    organisation = get_organisation_for_user(request.user, pk)
    current, past = selectors.organisation_ties(organisation)
    staff = can_edit_registry(request.user)
    context = {
        "organisation": organisation,
        "fields": list(organisation.fields.all()),
        "centre": selectors.organisation_centre(organisation),
        "current_ties": current,
        "past_ties": past,
        "can_edit": staff,
        "sources": selectors.organisation_sources(organisation) if staff else [],
        "open_conflicts": selectors.import_conflict_list(status="open", organisation=organisation.pk)
        if staff
        else [],
        "can_propose": can_propose_change(request.user, organisation),
        "representation": selectors.representation_of(request.user, organisation),
        "history": selectors.audit_rows(audit_history(organisation, limit=50))
        if can_see_audit(request.user)
        else None,
        "pending_proposals": list(
            selectors.pending_proposals().filter(organisation=organisation).select_related("proposed_by")
        )
        if can_review_proposals(request.user)
        else [],
        "my_proposals": list(selectors.proposals_of(request.user).filter(organisation=organisation)[:10])
        if can_propose_change(request.user, organisation)
        else [],
        "crumbs": _crumbs((organisation.display_name, None)),
        # what other apps know about the organisation (services received, partnerships...)
        "sections": collect_sections("organisation_profile", request, organisation=organisation),
    }
    return render(request, "registry/organisation_detail.html", context)


@login_required
@require_POST
def representation_request(request, pk: int):
    """ "I act for this organisation": a request an administrator confirms."""
    organisation = get_organisation_for_user(request.user, pk)
    try:
        representation_request_service(
            user=request.user, organisation=organisation, position=request.POST.get("position", "")[:200]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request has been sent: an administrator will confirm it."))
    return redirect(safe_next(request, organisation))


@login_required
def represent(request):
    """After signing up: find your organisation in the registry (name, INN or OGRN) and ask to represent it, or
    add it if it is not there. ``next`` is where the person was going (shown as "continue")."""
    form = RepresentationSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results, count = [], None
    if query:
        queryset = selectors.organisation_rows(organisation_search(selectors.organisation_list(), query))
        count, results = organisation_page(queryset, offset=0, limit=REPRESENT_RESULTS)
    mine = {rep.organisation_id: rep for rep in selectors.representations_of(request.user)}
    return render(
        request,
        "registry/represent.html",
        {
            "form": form,
            "query": query,
            "results": [(organisation, mine.get(organisation.pk)) for organisation in results],
            "result_count": count,
            "representations": list(mine.values()),
            "next": safe_next(request),
            "crumbs": _crumbs((_("Your organisation"), None)),
        },
    )


@login_required
def represent_new(request):
    """Add an organisation that is not in the registry yet and ask to represent it."""
    form = OrganisationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register_as_representative(
                actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is added to the registry. The centre will confirm you as its representative.")
                % {"name": organisation},
            )
            return redirect(safe_next(request, "registry:represent"))
    return render(
        request,
        "registry/represent_new.html",
        {
            "form": form,
            "next": safe_next(request),
            "crumbs": _crumbs(
                (_("Your organisation"), reverse("registry:represent")), (_("New organisation"), None)
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def organisation_create(request):
    _require_editor(request.user)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The organisation has been added to the registry."))
            return redirect(organisation)
    return render(
        request,
        "registry/organisation_form.html",
        {
            "form": form,
            "title": _("New organisation"),
            "crumbs": _crumbs((_("New organisation"), None)),
        },
        status=400 if form.errors else 200,
    )


@login_required
def organisation_edit(request, pk: int):
    organisation = get_organisation_for_user(request.user, pk)
    _require_editor(request.user)
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(organisation)
    return render(
        request,
        "registry/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "title": _("Edit: %(name)s") % {"name": organisation.display_name},
            "crumbs": _crumbs(
                (organisation.display_name, organisation.get_absolute_url()), (_("Edit"), None)
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def tie_create(request, pk: int):
    organisation = get_organisation_for_user(request.user, pk)
    _require_editor(request.user)
    form = TieForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tie_create(
                actor=request.user,
                person=data["person"],
                organisation=organisation,
                role=data["role"],
                title=data["title"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The position has been added."))
            return redirect(organisation)
    return render(
        request,
        "registry/tie_form.html",
        {
            "form": form,
            "organisation": organisation,
            "crumbs": _crumbs(
                (organisation.display_name, organisation.get_absolute_url()),
                (_("Add a position or membership"), None),
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def tie_end(request, pk: int):
    tie = get_tie_for_user(request.user, pk)
    _require_editor(request.user)
    form = TieEndForm(request.POST or None, tie=tie, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.tie_end(tie=tie, actor=request.user, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The position has been ended."))
            return redirect(tie.organisation)
    return render(
        request,
        "registry/tie_end.html",
        {
            "form": form,
            "tie": tie,
            "crumbs": _crumbs(
                (tie.organisation.display_name, tie.organisation.get_absolute_url()),
                (_("End a position"), None),
            ),
        },
        status=400 if form.errors else 200,
    )


# --- People -----------------------------------------------------------------------------------------------


@login_required
def person_list(request):
    query = request.GET.get("q", "").strip()
    page_obj = selectors.person_page(query, request.GET.get("page"), PAGE_SIZE)
    return render_page(
        request,
        "registry/person_list.html",
        {
            "page_obj": page_obj,
            "people": page_obj.object_list,
            "q": query,
            "can_edit": can_edit_registry(request.user),
            "crumbs": _crumbs((_("People"), None)),
        },
        partial="registry/partials/_person_results.html",
    )


@login_required
def person_detail(request, pk: int):
    person = get_person_for_user(request.user, pk)
    context = {
        "person": person,
        "ties": selectors.person_ties(person),
        "show_contacts": can_see_person_contacts(request.user, person),
        "can_edit": can_edit_registry(request.user),
        "can_manage_data": can_manage_person_data(request.user, person),
        "is_self": is_self(request.user, person),
        "consent_form": ConsentForm(initial={"given": person.has_consent}),
        "history": selectors.audit_rows(audit_history(person, limit=50))
        if can_see_audit(request.user)
        else None,
        "crumbs": _crumbs((_("People"), "/registry/people/"), (person.full_name, None)),
        "sections": collect_sections("person_profile", request, person=person),
    }
    return render(request, "registry/person_detail.html", context)


@login_required
def person_create(request):
    _require_editor(request.user)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(actor=request.user, data=data, consent=data.get("consent"))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The person has been added to the registry."))
            return redirect(person)
    return render(
        request,
        "registry/person_form.html",
        {"form": form, "title": _("New person"), "crumbs": _crumbs((_("New person"), None))},
        status=400 if form.errors else 200,
    )


@login_required
def person_edit(request, pk: int):
    person = get_person_for_user(request.user, pk)
    _require_editor(request.user)
    form = PersonForm(request.POST or None, instance=type(person).objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(person)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Edit: %(name)s") % {"name": person.full_name},
            "crumbs": _crumbs((person.full_name, person.get_absolute_url()), (_("Edit"), None)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def person_consent(request, pk: int):
    person = get_person_for_user(request.user, pk)
    if not can_manage_person_data(request.user, person):
        raise PermissionDenied
    form = ConsentForm(request.POST)
    form.is_valid()
    given = bool(form.cleaned_data.get("given"))
    services.person_consent_set(person=person, actor=request.user, given=given)
    messages.success(request, _("Consent has been recorded.") if given else _("Consent has been withdrawn."))
    return redirect(person)


@login_required
def person_erase(request, pk: int):
    """Staff erase a person's personal data on their request (a letter, a phone call to the centre)."""
    person = get_person_for_user(request.user, pk)
    _require_editor(request.user)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm that the data should be erased."))
            return redirect("registry:person-erase", pk=person.pk)
        services.person_erase(person=person, actor=request.user)
        messages.success(request, _("The person's personal data has been erased."))
        return redirect(person)
    return render(
        request,
        "registry/person_erase.html",
        {
            "person": person,
            "crumbs": _crumbs(
                (person.full_name, person.get_absolute_url()), (_("Erase personal data"), None)
            ),
        },
    )


# --- Personal data of the signed-in user ------------------------------------------------------------------


@login_required
def my_data(request):
    """ "Download my data": everything Resurs holds about the signed-in user, as JSON."""
    payload = selectors.personal_data(request.user)
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="resurs-my-data-{request.user.pk}.json"'
    return response


@login_required
def my_data_erase(request):
    """Erase my personal data (with a confirmation step)."""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm that your data should be erased."))
            return redirect("registry:my-data-erase")
        services.personal_data_erase(user=request.user, actor=request.user)
        logout(request)
        messages.success(request, _("Your personal data has been erased and your account closed."))
        return redirect("core:home")
    return render(
        request,
        "registry/my_data_erase.html",
        {"crumbs": [(_("Profile"), "/accounts/profile/"), (_("Erase my personal data"), None)]},
    )


# --- Proposed changes -------------------------------------------------------------------------------------


@login_required
def proposal_create(request, pk: int):
    organisation = get_organisation_for_user(request.user, pk)
    if not can_propose_change(request.user, organisation):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in services.PROPOSABLE_FIELDS}
        try:
            services.proposal_create(
                organisation=organisation,
                user=request.user,
                values=values,
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Thank you: the staff will review your proposal."))
            return redirect(organisation)
    return render(
        request,
        "registry/proposal_form.html",
        {
            "form": form,
            "organisation": organisation,
            "crumbs": _crumbs(
                (organisation.display_name, organisation.get_absolute_url()), (_("Propose changes"), None)
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def proposal_list(request):
    """Staff: the review queue (or all proposals of a status). Representatives: their own proposals."""
    reviewer = can_review_proposals(request.user)
    if reviewer:
        status = request.GET.get("status", ProposalStatus.PENDING)
        if status not in ProposalStatus.values and status != "all":
            status = ProposalStatus.PENDING
        queryset = selectors.proposal_queue(None if status == "all" else status)
    elif selectors.represented_organisations(request.user).exists() or (
        selectors.proposals_of(request.user).exists()
    ):
        status = "all"
        queryset = selectors.proposals_of(request.user).select_related("reviewed_by")
    else:
        raise PermissionDenied
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/proposal_list.html",
        {
            "page_obj": page_obj,
            "proposals": page_obj.object_list,
            "reviewer": reviewer,
            "status": status,
            "statuses": ProposalStatus.choices,
            "crumbs": _crumbs((_("Proposed changes"), None)),
        },
    )


@login_required
def proposal_detail(request, pk: int):
    proposal = get_proposal_for_user(request.user, pk)
    reviewer = can_review_proposals(request.user)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not reviewer:
            raise PermissionDenied
        decision = request.POST.get("decision")
        if form.is_valid() and decision in ("approve", "reject"):
            note = form.cleaned_data["note"]
            try:
                if decision == "approve":
                    services.proposal_approve(proposal=proposal, reviewer=request.user, note=note)
                    messages.success(request, _("The changes have been applied to the organisation."))
                else:
                    services.proposal_reject(proposal=proposal, reviewer=request.user, note=note)
                    messages.success(request, _("The proposal has been rejected."))
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return redirect("registry:proposal-list")
        elif decision not in ("approve", "reject"):
            form.add_error(None, _("Choose to approve or to reject."))
    field_names = {field.slug: field.name for field in Field.objects.all()}
    return render(
        request,
        "registry/proposal_detail.html",
        {
            "proposal": proposal,
            "rows": selectors.proposal_rows(proposal, field_names),
            "form": form,
            "can_review": reviewer and proposal.status == ProposalStatus.PENDING,
            "crumbs": _crumbs(
                (_("Proposed changes"), "/registry/proposals/"), (str(proposal.organisation), None)
            ),
        },
        status=400 if form.errors else 200,
    )


# --- The registry picker (resurs.registry.widgets.RegistryPicker) ---------------------------------------------


@login_required
def pick(request, kind: str):
    """The picker's search: results for what is typed, or (``pk``) the one row chosen, as list items (HTMX)."""
    if kind not in ("person", "organisation"):
        raise Http404
    if not can_pick_from_registry(request.user):
        raise PermissionDenied
    field, target, multiple = pick_request(request.GET)
    kinds = tuple(k for k in request.GET.get("kinds", "").split(",") if k in OrganisationKind.values)
    pk = request.GET.get("pk", "")
    if pk.isdigit():
        obj = get_object_or_404(selectors.pick_queryset(kind, kinds), pk=pk)
        # A single choice closes the results (an out-of-band swap); a multiple one leaves them for the next pick.
        closes = results_id(target) if not multiple else ""
        return render(
            request,
            "registry/widgets/_picked.html",
            {"field": field, "pk": obj.pk, "label": str(obj), "closes": closes},
        )
    query = (request.GET.get(f"{field}__search") or "").strip()
    params = {"field": field, "target": target, "kinds": ",".join(kinds)}
    if multiple:
        params["multiple"] = "1"
    return render(
        request,
        "registry/widgets/_pick_results.html",
        {
            "results": selectors.pick_results(kind, query, kinds) if len(query) >= 2 else [],
            "query": query,
            "target": target,
            "multiple": multiple,
            "pick_url": request.path + "?" + urlencode(params),
        },
    )
