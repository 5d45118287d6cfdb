"""Pages of the information space: public publications, catalogue and challenges; the staff media desk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from resurs.accounts.access import (
    can_manage_centre_work,
    centre_ids_for,
    is_admin,
    is_centre_staff,
    staff_required,
)
from resurs.core.chartspec import chart_spec
from resurs.core.files import private_file_response
from resurs.core.htmx import render_page
from resurs.core.search import search_filter
from resurs.core.uploads import upload_limit
from resurs.outreach import selectors, services
from resurs.outreach.access import (
    can_manage,
    get_announcement_for_user,
    get_challenge_for_user,
    get_media_contact_for_user,
    get_publication_for_user,
)
from resurs.outreach.choices import AnnouncementStatus, PublicationKind
from resurs.outreach.feeds import publications_atom
from resurs.outreach.filters import ChallengeFilter, PublicationFilter
from resurs.outreach.forms import AnnouncementForm, ChallengeForm, MediaContactForm, PublicationForm
from resurs.outreach.models import PressAnnouncement, Topic
from resurs.registry.models import Centre, Organisation, Person, Region

NON_PRINT = [PublicationKind.REPORT, PublicationKind.REVIEW, PublicationKind.NEWS]


def _managed_centres(user):
    queryset = Centre.objects.select_related("organisation")
    return queryset if is_admin(user) else queryset.filter(pk__in=centre_ids_for(user))


def _form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _authorise_centre(user, form):
    centre = form.cleaned_data.get("centre") if "centre" in form.fields else None
    if centre is not None and not can_manage_centre_work(user, centre):
        raise PermissionDenied
    return centre


# --- Publications (public) ----------------------------------------------------------------------------------


def publication_list(request):
    base = selectors.publication_list_public().filter(kind__in=NON_PRINT)
    filterset = PublicationFilter(request.GET or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound else base
    if not (request.GET.get("q") or "").strip():
        queryset = queryset.order_by("-published_on", "-pk")
    page_obj = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render_page(
        request,
        "outreach/publication_list.html",
        {"filter": filterset, "page_obj": page_obj, "can_create": is_centre_staff(request.user)},
        partial="outreach/partials/_publication_results.html",
    )


def catalogue(request):
    queryset = (
        selectors.publication_list_public().filter(kind=PublicationKind.PRINT).order_by("year", "title_ru")
    )
    query = (request.GET.get("q") or "").strip()
    if query:
        queryset = search_filter(queryset, query, ["title_ru", "title_en", "isbn", "issn"])
    page_obj = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "outreach/catalogue.html", {"page_obj": page_obj, "query": query})


def publication_detail(request, pk: int):
    publication = get_publication_for_user(request.user, pk)
    return render(
        request,
        "outreach/publication_detail.html",
        {
            "publication": publication,
            "authors": publication.author_people.all(),
            "author_organisations": publication.author_organisations.all(),
            "topics": publication.topics.all(),
            "regions": publication.regions.all(),
            "challenges": publication.challenges.filter(is_published=True),
            "can_manage": can_manage(request.user, publication),
            "crumbs": [
                (
                    _("Catalogue") if publication.is_print else _("Publications"),
                    reverse("outreach:catalogue" if publication.is_print else "outreach:publication-list"),
                ),
                (publication.title, ""),
            ],
        },
    )


def publication_feed(request):
    publications = (
        selectors.publication_list_public()
        .filter(kind__in=NON_PRINT)
        .prefetch_related(
            Prefetch("author_people", queryset=Person.objects.only("last_name", "first_name", "patronymic")),
            Prefetch("author_organisations", queryset=Organisation.objects.only("name", "short_name")),
        )
        .order_by("-published_on", "-pk")[:50]
    )
    return HttpResponse(
        publications_atom(publications, self_url=request.path),
        content_type="application/atom+xml; charset=utf-8",
    )


# --- Publications (staff) -----------------------------------------------------------------------------------


@staff_required
def publication_manage(request):
    page_obj = Paginator(selectors.publication_list_for_manager(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "outreach/publication_manage.html", {"page_obj": page_obj})


def _publication_save(request, form, publication=None):
    centre = _authorise_centre(request.user, form) if publication is None else publication.centre
    data = form.service_fields()
    relations = {
        name: data.pop(name)
        for name in ("topics", "regions", "challenges", "author_people", "author_organisations")
    }
    return services.publication_save(
        centre=centre, actor=request.user, publication=publication, **relations, **data
    )


@upload_limit(20)
@staff_required
def publication_create(request):
    form = PublicationForm(
        request.POST or None, request.FILES or None, centres=_managed_centres(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            publication = _publication_save(request, form)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The publication has been saved."))
            return redirect(publication.get_absolute_url())
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": _("New publication"),
            "multipart": True,
            "crumbs": [
                (_("Publications"), reverse("outreach:publication-manage")),
                (_("New publication"), ""),
            ],
        },
        status=400 if form.errors else 200,
    )


@upload_limit(20)
@login_required
def publication_edit(request, pk: int):
    publication = get_publication_for_user(request.user, pk, need="manage")
    form = PublicationForm(request.POST or None, request.FILES or None, instance=publication)
    if request.method == "POST" and form.is_valid():
        try:
            _publication_save(request, form, publication)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The publication has been saved."))
            return redirect(publication.get_absolute_url())
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": publication.title,
            "multipart": True,
            "crumbs": [
                (_("Publications"), reverse("outreach:publication-manage")),
                (publication.title, publication.get_absolute_url()),
                (_("Edit"), ""),
            ],
        },
        status=400 if form.errors else 200,
    )


# --- Social challenges --------------------------------------------------------------------------------------


def challenge_list(request):
    filterset = ChallengeFilter(request.GET or None, queryset=selectors.challenge_list_public())
    challenges = filterset.qs.prefetch_related(
        Prefetch("regions", queryset=Region.objects.only("name_ru", "name_en"))
    )
    by = "region" if request.GET.get("by") == "region" else "federal_district"
    rows = selectors.challenges_by_region(by=by)[:25]
    chart = None
    if rows:
        chart = chart_spec(
            f"challenges-by-{by}",
            title=_("Social challenges and organisations by federal district")
            if by == "federal_district"
            else _("Social challenges and organisations by region"),
            labels=[row[0] for row in rows],
            series={
                _("Challenges"): [row[1] for row in rows],
                _("Organisations working on them"): [row[2] for row in rows],
            },
            horizontal=True,
            label_header=_("Area"),
        )
    return render(
        request,
        "outreach/challenge_list.html",
        {
            "filter": filterset,
            "challenges": challenges,
            "chart": chart,
            "by": by,
            "rows": rows,
            "can_create": is_centre_staff(request.user),
        },
    )


def challenge_detail(request, pk: int):
    challenge = get_challenge_for_user(request.user, pk)
    return render(
        request,
        "outreach/challenge_detail.html",
        {
            "challenge": challenge,
            "regions": challenge.regions.all(),
            "fields": challenge.fields.all(),
            "organisations": challenge.organisations.select_related("region")[:100],
            "organisation_count": challenge.organisations.count(),
            "publications": challenge.publications.filter(is_published=True).order_by("-published_on"),
            "can_manage": can_manage(request.user, challenge),
            "crumbs": [(_("Social challenges"), reverse("outreach:challenge-list")), (challenge.title, "")],
        },
    )


def _challenge_save(request, form, challenge=None):
    centre = _authorise_centre(request.user, form) if challenge is None else challenge.centre
    data = form.service_fields()
    return services.challenge_save(
        centre=centre,
        actor=request.user,
        challenge=challenge,
        regions=data.pop("regions"),
        fields_of_activity=data.pop("fields_of_activity"),
        organisations=data.pop("organisations"),
        directions=data.pop("directions"),
        **data,
    )


@staff_required
def challenge_create(request):
    form = ChallengeForm(request.POST or None, centres=_managed_centres(request.user))
    if request.method == "POST" and form.is_valid():
        challenge = _challenge_save(request, form)
        messages.success(request, _("The social challenge has been saved."))
        return redirect(challenge.get_absolute_url())
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": _("New social challenge"),
            "crumbs": [
                (_("Social challenges"), reverse("outreach:challenge-list")),
                (_("New social challenge"), ""),
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
def challenge_edit(request, pk: int):
    challenge = get_challenge_for_user(request.user, pk, need="manage")
    form = ChallengeForm(request.POST or None, instance=challenge)
    if request.method == "POST" and form.is_valid():
        _challenge_save(request, form, challenge)
        messages.success(request, _("The social challenge has been saved."))
        return redirect(challenge.get_absolute_url())
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": challenge.title,
            "crumbs": [
                (_("Social challenges"), reverse("outreach:challenge-list")),
                (challenge.title, challenge.get_absolute_url()),
                (_("Edit"), ""),
            ],
        },
        status=400 if form.errors else 200,
    )


# --- Media desk (staff) -------------------------------------------------------------------------------------


@staff_required
def contact_list(request):
    contacts = selectors.media_contact_list_for_manager(request.user)
    query = (request.GET.get("q") or "").strip()
    if query:
        contacts = search_filter(contacts, query, ["name", "email", "outlet_name", "outlet__name"])
    topic = request.GET.get("topic")
    if topic and topic.isdigit():
        contacts = contacts.filter(topics=topic)
    region = request.GET.get("region")
    if region and region.isdigit():
        contacts = contacts.filter(regions=region)
    page_obj = Paginator(contacts.order_by("name", "pk"), 30).get_page(request.GET.get("page"))
    return render_page(
        request,
        "outreach/contact_list.html",
        {
            "page_obj": page_obj,
            "query": query,
            "topics": Topic.objects.all(),
            "regions": Region.objects.all(),
            "topic": topic,
            "region": region,
        },
        partial="outreach/partials/_contact_rows.html",
    )


@staff_required
def contact_create(request):
    return _contact_form(request, None)


@login_required
def contact_edit(request, pk: int):
    return _contact_form(request, get_media_contact_for_user(request.user, pk))


def _contact_form(request, contact):
    form = MediaContactForm(
        request.POST or None, instance=contact, centres=None if contact else _managed_centres(request.user)
    )
    if request.method == "POST" and form.is_valid():
        centre = _authorise_centre(request.user, form) if contact is None else contact.centre
        data = dict(form.cleaned_data)
        data.pop("centre", None)
        try:
            services.media_contact_save(
                centre=centre,
                actor=request.user,
                contact=contact,
                topics=data.pop("topics"),
                regions=data.pop("regions"),
                **data,
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The journalist has been saved."))
            return redirect("outreach:contact-list")
    title = str(contact) if contact else _("New journalist")
    return render(
        request,
        "outreach/contact_form.html",
        {
            "form": form,
            "title": title,
            "contact": contact,
            "crumbs": [(_("Media"), reverse("outreach:contact-list")), (title, "")],
        },
        status=400 if form.errors else 200,
    )


@login_required
def contact_unsubscribe(request, pk: int):
    """Staff record a journalist's request (by phone or letter) to receive no more announcements."""
    contact = get_media_contact_for_user(request.user, pk)
    if request.method == "POST":
        services.media_contact_unsubscribe(contact=contact)
        messages.success(request, _("%(name)s will receive no more announcements.") % {"name": contact.name})
    return redirect("outreach:contact-edit", pk=contact.pk)


