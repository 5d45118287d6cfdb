"""Writing grant-making data: calls and their forms, applications, screening, decisions, agreements and reports.

Every function takes keyword-only arguments and an ``actor``; permission checks happen in views and the API
(``access.py``), business rules here.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from resurs.core import precomputed
from resurs.core.audit import audit_event, audit_events_bulk
from resurs.core.uploads import KIND_BY_EXTENSION
from resurs.grants import formschema
from resurs.grants.choices import (
    ApplicationStatus,
    CallStatus,
    DecisionOutcome,
    FieldKind,
    ReportKind,
    ReportStatus,
)
from resurs.grants.models import (
    Agreement,
    Application,
    Attachment,
    BudgetLine,
    Call,
    Decision,
    Direction,
    FormField,
    FormSection,
    FormVersion,
    GranteeReport,
    Programme,
    ReportIndicator,
    ReportSpending,
    Tranche,
)


class GrantsError(ValidationError):
    """A business rule refused the action; ``message_dict`` or ``messages`` say why (translated)."""


# --- programmes and calls -------------------------------------------------------------------------------------


def _clean_save(obj, *, exclude=None) -> None:
    obj.full_clean(exclude=exclude)
    obj.save()


@transaction.atomic
def programme_create(*, centre, actor, title: str, funder=None, funder_name: str = "", description: str = ""):
    programme = Programme(
        centre=centre, title=title, funder=funder, funder_name=funder_name, description=description
    )
    _clean_save(programme)
    audit_event(actor=actor, obj=programme, action="programme_create", changes={"title": title})
    return programme


CALL_FIELDS = (
    "title",
    "slug",
    "description",
    "opens_at",
    "deadline",
    "deadline_timezone",
    "review_ends_on",
    "results_on",
    "budget",
    "min_request",
    "max_request",
    "cofinancing_share",
    "project_starts_on",
    "project_ends_on",
    "min_organisation_age_years",
    "forbid_overdue_reports",
    "required_documents",
    "experts_per_application",
    "score_threshold",
)


def _call_errors(call: Call) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if call.deadline_timezone not in zoneinfo.available_timezones():
        errors["deadline_timezone"] = [_("Unknown time zone. Use a name such as Europe/Moscow.")]
    if call.opens_at and call.deadline and call.deadline <= call.opens_at:
        errors["deadline"] = [_("The deadline must come after the opening.")]
    if call.max_request and call.min_request > call.max_request:
        errors["max_request"] = [_("The maximum request must not be below the minimum.")]
    if call.budget and call.max_request > call.budget:
        errors["max_request"] = [_("The maximum request cannot exceed the call's budget.")]
    if call.project_starts_on and call.project_ends_on and call.project_ends_on < call.project_starts_on:
        errors["project_ends_on"] = [_("Projects cannot end before they start.")]
    return errors


@transaction.atomic
def call_create(
    *,
    programme: Programme,
    actor,
    title: str,
    slug: str,
    legal_forms=(),
    regions=(),
    default_form: bool = True,
    **fields,
) -> Call:
    """Create a draft call with the default ten-criterion scheme and, unless asked not to, a starter form."""
    from resurs.criteria.services import scheme_create_default

    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown call fields: {sorted(unknown)}")
    call = Call(programme=programme, centre=programme.centre, title=title, slug=slug, **fields)
    errors = _call_errors(call)
    if errors:
        raise GrantsError(errors)
    call.full_clean(exclude=["criteria_scheme"])
    call.criteria_scheme = scheme_create_default(name=title[:280], centre=programme.centre)
    call.save()
    call.allowed_legal_forms.set(legal_forms)
    call.allowed_regions.set(regions)
    if default_form:
        form_add_default(call=call)
    audit_event(actor=actor, obj=call, action="call_create", changes={"title": title})
    return call


@transaction.atomic
def call_update(*, call: Call, actor, legal_forms=None, regions=None, **fields) -> Call:
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown call fields: {sorted(unknown)}")
    changes = {}
    for name, value in fields.items():
        if getattr(call, name) != value:
            changes[name] = (getattr(call, name), value)
            setattr(call, name, value)
    errors = _call_errors(call)
    if errors:
        raise GrantsError(errors)
    call.full_clean()
    call.save()
    if legal_forms is not None:
        call.allowed_legal_forms.set(legal_forms)
    if regions is not None:
        call.allowed_regions.set(regions)
    if changes:
        audit_event(actor=actor, obj=call, action="call_update", changes=changes)
    return call


ALLOWED_TRANSITIONS = {
    CallStatus.DRAFT: {CallStatus.OPEN},
    CallStatus.OPEN: {CallStatus.CLOSED},
    CallStatus.CLOSED: {CallStatus.REVIEW, CallStatus.OPEN},
    CallStatus.REVIEW: {CallStatus.DECIDED},
    CallStatus.DECIDED: {CallStatus.RESULTS_PUBLISHED, CallStatus.REVIEW},
    CallStatus.RESULTS_PUBLISHED: set(),
}


@transaction.atomic
def call_set_status(*, call: Call, actor, status: str) -> Call:
    """Move a call along its life: opening freezes the form as a version; review starts for eligible ones."""
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    old = call.status
    if status not in ALLOWED_TRANSITIONS.get(old, set()):
        raise GrantsError(
            _("A call that is “%(old)s” cannot become “%(new)s”.")
            % {"old": CallStatus(old).label, "new": CallStatus(status).label}
        )
    if status == CallStatus.OPEN:
        if not call.deadline:
            raise GrantsError({"deadline": [_("Set the deadline before opening the call.")]})
        if not call.form_sections.exists():
            raise GrantsError(_("Add at least one section to the application form before opening the call."))
        if not call.form_versions.exists():
            form_publish(call=call, actor=actor)
        if call.opens_at is None:
            call.opens_at = timezone.now()
    if status == CallStatus.REVIEW:
        Application.objects.filter(call=call, status=ApplicationStatus.ELIGIBLE).update(
            status=ApplicationStatus.UNDER_REVIEW, updated_at=timezone.now()
        )
    if status == CallStatus.RESULTS_PUBLISHED:
        from resurs.grants.opendata import publication_problems

        problems = publication_problems(call)
        if problems:
            raise GrantsError([_("The results cannot be published yet."), *problems])
        # Every applicant's letter at once (one template, one bulk write): ``_notify_decision`` per application.
        _notify_bulk(
            Application.objects.filter(call=call, decision__isnull=False)
            .select_related("decision", "applicant", "call", "organisation")
            .order_by("pk"),
            "decision",
            _decision_letter,
        )
    call.status = status
    call.save(update_fields=["status", "opens_at", "updated_at"])
    audit_event(actor=actor, obj=call, action="call_status", changes={"status": (old, status)})
    return call


@transaction.atomic
def direction_add(
    *, call: Call, actor, name_ru: str, name_en: str = "", budget: Decimal = Decimal(0)
) -> Direction:
    direction = Direction(
        call=call, name_ru=name_ru, name_en=name_en, budget=budget, order=call.directions.count()
    )
    if call.budget and budget > call.budget:
        raise GrantsError({"budget": [_("A direction's budget cannot exceed the call's budget.")]})
    _clean_save(direction)
    _touch(call)
    audit_event(actor=actor, obj=call, action="direction_add", changes={"direction": name_ru})
    return direction


def _touch(call: Call) -> None:
    """Mark the call as changed: per-process caches of its form and directions key on ``updated_at``."""
    call.updated_at = timezone.now()
    Call.objects.filter(pk=call.pk).update(updated_at=call.updated_at)


# --- the form builder -----------------------------------------------------------------------------------------

DEFAULT_FORM = [
    (
        "Описание проекта",
        "About the project",
        [
            ("goal", FieldKind.TEXT, "Цель проекта", "Project goal", True, {"max_length": 1000}),
            (
                "problem",
                FieldKind.TEXT,
                "Описание проблемы",
                "The problem addressed",
                True,
                {"max_length": 5000},
            ),
            ("target_groups", FieldKind.TEXT, "Целевые группы", "Target groups", True, {"max_length": 2000}),
            (
                "beneficiaries",
                FieldKind.NUMBER,
                "Число благополучателей",
                "Number of beneficiaries",
                False,
                {"min_value": 0},
            ),
            (
                "results",
                FieldKind.TEXT,
                "Ожидаемые результаты",
                "Expected results",
                True,
                {"max_length": 3000},
            ),
        ],
    ),
    (
        "Бюджет и календарный план",
        "Budget and calendar plan",
        [
            ("budget", FieldKind.BUDGET, "Смета расходов", "Budget lines", True, {}),
            ("plan", FieldKind.PLAN, "Календарный план", "Calendar plan", True, {}),
        ],
    ),
    (
        "Документы",
        "Documents",
        [
            (
                "letters",
                FieldKind.FILE,
                "Письма поддержки",
                "Letters of support",
                False,
                {"file_types": "pdf, jpg, png", "max_file_mb": 10},
            ),
        ],
    ),
]


def form_add_default(*, call: Call) -> None:
    """The starter form most calls use: description, budget and plan, supporting documents."""
    for order, (title_ru, title_en, fields) in enumerate(DEFAULT_FORM):
        section = FormSection.objects.create(call=call, title_ru=title_ru, title_en=title_en, order=order)
        for position, (key, kind, label_ru, label_en, required, extra) in enumerate(fields):
            FormField.objects.create(
                section=section,
                key=key,
                kind=kind,
                label_ru=label_ru,
                label_en=label_en,
                required=required,
                order=position,
                **extra,
            )


def _field_errors(form_field: FormField) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if form_field.kind == FieldKind.CHOICE and len([c for c in form_field.choices if str(c).strip()]) < 2:
        errors["choices"] = [_("A choice needs at least two options.")]
    if form_field.kind == FieldKind.FILE and not formschema._extensions(form_field.file_types):
        errors["file_types"] = [_("List the allowed file types, e.g. pdf, docx.")]
    elif form_field.kind == FieldKind.FILE and formschema.unknown_file_types(form_field.file_types):
        errors["file_types"] = [
            _("Applicants cannot upload files of type %(types)s. Resurs accepts: %(accepted)s.")
            % {
                "types": ", ".join(formschema.unknown_file_types(form_field.file_types)),
                "accepted": ", ".join(e.lstrip(".") for e in KIND_BY_EXTENSION),
            }
        ]
    if form_field.kind == FieldKind.FILE and not 1 <= form_field.max_file_mb <= 50:
        errors["max_file_mb"] = [_("The size limit must be between 1 and 50 MB.")]
    if form_field.kind == FieldKind.TEXT and form_field.max_length is not None and form_field.max_length < 1:
        errors["max_length"] = [_("The length limit must be positive.")]
    if form_field.kind not in (FieldKind.NUMBER, FieldKind.MONEY) and (
        form_field.min_value is not None or form_field.max_value is not None
    ):
        errors["min_value"] = [_("Only numbers and amounts have a minimum and a maximum.")]
    if (
        form_field.min_value is not None
        and form_field.max_value is not None
        and form_field.max_value < form_field.min_value
    ):
        errors["max_value"] = [_("The maximum must not be below the minimum.")]
    call = form_field.section.call
    duplicate = FormField.objects.filter(section__call=call, key=form_field.key).exclude(pk=form_field.pk)
    if duplicate.exists():
        errors["key"] = [
            _("Another field of this form already uses the key “%(key)s”.") % {"key": form_field.key}
        ]
    if form_field.key in RESERVED_KEYS:
        errors["key"] = [_("The key “%(key)s” is reserved.") % {"key": form_field.key}]
    return errors


RESERVED_KEYS = {"title", "summary", "direction", "project_starts_on", "project_ends_on", "declarations"}


@transaction.atomic
def form_section_save(
    *, call: Call, actor, title_ru: str, title_en: str = "", section: FormSection | None = None
):
    section = section or FormSection(call=call, order=call.form_sections.count())
    section.title_ru, section.title_en = title_ru, title_en
    _clean_save(section)
    audit_event(actor=actor, obj=call, action="form_section_save", changes={"section": title_ru})
    return section


@transaction.atomic
def form_field_save(
    *, section: FormSection, actor, form_field: FormField | None = None, **values
) -> FormField:
    """Add or change a field of the working form; the change reaches applicants when the form is published."""
    form_field = form_field or FormField(section=section, order=section.fields.count())
    for name, value in values.items():
        setattr(form_field, name, value)
    if isinstance(form_field.choices, str):
        form_field.choices = [line.strip() for line in form_field.choices.splitlines() if line.strip()]
    errors = _field_errors(form_field)
    if errors:
        raise GrantsError(errors)
    _clean_save(form_field)
    audit_event(actor=actor, obj=section.call, action="form_field_save", changes={"field": form_field.key})
    return form_field


@transaction.atomic
def form_field_delete(*, form_field: FormField, actor) -> None:
    call = form_field.section.call
    key = form_field.key
    form_field.delete()
    audit_event(actor=actor, obj=call, action="form_field_delete", changes={"field": (key, None)})


@transaction.atomic
def form_publish(*, call: Call, actor) -> FormVersion:
    """Freeze the working form as the next version (nothing new when it has not changed)."""
    schema = formschema.snapshot_of(call)
    latest = call.form_versions.order_by("-number").first()
    if latest is not None and latest.schema == schema:
        return latest
    version = FormVersion.objects.create(
        call=call,
        number=(latest.number + 1) if latest else 1,
        schema=schema,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _touch(call)
    audit_event(actor=actor, obj=call, action="form_publish", changes={"version": version.number})
    return version


def form_current(call: Call) -> FormVersion | None:
    return call.form_versions.order_by("-number").first()


# Submitting reads the call's current form and directions on every request; at the deadline that is thousands of
# identical reads. Each process keeps them per call, keyed on the call's ``updated_at``, which every change of the
# form or the directions bumps (``_touch``), and the call row itself is read fresh on every request.
_CALL_PARTS: dict[int, tuple] = {}


def _call_parts(call: Call, *, shared: bool = False) -> tuple[FormVersion | None, list[Direction]]:
    """The call's current form version and directions, read once per call object; with ``shared`` (the
    one-request submission) also kept per process between requests."""
    parts = getattr(call, "_grants_parts", None)
    if parts is None:
        cached = _CALL_PARTS.get(call.pk) if shared else None
        if cached is not None and cached[0] == call.updated_at:
            parts = cached[1:]
        else:
            parts = (form_current(call), list(call.directions.all()))
            if shared:
                if len(_CALL_PARTS) > 1000:
                    _CALL_PARTS.clear()
                _CALL_PARTS[call.pk] = (call.updated_at, *parts)
        call._grants_parts = parts
    return parts


# --- applications ---------------------------------------------------------------------------------------------


def deadline_message(call: Call, tz_name: str | None) -> str:
    """“The deadline was …” in the applicant's time zone (and the call's own, when they differ)."""
    zone_name = tz_name if tz_name in zoneinfo.available_timezones() else call.deadline_timezone
    local = call.deadline.astimezone(zoneinfo.ZoneInfo(zone_name))
    text = _("Applications closed at %(time)s (%(zone)s).") % {
        "time": f"{local:%d.%m.%Y %H:%M}",
        "zone": zone_name,
    }
    if zone_name != call.deadline_timezone:
        official = call.deadline.astimezone(zoneinfo.ZoneInfo(call.deadline_timezone))
        text += " " + _("That is %(time)s in %(zone)s.") % {
            "time": f"{official:%d.%m.%Y %H:%M}",
            "zone": call.deadline_timezone,
        }
    return text


def _ensure_accepting(call: Call, *, tz_name: str | None = None) -> None:
    now = timezone.now()
    if call.status != CallStatus.OPEN or (call.opens_at and now < call.opens_at):
        raise GrantsError(_("This call is not accepting applications."))
    if call.deadline and now > call.deadline:
        raise GrantsError(deadline_message(call, tz_name))


@transaction.atomic
def application_start(*, call: Call, organisation, actor, tz_name: str | None = None) -> Application:
    """The organisation's live application to the call: the existing one, or a new draft."""
    from resurs.accounts.access import represented_organisation_ids

    if organisation.pk not in represented_organisation_ids(actor):
        raise GrantsError(_("You do not represent this organisation."))
    existing = (
        Application.objects.filter(call=call, organisation=organisation)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )
    if existing:
        return existing
    _ensure_accepting(call, tz_name=tz_name)
    application = Application(
        call=call, organisation=organisation, applicant=actor, form_version=form_current(call)
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # a concurrent start won the race
        return Application.objects.exclude(status=ApplicationStatus.WITHDRAWN).get(
            call=call, organisation=organisation
        )
    audit_event(actor=actor, obj=application, action="application_start")
    return application


@transaction.atomic
def applicant_organisation_register(*, actor, data: dict):
    """An applicant registers an organisation that is not yet in the registry and asks to represent it.

    The registry validates the organisation (INN/OGRN check digits, duplicates); the representation waits for an
    administrator's confirmation, after which the applicant may apply for it.
    """
    from resurs.registry.services import organisation_register_as_representative

    organisation = organisation_register_as_representative(actor=actor, data=data)
    audit_event(actor=actor, obj=organisation, action="grants_applicant_registered_organisation")
    return organisation


@dataclass
class SaveResult:
    application: Application
    errors: dict[str, list[str]] = field(default_factory=dict)
    budget: formschema.BudgetTotals = field(default_factory=formschema.BudgetTotals)
    budget_lines: list[dict] = field(default_factory=list)


def _parse_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _directions(call: Call) -> list[Direction]:
    """The call's directions (cached per process, see ``_call_parts``)."""
    return _call_parts(call)[1]


def _apply(application: Application, data: dict, *, complete: bool) -> SaveResult:
    """Put ``data`` on the application and check it; returns the errors (nothing is saved here)."""
    call = application.call
    schema = application.form_version.schema if application.form_version_id else {"sections": []}
    errors: dict[str, list[str]] = {}
    if "title" in data:
        application.title = str(data["title"] or "").strip()[:500]
        if len(str(data["title"] or "").strip()) > 500:
            errors["title"] = [_("At most 500 characters.")]
    if "summary" in data:
        application.summary = str(data["summary"] or "").strip()
        if len(application.summary) > 3000:
            errors["summary"] = [
                _("At most %(limit)d characters, you have %(count)d.")
                % {"limit": 3000, "count": len(application.summary)}
            ]
    if "direction" in data:
        direction_id = data["direction"]
        if direction_id in (None, ""):
            application.direction = None
        else:
            direction = next((d for d in _directions(call) if str(d.pk) == str(direction_id)), None)
            if direction is None:
                errors["direction"] = [_("Choose one of the call's directions.")]
            else:
                application.direction = direction
    for name in ("project_starts_on", "project_ends_on"):
        if name in data:
            value = _parse_date(data[name])
            if data[name] not in (None, "") and value is None:
                errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            setattr(application, name, value)
    if "declarations" in data:
        application.declarations = [str(d) for d in data["declarations"] if str(d) in call.required_documents]
    answers = dict(application.answers)
    answers.update(
        {
            k: v
            for k, v in (data.get("answers") or {}).items()
            if k in {f["key"] for f in formschema.fields_of(schema)}
        }
    )
    attachment_keys = (
        set(application.attachments.values_list("field_key", flat=True)) if application.pk else set()
    )
    checked = formschema.check_answers(schema, answers, complete=complete, attachment_keys=attachment_keys)
    # Keep what the applicant typed even where it is wrong: the draft is never lost.
    application.answers = {**answers, **checked.answers}
    for key, messages in checked.errors.items():
        errors.setdefault(f"answers.{key}", []).extend(messages)
    application.requested_amount = checked.budget.requested
    application.total_cost = checked.budget.total
    application.cofinancing_amount = checked.budget.cofinancing
    _money_rules(application, call, checked.budget, errors, complete=complete)
    if complete:
        _completeness_rules(application, call, errors)
    return SaveResult(
        application=application, errors=errors, budget=checked.budget, budget_lines=checked.budget_lines
    )


def _money_rules(application, call, budget, errors, *, complete: bool) -> None:
    if call.max_request and budget.requested > call.max_request:
        errors.setdefault("requested_amount", []).append(
            _("You request %(amount)s, more than the call's maximum of %(max)s.")
            % {"amount": _rub(budget.requested), "max": _rub(call.max_request)}
        )
    if complete and call.min_request and budget.requested < call.min_request:
        errors.setdefault("requested_amount", []).append(
            _("You request %(amount)s, less than the call's minimum of %(min)s.")
            % {"amount": _rub(budget.requested), "min": _rub(call.min_request)}
        )
    if (
        complete
        and call.cofinancing_share
        and budget.total
        and budget.cofinancing_percent < call.cofinancing_share
    ):
        errors.setdefault("cofinancing_amount", []).append(
            _("Co-financing is %(share)s%% of the total cost; the call requires at least %(required)s%%.")
            % {"share": budget.cofinancing_percent, "required": call.cofinancing_share}
        )


def _completeness_rules(application, call, errors) -> None:
    if not application.title:
        errors.setdefault("title", []).append(_("Give the project a title."))
    if not application.summary:
        errors.setdefault("summary", []).append(_("Write a short summary of the project."))
    if _directions(call) and application.direction_id is None:
        errors.setdefault("direction", []).append(_("Choose a direction."))
    starts, ends = application.project_starts_on, application.project_ends_on
    if not starts:
        errors.setdefault("project_starts_on", []).append(_("Give the project's start date."))
    if not ends:
        errors.setdefault("project_ends_on", []).append(_("Give the project's end date."))
    if starts and ends and ends < starts:
        errors.setdefault("project_ends_on", []).append(_("The project cannot end before it starts."))
    if starts and call.project_starts_on and starts < call.project_starts_on:
        errors.setdefault("project_starts_on", []).append(
            _("Projects of this call start no earlier than %(date)s.")
            % {"date": formats.date_format(call.project_starts_on)}
        )
    if ends and call.project_ends_on and ends > call.project_ends_on:
        errors.setdefault("project_ends_on", []).append(
            _("Projects of this call end no later than %(date)s.")
            % {"date": formats.date_format(call.project_ends_on)}
        )
    missing = [d for d in call.required_documents if d not in application.declarations]
    if missing:
        errors.setdefault("declarations", []).append(_("Confirm every declaration."))


def _rub(amount: Decimal) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True) + " ₽"


