"""Pages of the grants app: public calls and results, the applicant portal, and staff tools."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resurs.accounts.access import (
    can_manage_centre_work,
    centre_ids_for,
    is_admin,
    represented_organisation_ids,
    staff_required,
)
from resurs.core import chartspec, precomputed
from resurs.core.files import private_file_response
from resurs.core.htmx import hx_redirect, render_page
from resurs.core.pdf import pdf_response
from resurs.core.tabular import table_response
from resurs.core.templatetags.core_tags import format_money
from resurs.grants import formschema, opendata, selectors, services
from resurs.grants.access import (
    can_edit_application,
    can_manage_call,
    can_screen_application,
    can_withdraw_application,
    get_application_for_user,
    get_attachment_for_user,
    get_call_for_user,
    get_report_for_user,
    is_applicant_side,
    is_grants_staff,
)
from resurs.grants.choices import ApplicationStatus, CallStatus, FieldKind, ReportStatus
from resurs.grants.forms import (
    AgreementForm,
    CallForm,
    DecisionForm,
    DirectionForm,
    FormFieldForm,
    HistoryImportForm,
    PipelineFilter,
    ProgrammeForm,
    ReviewReportForm,
    ScreenForm,
    SectionForm,
    add_service_errors,
    application_data_from_post,
)
from resurs.grants.models import Call, FormField, HistoricalGrant, Programme, Tranche
from resurs.registry.forms import OrganisationRegisterForm
from resurs.registry.models import Centre, Organisation


def _crumbs(*items):
    return [(_("Grants"), reverse("grants:call-list")), *items]


def _tz(request) -> str | None:
    """The applicant's time zone as the browser reported it (a hidden field filled by the page), if any."""
    return request.POST.get("tz") or request.COOKIES.get("tz") or None


# --- public -----------------------------------------------------------------------------------------------------


def call_list(request):
    calls = selectors.call_list_public()
    status = request.GET.get("status", "")
    if status in CallStatus.values:
        calls = calls.filter(status=status)
    page = Paginator(calls, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/call_list.html",
        {
            "page_obj": page,
            "calls": page.object_list,
            "status": status,
            "statuses": [s for s in CallStatus.choices if s[0] != CallStatus.DRAFT],
            "crumbs": _crumbs(),
        },
    )


def call_detail(request, slug: str):
    call = get_call_for_user(request.user, slug)
    organisations = []
    own = []
    if request.user.is_authenticated:
        ids = represented_organisation_ids(request.user)
        organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
        own = list(call.applications.filter(organisation_id__in=ids).select_related("organisation"))
    schema = (
        services.form_current(call).schema if call.form_versions.exists() else formschema.snapshot_of(call)
    )
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "facts": _call_facts(call),
            "directions": call.directions.all(),
            "schema_sections": schema.get("sections", []),
            "organisations": organisations,
            "own_applications": own,
            "can_manage": can_manage_call(request.user, call),
            "legal_forms": call.allowed_legal_forms.all(),
            "regions": call.allowed_regions.all(),
            "crumbs": _crumbs((call.title, "")),
        },
    )


def _call_facts(call: Call) -> list[tuple[str, str]]:
    """The values a visitor of a call's page came for, label over value (includes/key_facts.html)."""
    deadline = localize(call.deadline_local) if call.deadline_local else "—"
    facts = [
        (_("Deadline"), f"{deadline} ({call.deadline_timezone})"),
        (_("Budget"), format_money(call.budget)),
        (_("Request"), f"{format_money(call.min_request)} – {format_money(call.max_request)}"),
        (_("Required co-financing"), f"{floatformat(call.cofinancing_share, -2)}\u00a0%"),
    ]
    if call.project_starts_on:
        ends = localize(call.project_ends_on) if call.project_ends_on else "…"
        facts.append((_("Projects"), f"{localize(call.project_starts_on)} – {ends}"))
    if call.review_ends_on:
        facts.append((_("Evaluation ends"), localize(call.review_ends_on)))
    if call.results_on:
        facts.append((_("Results announced"), localize(call.results_on)))
    return facts


def _published_call(request, slug: str) -> Call:
    call = get_call_for_user(request.user, slug)
    if call.status != CallStatus.RESULTS_PUBLISHED:
        raise Http404
    return call


