"""Open data of grant-making: the 360Giving package of awarded grants, the register of all projects, and the
staff's pipeline table.

Organisation identifiers follow the org-id.guide convention ``<list>-<number>``: ``RU-OGRN-<ogrn>`` when the
registry knows the OGRN (the state registration number, stable for the organisation's life), else
``RU-INN-<inn>`` (the taxpayer number), else a local ``360G-resurs-org-<pk>`` (see
docs/decisions/grants-0002-open-data.md).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from resurs.grants.choices import ApplicationStatus, ReportStatus

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
GRANT_SCHEMA_REF = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
)
ID_PREFIX = "360G-resurs"


@cache
def _validator():
    """A Draft 2020-12 validator of the package schema with the grant schema registered under its remote $ref."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text(encoding="utf-8"))
    # Both files declare the dialect with an http:// URL that `referencing` does not recognise: say it explicitly.
    grant_resource = Resource(contents=grant, specification=DRAFT202012)
    registry = Registry().with_resources(
        [
            (GRANT_SCHEMA_REF, grant_resource),
            (grant["$id"], grant_resource),
            (package["$id"], Resource(contents=package, specification=DRAFT202012)),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=_format_checker())


def _format_checker():
    """The schema's dates are ``oneOf`` a YYYY-MM-DD pattern or the ``date-time`` format, so ``date-time`` must be
    asserted for a plain date to match exactly one branch. jsonschema checks it only with an optional package
    (rfc3339-validator); the standard library's ISO parser does the same job here."""
    import datetime as dt

    from jsonschema import FormatChecker

    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value) -> bool:
        if not isinstance(value, str):
            return True
        if "T" not in value.upper() or len(value) < 19:
            return False
        parsed = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return parsed.tzinfo is not None

    return checker


def validation_errors(package: dict) -> list[str]:
    """Human-readable schema errors of a 360Giving package (empty when it validates)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(_validator().iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))
    ]


def org_identifier(organisation) -> str:
    if organisation.ogrn:
        return f"RU-OGRN-{organisation.ogrn}"
    if organisation.inn:
        return f"RU-INN-{organisation.inn}"
    return f"{ID_PREFIX}-org-{organisation.pk}"


def _organisation(organisation) -> dict:
    data = {"id": org_identifier(organisation), "name": organisation.name}
    if organisation.region_id:
        data["addressRegion"] = organisation.region.name_ru
    if organisation.city:
        data["addressLocality"] = organisation.city
    data["addressCountry"] = "RU"
    if organisation.website:
        data["url"] = organisation.website
    return data


def _funder(call) -> dict:
    """The funding organisation: its id and its name always name the same organisation. A funder known only by
    name (not in the registry) gets a local identifier of its own, never the centre's OGRN."""
    programme = call.programme
    if programme.funder_id:
        return _organisation(programme.funder)
    if programme.funder_name:
        return {"id": f"{ID_PREFIX}-funder-{programme.pk}", "name": programme.funder_name}
    return _organisation(call.centre.organisation)


def grant_record(application) -> dict:
    """One awarded application as a 360Giving grant."""
    call, decision = application.call, application.decision
    record = {
        "id": f"{ID_PREFIX}-{call.centre.slug}-{application.number}",
        "title": application.title,
        "description": application.summary or application.title,
        "currency": "RUB",
        "amountAppliedFor": float(application.requested_amount),
        "amountAwarded": float(decision.awarded_amount),
        "awardDate": timezone.localtime(decision.decided_at).date().isoformat(),
        "url": settings.SITE_URL + call.get_absolute_url() + "results/",
        "recipientOrganization": [_organisation(application.organisation)],
        "fundingOrganization": [_funder(call)],
        "grantProgramme": [
            {"code": call.slug, "title": call.title, "url": settings.SITE_URL + call.get_absolute_url()}
        ],
        "fromOpenCall": "Yes",
        "dateModified": timezone.localtime(application.updated_at).isoformat(timespec="seconds"),
    }
    agreement = getattr(application, "agreement", None)
    starts = agreement.starts_on if agreement else application.project_starts_on
    ends = agreement.ends_on if agreement else application.project_ends_on
    if starts and ends:
        record["plannedDates"] = [{"startDate": starts.isoformat(), "endDate": ends.isoformat()}]
    if application.organisation.region_id:
        region = application.organisation.region
        record["beneficiaryLocation"] = [{"name": region.name_ru, "countryCode": "RU"}]
    if application.direction_id:
        record["classifications"] = [
            {
                "vocabulary": f"{ID_PREFIX}-{call.slug}-directions",
                "code": str(application.direction_id),
                "title": application.direction.name_ru,
            }
        ]
    return record


def awarded_applications(calls):
    from resurs.grants.models import Application

    return (
        Application.objects.filter(call__in=calls, status=ApplicationStatus.AWARDED, decision__isnull=False)
        .select_related(
            "call__centre__organisation__region",  # the funder when the programme names none
            "call__programme__funder__region",
            "organisation__region",
            "direction",
            "decision",
            "agreement",
        )
        .order_by("number")
    )