@staff_required
def announcement_list(request):
    page_obj = Paginator(selectors.announcement_list_for_manager(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "outreach/announcement_list.html", {"page_obj": page_obj})


def _announcement_events(user, centre=None):
    event_model = PressAnnouncement._meta.get_field("event").related_model
    from django.utils import timezone

    events = event_model.objects.filter(status="published", starts_at__gte=timezone.now())
    if centre is not None:
        return events.filter(centre=centre)
    return events if is_admin(user) else events.filter(centre_id__in=centre_ids_for(user))


@staff_required
def announcement_create(request):
    return _announcement_form(request, None)


@login_required
def announcement_edit(request, pk: int):
    return _announcement_form(request, get_announcement_for_user(request.user, pk))


def _announcement_form(request, announcement):
    if announcement is not None and announcement.status == AnnouncementStatus.SENT:
        messages.error(request, _("This announcement has already been sent and can no longer be changed."))
        return redirect(announcement.get_absolute_url())
    initial = {}
    event_id = request.GET.get("event")
    events = _announcement_events(request.user, announcement.centre if announcement else None)
    if announcement is None and event_id and event_id.isdigit():
        event = events.filter(pk=event_id).first()
        if event is not None:
            initial = {
                "event": event.pk,
                "subject": event.title,
                "centre": event.centre_id,
                "body": f"{event.summary}\n\n{event.description}".strip(),
            }
    form = AnnouncementForm(
        request.POST or None,
        instance=announcement,
        initial=initial,
        events=events,
        centres=None if announcement else _managed_centres(request.user),
    )
    if request.method == "POST" and form.is_valid():
        centre = _authorise_centre(request.user, form) if announcement is None else announcement.centre
        data = form.cleaned_data
        try:
            saved = services.announcement_save(
                centre=centre,
                actor=request.user,
                announcement=announcement,
                subject=data["subject"],
                body=data["body"],
                event=data.get("event"),
                topics=data["topics"],
                regions=data["regions"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("The announcement has been saved. Check the recipients, then send it.")
            )
            return redirect(saved.get_absolute_url())
    title = announcement.subject if announcement else _("New press announcement")
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": [(_("Press announcements"), reverse("outreach:announcement-list")), (title, "")],
        },
        status=400 if form.errors else 200,
    )