def call_results(request, slug: str):
    call = _published_call(request, slug)
    winners = list(selectors.winners(call))
    # Figures and charts of published results change only with a decision: precomputed until then.
    figures = precomputed.cached(
        services.results_topic(call), f"page:{get_language()}", lambda: _results_figures(call)
    )
    return render(
        request,
        "grants/call_results.html",
        {"call": call, "winners": winners, **figures, **_results_context(call)},
    )


def _results_figures(call) -> dict:
    summary = selectors.results_summary(call)
    english = (get_language() or "ru").startswith("en")
    direction_chart = (
        chartspec.bar_spec(
            "awarded-by-direction",
            title=_("Awarded by direction"),
            labels=[
                (english and d["direction__name_en"]) or d["direction__name_ru"] or _("No direction")
                for d in summary["by_direction"]
            ],
            values=[d["amount"] for d in summary["by_direction"]],
            name=_("Awarded"),
            fmt="money",
            label_header=_("Direction"),
        )
        if summary["by_direction"]
        else None
    )
    region_chart = (
        chartspec.bar_spec(
            "awarded-by-region",
            title=_("Awarded by region"),
            labels=[
                (english and r["organisation__region__name_en"]) or r["organisation__region__name_ru"] or "—"
                for r in summary["by_region"][:15]
            ],
            values=[r["amount"] for r in summary["by_region"][:15]],
            name=_("Awarded"),
            fmt="money",
            label_header=_("Region"),
        )
        if summary["by_region"]
        else None
    )
    return {"summary": summary, "direction_chart": direction_chart, "region_chart": region_chart}


def _results_context(call) -> dict:
    return {"crumbs": _crumbs((call.title, call.get_absolute_url()), (_("Results"), ""))}


def call_results_360(request, slug: str):
    """The call's awarded grants as a 360Giving data package (validated before it is served)."""
    call = _published_call(request, slug)
    package = opendata.package_for_calls([call])
    if package is None:  # no awards: a valid result, but the standard has no empty package to publish
        return JsonResponse(
            {"detail": _("This call awarded no grants, so there is no 360Giving data to publish.")},
            status=404,
        )
    errors = opendata.validation_errors(package)
    if errors:  # never publish invalid open data; this is a bug to fix, not the visitor's problem
        raise RuntimeError("360Giving package does not validate: " + "; ".join(errors[:3]))
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{call.slug}-360giving.json"'
    return response


def register_export(request, fmt: str):
    """The open register of all projects of published calls (the columns a national grant operator publishes)."""
    header, rows = opendata.register_table(selectors.register_rows())
    return table_response(fmt, "grants-register", header, rows)