def _ensure_editable(application: Application, actor) -> None:
    from resurs.accounts.access import represented_organisation_ids

    if application.status != ApplicationStatus.DRAFT:
        raise GrantsError(_("A submitted application can no longer be changed."))
    if application.organisation_id not in represented_organisation_ids(actor):
        raise GrantsError(_("You do not represent this organisation."))


@transaction.atomic
def application_autosave(*, application: Application, actor, data: dict) -> SaveResult:
    """Save a draft as it is typed. Errors are returned for display; the draft is saved regardless."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "form_version")
        .get(pk=application.pk)
    )
    _ensure_editable(application, actor)
    result = _apply(application, data, complete=False)
    application.save()
    return result


def application_check(application: Application) -> SaveResult:
    """What would stop this draft from being submitted (nothing is saved)."""
    return _apply(application, {}, complete=True)


@transaction.atomic
def attachment_add(*, application: Application, actor, field_key: str, upload) -> Attachment:
    """Attach a file to a file field of the draft (type and size checked against the field)."""
    _ensure_editable(application, actor)
    schema = application.form_version.schema if application.form_version_id else {}
    spec = next(
        (f for f in formschema.fields_of(schema) if f["key"] == field_key and f["kind"] == FieldKind.FILE),
        None,
    )
    if spec is None:
        raise GrantsError({field_key: [_("This form has no such file field.")]})
    problems = formschema.check_file(spec, upload)
    if problems:
        raise GrantsError({field_key: problems})
    attachment = Attachment(
        application=application,
        field_key=field_key,
        file=upload,
        original_name=upload.name[:255],
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor) -> None:
    _ensure_editable(attachment.application, actor)
    attachment.file.delete(save=False)
    attachment.delete()


def _reference_number(application: Application) -> str:
    """Year – call – sequence, as the national grant operator numbers applications (e.g. 26-1-000123)."""
    return f"{application.submitted_at:%y}-{application.call_id}-{application.pk:06d}"


@transaction.atomic
def application_submit(
    *, application: Application, actor, token: uuid.UUID | str, tz_name: str | None = None
) -> Application:
    """Submit a draft: check everything, freeze it, number it, store its budget lines, mail a receipt.

    Idempotent: the same ``token`` (from the form the applicant saw) submitted twice (a double click, a retry after
    a timeout) returns the already submitted application; the row lock serialises concurrent attempts and a
    unique constraint on the token is the last word.
    """
    token = uuid.UUID(str(token))
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "form_version", "organisation")
        .get(pk=application.pk)
    )
    if application.submission_token == token and application.status != ApplicationStatus.DRAFT:
        return application
    _ensure_editable(application, actor)
    _ensure_accepting(application.call, tz_name=tz_name)
    result = application_check(application)
    if result.errors:
        raise GrantsError(result.errors)
    _finalise_submission(application, result, actor=actor, token=token)
    return application


def _finalise_submission(application: Application, result: SaveResult, *, actor, token: uuid.UUID) -> None:
    application.status = ApplicationStatus.SUBMITTED
    application.submission_token = token
    application.submitted_at = timezone.now()
    if application.pk is None:  # a one-request submission: insert, then number it by its id
        application.save(force_insert=True)
        application.number = _reference_number(application)
        Application.objects.filter(pk=application.pk).update(number=application.number)
    else:
        application.number = _reference_number(application)
        application.save()
    BudgetLine.objects.bulk_create(
        [BudgetLine(application=application, **line) for line in result.budget_lines]
    )
    audit_event(
        actor=actor,
        obj=application,
        action="application_submit",
        changes={"status": (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)},
        data={"number": application.number, "requested": str(application.requested_amount)},
    )
    _send_receipt(application)


def _send_receipt(application: Application) -> None:
    from resurs.notifications.services import email_send

    applicant = application.applicant
    email_send(
        to=applicant.email,
        template="grants/email/receipt",
        context={
            "number": application.number,
            "title": application.title,
            "call": application.call.title,
            "organisation": str(application.organisation),
            "requested": application.requested_amount,
            "submitted_at": application.submitted_at,
            "path": application.get_absolute_url(),
        },
        language=applicant.preferred_language,
        related=application,
        key=f"grants-receipt-{application.pk}-{application.submission_token}",
    )


@transaction.atomic
def application_submit_payload(
    *, call: Call, organisation, actor, token: uuid.UUID | str, data: dict, tz_name: str | None = None
) -> tuple[Application, bool]:
    """Start, fill and submit in one step (the API and integrations). Returns (application, created_now).

    A retry with the same token returns the application that token already submitted.
    """
    from resurs.accounts.access import represented_organisation_ids
    from resurs.registry.models import Organisation

    token = uuid.UUID(str(token))
    if organisation.pk not in represented_organisation_ids(actor):
        raise GrantsError(_("You do not represent this organisation."))
    # One submission per organisation at a time: concurrent retries (same key) and second tabs (another key)
    # queue here and then see the first one's row. The unique constraints stay the last word.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    application = (
        Application.objects.select_for_update(of=("self",))
        .filter(call=call, organisation=organisation)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )
    if application is not None:
        if application.submission_token == token:
            return application, False  # a retry of a submission that went through
        if application.status != ApplicationStatus.DRAFT:
            raise GrantsError(_("This organisation has already applied to this call."))
        application.call = call
    else:
        version, _directions_list = _call_parts(call, shared=True)
        application = Application(call=call, organisation=organisation, applicant=actor, form_version=version)
    _ensure_accepting(call, tz_name=tz_name)
    result = _apply(application, data, complete=True)
    if result.errors:
        raise GrantsError(result.errors)
    _finalise_submission(application, result, actor=actor, token=token)
    return application, True


@transaction.atomic
def application_withdraw(*, application: Application, actor, tz_name: str | None = None) -> Application:
    """Withdraw a submitted application before the deadline (a draft is simply discarded)."""
    from resurs.accounts.access import represented_organisation_ids

    application = (
        Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    )
    if application.organisation_id not in represented_organisation_ids(actor):
        raise GrantsError(_("You do not represent this organisation."))
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise GrantsError(_("Only a draft or a submitted application can be withdrawn."))
    if application.status == ApplicationStatus.SUBMITTED:
        call = application.call
        if call.deadline and timezone.now() > call.deadline:
            raise GrantsError(deadline_message(call, tz_name))
    old = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    if application.submitted_at is None:
        application.submitted_at = application.withdrawn_at
    application.save(update_fields=["status", "withdrawn_at", "submitted_at", "updated_at"])
    audit_event(
        actor=actor, obj=application, action="application_withdraw", changes={"status": (old, "withdrawn")}
    )
    return application


# --- screening and decisions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    passed: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class EligibilityContext:
    """What the checks of one call need beyond the application, read once for many applications."""

    legal_forms: list
    regions: list
    overdue_organisation_ids: frozenset[int] | None = None  # None: ask per organisation


def eligibility_context(call: Call, organisation_ids=None) -> EligibilityContext:
    from resurs.grants.selectors import organisations_with_overdue_reports

    return EligibilityContext(
        legal_forms=list(call.allowed_legal_forms.all()),
        regions=list(call.allowed_regions.all()),
        overdue_organisation_ids=(
            frozenset(organisations_with_overdue_reports(organisation_ids))
            if organisation_ids is not None and call.forbid_overdue_reports
            else None
        ),
    )


def eligibility_checks(application: Application, *, context: EligibilityContext | None = None) -> list[Check]:
    """The call's automatic eligibility rules applied to the organisation as the registry knows it.

    ``context`` (from ``eligibility_context``) lets a bulk run read the call's rules once."""
    from resurs.grants.selectors import organisation_has_overdue_reports

    call, organisation = application.call, application.organisation
    context = context or eligibility_context(call)
    checks: list[Check] = []
    if call.min_organisation_age_years:
        # The age on the call's deadline: screening the same application later gives the same answer.
        age = organisation.age_on(
            timezone.localtime(call.deadline).date() if call.deadline else timezone.localdate()
        )
        checks.append(
            Check(
                "age",
                ngettext(
                    "The organisation is at least %(years)d year old",
                    "The organisation is at least %(years)d years old",
                    call.min_organisation_age_years,
                )
                % {"years": call.min_organisation_age_years},
                age is not None and age >= call.min_organisation_age_years,
                _("Founded on %(date)s") % {"date": formats.date_format(organisation.founded_on)}
                if organisation.founded_on
                else _("The founding date is unknown."),
            )
        )
    legal_forms = context.legal_forms
    if legal_forms:
        checks.append(
            Check(
                "legal_form",
                _("The legal form is allowed"),
                organisation.legal_form_id in {lf.pk for lf in legal_forms},
                str(organisation.legal_form)
                if organisation.legal_form_id
                else _("The legal form is unknown."),
            )
        )
    regions = context.regions
    if regions:
        checks.append(
            Check(
                "region",
                _("The organisation works in an allowed region"),
                organisation.region_id in {r.pk for r in regions},
                str(organisation.region) if organisation.region_id else _("The region is unknown."),
            )
        )
    if call.forbid_overdue_reports:
        overdue = (
            organisation_has_overdue_reports(organisation)
            if context.overdue_organisation_ids is None
            else organisation.pk in context.overdue_organisation_ids
        )
        checks.append(
            Check(
                "reports",
                _("No overdue reports on earlier grants"),
                not overdue,
                _("Has an overdue report.") if overdue else "",
            )
        )
    if call.required_documents:
        missing = [d for d in call.required_documents if d not in application.declarations]
        checks.append(
            Check(
                "declarations",
                _("All declarations confirmed"),
                not missing,
                "; ".join(missing),
            )
        )
    if call.max_request:
        checks.append(
            Check(
                "request",
                _("The request is within the call's limits"),
                call.min_request <= application.requested_amount <= call.max_request,
                _rub(application.requested_amount),
            )
        )
    return checks


