"""Reading grant-making data: querysets already narrowed to what the user may see."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from resurs.accounts.access import centre_ids_for, is_admin, represented_organisation_ids
from resurs.core.search import indexed_words_condition, query_words
from resurs.grants import formschema
from resurs.grants.choices import ApplicationStatus, CallStatus, ReportStatus
from resurs.grants.models import Application, Attachment, Call, GranteeReport, HistoricalGrant

PUBLIC_STATUSES = [s for s in CallStatus.values if s != CallStatus.DRAFT]
REVIEWABLE = [ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_REVIEW]


def call_list_public() -> QuerySet[Call]:
    """Calls anyone may see (everything but drafts)."""
    return (
        Call.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("programme", "centre__organisation")
        .order_by("-deadline", "-pk")
    )


def call_list_open() -> QuerySet[Call]:
    now = timezone.now()
    return call_list_public().filter(status=CallStatus.OPEN, deadline__gte=now).order_by("deadline")


def call_list_for_staff(user) -> QuerySet[Call]:
    """Calls whose centre the user manages (all for administrators), newest first; ``with_application_counts``
    adds their application counts to the calls a page shows."""
    calls = Call.objects.select_related("programme", "centre__organisation")
    if not is_admin(user):
        calls = calls.filter(centre_id__in=centre_ids_for(user))
    return calls.order_by("-created_at")


def with_application_counts(calls) -> list[Call]:
    """The calls, each with ``submitted_count`` (applications past the draft, not withdrawn) and
    ``to_screen_count`` (submitted, awaiting screening), counted in one grouped query over the (call, status)
    index rather than by joining every application of every call to the list."""
    calls = list(calls)
    counts = {
        row["call_id"]: row
        for row in Application.objects.filter(call_id__in=[c.pk for c in calls])
        .order_by()
        .values("call_id")
        .annotate(
            submitted=Count(
                "status", filter=~Q(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
            ),
            to_screen=Count("status", filter=Q(status=ApplicationStatus.SUBMITTED)),
        )
    }
    for call in calls:
        row = counts.get(call.pk, {})
        call.submitted_count = row.get("submitted", 0)
        call.to_screen_count = row.get("to_screen", 0)
    return calls


def calls_to_screen(user, *, latest: int = 20) -> list[Call]:
    """Of the ``latest`` calls of the user's centres (all for administrators), those with submitted applications
    to screen, each with ``to_screen_count``. Counted call by call from the (call, status) index: joined and
    grouped with every application of a national call (15,000 of them) instead, it took half a second."""
    calls = Call.objects.select_related("programme", "centre__organisation")
    if not is_admin(user):
        calls = calls.filter(centre_id__in=centre_ids_for(user))
    submitted = (
        Application.objects.filter(call=OuterRef("pk"), status=ApplicationStatus.SUBMITTED)
        .order_by()
        .values("call")
        .annotate(total=Count("pk"))
        .values("total")
    )
    calls = calls.annotate(to_screen_count=Coalesce(Subquery(submitted), 0)).order_by("-created_at")
    return [call for call in calls[:latest] if call.to_screen_count]


def application_list_for_applicant(user) -> QuerySet[Application]:
    """Applications of the organisations the user represents."""
    return (
        Application.objects.filter(organisation_id__in=represented_organisation_ids(user))
        .select_related("call", "organisation", "direction", "decision")
        .order_by("-updated_at")
    )


def application_list_for_staff(user, call: Call | None = None) -> QuerySet[Application]:
    """Submitted applications of the calls of the user's centres (drafts stay private to applicants)."""
    applications = Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related(
        "call", "organisation__region", "direction", "decision"
    )
    if not is_admin(user):
        applications = applications.filter(call__centre_id__in=centre_ids_for(user))
    if call is not None:
        applications = applications.filter(call=call)
    return applications.order_by("-submitted_at", "-pk")


PIPELINE_SEARCH_FIELDS = ("title", "number", "organisation__name", "organisation__short_name")


def application_search(applications: QuerySet[Application], query: str) -> QuerySet[Application]:
    """The ``applications`` whose title, reference number or organisation's name or short name holds every word
    of ``query`` (``resurs.core.search``), or whose organisation's INN is ``query``. On PostgreSQL the words are
    looked up in the trigram indexes of the folded fields (migrations grants 0008 and registry 0020) and the
    INN in its own index, each table on its own, so a call of 15,000 applications is not folded row by row."""
    query = query.strip()
    words = query_words(query)
    if not words:
        return applications
    by_inn = Application.organisation.field.related_model._base_manager.filter(inn=query).values("pk")
    return applications.filter(
        indexed_words_condition(applications, words, PIPELINE_SEARCH_FIELDS) | Q(organisation__in=by_inn)
    )