def history(request):
    """Past competitions' grants imported from results files."""
    queryset = HistoricalGrant.objects.select_related("region", "centre__organisation").order_by(
        "-year", "pk"
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        queryset = queryset.filter(year=int(year))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    by_year = selectors.history_by_year()
    chart = (
        chartspec.bar_spec(
            "grants-by-year",
            title=_("Grants by year"),
            labels=[str(r["year"]) for r in by_year],
            values=[r["amount"] for r in by_year],
            name=_("Amount"),
            fmt="money",
            horizontal=False,
            label_header=_("Year"),
        )
        if by_year
        else None
    )
    return render(
        request,
        "grants/history.html",
        {
            "page_obj": page,
            "grants": page.object_list,
            "by_year": by_year,
            "chart": chart,
            "year": year,
            "can_import": is_grants_staff(request.user),
            "crumbs": _crumbs((_("Past competitions"), "")),
        },
    )


# --- applicant portal -------------------------------------------------------------------------------------------


@login_required
def my_applications(request):
    applications = selectors.application_list_for_applicant(request.user)
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    reports = selectors.reports_for_grantee(request.user)
    return render(
        request,
        "grants/my_applications.html",
        {
            "page_obj": page,
            "applications": page.object_list,
            "reports": reports,
            "open_calls": selectors.call_list_open()[:5],
            "crumbs": _crumbs((_("My applications"), "")),
        },
    )


@login_required
@require_POST
def application_start(request, slug: str):
    call = get_call_for_user(request.user, slug)
    organisation = Organisation.objects.filter(pk=request.POST.get("organisation")).first()
    if organisation is None or organisation.pk not in represented_organisation_ids(request.user):
        raise PermissionDenied
    try:
        application = services.application_start(
            call=call, organisation=organisation, actor=request.user, tz_name=_tz(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(call.get_absolute_url())
    return redirect("grants:application-edit", pk=application.pk)


@login_required
def organisation_register(request, slug: str):
    """An applicant registers an organisation that is not in the registry yet and asks to represent it."""
    call = get_call_for_user(request.user, slug)
    form = OrganisationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.applicant_organisation_register(
                actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is added to the registry. Once the centre confirms you as its representative, you can apply."
                )
                % {"name": organisation},
            )
            return redirect(call.get_absolute_url())
    return render(
        request,
        "grants/organisation_register.html",
        {
            "form": form,
            "call": call,
            "crumbs": _crumbs((call.title, call.get_absolute_url()), (_("New organisation"), "")),
        },
    )


def _edit_context(request, application, *, result=None, token=None):
    schema = application.form_version.schema if application.form_version_id else {"sections": []}
    result = result or services.SaveResult(application=application)
    attachments: dict[str, list] = {}
    for attachment in application.attachments.all():
        attachments.setdefault(attachment.field_key, []).append(attachment)
    budget = formschema.check_answers(schema, application.answers, complete=False).budget
    sections = []
    for section in schema.get("sections", []):
        fields = []
        for spec in section.get("fields", []):
            value = application.answers.get(spec["key"])
            rows = value if isinstance(value, list) else []
            if spec["kind"] in (FieldKind.BUDGET, FieldKind.PLAN):
                rows = [*rows, {}]  # one empty row to type into
            fields.append(
                {
                    "spec": spec,
                    "label": formschema.label(spec),
                    "value": "" if value is None else value,
                    "rows": rows,
                    "errors": result.errors.get(f"answers.{spec['key']}", []),
                    "attachments": attachments.get(spec["key"], []),
                }
            )
        sections.append({"title": formschema.section_title(section), "fields": fields})
    return {
        "application": application,
        "call": application.call,
        "sections": sections,
        "errors": result.errors,
        "top_keys": ["title", "summary", "direction", "project_starts_on", "project_ends_on", "declarations"],
        "budget": budget,
        "directions": application.call.directions.all(),
        "token": token or uuid.uuid4(),
        "crumbs": _crumbs((_("My applications"), reverse("grants:my-applications")), (str(application), "")),
    }


@login_required
def application_edit(request, pk: int):
    """GET: the draft's form. POST: autosave (HTMX: errors and totals swapped in place) or save."""
    application = get_application_for_user(request.user, pk, need="view")
    if not can_edit_application(request.user, application):
        if request.method == "POST":
            raise PermissionDenied
        return redirect(application.get_absolute_url())
    if request.method == "POST":
        schema = application.form_version.schema if application.form_version_id else {}
        try:
            result = services.application_autosave(
                application=application,
                actor=request.user,
                data=application_data_from_post(request.POST, schema),
            )
        except ValidationError as error:
            if request.POST.get("beacon"):
                return HttpResponse(status=409)
            messages.error(request, " ".join(error.messages))
            return redirect(application.get_absolute_url())
        if request.POST.get("beacon"):
            # The last save of a page being left (navigator.sendBeacon): nobody reads the answer.
            return HttpResponse(status=204)
        context = _edit_context(request, result.application, result=result)
        context["saved_at"] = timezone.now()
        if request.htmx:
            return render(request, "grants/partials/_autosave.html", context)
        messages.success(request, _("The draft is saved."))
        return render(request, "grants/application_edit.html", context)
    return render(request, "grants/application_edit.html", _edit_context(request, application))


@login_required
@require_POST
def attachment_upload(request, pk: int):
    application = get_application_for_user(request.user, pk, need="edit")
    upload = request.FILES.get("file")
    field_key = request.POST.get("field_key", "")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.attachment_add(
                application=application, actor=request.user, field_key=field_key, upload=upload
            )
            messages.success(request, _("The file “%(name)s” is attached.") % {"name": upload.name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(reverse("grants:application-edit", args=[application.pk]) + f"#field-{field_key}")


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_id: int):
    attachment = get_attachment_for_user(request.user, pk, attachment_id, need="edit")
    services.attachment_remove(attachment=attachment, actor=request.user)
    return redirect("grants:application-edit", pk=pk)


def attachment_download(request, pk: int, attachment_id: int):
    attachment = get_attachment_for_user(request.user, pk, attachment_id)
    return private_file_response(attachment.file, attachment.original_name)


@login_required
@require_POST
def application_submit(request, pk: int):
    application = get_application_for_user(request.user, pk, need="view")
    if not is_applicant_side(request.user, application):
        raise PermissionDenied
    schema = application.form_version.schema if application.form_version_id else {}
    token = request.POST.get("token", "")
    try:
        token = uuid.UUID(token)
    except ValueError:
        messages.error(request, _("The form has expired. Check the application and submit again."))
        return redirect("grants:application-edit", pk=pk)
    try:
        if application.status == ApplicationStatus.DRAFT and any(
            k.startswith(("a__", "title")) for k in request.POST
        ):
            services.application_autosave(
                application=application,
                actor=request.user,
                data=application_data_from_post(request.POST, schema),
            )
        application = services.application_submit(
            application=application, actor=request.user, token=token, tz_name=_tz(request)
        )
    except ValidationError as error:
        application.refresh_from_db()
        if hasattr(error, "error_dict"):
            context = _edit_context(
                request, application, result=services.SaveResult(application, error.message_dict)
            )
            messages.error(request, _("The application is not submitted yet: correct the marked fields."))
            return render(request, "grants/application_edit.html", context, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect(application.get_absolute_url())
    messages.success(
        request,
        _("The application is submitted. Its reference number is %(number)s.")
        % {"number": application.number},
    )
    if request.htmx:
        return hx_redirect(application.get_absolute_url())
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_withdraw(request, pk: int):
    application = get_application_for_user(request.user, pk, need="withdraw")
    try:
        services.application_withdraw(application=application, actor=request.user, tz_name=_tz(request))
        messages.success(request, _("The application is withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(application.get_absolute_url())


@login_required
def application_detail(request, pk: int):
    application = get_application_for_user(request.user, pk)
    staff = can_screen_application(request.user, application)
    context = {
        "application": application,
        "call": application.call,
        "sections": selectors.application_sections(application),
        "budget_lines": application.budget_lines.all(),
        "attachments": application.attachments.all(),
        "decision": getattr(application, "decision", None),
        "agreement": getattr(application, "agreement", None),
        "can_edit": can_edit_application(request.user, application),
        "can_withdraw": can_withdraw_application(request.user, application),
        "is_staff": staff,
        "crumbs": _crumbs((str(application), "")),
    }
    if staff:
        from resurs.core.audit import audit_history

        context.update(
            {
                "checks": services.eligibility_checks(application),
                "screen_form": ScreenForm(),
                "decision_form": DecisionForm(initial={"awarded_amount": application.requested_amount}),
                "agreement_form": AgreementForm(),
                "history": audit_history(application, limit=20),
                "queue": selectors.screening_neighbours(application),
                "can_decide": application.status in services.DECIDABLE
                and application.call.status != CallStatus.RESULTS_PUBLISHED,
            }
        )
    if context["agreement"]:
        context["tranches"] = context["agreement"].tranches.all()
        context["reports"] = context["agreement"].reports.all()
    return render(request, "grants/application_detail.html", context)


@login_required
def application_pdf(request, pk: int):
    application = get_application_for_user(request.user, pk)
    if application.status == ApplicationStatus.DRAFT:
        raise Http404
    return pdf_response(
        "grants/application_pdf.html",
        {
            "application": application,
            "sections": selectors.application_sections(application),
            "budget_lines": application.budget_lines.all(),
            "attachments": application.attachments.all(),
        },
        filename=f"application-{application.number}",
        request=request,
    )


# --- staff ------------------------------------------------------------------------------------------------------


def _managed_centres(user):
    centres = Centre.objects.select_related("organisation")
    return centres if is_admin(user) else centres.filter(pk__in=centre_ids_for(user))


@staff_required
def manage_calls(request):
    calls = selectors.with_application_counts(selectors.call_list_for_staff(request.user))
    centres = list(_managed_centres(request.user))
    programmes = Programme.objects.filter(centre__in=centres).select_related("centre__organisation")
    form = ProgrammeForm()
    if request.method == "POST":
        form = ProgrammeForm(request.POST)
        centre = next(
            (c for c in centres if str(c.pk) == request.POST.get("centre")), centres[0] if centres else None
        )
        if centre is None:
            raise PermissionDenied
        if form.is_valid():
            services.programme_create(centre=centre, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The programme is created."))
            return redirect("grants:manage-calls")
    return render(
        request,
        "grants/manage_calls.html",
        {
            "calls": calls,
            "programmes": programmes,
            "centres": centres,
            "form": form,
            "crumbs": _crumbs((_("Competitions"), "")),
        },
    )


@staff_required
def call_create(request, programme_pk: int):
    programme = get_object_or_404(Programme.objects.select_related("centre"), pk=programme_pk)
    if not can_manage_centre_work(request.user, programme.centre):
        raise PermissionDenied
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(programme=programme, actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call is created as a draft. Build its form, then open it."))
            return redirect("grants:call-manage", slug=call.slug)
    return render(
        request,
        "grants/call_form.html",
        {
            "form": form,
            "programme": programme,
            "crumbs": _crumbs((_("Competitions"), reverse("grants:manage-calls")), (_("New call"), "")),
        },
    )


@staff_required
def call_edit(request, slug: str):
    call = get_call_for_user(request.user, slug, need="manage")
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(
                call=Call.objects.get(pk=call.pk), actor=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("grants:call-manage", slug=call.slug)
    return render(
        request,
        "grants/call_form.html",
        {
            "form": form,
            "call": call,
            "crumbs": _crumbs((_("Competitions"), reverse("grants:manage-calls")), (call.title, "")),
        },
    )


@staff_required
def call_manage(request, slug: str):
    call = get_call_for_user(request.user, slug, need="manage")
    counts = selectors.pipeline_counts(call)
    transitions = [
        (s, CallStatus(s).label) for s in CallStatus.values if s in services.ALLOWED_TRANSITIONS[call.status]
    ]
    return render(
        request,
        "grants/call_manage.html",
        {
            "call": call,
            "counts": [(ApplicationStatus(s).label, s, n) for s, n in counts.items()],
            "transitions": transitions,
            "directions": call.directions.all(),
            "direction_form": DirectionForm(),
            "versions": call.form_versions.all(),
            "crumbs": _crumbs((_("Competitions"), reverse("grants:manage-calls")), (call.title, "")),
        },
    )


@staff_required
@require_POST
def call_status(request, slug: str):
    call = get_call_for_user(request.user, slug, need="manage")
    try:
        services.call_set_status(call=call, actor=request.user, status=request.POST.get("status", ""))
        messages.success(request, _("The call's status is changed."))
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("grants:call-manage", slug=slug)


@staff_required
@require_POST
def direction_add(request, slug: str):
    call = get_call_for_user(request.user, slug, need="manage")
    form = DirectionForm(request.POST)
    if form.is_valid():
        try:
            services.direction_add(call=call, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The direction is added."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Check the direction's name and budget."))
    return redirect("grants:call-manage", slug=slug)


@staff_required
def form_builder(request, slug: str):
    """Sections and fields of the call's working form; publishing freezes it as a new version."""
    call = get_call_for_user(request.user, slug, need="manage")
    section_form = SectionForm(prefix="section")
    field_form = FormFieldForm(prefix="field", call=call)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "section":
            section_form = SectionForm(request.POST, prefix="section")
            if section_form.is_valid():
                services.form_section_save(call=call, actor=request.user, **section_form.cleaned_data)
                messages.success(request, _("The section is added."))
                return redirect("grants:form-builder", slug=slug)
        elif action == "field":
            field_form = FormFieldForm(request.POST, prefix="field", call=call)
            if field_form.is_valid():
                try:
                    services.form_field_save(
                        section=field_form.cleaned_data["section"],
                        actor=request.user,
                        **field_form.service_kwargs(),
                    )
                except ValidationError as error:
                    add_service_errors(field_form, error)
                else:
                    messages.success(request, _("The field is added."))
                    return redirect("grants:form-builder", slug=slug)
        elif action == "publish":
            version = services.form_publish(call=call, actor=request.user)
            messages.success(request, _("The form is published as version %(n)d.") % {"n": version.number})
            return redirect("grants:form-builder", slug=slug)
        elif action == "delete":
            form_field = get_object_or_404(FormField, pk=request.POST.get("field_id"), section__call=call)
            services.form_field_delete(form_field=form_field, actor=request.user)
            messages.success(request, _("The field is removed."))
            return redirect("grants:form-builder", slug=slug)
    current = services.form_current(call)
    return render(
        request,
        "grants/form_builder.html",
        {
            "call": call,
            "sections": call.form_sections.prefetch_related("fields"),
            "section_form": section_form,
            "field_form": field_form,
            "current": current,
            "unpublished": current is None or current.schema != formschema.snapshot_of(call),
            "crumbs": _crumbs(
                (_("Competitions"), reverse("grants:manage-calls")),
                (call.title, reverse("grants:call-manage", args=[slug])),
                (_("Application form"), ""),
            ),
        },
    )


@staff_required
def pipeline(request, slug: str):
    call = get_call_for_user(request.user, slug, need="manage")
    applications = selectors.application_list_for_staff(request.user, call)
    filter_form = PipelineFilter(request.GET or None)
    if filter_form.is_valid():
        if filter_form.cleaned_data["status"]:
            applications = applications.filter(status=filter_form.cleaned_data["status"])
        applications = selectors.application_search(applications, filter_form.cleaned_data["q"])
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header, rows = opendata.pipeline_table(
            applications.defer("answers", "eligibility_checks", "declarations")
        )
        return table_response(fmt, f"{call.slug}-applications", header, rows)
    page = selectors.application_page(
        applications,
        request.GET.get("page"),
        searched=bool(filter_form.is_valid() and filter_form.cleaned_data["q"].strip()),
    )
    return render_page(
        request,
        "grants/pipeline.html",
        {
            "call": call,
            "page_obj": page,
            "applications": page.object_list,
            "filter_form": filter_form,
            "crumbs": _crumbs(
                (_("Competitions"), reverse("grants:manage-calls")),
                (call.title, reverse("grants:call-manage", args=[slug])),
                (_("Applications"), ""),
            ),
        },
        partial="grants/partials/_pipeline_rows.html",
    )


def _staff_action(request, pk: int, form_class, action):
    application = get_application_for_user(request.user, pk, need="manage")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(application, form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(application.get_absolute_url())


@staff_required
@require_POST
def application_screen(request, pk: int):
    """Record a screening verdict; "and_next" opens the next application of the call's screening queue."""
    response = _staff_action(
        request,
        pk,
        ScreenForm,
        lambda app, data: services.application_screen(
            application=app, actor=request.user, eligible=data["verdict"], reason=data["reason"]
        ),
    )
    if "and_next" in request.POST and ScreenForm(request.POST).is_valid():
        application = get_application_for_user(request.user, pk, need="manage")
        next_id = selectors.screening_neighbours(application).get("next_id")
        if next_id:
            return redirect(reverse("grants:application-detail", args=[next_id]) + "#screening")
    return response


@staff_required
@require_POST
def application_decide(request, pk: int):
    return _staff_action(
        request,
        pk,
        DecisionForm,
        lambda app, data: services.application_decide(
            application=app,
            actor=request.user,
            outcome=data["outcome"],
            awarded_amount=data["awarded_amount"],
            reason=data["reason"],
        ),
    )


def _agreement(application, data, actor):
    amount = application.decision.awarded_amount
    count = data["tranches"]
    share = (amount / count).quantize(Decimal("0.01"))
    tranches = [(share, data["signed_on"] + dt.timedelta(days=90 * i)) for i in range(count)]
    tranches[-1] = (amount - share * (count - 1), tranches[-1][1])
    span = (data["ends_on"] - data["starts_on"]).days
    interim = [
        data["starts_on"] + dt.timedelta(days=span * (i + 1) // (data["interim_reports"] + 1))
        for i in range(data["interim_reports"])
    ]
    return services.agreement_create(
        application=application,
        actor=actor,
        number=data["number"],
        signed_on=data["signed_on"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        tranches=tranches,
        interim_reports=interim,
    )


@staff_required
@require_POST
def agreement_create(request, pk: int):
    return _staff_action(request, pk, AgreementForm, lambda app, data: _agreement(app, data, request.user))


@staff_required
@require_POST
def tranche_paid(request, pk: int, tranche_id: int):
    """Record that a tranche of the grant was paid (today, or the date given)."""
    application = get_application_for_user(request.user, pk, need="manage")
    tranche = get_object_or_404(Tranche, pk=tranche_id, agreement__application=application)
    try:
        paid_on = dt.date.fromisoformat(request.POST.get("paid_on") or timezone.localdate().isoformat())
    except ValueError:
        messages.error(request, _("Enter a date as YYYY-MM-DD."))
    else:
        services.tranche_mark_paid(tranche=tranche, actor=request.user, paid_on=paid_on)
        messages.success(request, _("The payment is recorded."))
    return redirect(application.get_absolute_url())


@login_required
def report_detail(request, pk: int):
    """A grantee report: the grantee fills and submits it; the centre's staff accept it or return it."""
    report = get_report_for_user(request.user, pk)
    application = report.agreement.application
    grantee = is_applicant_side(request.user, application)
    staff = can_manage_call(request.user, application.call)
    lines = list(application.budget_lines.all())
    spent = {s.budget_line_id: s.spent for s in report.spending.all()}
    errors: dict = {}
    if request.method == "POST":
        if request.POST.get("action") == "review":
            report = get_report_for_user(request.user, pk, need="review")
            form = ReviewReportForm(request.POST)
            if form.is_valid():
                try:
                    services.report_review(
                        report=report,
                        actor=request.user,
                        accept=form.cleaned_data["accept"],
                        note=form.cleaned_data["review_note"],
                    )
                    messages.success(request, _("The review is recorded."))
                    return redirect("grants:report-detail", pk=pk)
                except ValidationError as error:
                    errors = (
                        error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                    )
        else:
            report = get_report_for_user(request.user, pk, need="fill")
            names = request.POST.getlist("indicator_name")
            targets = request.POST.getlist("indicator_target")
            actuals = request.POST.getlist("indicator_actual")
            indicators = [
                {"name": n, "target": t.replace(",", ".").strip(), "actual": a.replace(",", ".").strip()}
                for n, t, a in zip(names, targets, actuals, strict=False)
                if n.strip() or t.strip() or a.strip()
            ]
            spending = {}
            for line in lines:
                raw = request.POST.get(f"spent_{line.pk}", "").replace(",", ".").replace(" ", "").strip()
                if raw:
                    try:
                        spending[line.pk] = Decimal(raw)
                    except ArithmeticError:
                        errors[f"spending_{line.pk}"] = [_("Enter a number.")]
            if not errors:
                try:
                    services.report_save(
                        report=report,
                        actor=request.user,
                        narrative=request.POST.get("narrative", ""),
                        indicators=indicators,
                        spending=spending,
                        submit=request.POST.get("action") == "submit",
                    )
                    messages.success(request, _("The report is saved."))
                    return redirect("grants:report-detail", pk=pk)
                except ValidationError as error:
                    errors = (
                        error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                    )
            report.refresh_from_db()
    return render(
        request,
        "grants/report_detail.html",
        {
            "report": report,
            "application": application,
            "lines": [(line, spent.get(line.pk)) for line in lines],
            "indicators": list(report.indicators.all()),
            "errors": errors,
            "can_fill": grantee and report.status in (ReportStatus.DUE, ReportStatus.RETURNED),
            "can_review": staff and report.status == ReportStatus.SUBMITTED,
            "review_form": ReviewReportForm(),
            "crumbs": _crumbs(
                (str(application), application.get_absolute_url()), (str(report.get_kind_display()), "")
            ),
        },
    )


@staff_required
def report_list(request):
    reports = selectors.reports_for_staff(request.user)
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    page = selectors.report_page(reports, request.GET.get("page"))
    return render(
        request,
        "grants/report_list.html",
        {
            "page_obj": page,
            "reports": page.object_list,
            "status": status,
            "statuses": ReportStatus.choices,
            "today": timezone.localdate(),
            "crumbs": _crumbs((_("Grantee reports"), "")),
        },
    )


@staff_required
def history_import(request):
    from resurs.grants import history as history_import_module

    centres = list(_managed_centres(request.user))
    form = HistoryImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        centre = next(
            (c for c in centres if str(c.pk) == request.POST.get("centre")), centres[0] if centres else None
        )
        if centre is None:
            raise PermissionDenied
        upload = form.cleaned_data["file"]
        try:
            result = history_import_module.history_import(
                centre=centre,
                actor=request.user,
                content=upload.read(),
                filename=upload.name,
                mapping=form.mapping(),
                competition=form.cleaned_data["competition"],
                year=form.cleaned_data["year"],
                has_header=form.cleaned_data["has_header"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "grants/history_import.html",
        {
            "form": form,
            "centres": centres,
            "result": result,
            "crumbs": _crumbs((_("Past competitions"), reverse("grants:history")), (_("Import"), "")),
        },
    )