@transaction.atomic
def eligibility_run(*, application: Application) -> list[Check]:
    """Run the automatic checks and keep their outcome on the application (shown to staff when screening)."""
    checks = eligibility_checks(application)
    application.eligibility_checks = [c.as_dict() for c in checks]
    application.save(update_fields=["eligibility_checks", "updated_at"])
    return checks


@transaction.atomic
def application_screen(*, application: Application, actor, eligible: bool, reason: str = "") -> Application:
    """Staff's verdict on eligibility. Overruling a failed automatic check, or refusing, needs a reason."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organisation")
        .get(pk=application.pk)
    )
    if application.status not in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.INELIGIBLE,
    ):
        raise GrantsError(_("Only submitted applications are screened."))
    checks = eligibility_checks(application)
    reason = reason.strip()
    if not eligible and not reason:
        raise GrantsError({"reason": [_("Say why the application is not eligible.")]})
    if eligible and any(not c.passed for c in checks) and not reason:
        raise GrantsError(
            {"reason": [_("An automatic check failed: say why you admit the application anyway.")]}
        )
    old = application.status
    application.status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    application.eligibility_checks = [c.as_dict() for c in checks]
    application.screening_reason = reason
    application.screened_by = actor
    application.screened_at = timezone.now()
    application.save()
    audit_event(
        actor=actor,
        obj=application,
        action="application_screen",
        changes={"status": (old, application.status)},
        data={"reason": reason},
    )
    if not eligible:
        _notify(application, "ineligible", {"reason": reason})
    return application


def automatic_screening_reason(checks: list[Check]) -> str:
    """The reason recorded when the automatic checks refuse an application."""
    failed = [c.label for c in checks if not c.passed]
    return (_("Automatic checks failed: %(checks)s.") % {"checks": "; ".join(failed)}) if failed else ""


def applications_screen_automatic(*, call: Call, actor) -> dict[str, int]:
    """Screen every submitted application of the call by its automatic checks, in bulk.

    The same outcome as ``application_screen`` per application with ``eligible`` = every check passed and
    ``automatic_screening_reason`` as the reason (status, checks, reason, screener, audit event, the letter to the
    refused), in a few queries per thousand applications instead of a dozen per application. Returns counts.
    """
    with transaction.atomic():
        applications = list(
            Application.objects.select_for_update(of=("self",))
            .filter(call=call, status=ApplicationStatus.SUBMITTED)
            .select_related("call", "applicant", "organisation__legal_form", "organisation__region")
            .order_by("pk")
        )
        context = eligibility_context(call, {a.organisation_id for a in applications})
        now = timezone.now()
        events, refused = [], []
        for application in applications:
            checks = eligibility_checks(application, context=context)
            eligible = all(c.passed for c in checks)
            reason = "" if eligible else automatic_screening_reason(checks)
            application.status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
            application.eligibility_checks = [c.as_dict() for c in checks]
            application.screening_reason = reason
            application.screened_by = actor
            application.screened_at = now
            application.updated_at = now
            events.append(
                (
                    application,
                    "application_screen",
                    {"status": (ApplicationStatus.SUBMITTED, application.status)},
                    {"reason": reason},
                )
            )
            if not eligible:
                refused.append(application)
        # What differs per application is its checks: one CASE column in batches; the outcome and reason are shared
        # by many (one UPDATE per distinct pair), the screener and time by all.
        Application.objects.bulk_update(
            applications,
            ["eligibility_checks"],
            batch_size=500,  # PostgreSQL plans a long CASE in time that grows fast
        )
        by_outcome: dict[tuple[str, str], list[int]] = {}
        for application in applications:
            by_outcome.setdefault((application.status, application.screening_reason), []).append(
                application.pk
            )
        for (status, reason), ids in by_outcome.items():
            Application.objects.filter(pk__in=ids).update(
                status=status, screening_reason=reason, screened_by=actor, screened_at=now, updated_at=now
            )
        audit_events_bulk(actor=actor, events=events)
        _notify_bulk(refused, "ineligible", lambda a: ({"reason": a.screening_reason}, ""))
    return {"eligible": len(applications) - len(refused), "ineligible": len(refused)}


DECIDABLE = {
    ApplicationStatus.ELIGIBLE,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.AWARDED,
    ApplicationStatus.RESERVE,
    ApplicationStatus.REJECTED,
}
OUTCOME_STATUS = {
    DecisionOutcome.AWARDED: ApplicationStatus.AWARDED,
    DecisionOutcome.RESERVE: ApplicationStatus.RESERVE,
    DecisionOutcome.REJECTED: ApplicationStatus.REJECTED,
}


def results_topic(call) -> str:
    """The topic of a call's published results (figures and charts), changed by every decision."""
    return f"grants-results:{call.pk}"


