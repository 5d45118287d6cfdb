"""Importing respondents, interviews and nominations from one CSV or XLSX table (format: the import page and
``static/research/import_sample.csv``). The whole file is checked first; if any row is wrong, nothing is written
and every problem is reported with its row number.

A researcher's spreadsheet of names is enough: a respondent who is not in the registry is added to it (with the
consent the row records), and a nominee is matched by INN or OGRN, else by its exact normalised name; a name
that only resembles registry names is kept as said for a researcher to review with suggestions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from resurs.registry.models import Organisation, Person, Region
from resurs.research.choices import ImpactArea, InterviewMode, NominationSource, RespondentCategory
from resurs.research.matching import match_nominee
from resurs.research.models import Respondent, Study
from resurs.research.services import (
    interview_create,
    nomination_create,
    respondent_create,
    respondent_create_with_person,
)
from resurs.research.transcripts import decode_transcript

COLUMNS = [
    "record",
    "respondent",
    "person_email",
    "last_name",
    "first_name",
    "patronymic",
    "organisation_inn",
    "category",
    "region_code",
    "date",
    "mode",
    "consent",
    "transcript",
    "nominee",
    "nominee_inn",
    "areas",
    "rank",
    "quote",
]
RECORDS = ("respondent", "interview", "nomination")
YES = {"1", "yes", "true", "да", "y", "д", "+"}
MAX_ROWS = 5000


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    respondents: int = 0
    interviews: int = 0
    nominations: int = 0
    unmatched: list[str] = field(default_factory=list)  # names left for review
    people_created: list[str] = field(default_factory=list)  # respondents added to the registry
    matched_by: Counter = field(default_factory=Counter)  # "identifier" / "name" / "review" → nominations
    warnings: list[str] = field(default_factory=list)


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV (any common encoding, comma or semicolon) or XLSX file as dicts keyed by column name."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds of errors on a damaged file
            raise ImportFailed([_("The file is not a readable XLSX workbook.")]) from error
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text, _encoding = decode_transcript(data)
        except Exception as error:
            raise ImportFailed([_("The file is not a readable CSV text file.")]) from error
        try:
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:  # a single column: nothing to sniff
            dialect = csv.excel
        values = list(csv.reader(io.StringIO(text), dialect))
    if not values:
        raise ImportFailed([_("The file is empty.")])
    header = [h.strip().lower() for h in values[0]]
    missing = [c for c in ("record", "respondent") if c not in header]
    if missing:
        raise ImportFailed([_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}])
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportFailed([_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}])
    rows = [dict(zip(header, (v.strip() for v in row), strict=False)) for row in values[1:] if any(row)]
    if len(rows) > MAX_ROWS:
        raise ImportFailed([_("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS}])
    return rows


def _date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def import_rows(*, study: Study, rows: list[dict[str, str]], actor) -> ImportResult:
    """Check every row, then write all of them in one transaction (or nothing)."""
    errors: list[str] = []
    warnings: list[str] = []
    plan: list[tuple[str, int, dict]] = []
    known = {r.code: r for r in study.respondents.all()}
    new_codes: set[str] = set()
    categories = set(RespondentCategory.values)
    modes = set(InterviewMode.values)
    areas_valid = set(ImpactArea.values)

    def error(line: int, message: str) -> None:
        errors.append(_("Row %(row)s: %(message)s") % {"row": line, "message": message})

    for line, row in enumerate(rows, start=2):
        record = row.get("record", "").lower()
        code = row.get("respondent", "")
        if record not in RECORDS:
            error(line, _("record must be one of: %(values)s.") % {"values": ", ".join(RECORDS)})
            continue
        if not code:
            error(line, _("the respondent code is empty."))
            continue
        if record == "respondent":
            category = row.get("category", "")
            if category not in categories:
                error(
                    line,
                    _("unknown respondent category “%(value)s”; use one of: %(values)s.")
                    % {"value": category, "values": ", ".join(RespondentCategory.values)},
                )
            if code in known or code in new_codes:
                error(line, _("respondent %(code)s is already in the study.") % {"code": code})
            email = row.get("person_email", "")
            names = {key: row.get(key, "") for key in ("last_name", "first_name", "patronymic")}
            person_q = Q(email__iexact=email) if email else Q(**names)
            people = list(Person.objects.filter(person_q, erased_at__isnull=True)[:2])
            consent = row.get("consent", "").lower() in YES
            if len(people) > 1:
                error(line, _("several people in the registry match; give the person's e-mail."))
            elif not people and not (names["last_name"] and names["first_name"]):
                error(
                    line, _("the person is not in the registry: give their last and first names to add them.")
                )
            elif not people and not consent:
                error(
                    line,
                    _(
                        "%(name)s is not in the registry; to add them, record their consent to the processing "
                        "of personal data (consent: yes)."
                    )
                    % {"name": " ".join(v for v in names.values() if v)},
                )
            organisation = None
            if row.get("organisation_inn"):
                organisation = Organisation.objects.filter(inn=row["organisation_inn"]).first()
                if organisation is None:
                    error(
                        line,
                        _("no organisation with INN %(inn)s in the registry.")
                        % {"inn": row["organisation_inn"]},
                    )
            region = None
            if row.get("region_code"):
                region = Region.objects.filter(fns_code=row["region_code"].zfill(2)).first()
                if region is None:
                    error(line, _("unknown region code %(code)s.") % {"code": row["region_code"]})
            new_codes.add(code)
            plan.append(
                (
                    record,
                    line,
                    {
                        "code": code,
                        "person": people[0] if len(people) == 1 else None,
                        "names": names,
                        "email": email,
                        "consent": consent,
                        "organisation": organisation,
                        "region": region,
                        "category": category,
                    },
                )
            )
            continue
        if code not in known and code not in new_codes:
            error(
                line,
                _("respondent %(code)s is neither in the study nor earlier in the file.") % {"code": code},
            )
        if record == "interview":
            held_on = _date(row.get("date", ""))
            if held_on is None:
                error(line, _("the interview date must look like 2026-11-26 or 26.11.2026."))
            mode = row.get("mode") or InterviewMode.VIDEO
            if mode not in modes:
                error(
                    line,
                    _("unknown interview mode “%(value)s”; use one of: %(values)s.")
                    % {"value": mode, "values": ", ".join(modes)},
                )
            consent = row.get("consent", "").lower() in YES
            plan.append(
                (
                    record,
                    line,
                    {
                        "code": code,
                        "held_on": held_on,
                        "mode": mode,
                        "consent": consent,
                        "transcript": row.get("transcript", ""),
                    },
                )
            )
        else:
            name = row.get("nominee", "")
            inn = row.get("nominee_inn", "")
            if not name and not inn:
                error(line, _("give the nominee's name or INN."))
            organisation, how = match_nominee(name, inn)
            if inn and how != "identifier":
                if not name:
                    error(line, _("no organisation with INN %(inn)s in the registry.") % {"inn": inn})
                else:
                    warnings.append(
                        _(
                            "Row %(row)s: no organisation with INN or OGRN %(inn)s; matched by the name instead."
                        )
                        % {"row": line, "inn": inn}
                    )
            areas = [a.strip() for a in row.get("areas", "").replace(",", ";").split(";") if a.strip()]
            bad_areas = [a for a in areas if a not in areas_valid]
            if bad_areas:
                error(line, _("unknown areas of impact: %(values)s.") % {"values": ", ".join(bad_areas)})
            rank = row.get("rank", "")
            if rank and not (rank.isdigit() and int(rank) >= 1):
                error(line, _("the rank must be a whole number from 1."))
            plan.append(
                (
                    record,
                    line,
                    {
                        "code": code,
                        "name": name,
                        "organisation": organisation,
                        "how": how,
                        "areas": areas,
                        "rank": int(rank) if rank.isdigit() else None,
                        "quote": row.get("quote", ""),
                    },
                )
            )
    if errors:
        raise ImportFailed(errors)
    result = _write(study=study, plan=plan, known=known, actor=actor)
    result.warnings = warnings + result.warnings
    return result


@transaction.atomic
def _write(*, study: Study, plan, known: dict[str, Respondent], actor) -> ImportResult:
    from django.core.exceptions import ValidationError

    result = ImportResult()
    respondents = dict(known)
    errors = []
    for record, line, data in plan:
        try:
            if record == "respondent" and data["person"] is None:
                respondents[data["code"]] = respondent_create_with_person(
                    study=study,
                    **data["names"],
                    email=data["email"],
                    category=data["category"],
                    organisation=data["organisation"],
                    region=data["region"],
                    code=data["code"],
                    consent=data["consent"],
                    actor=actor,
                )
                result.respondents += 1
                result.people_created.append(respondents[data["code"]].person.full_name)
            elif record == "respondent":
                respondents[data["code"]] = respondent_create(
                    study=study,
                    person=data["person"],
                    organisation=data["organisation"],
                    category=data["category"],
                    region=data["region"],
                    code=data["code"],
                    actor=actor,
                )
                result.respondents += 1
            elif record == "interview":
                interview_create(
                    respondent=respondents[data["code"]],
                    held_on=data["held_on"],
                    mode=data["mode"],
                    consent=data["consent"],
                    transcript=data["transcript"],
                    actor=actor,
                )
                result.interviews += 1
            else:
                nomination = nomination_create(
                    respondent=respondents[data["code"]],
                    name=data["name"],
                    organisation=data["organisation"],
                    areas=data["areas"],
                    rank=data["rank"],
                    quote=data["quote"],
                    source=NominationSource.IMPORT,
                    actor=actor,
                    auto_match=False,
                )
                result.nominations += 1
                result.matched_by[data["how"]] += 1
                if nomination.organisation_id is None:
                    result.unmatched.append(nomination.name)
        except ValidationError as error:
            errors.append(_("Row %(row)s: %(message)s") % {"row": line, "message": " ".join(error.messages)})
    if errors:
        transaction.set_rollback(True)
        raise ImportFailed(errors)
    return result
