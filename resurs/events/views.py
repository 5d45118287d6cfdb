"""Pages of the events app: the public calendar, registration, and the staff office (programme, check-in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resurs.accounts.access import (
    can_manage_centre_work,
    centre_ids_for,
    is_admin,
    is_centre_staff,
    staff_required,
)
from resurs.core.files import private_file_response
from resurs.core.htmx import render_page
from resurs.events import selectors, services
from resurs.events.access import (
    can_manage_event,
    get_event_for_user,
    get_material_for_user,
    get_registration_for_manager,
)
from resurs.events.calendars import calendar_for, feed
from resurs.events.filters import EventFilter
from resurs.events.forms import EventForm, MaterialForm, OutcomesForm, RegistrationForm, SessionForm
from resurs.events.models import Session
from resurs.events.months import month_grid, parse_month
from resurs.events.tickets import ticket_qr_svg
from resurs.registry.models import Centre, Person

CHECKIN_PAGE = 100  # registrations per page of the check-in list


def _ics_response(payload: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Public -------------------------------------------------------------------------------------------------


def event_list(request):
    filterset = EventFilter(request.GET or None, queryset=selectors.event_list_public())
    page_obj = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    return render_page(
        request,
        "events/event_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "perms_manage": is_centre_staff(request.user),
            "when": filterset.form.cleaned_data.get("when", "upcoming")
            if filterset.is_bound and filterset.form.is_valid()
            else "upcoming",
        },
        partial="events/partials/_event_results.html",
    )


def event_month(request):
    """The public calendar as a month grid (a list of days on a phone), with the previous and next month."""
    month = month_grid(parse_month(request.GET.get("month"), timezone.localdate()))
    return render(
        request,
        "events/event_month.html",
        {"month": month, "perms_manage": is_centre_staff(request.user), "when": "month"},
    )


def _detail_context(request, event, form=None) -> dict:
    my_registration = selectors.registration_for_user(event, request.user)
    sessions = event.sessions.prefetch_related(
        Prefetch("speakers", queryset=Person.objects.only("last_name", "first_name", "patronymic"))
    )
    return {
        "event": event,
        "sessions": sessions,
        "organisers": event.organisers.all(),
        "partners": event.partners.all(),
        "materials": event.materials.all(),
        "stats": selectors.event_stats(event),
        "my_registration": my_registration,
        "my_ticket_token": services.registration_token(my_registration) if my_registration else "",
        "form": form or RegistrationForm(user=request.user),
        "can_manage": can_manage_event(request.user, event),
        "crumbs": [(_("Events"), reverse("events:event-list")), (event.title, "")],
    }


def event_detail(request, pk: int):
    event = get_event_for_user(request.user, pk)
    return render(request, "events/event_detail.html", _detail_context(request, event))


@require_POST
def event_register(request, pk: int):
    event = get_event_for_user(request.user, pk)
    form = RegistrationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            registration = services.registration_create(
                event=event,
                user=form.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                organisation_name=form.cleaned_data["organisation_name"],
                consent=form.cleaned_data.get("consent", False),
            )
        except services.RegistrationError as exc:
            if exc.registration is not None:  # already registered: show their place, not an empty form
                messages.warning(request, exc.message)
                return redirect(event.get_absolute_url())
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            if registration.status == "waitlisted":
                messages.warning(
                    request,
                    _(
                        "The event is full: you are on the waiting list. We will write to "
                        "you if a place becomes free."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("You are registered. Your code is %(code)s; we have sent it to %(email)s.")
                    % {"code": registration.code, "email": registration.email},
                )
            return redirect("events:registration-manage", token=services.registration_token(registration))
    return render(request, "events/event_detail.html", _detail_context(request, event, form), status=400)


def event_ics(request, pk: int):
    event = get_event_for_user(request.user, pk)
    return _ics_response(calendar_for([event], name=event.title), f"event-{event.pk}.ics")


def calendar_feed(request, slug: str | None = None):
    events = selectors.event_list_public()
    name = _("Events")
    if slug is not None:
        centre = get_object_or_404(Centre.objects.select_related("organisation"), slug=slug)
        events = events.filter(centre=centre)
        name = str(centre)
    return _ics_response(feed(events, name=name), f"{slug or 'events'}.ics")


def registration_manage(request, token: str):
    """The page a registration e-mail links to: status, code, calendar file, cancellation (no sign-in)."""
    registration = services.registration_from_token(token)
    if registration is None:
        return render(request, "events/registration_invalid.html", status=404)
    if request.method == "POST":
        services.registration_cancel(registration=registration)  # whoever is promoted is told by e-mail
        messages.success(request, _("Your registration has been cancelled."))
        return redirect("events:registration-manage", token=token)
    return render(
        request,
        "events/registration_manage.html",
        {
            "registration": registration,
            "event": registration.event,
            "token": token,
            # segno's SVG: digits and path data only, no user input
            "ticket_qr": mark_safe(ticket_qr_svg(registration)) if registration.status == "confirmed" else "",
        },
    )


@login_required
def my_registrations(request):
    registrations = selectors.registration_list_for_user(request.user)
    page_obj = Paginator(registrations, 30).get_page(request.GET.get("page"))
    for registration in page_obj:
        registration.token = services.registration_token(registration)  # the ticket page's link
    return render(request, "events/my_registrations.html", {"page_obj": page_obj})


# --- Staff --------------------------------------------------------------------------------------------------


def _managed_centres(user):
    queryset = Centre.objects.select_related("organisation")
    return queryset if is_admin(user) else queryset.filter(pk__in=centre_ids_for(user))


@staff_required
def event_manage_list(request):
    events = selectors.event_list_for_manager(request.user)
    page_obj = Paginator(events, 30).get_page(request.GET.get("page"))
    return render(request, "events/manage_list.html", {"page_obj": page_obj})


@staff_required
def event_create(request):
    centres = _managed_centres(request.user)
    if not centres.exists():
        raise PermissionDenied
    form = EventForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        centre = form.cleaned_data["centre"]
        if not can_manage_centre_work(request.user, centre):
            raise PermissionDenied
        try:
            event = services.event_create(centre=centre, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The event has been created. Now add the programme."))
            return redirect("events:event-edit", pk=event.pk)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "crumbs": [(_("Events"), reverse("events:manage")), (_("New event"), "")]},
    )


@login_required
def event_edit(request, pk: int):
    event = get_event_for_user(request.user, pk, need="manage")
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect("events:event-edit", pk=event.pk)
    return render(
        request,
        "events/event_edit.html",
        {
            "event": event,
            "form": form,
            "session_form": SessionForm(event=event, prefix="session"),
            "sessions": event.sessions.prefetch_related("speakers"),
            "crumbs": [
                (_("Events"), reverse("events:manage")),
                (event.title, event.get_absolute_url()),
                (_("Edit"), ""),
            ],
        },
    )


@login_required
@require_POST
def session_add(request, pk: int):
    event = get_event_for_user(request.user, pk, need="manage")
    form = SessionForm(request.POST, event=event, prefix="session")
    if form.is_valid():
        try:
            services.session_create(event=event, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The session has been added to the programme."))
            return redirect("events:event-edit", pk=event.pk)
    return render(
        request,
        "events/event_edit.html",
        {
            "event": event,
            "form": EventForm(instance=event),
            "session_form": form,
            "sessions": event.sessions.prefetch_related("speakers"),
            "crumbs": [
                (_("Events"), reverse("events:manage")),
                (event.title, event.get_absolute_url()),
                (_("Edit"), ""),
            ],
        },
        status=400,
    )


@login_required
@require_POST
def session_delete(request, pk: int, session_pk: int):
    event = get_event_for_user(request.user, pk, need="manage")
    session = Session.objects.filter(event=event, pk=session_pk).first()
    if session is None:
        raise Http404
    services.session_delete(session=session)
    messages.success(request, _("The session has been removed."))
    return redirect("events:event-edit", pk=event.pk)


@login_required
def event_materials(request, pk: int):
    event = get_event_for_user(request.user, pk, need="manage")
    material_form = MaterialForm(prefix="material")
    outcomes_form = OutcomesForm(prefix="outcomes", initial={"outcomes": event.outcomes})
    status = 200
    if request.method == "POST":
        if "outcomes-outcomes" in request.POST:
            outcomes_form = OutcomesForm(request.POST, prefix="outcomes")
            if outcomes_form.is_valid():
                services.event_outcomes_save(
                    event=event, actor=request.user, outcomes=outcomes_form.cleaned_data["outcomes"]
                )
                messages.success(request, _("The outcomes have been saved."))
                return redirect("events:event-materials", pk=event.pk)
        else:
            material_form = MaterialForm(request.POST, request.FILES, prefix="material")
            if material_form.is_valid():
                try:
                    services.material_add(event=event, **material_form.cleaned_data)
                except ValidationError as exc:
                    _form_error(material_form, exc)
                else:
                    messages.success(request, _("The material has been published."))
                    return redirect("events:event-materials", pk=event.pk)
        status = 400
    return render(
        request,
        "events/event_materials.html",
        {
            "event": event,
            "material_form": material_form,
            "outcomes_form": outcomes_form,
            "materials": event.materials.all(),
            "crumbs": [
                (_("Events"), reverse("events:manage")),
                (event.title, event.get_absolute_url()),
                (_("Materials and outcomes"), ""),
            ],
        },
        status=status,
    )


@login_required
def event_checkin(request, pk: int):
    event = get_event_for_user(request.user, pk, need="manage")
    if request.GET.get("mode") == "scan":
        return render(request, "events/event_checkin_scan.html", _scan_context(event))
    query = request.GET.get("q", "")
    # Every registration can be reached: a forum of thousands is paged, not cut off.
    page = Paginator(selectors.registration_search(event, query), CHECKIN_PAGE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "events/event_checkin.html",
        {
            "event": event,
            "query": query,
            "registrations": page.object_list,
            "page_obj": page,
            "stats": selectors.event_stats(event),
            "crumbs": [
                (_("Events"), reverse("events:manage")),
                (event.title, event.get_absolute_url()),
                (_("Check-in"), ""),
            ],
        },
        partial="events/partials/_checkin_results.html",
    )


def _scan_context(event, result=None) -> dict:
    return {
        "event": event,
        "result": result,
        "stats": selectors.event_stats(event),
        "crumbs": [
            (_("Events"), reverse("events:manage")),
            (event.title, event.get_absolute_url()),
            (_("Check-in"), reverse("events:event-checkin", args=[event.pk])),
            (_("Scan tickets"), ""),
        ],
    }


@login_required
@require_POST
def event_checkin_scan(request, pk: int):
    """A scanned QR ticket or a typed code: check the person in, or say why not (HTMX: the message and the
    counters out of band; without JavaScript: the whole scan page)."""
    event = get_event_for_user(request.user, pk, need="manage")
    result = services.registration_scan(event=event, text=request.POST.get("code", ""), actor=request.user)
    context = _scan_context(event, result) | {
        "other_event_visible": result.outcome == "other_event"
        and (
            result.registration.event.is_public or can_manage_event(request.user, result.registration.event)
        ),
        "oob": True,
    }
    status = 200 if result.outcome in ("checked_in", "already") else 422
    if request.htmx:
        return render(request, "events/partials/_scan_result_oob.html", context, status=200)
    context["oob"] = False
    return render(request, "events/event_checkin_scan.html", context, status=status)


@login_required
@require_POST
def registration_check_in(request, pk: int, registration_pk: int):
    event = get_event_for_user(request.user, pk, need="manage")
    registration = get_registration_for_manager(request.user, event, registration_pk)
    try:
        services.registration_check_in(
            registration=registration, actor=request.user, undo=request.POST.get("undo") == "1"
        )
    except services.RegistrationError as exc:
        if request.htmx:
            return HttpResponse(exc.message, status=400)
        messages.error(request, exc.message)
    if request.htmx:  # the row, and the counters out of band: "Arrived" changes without a reload
        return render(
            request,
            "events/partials/_checkin_row_oob.html",
            {
                "event": event,
                "registration": registration,
                "stats": selectors.event_stats(event),
                "oob": True,
            },
        )
    return redirect("events:event-checkin", pk=event.pk)


@login_required
@require_POST
def registration_cancel_by_staff(request, pk: int, registration_pk: int):
    event = get_event_for_user(request.user, pk, need="manage")
    registration = get_registration_for_manager(request.user, event, registration_pk)
    services.registration_cancel(registration=registration)
    messages.success(request, _("The registration has been cancelled."))
    return redirect("events:event-checkin", pk=event.pk)


def material_file(request, pk: int, material_pk: int):
    """A material's file for whoever may see the event (published events: everyone)."""
    material = get_material_for_user(request.user, pk, material_pk)
    if not material.file:
        raise Http404
    return private_file_response(material.file, material.original_name or material.title)