@transaction.atomic
def application_decide(
    *, application: Application, actor, outcome: str, awarded_amount: Decimal | None = None, reason: str = ""
) -> Decision:
    """Record (or change) the decision on an application. Audit-logged; the applicant learns it when results
    are published."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, results_topic(application.call))
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    )
    if application.status not in DECIDABLE:
        raise GrantsError(_("Only eligible applications can be decided."))
    if application.call.status == CallStatus.RESULTS_PUBLISHED:
        raise GrantsError(_("The results of this call are published; decisions can no longer change."))
    amount = Decimal(awarded_amount or 0)
    errors: dict[str, list[str]] = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = [_("Choose an outcome.")]
    if outcome == DecisionOutcome.AWARDED:
        if amount <= 0:
            errors["awarded_amount"] = [_("An award needs a positive amount.")]
        elif amount > application.requested_amount:
            errors["awarded_amount"] = [
                _("The award cannot exceed the amount requested (%(amount)s).")
                % {"amount": _rub(application.requested_amount)}
            ]
    elif amount:
        errors["awarded_amount"] = [_("Only an award has an amount.")]
    if errors:
        raise GrantsError(errors)
    decision = Decision.objects.filter(application=application).first()
    old = (decision.outcome, str(decision.awarded_amount)) if decision else (None, None)
    decision = decision or Decision(application=application)
    decision.outcome, decision.awarded_amount, decision.reason = outcome, amount, reason.strip()
    decision.decided_by, decision.decided_at = actor, timezone.now()
    decision.full_clean()
    decision.save()
    old_status = application.status
    application.status = OUTCOME_STATUS[outcome]
    application.save(update_fields=["status", "updated_at"])
    audit_event(
        actor=actor,
        obj=application,
        action="decision",
        changes={
            "status": (old_status, application.status),
            "outcome": (old[0], outcome),
            "awarded_amount": (old[1], str(amount)),
        },
        data={"reason": decision.reason},
    )
    if application.call.status == CallStatus.RESULTS_PUBLISHED:
        _notify_decision(application)
    return decision


def applications_decide_bulk(*, call: Call, actor, decisions: list[tuple[int, str, Decimal, str]]) -> int:
    """Record many decisions at once: ``decisions`` holds ``(application id, outcome, amount, reason)``.

    The same rules and records as ``application_decide`` per application (outcome and amount checked, the
    decision row, the application's status, the audit event); all or nothing. Returns how many were recorded.
    """
    precomputed.data_changed(precomputed.SECTOR_NETWORK, results_topic(call))
    with transaction.atomic():
        call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
        if call.status == CallStatus.RESULTS_PUBLISHED:
            raise GrantsError(_("The results of this call are published; decisions can no longer change."))
        wanted = {
            pk: (outcome, Decimal(amount or 0), reason.strip()) for pk, outcome, amount, reason in decisions
        }
        applications = {
            a.pk: a
            for a in Application.objects.select_for_update(of=("self",))
            .filter(call=call, pk__in=list(wanted))
            .order_by("pk")
        }
        existing = {
            d.application_id: d for d in Decision.objects.filter(application_id__in=list(applications))
        }
        errors: dict[str, list[str]] = {}
        now = timezone.now()
        new, changed, events = [], [], []
        for pk, (outcome, amount, reason) in wanted.items():
            application = applications.get(pk)
            if application is None or application.status not in DECIDABLE:
                errors.setdefault("applications", []).append(
                    _("Only eligible applications can be decided.") + f" #{pk}"
                )
                continue
            if outcome not in DecisionOutcome.values:
                errors.setdefault("outcome", []).append(_("Choose an outcome.") + f" #{pk}")
                continue
            if outcome == DecisionOutcome.AWARDED and not 0 < amount <= application.requested_amount:
                errors.setdefault("awarded_amount", []).append(
                    _("An award needs a positive amount, at most the amount requested.") + f" #{pk}"
                )
                continue
            if outcome != DecisionOutcome.AWARDED and amount:
                errors.setdefault("awarded_amount", []).append(_("Only an award has an amount.") + f" #{pk}")
                continue
            decision = existing.get(pk)
            old = (decision.outcome, str(decision.awarded_amount)) if decision else (None, None)
            if decision is None:
                decision = Decision(application=application)
                new.append(decision)
            else:
                changed.append(decision)
            decision.outcome, decision.awarded_amount, decision.reason = outcome, amount, reason
            decision.decided_by, decision.decided_at, decision.updated_at = actor, now, now
            old_status = application.status
            application.status, application.updated_at = OUTCOME_STATUS[outcome], now
            events.append(
                (
                    application,
                    "decision",
                    {
                        "status": (old_status, application.status),
                        "outcome": (old[0], outcome),
                        "awarded_amount": (old[1], str(amount)),
                    },
                    {"reason": reason},
                )
            )
        if errors:
            raise GrantsError(errors)
        Decision.objects.bulk_create(new, batch_size=2000)
        Decision.objects.bulk_update(
            changed, ["outcome", "awarded_amount", "reason", "decided_by", "decided_at", "updated_at"]
        )
        by_status: dict[str, list[int]] = {}
        for pk, (outcome, _amount, _reason) in wanted.items():
            by_status.setdefault(OUTCOME_STATUS[outcome], []).append(pk)
        for status, ids in by_status.items():  # one UPDATE per outcome
            Application.objects.filter(pk__in=ids).update(status=status, updated_at=now)
        audit_events_bulk(actor=actor, events=events)
    return len(events)


def _letter(application: Application, kind: str, extra: dict | None = None, key_suffix: str = "") -> dict:
    applicant = application.applicant
    return {
        "to": applicant.email,
        "context": {
            "number": application.number,
            "title": application.title,
            "call": application.call.title,
            "organisation": str(application.organisation),
            "path": application.get_absolute_url(),
            **(extra or {}),
        },
        "language": applicant.preferred_language,
        "related": application,
        "key": f"grants-{kind}-{application.pk}{key_suffix}",
    }


def _notify(application: Application, kind: str, extra: dict | None = None, key_suffix: str = "") -> None:
    from resurs.notifications.services import email_send

    email_send(template=f"grants/email/{kind}", **_letter(application, kind, extra, key_suffix))


def _notify_bulk(applications, kind: str, extra) -> None:
    """``_notify`` for many applications in one bulk write; ``extra(application)`` gives (context, key suffix)."""
    from resurs.notifications.services import emails_send_bulk

    emails_send_bulk(
        template=f"grants/email/{kind}",
        messages=[_letter(a, kind, *extra(a)) for a in applications],
    )


def _decision_letter(application: Application) -> tuple[dict, str]:
    decision = application.decision
    return (
        {
            "outcome": decision.outcome,
            "outcome_label": decision.get_outcome_display(),
            "amount": decision.awarded_amount,
        },
        f"-{decision.outcome}-{decision.awarded_amount}",
    )


def _notify_decision(application: Application) -> None:
    _notify(application, "decision", *_decision_letter(application))


# --- after the award ------------------------------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    application: Application,
    actor,
    number: str,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    amount: Decimal | None = None,
    tranches: list[tuple[Decimal, dt.date]] | None = None,
    interim_reports: list[dt.date] | None = None,
) -> Agreement:
    """The grant agreement of an awarded application, its payment tranches and its reporting schedule."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("decision").get(pk=application.pk)
    )
    if application.status != ApplicationStatus.AWARDED:
        raise GrantsError(_("Only an awarded application gets an agreement."))
    amount = Decimal(amount if amount is not None else application.decision.awarded_amount)
    errors: dict[str, list[str]] = {}
    if amount != application.decision.awarded_amount:
        errors["amount"] = [_("The agreement's amount must equal the amount awarded.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The project cannot end before it starts.")]
    tranches = tranches or [(amount, signed_on)]
    if sum((Decimal(t[0]) for t in tranches), Decimal(0)) != amount:
        errors["tranches"] = [_("The tranches must add up to the grant amount.")]
    if errors:
        raise GrantsError(errors)
    agreement = Agreement(
        application=application,
        number=number,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=amount,
    )
    _clean_save(agreement)
    for position, (tranche_amount, due_on) in enumerate(tranches, start=1):
        Tranche.objects.create(
            agreement=agreement, position=position, amount=Decimal(tranche_amount), due_on=due_on
        )
    for due_on in interim_reports or []:
        GranteeReport.objects.create(agreement=agreement, kind=ReportKind.INTERIM, due_on=due_on)
    GranteeReport.objects.create(
        agreement=agreement, kind=ReportKind.FINAL, due_on=ends_on + dt.timedelta(days=30)
    )
    audit_event(
        actor=actor,
        obj=application,
        action="agreement_create",
        changes={"agreement": number, "amount": str(amount)},
    )
    return agreement


