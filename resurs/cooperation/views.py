"""Cooperation pages. Each view authorises (access.py), parses (forms/filters), calls a service and responds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST, require_safe

from resurs.accounts.access import centre_ids_for, is_admin
from resurs.cooperation import access, overview, selectors, services
from resurs.cooperation.choices import OPEN_ADVICE_STATUSES, SECTOR_COLOURS, PartnershipType, Sector
from resurs.cooperation.filters import AdviceRequestFilter, PartnershipFilter
from resurs.cooperation.forms import (
    AdviceAnswerForm,
    AdviceAskForm,
    AdviceRequestForm,
    AdvisoryBodyForm,
    DocumentForm,
    MembershipEndForm,
    MembershipForm,
    PartnershipForm,
    VolunteeringForm,
    apply_errors,
)
from resurs.cooperation.models import GovernanceSeat, Partnership
from resurs.cooperation.services import COOPERATION_TOPIC
from resurs.core import chartspec
from resurs.core.audit import audit_history
from resurs.core.files import private_file_response
from resurs.core.htmx import precompute_context, precompute_poll, precompute_poll_response, render_page
from resurs.core.precomputed_json import json_endpoint, precomputed_json_response
from resurs.core.redirects import safe_next
from resurs.core.tabular import table_response
from resurs.core.uploads import upload_limit
from resurs.registry.access import get_organisation_for_user, get_person_for_user
from resurs.registry.models import Centre, Region

PAGE_SIZE = 25


def _crumbs(*items):
    return [(_("Cooperation"), reverse("cooperation:overview")), *items]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _tab_context(request, active: str) -> dict:
    return {
        "active_tab": active,
        "can_record": access.can_record_cooperation(request.user),
        "can_see_all": selectors.can_see_all_cooperation(request.user),
        "can_see_overview": access.can_see_overview(request.user),
    }


# --- Overview and network -------------------------------------------------------------------------------------


@login_required
def overview_page(request):
    user = request.user
    _require(access.can_see_overview(user) or access.can_see_partnership_list(user))
    if not access.can_see_overview(user):
        return redirect("cooperation:partnership-list")
    filterset = PartnershipFilter(request.GET, Partnership.objects.all())
    today = timezone.localdate()
    # "Active" and "current" are counted on a stated day: the end of the chosen year, or today.
    year = filterset.form.cleaned_data.get("year") if filterset.is_valid() else None
    as_of = min(today, dt.date(int(year), 12, 31)) if year else today
    # The figures read every partnership: computed in the background when partnerships or seats change, the last
    # ones staying on view meanwhile.
    query = {name: request.GET.get(name, "") for name in filterset.form.fields}
    shown = overview.overview_background(query, as_of, user=user, start=not precompute_poll(request))
    if precompute_poll(request):
        return precompute_poll_response(request, shown)
    context = {
        **_tab_context(request, "overview"),
        "crumbs": _crumbs((_("Overview"), "")),
        "filter": filterset,
        "filtered": any(request.GET.get(name) for name in ("sector", "type", "region", "year")),
        **(shown.value or {}),
        **precompute_context(request, shown),
        "as_of": as_of,
        # One count each, kept live: a seat also ends through the registry's ties, which do not mark this topic.
        "seats": GovernanceSeat.objects.filter(
            Q(tie__ended_on__isnull=True) | Q(tie__ended_on__gte=as_of),
            Q(tie__started_on__isnull=True) | Q(tie__started_on__lte=as_of),
        ).count(),
        "advisory_bodies": selectors.advisory_bodies().count(),
        "open_requests": selectors.advice_queue(user).count(),
        "overdue_requests": selectors.advice_queue(user).filter(due_on__lt=today).count(),
    }
    return render_page(request, "cooperation/overview.html", context)


def _network_filter(request) -> tuple[overview.NetworkFilter, dict]:
    params = request.GET
    sector = params.get("sector", "") if params.get("sector", "") in Sector.values else ""
    allowed_types = [*PartnershipType.values, "board", "advisory"]
    kind = params.get("type", "") if params.get("type", "") in allowed_types else ""
    try:
        region = int(params.get("region") or 0) or None
    except ValueError:
        region = None
    try:
        year = int(params.get("year") or 0) or None
    except ValueError:
        year = None
    if year is not None and not 1990 <= year <= 2100:
        year = None
    return overview.NetworkFilter(sector=sector, type=kind, region=region, year=year), {
        "sector": sector,
        "type": kind,
        "region": region,
        "year": year,
    }


@login_required
def network_page(request):
    _require(access.can_see_overview(request.user))
    flt, chosen = _network_filter(request)
    # Seconds for a national registry: computed in the background when partnerships or seats change, the last
    # network staying on view meanwhile.
    shown = overview.network_background(flt, user=request.user, start=not precompute_poll(request))
    if precompute_poll(request):
        return precompute_poll_response(request, shown)
    context = {
        **_tab_context(request, "network"),
        "crumbs": _crumbs((_("Network of ties"), "")),
        **(shown.value or {}),
        **precompute_context(request, shown),
        "chosen": chosen,
        "sectors": [(value, label, SECTOR_COLOURS[value]) for value, label in Sector.choices],
        "types": [
            *PartnershipType.choices,
            ("board", _("Board membership")),
            ("advisory", _("Advisory-body membership")),
        ],
        "regions": Region.objects.only("pk", "name_ru", "name_en"),
        "years": range(timezone.localdate().year, 2014, -1),
        "query": request.GET.urlencode(),
        # The drawn network is fetched by the browser, for the same filters (a megabyte at national scale).
        "network_src": reverse("cooperation:network-data")
        + (f"?{request.GET.urlencode()}" if request.GET else ""),
    }
    return render_page(request, "cooperation/network.html", context)


@json_endpoint
@require_safe
def network_data(request):
    """The page's drawn network as JSON (static/js/network.js fetches it): the same filters, access and stored
    result as the page. The drawn network carries ties and their counts, never amounts (cooperation-0002): every
    reader of the page gets the same data."""
    _require(access.can_see_overview(request.user))
    flt, _chosen = _network_filter(request)
    return precomputed_json_response(
        request,
        topic=COOPERATION_TOPIC,
        name=overview.network_result_name(flt),
        # Starts the computation if the page has not (a filter typed into the address): the 409 says it runs.
        shown=lambda: overview.network_background(flt, user=request.user),
        payload=lambda value: value["graph"],
        computing_message=_("The network is being computed; the page will update itself when it is ready."),
    )


@login_required
def network_export(request, fmt: str):
    _require(access.can_see_overview(request.user))
    flt, _chosen = _network_filter(request)
    graph = overview.build_network(Partnership.objects.all(), flt)
    if not selectors.can_see_all_cooperation(request.user):
        overview.drop_values(graph)  # partners and researchers see ties, not amounts (cooperation-0002)
    if fmt == "graphml":
        response = HttpResponse(
            overview.graphml_bytes(graph), content_type="application/graphml+xml; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="cooperation-network.graphml"'
        return response
    if fmt != "csv":
        raise Http404
    header = [
        _("Organisation A (id)"),
        _("Organisation A"),
        _("Sector A"),
        _("Region A"),
        _("Organisation B (id)"),
        _("Organisation B"),
        _("Sector B"),
        _("Region B"),
        _("Ties"),
        _("Partnerships"),
        _("Governance seats"),
        _("Value, roubles"),
    ]
    return table_response("csv", "cooperation-network", header, overview.edge_rows(graph))


# --- Partnerships ---------------------------------------------------------------------------------------------


@login_required
def partnership_list(request):
    user = request.user
    _require(access.can_see_partnership_list(user))
    filterset = PartnershipFilter(request.GET, selectors.partnership_list_for_user(user))
    queryset = filterset.qs
    if request.GET.get("export") == "csv" and selectors.can_see_all_cooperation(user):
        header = [
            pgettext("name", "Title"),
            _("Type"),
            _("First party"),
            _("Sector"),
            _("Second party"),
            _("Sector"),
            _("Region"),
            pgettext("period", "Start"),
            pgettext("period", "End"),
            _("Value, roubles"),
            _("Centre"),
        ]
        rows = (
            [
                p.title,
                p.get_type_display(),
                p.organisation_a.display_name,
                p.get_sector_a_display(),
                p.organisation_b.display_name,
                p.get_sector_b_display(),
                p.organisation_b.region.name if p.organisation_b.region else "",
                p.started_on,
                p.ended_on or "",
                p.value if p.value is not None else "",
                str(p.centre),
            ]
            for p in queryset.iterator(chunk_size=500)
        )
        return table_response("csv", "partnerships", header, rows)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_tab_context(request, "partnerships"),
        "crumbs": _crumbs((_("Partnerships"), "")),
        "filter": filterset,
        "page_obj": page_obj,
        "partnerships": page_obj.object_list,
        "query": request.GET.urlencode(),
    }
    return render_page(
        request,
        "cooperation/partnership_list.html",
        context,
        partial="cooperation/partials/_partnership_results.html",
    )


@login_required
def partnership_create(request):
    user = request.user
    _require(access.can_record_cooperation(user))
    form = PartnershipForm(request.POST or None, user=user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partnership = services.partnership_create(actor=user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The partnership is recorded."))
            return redirect(partnership)
    context = {
        **_tab_context(request, "partnerships"),
        "crumbs": _crumbs(
            (_("Partnerships"), reverse("cooperation:partnership-list")), (_("New partnership"), "")
        ),
        "form": form,
        "title": _("New partnership"),
    }
    return render_page(request, "cooperation/form.html", context)


@login_required
def partnership_detail(request, pk: int):
    partnership = access.get_partnership_for_user(request.user, pk)
    can_change = access.can_change(request.user, partnership)
    context = {
        **_tab_context(request, "partnerships"),
        "crumbs": _crumbs(
            (_("Partnerships"), reverse("cooperation:partnership-list")), (partnership.title, "")
        ),
        "partnership": partnership,
        "documents": _documents(request.user, partnership),
        "can_change": can_change,
        "document_form": DocumentForm() if can_change else None,
        "history": audit_history(partnership, limit=20) if can_change else [],
    }
    return render_page(request, "cooperation/partnership_detail.html", context)


@login_required
def partnership_edit(request, pk: int):
    partnership = access.get_partnership_for_user(request.user, pk, need="change")
    fields = services.PARTNERSHIP_FIELDS
    initial = {field: getattr(partnership, field) for field in fields}
    form = PartnershipForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(partnership=partnership, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The partnership is saved."))
            return redirect(partnership)
    context = {
        **_tab_context(request, "partnerships"),
        "crumbs": _crumbs(
            (_("Partnerships"), reverse("cooperation:partnership-list")),
            (partnership.title, partnership.get_absolute_url()),
            (_("Edit"), ""),
        ),
        "form": form,
        "title": _("Edit the partnership"),
    }
    return render_page(request, "cooperation/form.html", context)


@require_POST
@login_required
def partnership_delete(request, pk: int):
    partnership = access.get_partnership_for_user(request.user, pk, need="change")
    services.partnership_delete(partnership=partnership, actor=request.user)
    messages.success(request, _("The partnership is deleted."))
    return redirect("cooperation:partnership-list")


@upload_limit(20)
@require_POST
@login_required
def partnership_document_add(request, pk: int):
    partnership = access.get_partnership_for_user(request.user, pk, need="change")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.partnership_document_add(
                partnership=partnership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document is attached."))
            return redirect(partnership)
    context = {
        **_tab_context(request, "partnerships"),
        "crumbs": _crumbs(
            (_("Partnerships"), reverse("cooperation:partnership-list")), (partnership.title, "")
        ),
        "partnership": partnership,
        "documents": _documents(request.user, partnership),
        "can_change": True,
        "document_form": form,
        "history": [],
    }
    return render_page(request, "cooperation/partnership_detail.html", context, status=400)


def _documents(user, partnership):
    return partnership.documents.all() if access.can_see_partnership_documents(user, partnership) else []


def partnership_document_download(request, pk: int, document_pk: int):
    document = access.get_partnership_document_for_user(request.user, pk, document_pk)
    return private_file_response(document.file, document.original_name or document.title)


# --- Corporate volunteering -----------------------------------------------------------------------------------


@login_required
def volunteering_list(request):
    _require(selectors.can_see_all_cooperation(request.user))
    rows = selectors.corporate_volunteering_list()
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    if year:
        rows = rows.filter(year=year)
    totals = rows.aggregate(
        volunteers=Sum("volunteers"), hours=Sum("hours"), companies=Count("company", distinct=True)
    )
    by_year = list(
        selectors.corporate_volunteering_list()
        .values("year")
        .annotate(volunteers=Sum("volunteers"), hours=Sum("hours"), companies=Count("company"))
        .order_by("year")
    )
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_tab_context(request, "volunteering"),
        "crumbs": _crumbs((_("Corporate volunteering"), "")),
        "page_obj": page_obj,
        "rows": page_obj.object_list,
        "totals": totals,
        "by_year": by_year,
        "year": year,
        "chart": chartspec.bar_spec(
            "volunteer-hours",
            title=_("Volunteer hours by year"),
            labels=[str(r["year"]) for r in by_year],
            values=[r["hours"] for r in by_year],
            name=_("Hours"),
            horizontal=False,
            label_header=_("Year"),
        )
        if by_year
        else None,
    }
    return render_page(request, "cooperation/volunteering_list.html", context)


@login_required
def volunteering_create(request):
    user = request.user
    _require(access.can_record_cooperation(user))
    form = VolunteeringForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.corporate_volunteering_save(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Corporate volunteering is recorded."))
            return redirect("cooperation:volunteering-list")
    context = {
        **_tab_context(request, "volunteering"),
        "crumbs": _crumbs(
            (_("Corporate volunteering"), reverse("cooperation:volunteering-list")), (_("Record"), "")
        ),
        "form": form,
        "title": _("Record corporate volunteering"),
    }
    return render_page(request, "cooperation/form.html", context)


# --- Advisory bodies and memberships --------------------------------------------------------------------------


@login_required
def advisory_body_list(request):
    _require(access.can_see_overview(request.user))
    bodies = selectors.advisory_bodies()
    level = request.GET.get("level", "")
    if level:
        bodies = bodies.filter(level=level)
    page_obj = Paginator(list(bodies.values_list("pk", flat=True)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **_tab_context(request, "advisory"),
        "crumbs": _crumbs((_("Advisory bodies"), "")),
        "page_obj": page_obj,
        "bodies": selectors.advisory_body_page(page_obj.object_list),
        "level": level,
    }
    return render_page(request, "cooperation/advisory_body_list.html", context)


@login_required
def advisory_body_create(request):
    user = request.user
    _require(access.can_record_cooperation(user))
    form = AdvisoryBodyForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.advisory_body_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The advisory body is recorded."))
            return redirect(body)
    context = {
        **_tab_context(request, "advisory"),
        "crumbs": _crumbs((_("Advisory bodies"), reverse("cooperation:advisory-body-list")), (_("New"), "")),
        "form": form,
        "title": _("New advisory body"),
    }
    return render_page(request, "cooperation/form.html", context)


@login_required
def advisory_body_detail(request, pk: int):
    body = access.get_advisory_body_for_user(request.user, pk)
    _require(access.can_see_overview(request.user))
    members = selectors.membership_list().filter(organisation=body.organisation)
    context = {
        **_tab_context(request, "advisory"),
        "crumbs": _crumbs((_("Advisory bodies"), reverse("cooperation:advisory-body-list")), (str(body), "")),
        "body": body,
        "members": members,
        "today": timezone.localdate(),
    }
    return render_page(request, "cooperation/advisory_body_detail.html", context)


@login_required
def membership_list(request):
    _require(access.can_see_overview(request.user))
    rows = selectors.membership_list()
    role = request.GET.get("role", "")
    if role in ("board_member", "advisory_member"):
        rows = rows.filter(role=role)
    if request.GET.get("current"):
        today = timezone.localdate()
        rows = rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    page_obj = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_tab_context(request, "memberships"),
        "crumbs": _crumbs((_("Boards and councils"), "")),
        "page_obj": page_obj,
        "memberships": selectors.in_order(selectors.membership_list(), page_obj.object_list),
        "managed_centres": set(Centre.objects.values_list("pk", flat=True))
        if is_admin(request.user)
        else centre_ids_for(request.user),
        "today": timezone.localdate(),
        "role": role,
        "current": bool(request.GET.get("current")),
    }
    return render_page(request, "cooperation/membership_list.html", context)


@login_required
def membership_create(request):
    user = request.user
    _require(access.can_record_cooperation(user))
    form = MembershipForm(request.POST or None, user=user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            tie = services.membership_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The membership is recorded."))
            return redirect("cooperation:organisation", pk=tie.organisation_id)
    context = {
        **_tab_context(request, "memberships"),
        "crumbs": _crumbs(
            (_("Boards and councils"), reverse("cooperation:membership-list")), (_("New membership"), "")
        ),
        "form": form,
        "title": _("New board or advisory-body membership"),
    }
    return render_page(request, "cooperation/form.html", context)


@require_POST
@login_required
def membership_end(request, pk: int):
    tie = access.get_membership_for_user(request.user, pk, need="change")
    form = MembershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.membership_end(tie=tie, actor=request.user, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The membership is ended."))
    else:
        messages.error(request, _("Enter the date the membership ended."))
    next_url = safe_next(request)
    if next_url.startswith("/cooperation/"):
        return redirect(next_url)
    return redirect("cooperation:organisation", pk=tie.organisation_id)


# --- Profiles -------------------------------------------------------------------------------------------------


@login_required
def organisation_cooperation(request, pk: int):
    organisation = get_organisation_for_user(request.user, pk)
    context = {
        **_tab_context(request, ""),
        "crumbs": _crumbs((organisation.display_name, "")),
        "coop": selectors.organisation_cooperation(organisation, request.user),
        "organisation": organisation,
    }
    return render_page(request, "cooperation/organisation_cooperation.html", context)


@login_required
def person_cooperation(request, pk: int):
    person = get_person_for_user(request.user, pk)
    context = {
        **_tab_context(request, ""),
        "crumbs": _crumbs((str(person), "")),
        "coop": selectors.person_cooperation(person),
        "person": person,
    }
    return render_page(request, "cooperation/person_cooperation.html", context)


# --- Requests for advice --------------------------------------------------------------------------------------


@login_required
def advice_list(request):
    user = request.user
    if not access.can_record_cooperation(user) and access.can_file_advice_request(user):
        return redirect("cooperation:advice-mine")  # a partner or an official: their own requests
    _require(access.can_record_cooperation(user))
    params = request.GET.copy()
    if "f" not in params:  # the queue opens on open requests; the filter form says otherwise explicitly
        params["open"] = "on"
    filterset = AdviceRequestFilter(params, selectors.advice_request_list_for_user(user))
    page_obj = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_tab_context(request, "advice"),
        "crumbs": _crumbs((_("Requests for advice"), "")),
        "filter": filterset,
        "page_obj": page_obj,
        "requests": page_obj.object_list,
        "today": timezone.localdate(),
        "open_count": selectors.advice_queue(user).count(),
    }
    return render_page(
        request, "cooperation/advice_list.html", context, partial="cooperation/partials/_advice_results.html"
    )


@login_required
def advice_create(request):
    user = request.user
    _require(access.can_record_cooperation(user))
    form = AdviceRequestForm(
        request.POST or None, user=user, initial={"received_on": timezone.localdate(), **request.GET.dict()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            advice = services.advice_request_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The request is registered."))
            return redirect(advice)
    context = {
        **_tab_context(request, "advice"),
        "crumbs": _crumbs(
            (_("Requests for advice"), reverse("cooperation:advice-list")), (_("New request"), "")
        ),
        "form": form,
        "title": _("Register a request for advice"),
    }
    return render_page(request, "cooperation/form.html", context)


# --- Requests for advice, from the requester's side (partners and officials) --------------------------------


def _mine_crumbs(*items):
    return [(_("My requests for advice"), reverse("cooperation:advice-mine")), *items]


@login_required
def advice_mine(request):
    """The requests of the organisations a partner or an official acts for, newest first."""
    user = request.user
    _require(access.can_file_advice_request(user))
    requests = selectors.advice_request_list_for_requester(user)
    page_obj = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cooperation/advice_mine.html",
        {"page_obj": page_obj, "crumbs": [(_("My requests for advice"), "")]},
    )


@login_required
def advice_ask(request):
    user = request.user
    _require(access.can_file_advice_request(user))
    form = AdviceAskForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            advice = services.advice_request_file(user=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Your request has been sent to %(centre)s.") % {"centre": advice.centre}
            )
            return redirect("cooperation:advice-mine-detail", pk=advice.pk)
    return render(
        request,
        "cooperation/advice_ask.html",
        {"form": form, "crumbs": _mine_crumbs((_("Ask for advice"), ""))},
    )


@login_required
def advice_mine_detail(request, pk: int):
    advice = access.get_own_advice_request_for_user(request.user, pk)
    return render(
        request,
        "cooperation/advice_mine_detail.html",
        {"advice": advice, "crumbs": _mine_crumbs((advice.topic, ""))},
    )


def _advice_context(request, advice, *, answer_form=None, document_form=None) -> dict:
    can_change = access.can_change(request.user, advice)
    return {
        **_tab_context(request, "advice"),
        "crumbs": _crumbs((_("Requests for advice"), reverse("cooperation:advice-list")), (advice.topic, "")),
        "advice": advice,
        "attachments": advice.attachments.all(),
        "can_change": can_change,
        "answer_form": answer_form or AdviceAnswerForm(initial={"response": advice.response}),
        "document_form": document_form or DocumentForm(),
        "history": audit_history(advice, limit=20),
        "open_statuses": OPEN_ADVICE_STATUSES,
    }


@login_required
def advice_detail(request, pk: int):
    advice = access.get_advice_request_for_user(request.user, pk)
    return render_page(request, "cooperation/advice_detail.html", _advice_context(request, advice))


def _advice_step(request, pk: int, step, done_message):
    """Move a request for advice one step on (take it, close it) and say how it went."""
    advice = access.get_advice_request_for_user(request.user, pk, need="change")
    try:
        step(request=advice, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message)
    return redirect(advice)


@require_POST
@login_required
def advice_take(request, pk: int):
    return _advice_step(request, pk, services.advice_request_take, _("You are working on this request."))


@require_POST
@login_required
def advice_answer(request, pk: int):
    advice = access.get_advice_request_for_user(request.user, pk, need="change")
    form = AdviceAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.advice_request_answer(
                request=advice, actor=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect(advice)
    return render_page(
        request,
        "cooperation/advice_detail.html",
        _advice_context(request, advice, answer_form=form),
        status=400,
    )


@require_POST
@login_required
def advice_close(request, pk: int):
    return _advice_step(request, pk, services.advice_request_close, _("The request is closed."))


@upload_limit(20)
@require_POST
@login_required
def advice_attachment_add(request, pk: int):
    advice = access.get_advice_request_for_user(request.user, pk, need="change")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.advice_attachment_add(request=advice, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(advice)
    return render_page(
        request,
        "cooperation/advice_detail.html",
        _advice_context(request, advice, document_form=form),
        status=400,
    )


def advice_attachment_download(request, pk: int, attachment_pk: int):
    attachment = access.get_advice_attachment_for_user(request.user, pk, attachment_pk)
    return private_file_response(attachment.file, attachment.original_name or attachment.title)