@login_required
def announcement_detail(request, pk: int):
    announcement = get_announcement_for_user(request.user, pk)
    sent = announcement.status == AnnouncementStatus.SENT
    context = {
        "announcement": announcement,
        "sent": sent,
        "topics": announcement.topics.all(),
        "regions": announcement.regions.all(),
        "crumbs": [
            (_("Press announcements"), reverse("outreach:announcement-list")),
            (announcement.subject, ""),
        ],
    }
    if sent:
        context["deliveries"] = announcement.deliveries.select_related("message", "contact__outlet")
    else:
        recipients = list(selectors.announcement_segment(announcement).select_related("outlet"))
        context["recipients"] = recipients
        if recipients:  # exactly what the first journalist will get (each gets their own name and link)
            context["preview"] = services.announcement_preview(
                announcement=announcement, contact=recipients[0]
            )
    return render(request, "outreach/announcement_detail.html", context)


@login_required
def announcement_send(request, pk: int):
    """Confirm, then send: the page says how many journalists will receive it; the POST carries that number and
    nothing is sent if the segment has changed since."""
    announcement = get_announcement_for_user(request.user, pk)
    if announcement.status == AnnouncementStatus.SENT:
        return redirect(announcement.get_absolute_url())
    recipients = selectors.announcement_segment(announcement).select_related("outlet")
    confirmed = request.POST.get("recipients", "")
    if request.method == "POST" and confirmed.isdigit():
        try:
            count = services.announcement_send(
                announcement=announcement, actor=request.user, expected_recipients=int(confirmed)
            )
        except services.AnnouncementError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The announcement has been sent to %(count)s journalist.",
                    "The announcement has been sent to %(count)s journalists.",
                    count,
                )
                % {"count": count},
            )
            return redirect(announcement.get_absolute_url())
    return render(
        request,
        "outreach/announcement_confirm.html",
        {
            "announcement": announcement,
            "recipients": recipients,
            "crumbs": [
                (_("Press announcements"), reverse("outreach:announcement-list")),
                (announcement.subject, announcement.get_absolute_url()),
                (pgettext("verb", "Send"), ""),
            ],
        },
    )