def package_for_calls(calls) -> dict | None:
    """The 360Giving data package of the calls' awarded grants, or None when they awarded none: the standard
    has no empty package (``grants`` needs at least one item), and no awards is a valid result to show."""
    grants = [grant_record(a) for a in awarded_applications(calls)]
    if not grants:
        return None
    now = timezone.now()
    package = {
        "grants": grants,
        "version": "1.4",
        "title": _("Grants awarded: %(calls)s") % {"calls": "; ".join(c.title for c in calls)},
        "issued": timezone.localdate(now).isoformat(),
        "modified": now.isoformat(timespec="seconds"),
        "publisher": {"name": str(calls[0].centre) if calls else "Resurs"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }
    return package


def publication_problems(call) -> list[str]:
    """Why the call's results cannot be published as they stand (empty when they can): applications without a
    decision, an application whose status disagrees with its decision, or open data that would not validate."""
    from resurs.grants.models import Application

    problems = []
    undecided = Application.objects.filter(
        call=call,
        status__in=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ELIGIBLE,
            ApplicationStatus.UNDER_REVIEW,
        ],
    ).count()
    if undecided:
        problems.append(
            ngettext(
                "%(count)s application has no decision yet.",
                "%(count)s applications have no decision yet.",
                undecided,
            )
            % {"count": undecided}
        )
    mismatched = (
        Application.objects.filter(call=call, decision__isnull=False)
        .exclude(status=F("decision__outcome"))
        .values_list("number", flat=True)
    )
    awarded_without = Application.objects.filter(call=call, status=ApplicationStatus.AWARDED).filter(
        Q(decision__isnull=True) | Q(decision__awarded_amount__isnull=True)
    )
    numbers = sorted({*mismatched, *awarded_without.values_list("number", flat=True)})
    if numbers:
        problems.append(
            _("The status and the decision disagree for applications %(numbers)s.")
            % {"numbers": ", ".join(map(str, numbers[:10]))}
        )
    if not numbers:
        package = package_for_calls([call])
        errors = validation_errors(package) if package is not None else []
        if errors:
            problems.append(
                _("The open data (360Giving) would not validate: %(errors)s")
                % {"errors": "; ".join(errors[:3])}
            )
    return problems


REGISTER_HEADER = [
    "Номер заявки",
    "Конкурс",
    "Организация",
    "ОГРН",
    "ИНН",
    "Регион",
    "Название проекта",
    "Направление",
    "Запрошенная сумма",
    "Общая сумма расходов",
    "Дата начала",
    "Дата окончания",
    "Статус",
    "Дата решения",
    "Размер гранта",
    "Оценка результатов",
    "Выявленные нарушения",
]


def register_table(applications):
    """(header, rows) of the open register of projects."""

    def rows():
        # In chunks (prefetches run per chunk): the export streams with flat memory.
        chunks = applications.iterator(chunk_size=500) if hasattr(applications, "iterator") else applications
        for a in chunks:
            decision = getattr(a, "decision", None)
            agreement = getattr(a, "agreement", None)
            reports = list(agreement.reports.all()) if agreement else []
            final = next((r for r in reports if r.kind == "final"), None)
            if final and final.status == ReportStatus.ACCEPTED:
                evaluation = "Отчёт принят"
            elif final and final.status == ReportStatus.RETURNED:
                evaluation = "Отчёт возвращён на доработку"
            else:
                evaluation = ""
            overdue = [r for r in reports if r.is_overdue]
            yield [
                a.number,
                a.call.title,
                a.organisation.name,
                a.organisation.ogrn,
                a.organisation.inn,
                a.organisation.region.name_ru if a.organisation.region_id else "",
                a.title,
                a.direction.name_ru if a.direction_id else "",
                a.requested_amount,
                a.total_cost,
                agreement.starts_on if agreement else a.project_starts_on,
                agreement.ends_on if agreement else a.project_ends_on,
                ApplicationStatus(a.status).label,
                timezone.localtime(decision.decided_at).date() if decision else None,
                decision.awarded_amount if decision and decision.outcome == "awarded" else None,
                evaluation,
                "Просрочен отчёт" if overdue else "",
            ]

    return REGISTER_HEADER, rows()


def pipeline_table(applications):
    header = [
        _("Number"),
        _("Status"),
        _("Organisation"),
        _("INN"),
        _("Region"),
        _("Title"),
        _("Direction"),
        _("Requested"),
        _("Total cost"),
        _("Co-financing"),
        _("Submitted"),
        _("Decision"),
        _("Awarded"),
    ]

    def rows():
        # In chunks (prefetches run per chunk): the export streams with flat memory.
        chunks = applications.iterator(chunk_size=500) if hasattr(applications, "iterator") else applications
        for a in chunks:
            decision = getattr(a, "decision", None)
            yield [
                a.number,
                a.get_status_display(),
                a.organisation.name,
                a.organisation.inn,
                a.organisation.region.name_ru if a.organisation.region_id else "",
                a.title,
                a.direction.name if a.direction_id else "",
                a.requested_amount,
                a.total_cost,
                a.cofinancing_amount,
                a.submitted_at,
                decision.get_outcome_display() if decision else "",
                decision.awarded_amount if decision else None,
            ]

    return header, rows()
