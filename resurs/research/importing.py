"""Importing respondents, interviews and nominations from one CSV or XLSX table (format: the import page and
``static/research/import_sample.csv``). The whole file is checked first; if any row is wrong, nothing is written
and every problem is reported with its row number."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from resurs.registry.models import Organisation, Person, Region
from resurs.research.choices import ImpactArea, InterviewMode, NominationSource, RespondentCategory
from resurs.research.models import Respondent, Study
from resurs.research.services import interview_create, nomination_create, respondent_create
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
    unmatched: list[str] = field(default_factory=list)


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
            person_q = (
                Q(email__iexact=row["person_email"])
                if row.get("person_email")
                else Q(
                    last_name=row.get("last_name", ""),
                    first_name=row.get("first_name", ""),
                    patronymic=row.get("patronymic", ""),
                )
            )
            people = list(Person.objects.filter(person_q)[:2])
            if len(people) != 1:
                error(
                    line,
                    _("the person was not found in the registry (or is not unique); add them there first.")
                    if not people
                    else _("several people in the registry match; give the person's e-mail."),
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
            consent = row.get("consent", "").lower() in {"1", "yes", "true", "да"}
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
            organisation = Organisation.objects.filter(inn=inn).first() if inn else None
            if inn and organisation is None:
                error(line, _("no organisation with INN %(inn)s in the registry.") % {"inn": inn})
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
                        "areas": areas,
                        "rank": int(rank) if rank.isdigit() else None,
                        "quote": row.get("quote", ""),
                    },
                )
            )
    if errors:
        raise ImportFailed(errors)
    return _write(study=study, plan=plan, known=known, actor=actor)


@transaction.atomic
def _write(*, study: Study, plan, known: dict[str, Respondent], actor) -> ImportResult:
    from django.core.exceptions import ValidationError

    result = ImportResult()
    respondents = dict(known)
    errors = []
    for record, line, data in plan:
        try:
            if record == "respondent":
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
                )
                result.nominations += 1
                if nomination.organisation_id is None:
                    result.unmatched.append(nomination.name)
        except ValidationError as error:
            errors.append(_("Row %(row)s: %(message)s") % {"row": line, "message": " ".join(error.messages)})
    if errors:
        transaction.set_rollback(True)
        raise ImportFailed(errors)
    return result