def _page_by_ids(ordered: QuerySet, number, *, per_page: int, rows: QuerySet, materialise: bool = False):
    """A page of ``ordered`` read as ids first (a narrow read that the sort and a deep offset stay cheap on), then
    that page's rows from ``rows`` (with their joins) in the same order. ``materialise`` reads every id at once:
    the count is then their number instead of a second run of the same filter."""
    ids = ordered.values_list("pk", flat=True)
    page = Paginator(list(ids) if materialise else ids, per_page).get_page(number)
    found = rows.in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def application_page(
    applications: QuerySet[Application], number, *, per_page: int = 50, searched: bool = False
):
    """A page of ``applications`` (an ordered list of ``application_list_for_staff``): the page's ids first (an
    index-only read of the call's (call, submitted_at, id) index, however deep the page), then those 50 rows with
    their organisation, region, direction and decision, without the answers. A search reads the matching ids
    once (the count is their number) instead of running its text match twice, for the count and the page."""
    return _page_by_ids(
        applications,
        number,
        per_page=per_page,
        materialise=searched,
        rows=Application.objects.select_related(
            "call", "organisation__region", "direction", "decision"
        ).defer("answers", "eligibility_checks", "declarations", "summary", "call__description"),
    )


def applications_for_review(call: Call) -> QuerySet[Application]:
    """Applications of a call that experts evaluate (eligible or under review)."""
    return (
        Application.objects.filter(call=call, status__in=REVIEWABLE)
        .select_related("organisation__region", "direction", "call")
        .order_by("pk")
    )


def application_text(application: Application) -> str:
    """Title, summary and the free-text answers, for text affinity and search."""
    schema = application.form_version.schema if application.form_version_id else {}
    parts = [application.title, application.summary, *formschema.text_answers(schema, application.answers)]
    return "\n".join(part for part in parts if part)


def application_sections(application: Application) -> list[dict]:
    """The application's answers section by section, each with its label (read-only pages, the PDF, experts)."""
    schema = application.form_version.schema if application.form_version_id else {"sections": []}
    sections = []
    for section in schema.get("sections", []):
        rows = []
        for spec in section.get("fields", []):
            value = application.answers.get(spec["key"])
            rows.append({"spec": spec, "label": formschema.label(spec), "value": value})
        sections.append({"title": formschema.section_title(section), "fields": rows})
    return sections


def attachments_of(application: Application) -> QuerySet[Attachment]:
    """Files attached to an application the caller has already authorised."""
    return Attachment.objects.filter(application=application).order_by("field_key", "pk")


SCREENING_QUEUE = [ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE]


def screening_neighbours(application: Application) -> dict:
    """Where an application sits in its call's screening queue (submitted first, then screened), in the pipeline's
    order: the previous and next application, its position and the queue's length."""
    if application.status not in SCREENING_QUEUE:
        return {}
    ids = list(
        Application.objects.filter(call_id=application.call_id, status__in=SCREENING_QUEUE)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    index = ids.index(application.pk)
    waiting = Application.objects.filter(
        call_id=application.call_id, status=ApplicationStatus.SUBMITTED
    ).count()
    return {
        "previous_id": ids[index - 1] if index > 0 else None,
        "next_id": ids[index + 1] if index + 1 < len(ids) else None,
        "position": index + 1,
        "total": len(ids),
        "waiting": waiting,
    }


def pipeline_counts(call: Call) -> dict[str, int]:
    counts = dict(call.applications.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in ApplicationStatus.values}


def organisation_has_overdue_reports(organisation) -> bool:
    return GranteeReport.objects.filter(
        agreement__application__organisation=organisation,
        status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
        due_on__lt=timezone.localdate(),
    ).exists()


def organisations_with_overdue_reports(organisation_ids) -> set[int]:
    """Which of the organisations have an overdue report on an earlier grant (one query for many)."""
    return set(
        GranteeReport.objects.filter(
            agreement__application__organisation_id__in=list(organisation_ids),
            status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
            due_on__lt=timezone.localdate(),
        ).values_list("agreement__application__organisation_id", flat=True)
    )


def winners(call: Call) -> QuerySet[Application]:
    """Awarded applications of a call, for its public results."""
    return (
        Application.objects.filter(call=call, status=ApplicationStatus.AWARDED, decision__isnull=False)
        .select_related("organisation__region", "direction", "decision")
        .order_by("direction__order", "-decision__awarded_amount", "number")
    )


def results_summary(call: Call) -> dict:
    """Aggregate figures of a call's results: applications, winners, money, by direction and by region."""
    applications = call.applications.exclude(
        status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]
    )
    awarded = applications.filter(status=ApplicationStatus.AWARDED)
    totals = awarded.aggregate(amount=Sum("decision__awarded_amount"), requested=Sum("requested_amount"))
    by_direction = list(
        awarded.values("direction__name_ru", "direction__name_en")
        .annotate(n=Count("pk"), amount=Sum("decision__awarded_amount"))
        .order_by("-amount")
    )
    by_region = list(
        awarded.values("organisation__region__name_ru", "organisation__region__name_en")
        .annotate(n=Count("pk"), amount=Sum("decision__awarded_amount"))
        .order_by("-amount")
    )
    return {
        "applications": applications.count(),
        "winners": awarded.count(),
        "awarded": totals["amount"] or Decimal(0),
        "requested_by_winners": totals["requested"] or Decimal(0),
        "by_direction": by_direction,
        "by_region": by_region,
        "regions": len([r for r in by_region if r["organisation__region__name_ru"]]),
    }


