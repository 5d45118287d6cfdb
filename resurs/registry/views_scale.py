"""Pages of the national-scale registry work, for centre staff and administrators: importing organisation files
(upload → map columns → background run with progress → counts and rejected rows) and resolving duplicates."""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from resurs.accounts.access import staff_required
from resurs.core.files import private_file_response
from resurs.core.htmx import render_page
from resurs.core.jobs import job_create
from resurs.core.models import Job
from resurs.registry.choices import ConflictStatus, DuplicateKind
from resurs.registry.dedup import MergeError, duplicate_dismiss, organisation_merge
from resurs.registry.forms_scale import ImportMappingForm, ImportUploadForm, MergeForm
from resurs.registry.imports.mapping import columns_for_headers, labelled
from resurs.registry.imports.reading import ImportFileError
from resurs.registry.imports.service import (
    builtin_mapping_ensure,
    import_batch_check,
    import_batch_configure,
    import_batch_create,
    import_batch_preview,
    import_batch_rejected_preview,
    import_batch_start,
    import_batch_warnings_preview,
    import_conflict_decide,
    unmapped_report_rows,
)
from resurs.registry.models import ImportBatch, ImportConflict, Organisation, Region
from resurs.registry.selectors import (
    duplicate_candidate_get,
    duplicate_candidate_list,
    duplicate_search_latest,
    import_conflict_list,
)
from resurs.registry.tasks import find_duplicates_task


def get_import_batch_for_user(user, pk: int) -> ImportBatch:
    """Import batches are registry history shared by all staff (the decorator already checked the role)."""
    return get_object_or_404(ImportBatch.objects.select_related("job", "mapping", "created_by"), pk=pk)


def _crumbs(*extra):
    return [(_("Registry"), reverse("registry:organisation-list")), *extra]