@transaction.atomic
def tranche_mark_paid(*, tranche: Tranche, actor, paid_on: dt.date) -> Tranche:
    tranche.paid_on = paid_on
    tranche.save(update_fields=["paid_on", "updated_at"])
    audit_event(
        actor=actor,
        obj=tranche.agreement.application,
        action="tranche_paid",
        changes={"tranche": tranche.position},
    )
    return tranche


@transaction.atomic
def report_save(
    *,
    report: GranteeReport,
    actor,
    narrative: str,
    indicators: list[dict],
    spending: dict[int, Decimal],
    submit: bool = False,
) -> GranteeReport:
    """Save a grantee report (narrative, indicator actuals, spending per approved budget line); submit it."""
    report = GranteeReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.status not in (ReportStatus.DUE, ReportStatus.RETURNED):
        raise GrantsError(_("This report is already submitted."))
    application = report.agreement.application
    lines = {line.pk: line for line in application.budget_lines.all()}
    errors: dict[str, list[str]] = {}
    for line_id, amount in spending.items():
        if line_id not in lines:
            errors["spending"] = [_("Spending must be against an approved budget line.")]
        elif Decimal(amount) < 0:
            errors[f"spending_{line_id}"] = [_("Spending cannot be negative.")]
    if submit and not narrative.strip():
        errors["narrative"] = [_("Describe what was done.")]
    for position, row in enumerate(indicators, start=1):
        if not str(row.get("name", "")).strip():
            errors.setdefault("indicators", []).append(_("Indicator %(n)d: name it.") % {"n": position})
        if row.get("target") in (None, ""):
            errors.setdefault("indicators", []).append(
                _("Indicator %(n)d: give the target.") % {"n": position}
            )
    if submit and any(row.get("actual") in (None, "") for row in indicators):
        errors.setdefault("indicators", []).append(_("Give the actual value of every indicator."))
    report.narrative = narrative
    report.save(update_fields=["narrative", "updated_at"])
    if errors:
        raise GrantsError(errors)
    report.indicators.all().delete()
    ReportIndicator.objects.bulk_create(
        [
            ReportIndicator(
                report=report,
                name=str(row["name"]).strip()[:300],
                target=Decimal(str(row["target"])),
                actual=None if row.get("actual") in (None, "") else Decimal(str(row["actual"])),
            )
            for row in indicators
        ]
    )
    for line_id, amount in spending.items():
        ReportSpending.objects.update_or_create(
            report=report, budget_line=lines[line_id], defaults={"spent": Decimal(amount)}
        )
    if submit:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_event(actor=actor, obj=application, action="report_submit", changes={"report": str(report)})
    return report