def register_rows(calls: QuerySet[Call] | None = None):
    """All projects of published calls, with the register's columns (see views.register_export)."""
    calls = calls if calls is not None else Call.objects.filter(status=CallStatus.RESULTS_PUBLISHED)
    return (
        Application.objects.filter(call__in=calls)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .select_related("call", "organisation__region", "direction", "decision", "agreement")
        .prefetch_related("agreement__reports")
        # The register never shows the answers: 20,000 national applications' answers are hundreds of megabytes.
        .defer("answers", "eligibility_checks", "declarations", "summary", "call__description")
        .order_by("call_id", "number")
    )


def history_for_centre(centre) -> QuerySet[HistoricalGrant]:
    return HistoricalGrant.objects.filter(centre=centre).select_related("region")


def history_by_year(centre=None) -> list[dict]:
    grants = (
        HistoricalGrant.objects.all() if centre is None else HistoricalGrant.objects.filter(centre=centre)
    )
    return list(grants.values("year").annotate(n=Count("pk"), amount=Sum("amount")).order_by("year"))


def reports_for_staff(user) -> QuerySet[GranteeReport]:
    reports = GranteeReport.objects.select_related(
        "agreement__application__organisation", "agreement__application__call"
    )
    if not is_admin(user):
        reports = reports.filter(agreement__application__call__centre_id__in=centre_ids_for(user))
    return reports.order_by("due_on", "pk")


def report_page(reports: QuerySet[GranteeReport], number, *, per_page: int = 50):
    """A page of ``reports`` (``reports_for_staff``, maybe filtered): the ids in due order first, then the page's
    reports with their application (not its answers), organisation and call, instead of sorting every report
    joined to those wide rows."""
    return _page_by_ids(
        reports.select_related(None),
        number,
        per_page=per_page,
        rows=GranteeReport.objects.select_related(
            "agreement__application__organisation", "agreement__application__call"
        ).defer(
            "agreement__application__answers",
            "agreement__application__eligibility_checks",
            "agreement__application__declarations",
            "agreement__application__summary",
            "agreement__application__call__description",
        ),
    )


def reports_for_grantee(user) -> QuerySet[GranteeReport]:
    """Reports the user's organisations owe or have sent."""
    return (
        GranteeReport.objects.filter(
            agreement__application__organisation_id__in=represented_organisation_ids(user)
        )
        .select_related("agreement__application")
        .order_by("due_on")
    )


def grant_edges():
    """(funder organisation id, grantee organisation id) for every awarded grant: the funder is the programme's
    funder when it is in the registry, else the centre that ran the call. Used by the sector network."""
    from resurs.grants.choices import ApplicationStatus
    from resurs.grants.models import Application

    rows = (
        Application.objects.filter(status=ApplicationStatus.AWARDED)
        .values_list("call__programme__funder_id", "call__centre__organisation_id", "organisation_id")
        .distinct()
    )
    for funder_id, centre_organisation_id, grantee_id in rows.iterator(chunk_size=5000):
        source = funder_id or centre_organisation_id
        if source and grantee_id and source != grantee_id:
            yield source, grantee_id


def direction_list():
    """Directions of every call, newest calls first, for other apps to link to (social challenges)."""
    from resurs.grants.models import Direction

    return Direction.objects.select_related("call").order_by("-call__opens_at", "call_id", "order", "pk")