@login_required
@require_POST
def announcement_test(request, pk: int):
    """Send the announcement to oneself, as a journalist would receive it."""
    announcement = get_announcement_for_user(request.user, pk)
    try:
        email = services.announcement_send_test(
            announcement=announcement, actor=request.user, language=get_language() or "ru"
        )
    except services.AnnouncementError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A test has been sent to %(email)s.") % {"email": email})
    return redirect(announcement.get_absolute_url())


# --- Unsubscribe (public, from the e-mail) ------------------------------------------------------------------


@csrf_exempt  # the signed token is the credential; mail clients' one-click unsubscribe POSTs without a form
def unsubscribe(request, token: str):
    contact = services.contact_from_unsubscribe_token(token)
    if contact is None:
        return render(request, "outreach/unsubscribe_invalid.html", status=400)
    done = contact.unsubscribed_at is not None
    if request.method == "POST":
        services.media_contact_unsubscribe(contact=contact)
        done = True
    return render(request, "outreach/unsubscribe.html", {"contact": contact, "done": done})


def publication_pdf(request, pk: int):
    """The PDF of a publication through the publication's own door."""
    publication = get_publication_for_user(request.user, pk)
    if not publication.pdf:
        raise Http404
    name = publication.pdf_name or f"{publication.title}.pdf"
    return private_file_response(publication.pdf, name, public=publication.is_published)
