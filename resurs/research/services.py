"""Writes of the research app: studies and their members, respondents, interviews, the codebook and coded
passages, nominations (matching, flags, candidates from transcripts). Keyword-only arguments, atomic, validated."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resurs.accounts.access import centre_ids_for, is_admin
from resurs.accounts.choices import MANAGING_ROLES, Role
from resurs.core.audit import audit_event
from resurs.registry.models import Centre, Organisation, Person, Region, Tie
from resurs.research.choices import (
    ImpactArea,
    InterviewMode,
    MemberRole,
    NominationSource,
    NominationStatus,
    RespondentCategory,
)
from resurs.research.matching import best_match, normalise_name
from resurs.research.models import (
    Code,
    CodedSegment,
    Interview,
    Nomination,
    Respondent,
    Study,
    StudyMember,
)
from resurs.research.transcripts import decode_transcript

# The default codebook of a study of infrastructure NGOs' impact: (name, description, colour, children).
DEFAULT_CODEBOOK = [
    (
        "Информационное пространство",
        "Влияние на информационное поле сектора: СМИ, порталы, рассылки, публичные дискуссии.",
        "#1f5f8b",
        [
            ("Медиа и порталы НКО", "Отраслевые СМИ, порталы, рассылки.", "#4a86b0"),
            ("Публичная повестка", "Темы, которые организация выводит в публичное поле.", "#7aa9cc"),
        ],
    ),
    (
        "Обучение и грантовая система",
        "Обучение НКО, консультации, участие в создании и администрировании грантовых конкурсов.",
        "#d9822b",
        [
            ("Обучение и консультации", "Семинары, школы, курсы, консультации для НКО.", "#e6a15c"),
            ("Грантовые конкурсы", "Операторство конкурсов, экспертиза, методики оценки.", "#f0bf8a"),
        ],
    ),
    (
        "Взаимодействие с властью",
        "Участие в общественных палатах и советах, законотворчество, переговоры с органами власти.",
        "#3a8d5c",
        [],
    ),
    (
        "Бизнес в советах НКО",
        "Представители бизнеса в попечительских и наблюдательных советах, корпоративное партнёрство.",
        "#a23b72",
        [],
    ),
]


def _audit(actor, obj, action: str, **data) -> None:
    audit_event(actor=actor, obj=obj, action=action, data=data or None)


# --- Studies and members ------------------------------------------------------------------------------------


@transaction.atomic
def study_create(
    *,
    centre: Centre,
    title: str,
    actor,
    method: str = "",
    interview_guide: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    partner_organisations: Iterable[Organisation] = (),
    default_codebook: bool = True,
) -> Study:
    """A new study of ``centre``; the author becomes its lead researcher and the default codebook is created."""
    allowed = is_admin(actor) or centre.pk in centre_ids_for(actor, [Role.RESEARCHER, *MANAGING_ROLES])
    if not allowed:
        raise ValidationError({"centre": _("You may start studies only for your own centre.")})
    study = Study(
        centre=centre,
        title=title,
        method=method,
        interview_guide=interview_guide,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    study.full_clean()
    study.save()
    study.partner_organisations.set(list(partner_organisations))
    StudyMember.objects.create(study=study, user=actor, role=MemberRole.LEAD)
    if default_codebook:
        codebook_create_default(study=study)
    _audit(actor, study, "research.study_created")
    return study


STUDY_FIELDS = {"title", "method", "interview_guide", "starts_on", "ends_on", "is_published"}


@transaction.atomic
def study_update(*, study: Study, actor, partner_organisations=None, **changes) -> Study:
    unknown = set(changes) - STUDY_FIELDS
    if unknown:
        raise TypeError(f"unknown study fields: {sorted(unknown)}")
    before = {name: getattr(study, name) for name in changes}
    for name, value in changes.items():
        setattr(study, name, value)
    study.full_clean()
    study.save(update_fields=[*changes, "updated_at"])
    if partner_organisations is not None:
        study.partner_organisations.set(list(partner_organisations))
    changed = {k: [str(before[k]), str(v)] for k, v in changes.items() if before[k] != v}
    if "ends_on" in changed:
        nomination_flags_refresh(study=study)
    if changed:
        audit_event(actor=actor, obj=study, action="research.study_updated", changes=changed)
    return study


def nomination_flags_refresh(*, study: Study) -> int:
    """Recompute the self- and partner flags of the study's matched nominations for its reference date (after
    the end of fieldwork changes); returns how many changed."""
    changed = []
    partners_of: dict[int, set[int]] = {}
    rows = Nomination.objects.filter(respondent__study=study, organisation__isnull=False).select_related(
        "respondent__study"
    )
    for nomination in rows:
        org_id = nomination.respondent.organisation_id
        if org_id is not None and org_id not in partners_of:
            partners_of[org_id] = partner_organisation_ids(org_id, on=study.reference_date)
        flags = nomination_flags(
            nomination.respondent, nomination.organisation_id, partners=partners_of.get(org_id, set())
        )
        if flags != (nomination.is_self, nomination.is_partner):
            nomination.is_self, nomination.is_partner = flags
            nomination.updated_at = timezone.now()
            changed.append(nomination)
    Nomination.objects.bulk_update(changed, ["is_self", "is_partner", "updated_at"])
    return len(changed)


def may_join(user, study: Study) -> bool:
    return is_admin(user) or study.centre_id in centre_ids_for(user, [Role.RESEARCHER, *MANAGING_ROLES])


@transaction.atomic
def member_add(*, study: Study, user, actor, role: str = MemberRole.RESEARCHER) -> StudyMember:
    """Add a researcher (of the study's centre) to the study's team."""
    if not may_join(user, study):
        raise ValidationError(
            {"user": _("Only researchers and staff of the study's centre can join its team.")}
        )
    member, created = StudyMember.objects.get_or_create(study=study, user=user, defaults={"role": role})
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role", "updated_at"])
    _audit(actor, study, "research.member_added", user=user.username, role=role)
    return member


@transaction.atomic
def member_remove(*, member: StudyMember, actor) -> None:
    study = member.study
    if member.role == MemberRole.LEAD and not study.members.filter(role=MemberRole.LEAD).exclude(
        pk=member.pk
    ):
        raise ValidationError(_("A study needs at least one lead researcher."))
    username = member.user.username
    member.delete()
    _audit(actor, study, "research.member_removed", user=username)


# --- Respondents and interviews -----------------------------------------------------------------------------


def _next_respondent_code(study: Study) -> str:
    used = set(study.respondents.values_list("code", flat=True))
    number = len(used) + 1
    while f"R{number:02d}" in used:
        number += 1
    return f"R{number:02d}"


@transaction.atomic
def respondent_create(
    *,
    study: Study,
    person: Person,
    category: str,
    organisation: Organisation | None = None,
    region: Region | None = None,
    code: str = "",
    actor=None,
) -> Respondent:
    respondent = Respondent(
        study=study,
        person=person,
        organisation=organisation,
        category=category,
        region=region or (organisation.region if organisation else None) or person.region,
        code=code or _next_respondent_code(study),
    )
    if study.respondents.filter(code=respondent.code).exists():
        raise ValidationError({"code": _("Another respondent of this study already has this code.")})
    respondent.full_clean()
    respondent.save()
    _audit(actor, study, "research.respondent_added", respondent=respondent.code)
    return respondent


@transaction.atomic
def interview_create(
    *,
    respondent: Respondent,
    held_on: dt.date,
    mode: str = InterviewMode.VIDEO,
    consent: bool = False,
    transcript: str = "",
    upload=None,
    actor=None,
) -> Interview:
    """An interview; an uploaded transcript file is decoded (any common Cyrillic encoding) and stored as UTF-8."""
    interview = Interview(respondent=respondent, held_on=held_on, mode=mode, consent=consent)
    if upload is not None:
        data = upload.read()
        try:
            text, encoding = decode_transcript(data)
        except ValidationError as error:
            raise ValidationError({"transcript_file": error.messages}) from error
        interview.transcript = text
        interview.source_encoding = encoding
        interview.transcript_file.save(upload.name, ContentFile(text.encode("utf-8")), save=False)
        interview.transcript_file_name = upload.name[:255]
    else:
        interview.transcript = transcript.replace("\r\n", "\n").replace("\r", "\n")
    interview.full_clean()
    interview.save()
    _audit(actor, respondent.study, "research.interview_added", interview=interview.pk)
    return interview


@transaction.atomic
def interview_update_transcript(*, interview: Interview, transcript: str, actor) -> Interview:
    """Replace the transcript. Coded passages point at character offsets, so editing is refused once coded."""
    if interview.segments.exists():
        raise ValidationError(
            {"transcript": _("This transcript has coded passages; remove them before editing the text.")}
        )
    interview.transcript = transcript.replace("\r\n", "\n").replace("\r", "\n")
    interview.full_clean()
    interview.save(update_fields=["transcript", "updated_at"])
    _audit(actor, interview.respondent.study, "research.transcript_edited", interview=interview.pk)
    return interview


# --- Codebook and coding -------------------------------------------------------------------------------------


@transaction.atomic
def code_create(
    *,
    study: Study,
    name: str,
    parent: Code | None = None,
    description: str = "",
    color: str = "#1f5f8b",
    order: int | None = None,
) -> Code:
    if parent is not None and parent.study_id != study.pk:
        raise ValidationError({"parent": _("The parent code belongs to another study.")})
    # Compared in Python: SQLite's case-insensitive lookups fold only ASCII, and codebooks are small.
    if name.strip().casefold() in {n.casefold() for n in study.codes.values_list("name", flat=True)}:
        raise ValidationError({"name": _("This codebook already has a code with this name.")})
    code = Code(
        study=study,
        parent=parent,
        name=name.strip(),
        description=description,
        color=color,
        order=study.codes.count() if order is None else order,
    )
    code.full_clean()
    code.save()
    return code


def codebook_create_default(*, study: Study) -> list[Code]:
    codes = []
    for name, description, color, children in DEFAULT_CODEBOOK:
        parent = code_create(study=study, name=name, description=description, color=color)
        codes.append(parent)
        for child_name, child_description, child_color in children:
            codes.append(
                code_create(
                    study=study,
                    name=child_name,
                    parent=parent,
                    description=child_description,
                    color=child_color,
                )
            )
    return codes


@transaction.atomic
def segment_create(*, interview: Interview, code: Code, coder, start: int, end: int) -> CodedSegment:
    """Tag the passage ``transcript[start:end]`` with ``code``. The passage is trimmed of surrounding spaces; an
    empty passage or one outside the transcript is refused with a message."""
    if code.study_id != interview.respondent.study_id:
        raise ValidationError({"code": _("This code belongs to another study.")})
    if not code.is_codable:
        raise ValidationError({"code": _("This code is a heading and cannot be applied to passages.")})
    text = interview.transcript
    if start is None or end is None:
        raise ValidationError({"start": _("Select a passage of the transcript before applying a code.")})
    if start < 0 or end > len(text) or start > end:
        raise ValidationError(
            {"start": _("The selected passage is outside the transcript. Select it again.")}
        )
    passage = text[start:end]
    if not passage.strip():
        raise ValidationError({"start": _("Select a passage of the transcript before applying a code.")})
    start += len(passage) - len(passage.lstrip())
    end -= len(passage) - len(passage.rstrip())
    segment, _created = CodedSegment.objects.get_or_create(
        interview=interview,
        code=code,
        coder=coder,
        start=start,
        end=end,
        defaults={"text": text[start:end]},
    )
    return segment


def segment_delete(*, segment: CodedSegment) -> None:
    segment.delete()


# --- Nominations ---------------------------------------------------------------------------------------------


def partner_organisation_ids(organisation_id: int, *, on: dt.date | None = None) -> set[int]:
    """Organisations the respondent's organisation works with on the day ``on`` (the study's reference date;
    today when not given): partnerships recorded by the cooperation app (when it is installed and offers
    ``partner_organisation_ids``) and organisations sharing a person with it through registry ties current on
    that day (board members, staff, founders)."""
    today = on or timezone.localdate()
    partners: set[int] = set()
    try:
        # Sibling apps may not import each other statically (import-linter layers); this optional read is
        # looked up at run time so research works with or without cooperation.
        selectors = importlib.import_module("resurs.cooperation.selectors")
        provider = getattr(selectors, "partner_organisation_ids", None)
        if provider is not None:
            partners |= set(provider(organisation_id, since=today))
    except ImportError:
        pass
    current = Tie.objects.exclude(ended_on__lt=today).exclude(started_on__gt=today)
    people = current.filter(organisation_id=organisation_id).values("person_id")
    partners |= set(
        current.filter(person_id__in=people)
        .exclude(organisation_id=organisation_id)
        .values_list("organisation_id", flat=True)
    )
    return partners


def nomination_flags(
    respondent: Respondent, organisation_id: int | None, *, partners: set[int] | None = None
):
    """(is_self, is_partner) of a nomination of ``organisation_id`` by ``respondent``."""
    if organisation_id is None or respondent.organisation_id is None:
        return False, False
    if organisation_id == respondent.organisation_id:
        return True, False
    if partners is None:
        partners = partner_organisation_ids(respondent.organisation_id, on=respondent.study.reference_date)
    return False, organisation_id in partners


def _clean_areas(areas: Iterable[str]) -> list[str]:
    valid = set(ImpactArea.values)
    areas = list(dict.fromkeys(areas))
    unknown = [a for a in areas if a not in valid]
    if unknown:
        raise ValidationError(
            {"areas": _("Unknown area of impact: %(areas)s.") % {"areas": ", ".join(unknown)}}
        )
    return areas


@transaction.atomic
def nomination_create(
    *,
    respondent: Respondent,
    name: str = "",
    organisation: Organisation | None = None,
    areas: Iterable[str] = (),
    rank: int | None = None,
    quote: str = "",
    status: str = NominationStatus.CONFIRMED,
    source: str = NominationSource.MANUAL,
    actor=None,
    partners: set[int] | None = None,
    auto_match: bool = True,
) -> Nomination:
    """Record a nomination. A name that is not (yet) in the registry is kept as said, unmatched, until resolved;
    a name that clearly matches one registry organisation is linked to it (unless ``auto_match`` is off: the
    caller has matched already and left the rest for review)."""
    name = (name or "").strip() or (organisation.display_name if organisation else "")
    if not name:
        raise ValidationError({"name": _("Give the name of the organisation as the respondent said it.")})
    if organisation is None and auto_match:
        organisation = best_match(name)
    if organisation is not None and respondent.nominations.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("This respondent has already nominated %(name)s.") % {"name": organisation}}
        )
    is_self, is_partner = nomination_flags(
        respondent, organisation.pk if organisation else None, partners=partners
    )
    nomination = Nomination(
        respondent=respondent,
        name=name[:500],
        organisation=organisation,
        areas=_clean_areas(areas),
        rank=rank,
        quote=quote,
        status=status,
        source=source,
        is_self=is_self,
        is_partner=is_partner,
    )
    nomination.full_clean()
    nomination.save()
    _audit(actor, respondent.study, "research.nomination_added", nomination=nomination.pk, name=name)
    return nomination


@transaction.atomic
def nomination_resolve(*, nomination: Nomination, organisation: Organisation, actor) -> Nomination:
    """Link an unmatched (or wrongly matched) nomination to a registry organisation; flags are recomputed."""
    clash = nomination.respondent.nominations.filter(organisation=organisation).exclude(pk=nomination.pk)
    if clash.exists():
        raise ValidationError(
            {"organisation": _("This respondent has already nominated %(name)s.") % {"name": organisation}}
        )
    nomination.organisation = organisation
    nomination.is_self, nomination.is_partner = nomination_flags(nomination.respondent, organisation.pk)
    nomination.save(update_fields=["organisation", "is_self", "is_partner", "updated_at"])
    _audit(actor, nomination.respondent.study, "research.nomination_resolved", nomination=nomination.pk)
    return nomination


@transaction.atomic
def nomination_update(
    *, nomination: Nomination, actor, areas=None, rank=None, quote=None, status=None
) -> Nomination:
    fields = []
    if areas is not None:
        nomination.areas = _clean_areas(areas)
        fields.append("areas")
    if rank is not None:
        nomination.rank = rank or None
        fields.append("rank")
    if quote is not None:
        nomination.quote = quote
        fields.append("quote")
    if status is not None:
        if status == NominationStatus.CONFIRMED and nomination.organisation_id is None:
            pass  # an unmatched confirmed nomination stays visible until resolved
        nomination.status = status
        fields.append("status")
    nomination.full_clean()
    nomination.save(update_fields=[*fields, "updated_at"])
    _audit(actor, nomination.respondent.study, "research.nomination_updated", nomination=nomination.pk)
    return nomination


@transaction.atomic
def nomination_delete(*, nomination: Nomination, actor) -> None:
    study = nomination.respondent.study
    pk = nomination.pk
    nomination.delete()
    _audit(actor, study, "research.nomination_deleted", nomination=pk)


@transaction.atomic
def nominations_from_transcript(*, interview: Interview, actor=None) -> list[Nomination]:
    """Offer the organisations Natasha finds in the transcript as candidate nominations (skipping names the
    respondent has already nominated, and the respondent's own organisation is flagged like any other)."""
    from resurs.research.ner import organisation_mentions

    respondent = interview.respondent
    existing_orgs = set(
        respondent.nominations.exclude(organisation=None).values_list("organisation_id", flat=True)
    )
    existing_names = {normalise_name(n) for n in respondent.nominations.values_list("name", flat=True)}
    partners = (
        partner_organisation_ids(respondent.organisation_id, on=respondent.study.reference_date)
        if respondent.organisation_id
        else set()
    )
    created = []
    for mention in organisation_mentions(interview.transcript):
        key = normalise_name(mention.normal)
        if not key or key in existing_names or normalise_name(mention.text) in existing_names:
            continue
        existing_names.update((key, normalise_name(mention.text)))
        organisation = best_match(mention.text, threshold=0.75) or best_match(mention.normal, threshold=0.75)
        if organisation is not None and organisation.pk in existing_orgs:
            continue
        if organisation is not None:
            existing_orgs.add(organisation.pk)
        sentence_start = interview.transcript.rfind(".", 0, mention.start) + 1
        sentence_end = interview.transcript.find(".", mention.end)
        quote = interview.transcript[sentence_start : sentence_end + 1 if sentence_end >= 0 else None].strip()
        created.append(
            nomination_create(
                respondent=respondent,
                name=mention.text,
                organisation=organisation,
                quote=quote[:1000],
                status=NominationStatus.CANDIDATE,
                source=NominationSource.TRANSCRIPT,
                actor=actor,
                partners=partners,
            )
        )
    return created


def categories_text() -> str:
    return ", ".join(RespondentCategory.values)


@transaction.atomic
def respondent_create_with_person(
    *,
    study: Study,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    email: str = "",
    category: str,
    organisation: Organisation | None = None,
    region: Region | None = None,
    code: str = "",
    consent: bool = False,
    actor,
) -> Respondent:
    """A respondent for a person found in the registry (by e-mail, else by full name), or added to it."""
    from resurs.registry import services as registry_services

    people = Person.objects.filter(erased_at__isnull=True)
    person = None
    if email:
        person = people.filter(email__iexact=email).first()
    if person is None:
        matches = list(people.filter(last_name=last_name, first_name=first_name, patronymic=patronymic)[:2])
        person = matches[0] if len(matches) == 1 else None
    if person is None:
        person = registry_services.person_create(
            actor=actor,
            data={
                "last_name": last_name,
                "first_name": first_name,
                "patronymic": patronymic,
                "email": email,
                "region": region or (organisation.region if organisation else None),
            },
            consent=consent,
        )
    if study.respondents.filter(person=person).exists():
        raise ValidationError({"last_name": _("This person is already a respondent of the study.")})
    return respondent_create(
        study=study,
        person=person,
        category=category,
        organisation=organisation,
        region=region,
        code=code,
        actor=actor,
    )