@transaction.atomic
def report_review(*, report: GranteeReport, actor, accept: bool, note: str = "") -> GranteeReport:
    """Accept a submitted report, or return it for revision with a note."""
    report = (
        GranteeReport.objects.select_for_update(of=("self",))
        .select_related("agreement__application")
        .get(pk=report.pk)
    )
    if report.status != ReportStatus.SUBMITTED:
        raise GrantsError(_("Only a submitted report can be reviewed."))
    if not accept and not note.strip():
        raise GrantsError({"review_note": [_("Say what must be revised.")]})
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.reviewed_by, report.reviewed_at, report.review_note = actor, timezone.now(), note.strip()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    audit_event(
        actor=actor,
        obj=report.agreement.application,
        action="report_review",
        changes={"report": report.status},
    )
    _notify(
        report.agreement.application,
        "report_reviewed",
        {"accepted": accept, "note": report.review_note, "report": str(report)},
        key_suffix=f"-{report.pk}-{report.status}-{report.reviewed_at:%Y%m%d%H%M%S}",
    )
    return report


def reports_remind_overdue(*, today: dt.date | None = None) -> int:
    """Mail the applicant of every overdue report once a week. Returns how many reminders were queued."""
    today = today or timezone.localdate()
    sent = 0
    overdue = GranteeReport.objects.filter(
        status__in=[ReportStatus.DUE, ReportStatus.RETURNED], due_on__lt=today
    ).select_related(
        "agreement__application__applicant",
        "agreement__application__call",
        "agreement__application__organisation",
    )
    for report in overdue:
        if report.last_reminded_on and (today - report.last_reminded_on).days < 7:
            continue
        with transaction.atomic():
            application = report.agreement.application
            with translation.override(application.applicant.preferred_language):
                _notify(
                    application,
                    "report_overdue",
                    {"report": str(report), "due_on": report.due_on, "days": (today - report.due_on).days},
                    key_suffix=f"-{report.pk}-{today.isoformat()}",
                )
            GranteeReport.objects.filter(pk=report.pk).update(last_reminded_on=today)
            sent += 1
    return sent