@staff_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    builtin_mapping_ensure()
    form = ImportUploadForm()
    if request.method == "POST":
        # An oversized file was cut off while it was read (resurs.core.uploads); the form says so.
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = import_batch_create(upload=upload, file_name=upload.name, user=request.user)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                mapping = form.cleaned_data.get("mapping")
                if mapping is not None:
                    batch.mapping = mapping
                    batch.columns = columns_for_headers(mapping.columns, batch.headers) or batch.columns
                    batch.save(update_fields=["mapping", "columns", "updated_at"])
                return redirect("registry:import-mapping", pk=batch.pk)
    batches = Paginator(ImportBatch.objects.select_related("created_by", "mapping"), 25).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "registry/scale/import_list.html",
        {
            "form": form,
            "page_obj": batches,
            "batches": batches.object_list,
            "crumbs": _crumbs((_("Import"), None)),
        },
        status=400 if form.errors else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk: int):
    batch = get_import_batch_for_user(request.user, pk)
    if batch.status != ImportBatch.Status.UPLOADED:
        return redirect(batch)
    form = ImportMappingForm(request.POST or None, headers=batch.headers, columns=batch.columns)
    checking = "check" in request.POST
    if checking and form.is_valid():
        # "Check the values": the same page, with the report for the mapping as chosen now; nothing starts.
        batch.columns = form.columns()
        batch.save(update_fields=["columns", "updated_at"])
        form = ImportMappingForm(headers=batch.headers, columns=batch.columns)
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                import_batch_configure(
                    batch=batch,
                    columns=form.columns(),
                    mapping=batch.mapping,
                    save_as=form.cleaned_data["save_as"],
                    dry_run=form.cleaned_data["dry_run"],
                    user=request.user,
                )
                import_batch_start(batch=batch, user=request.user)
        except ImportFileError as error:
            form.add_error(None, str(error))
        else:
            return redirect(batch)
    try:
        preview = import_batch_preview(batch)
        check = import_batch_check(batch)
    except ImportFileError as error:
        preview, check = [], None
        form.add_error(None, str(error))
    return render_page(
        request,
        "registry/scale/import_mapping.html",
        {
            "batch": batch,
            "form": form,
            "preview": preview,
            "check": check,
            "crumbs": _crumbs((_("Import"), "/registry/imports/"), (batch.file_name, None)),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def import_detail(request, pk: int):
    batch = get_import_batch_for_user(request.user, pk)
    context = {
        "batch": batch,
        "job": batch.job,
        "rejected": import_batch_rejected_preview(batch) if batch.status == ImportBatch.Status.DONE else [],
        "warned": import_batch_warnings_preview(batch) if batch.status == ImportBatch.Status.DONE else [],
        "unmapped": labelled((batch.report or {}).get("unmapped", {})),
        "crumbs": _crumbs((_("Import"), "/registry/imports/"), (batch.file_name, None)),
    }
    return render_page(
        request,
        "registry/scale/import_detail.html",
        context,
        partial="registry/scale/partials/_import_status.html",
    )


@staff_required
def import_rejected(request, pk: int):
    batch = get_import_batch_for_user(request.user, pk)
    if not batch.rejected_file:
        raise Http404
    return private_file_response(batch.rejected_file, batch.rejected_file_name)


@staff_required
def import_warnings(request, pk: int):
    batch = get_import_batch_for_user(request.user, pk)
    if not batch.warnings_file:
        raise Http404
    return private_file_response(batch.warnings_file, batch.warnings_file_name)


@staff_required
def import_unmapped(request, pk: int):
    """The batch's values no reference matched, per column with counts, and its unimported columns (CSV)."""
    from resurs.core.tabular import csv_response

    batch = get_import_batch_for_user(request.user, pk)
    if not batch.report:
        raise Http404
    header, *rows = unmapped_report_rows(batch)
    return csv_response(f"{Path(batch.file_name).stem}-unmapped", header, rows)


@staff_required
def import_conflicts(request):
    """Values imports did not write over better ones, for staff to accept or keep."""
    status = request.GET.get("status") or ConflictStatus.OPEN
    batch = request.GET.get("batch")
    conflicts = import_conflict_list(status=status, batch=int(batch) if str(batch or "").isdigit() else None)
    page = Paginator(conflicts, 50).get_page(request.GET.get("page"))
    return render_page(
        request,
        "registry/scale/import_conflicts.html",
        {
            "page_obj": page,
            "conflicts": page.object_list,
            "status": status,
            "statuses": ConflictStatus.choices,
            "crumbs": _crumbs((_("Import"), reverse("registry:import-list")), (_("Conflicts"), None)),
        },
    )


@staff_required
@require_POST
def import_conflict_decide_view(request, pk: int):
    conflict = get_object_or_404(ImportConflict.objects.select_related("organisation", "batch"), pk=pk)
    conflict = import_conflict_decide(
        conflict=conflict, accept=request.POST.get("decision") == "accept", user=request.user
    )
    if request.htmx:
        [conflict] = import_conflict_list(status=None, pk=conflict.pk)
        return render_page(
            request,
            "registry/scale/import_conflicts.html",
            {"conflict": conflict},
            partial="registry/scale/partials/_conflict_row.html",
        )
    messages.success(request, _("Decided."))
    return redirect(request.POST.get("next") or reverse("registry:import-conflicts"))


def _region_from(value) -> Region | None:
    return Region.objects.filter(pk=value).first() if str(value or "").isdigit() else None


@staff_required
def duplicate_list(request):
    region = _region_from(request.GET.get("region"))
    kind = request.GET.get("kind")
    kind = kind if kind in DuplicateKind.values else DuplicateKind.DUPLICATE
    page = Paginator(duplicate_candidate_list(region=region, kind=kind), 50).get_page(request.GET.get("page"))
    job = None
    with contextlib.suppress(ValueError, ValidationError):
        job = Job.objects.filter(uuid=request.GET.get("job"), owner=request.user).first()
    return render_page(
        request,
        "registry/scale/duplicate_list.html",
        {
            "page_obj": page,
            "pairs": page.object_list,
            "regions": Region.objects.filter(is_active=True),
            "region": region,
            "kind": kind,
            "kinds": DuplicateKind,
            "search": duplicate_search_latest(region),
            "job": job,
            "crumbs": _crumbs((_("Duplicates"), None)),
        },
    )


@staff_required
@require_POST
def duplicate_search(request):
    """Start a new duplicate search (of one region or all) in the background; the list page follows its job."""
    region = _region_from(request.POST.get("region"))
    job = job_create(
        owner=request.user,
        kind="registry.find_duplicates",
        params={"region": region.pk if region else None, "language": get_language()},
    )
    transaction.on_commit(lambda: find_duplicates_task.enqueue(job.pk))
    query = {"job": str(job.uuid), **({"region": region.pk} if region else {})}
    return redirect(f"{reverse('registry:duplicate-list')}?{urlencode(query)}")


def _pair_for_user(first: int, second: int) -> tuple[Organisation, Organisation]:
    if first == second:
        raise Http404
    organisations = Organisation.objects.select_related("region").in_bulk([first, second])
    if len(organisations) != 2:
        raise Http404
    return organisations[first], organisations[second]


@staff_required
@require_http_methods(["GET", "POST"])
def duplicate_compare(request, first: int, second: int):
    a, b = _pair_for_user(first, second)
    if a.merged_into_id or b.merged_into_id:
        messages.info(request, _("One of these records has already been merged."))
        return redirect("registry:duplicate-list")
    form = MergeForm(request.POST or None, first=a, second=b)
    if request.method == "POST" and form.is_valid():
        survivor, loser = (a, b) if form.cleaned_data["survivor"] == a.pk else (b, a)
        try:
            moved = organisation_merge(
                survivor=survivor, loser=loser, actor=request.user, take=form.choices()
            )
        except MergeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("“%(loser)s” was merged into “%(survivor)s”; %(links)d links moved.")
                % {"loser": loser, "survivor": survivor, "links": sum(moved.values())},
            )
            return redirect(survivor)
    rows = [
        (
            Organisation._meta.get_field(name).verbose_name,
            _shown(a, name),
            _shown(b, name),
            name in form.differing,
        )
        for name in MergeForm.MERGEABLE
    ]
    return render_page(
        request,
        "registry/scale/duplicate_compare.html",
        {
            "first": a,
            "second": b,
            "form": form,
            "rows": rows,
            "candidate": duplicate_candidate_get(a, b),
            "ties_first": a.ties.count(),
            "ties_second": b.ties.count(),
            "crumbs": _crumbs((_("Duplicates"), "/registry/duplicates/"), (_("Compare"), None)),
        },
        status=400 if form.errors else 200,
    )


def _shown(organisation: Organisation, name: str):
    """A field's value as a person reads it (a choice by its label)."""
    field = Organisation._meta.get_field(name)
    return organisation._get_FIELD_display(field) if field.choices else getattr(organisation, name)


@staff_required
@require_POST
def duplicate_dismiss_view(request, first: int, second: int):
    a, b = _pair_for_user(first, second)
    duplicate_dismiss(first=a, second=b, actor=request.user)
    messages.success(request, _("The pair will not be proposed again."))
    return redirect("registry:duplicate-list")
