"""Writes of the cooperation app: keyword-only arguments, ``full_clean`` before saving, one transaction each.

Business rules (a partnership may not end before it starts, values are not negative, a membership may not overlap
itself, a request for advice needs a requester) raise ``ValidationError`` keyed by field, so forms show them beside
the field and the API returns them as they are."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from resurs.cooperation.choices import ADVICE_REQUESTER_KINDS, OPEN_ADVICE_STATUSES, AdviceStatus, sector_of
from resurs.cooperation.models import (
    AdviceAttachment,
    AdviceRequest,
    AdvisoryBody,
    CorporateVolunteering,
    GovernanceSeat,
    Partnership,
    PartnershipDocument,
)
from resurs.core import precomputed
from resurs.core.audit import audit_event
from resurs.notifications.services import email_send
from resurs.registry import services as registry_services
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Tie

GOVERNANCE_ROLES = (TieRole.BOARD_MEMBER, TieRole.ADVISORY_MEMBER)
PARTNERSHIP_FIELDS = (
    "organisation_a",
    "organisation_b",
    "type",
    "title",
    "started_on",
    "ended_on",
    "value",
    "outcomes",
    "description",
)


# The overview and the network of ties (partnerships and board or council seats) are precomputed under this topic
# (the registry marks it too: names, regions and seats' ties are its data).
COOPERATION_TOPIC = precomputed.COOPERATION


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _clean(instance, *, exclude: list[str] | None = None) -> None:
    """``full_clean`` with the model's own messages; the database constraints remain the last word."""
    instance.full_clean(exclude=exclude, validate_constraints=False)


# --- Partnerships ---------------------------------------------------------------------------------------------


def partnership_errors(
    *, organisation_a, organisation_b, started_on: dt.date | None, ended_on: dt.date | None, value
) -> dict[str, list[str]]:
    """The rules of a partnership that a single field cannot express."""
    errors: dict[str, list[str]] = {}
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = [
            _("The partnership cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": date_format(ended_on), "start": date_format(started_on)}
        ]
    if value is not None and Decimal(value) < 0:
        errors["value"] = [_("The value cannot be negative; enter 0 if the partnership involved no money.")]
    if organisation_a is not None and organisation_b is not None and organisation_a.pk == organisation_b.pk:
        errors["organisation_b"] = [_("A partnership needs two different organisations.")]
    return errors


def _partnership_check(partnership: Partnership) -> None:
    errors = partnership_errors(
        organisation_a=partnership.organisation_a if partnership.organisation_a_id else None,
        organisation_b=partnership.organisation_b if partnership.organisation_b_id else None,
        started_on=partnership.started_on,
        ended_on=partnership.ended_on,
        value=partnership.value,
    )
    try:
        _clean(partnership)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    _raise_if(errors)


@transaction.atomic
def partnership_create(
    *,
    centre,
    actor,
    organisation_a,
    organisation_b,
    type: str,
    title: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    value: Decimal | None = None,
    outcomes: str = "",
    description: str = "",
) -> Partnership:
    """Record a partnership of ``centre``; each side's sector is derived from its organisation's kind."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, COOPERATION_TOPIC)
    partnership = Partnership(
        centre=centre,
        organisation_a=organisation_a,
        organisation_b=organisation_b,
        sector_a=sector_of(organisation_a.kind) if organisation_a else "",
        sector_b=sector_of(organisation_b.kind) if organisation_b else "",
        type=type,
        title=title,
        started_on=started_on,
        ended_on=ended_on,
        value=value,
        outcomes=outcomes,
        description=description,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _partnership_check(partnership)
    partnership.save()
    audit_event(actor=actor, obj=partnership, action="created")
    return partnership


@transaction.atomic
def partnership_update(*, partnership: Partnership, actor, data: dict) -> Partnership:
    """Change the fields named in ``data`` (a subset of PARTNERSHIP_FIELDS); sectors follow the organisations."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, COOPERATION_TOPIC)
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    unknown = set(data) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise ValueError(f"not partnership fields: {sorted(unknown)}")
    changes = {}
    for field, value in data.items():
        old = getattr(current, field)
        if old != value:
            changes[field] = (old, value)
            setattr(current, field, value)
    current.sector_a = sector_of(current.organisation_a.kind)
    current.sector_b = sector_of(current.organisation_b.kind)
    _partnership_check(current)
    current.save()
    if changes:
        audit_event(actor=actor, obj=current, action="updated", changes=changes)
    return current


@transaction.atomic
def partnership_delete(*, partnership: Partnership, actor) -> None:
    precomputed.data_changed(precomputed.SECTOR_NETWORK, COOPERATION_TOPIC)
    audit_event(actor=actor, obj=partnership, action="deleted", data={"title": partnership.title})
    for document in partnership.documents.all():
        document.file.delete(save=False)
    partnership.delete()


@transaction.atomic
def partnership_document_add(*, partnership: Partnership, actor, title: str, file) -> PartnershipDocument:
    document = PartnershipDocument(
        partnership=partnership,
        title=title or getattr(file, "name", ""),
        file=file,
        original_name=getattr(file, "name", "")[:255],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _clean(document)
    document.save()
    audit_event(actor=actor, obj=partnership, action="document added", data={"document": document.title})
    return document


# --- Corporate volunteering -----------------------------------------------------------------------------------


@transaction.atomic
def corporate_volunteering_save(
    *, centre, actor, company, year: int, volunteers: int, hours: int, programme: str = ""
) -> CorporateVolunteering:
    """Record (or correct) a company's volunteers and hours for one year; one row per company and year."""
    errors: dict[str, list[str]] = {}
    if company is not None and company.kind != OrganisationKind.BUSINESS:
        errors["company"] = [_("Corporate volunteering is recorded for businesses only.")]
    if volunteers is not None and hours is not None and volunteers > 0 and hours == 0:
        errors["hours"] = [_("Volunteers took part, so enter the hours they gave.")]
    row = CorporateVolunteering.objects.filter(company=company, year=year).first()
    if row is not None and row.centre_id != centre.pk:
        errors["year"] = [
            _("%(year)s is already recorded for this company by %(centre)s.")
            % {"year": year, "centre": row.centre}
        ]
    _raise_if(errors)
    row = row or CorporateVolunteering(company=company, year=year, centre=centre)
    row.volunteers, row.hours, row.programme = volunteers, hours, programme
    _clean(row)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:  # a concurrent save of the same company and year
        raise ValidationError({"year": [_("This year is already recorded for this company.")]}) from error
    audit_event(actor=actor, obj=row, action="saved", changes={"volunteers": volunteers, "hours": hours})
    return row


# --- Advisory bodies and memberships --------------------------------------------------------------------------


@transaction.atomic
def advisory_body_create(
    *, centre, actor, organisation, government_body, level: str, kind: str
) -> AdvisoryBody:
    errors: dict[str, list[str]] = {}
    if organisation is not None and organisation.kind != OrganisationKind.ADVISORY_BODY:
        errors["organisation"] = [_("Choose a registry organisation of the kind “advisory body”.")]
    if government_body is not None and government_body.kind != OrganisationKind.GOVERNMENT:
        errors["government_body"] = [
            _("Choose a government body (a ministry, administration or parliament).")
        ]
    if organisation is not None and AdvisoryBody.objects.filter(organisation=organisation).exists():
        errors.setdefault("organisation", []).append(_("This advisory body is already recorded."))
    _raise_if(errors)
    body = AdvisoryBody(
        centre=centre, organisation=organisation, government_body=government_body, level=level, kind=kind
    )
    _clean(body)
    body.save()
    audit_event(actor=actor, obj=body, action="created")
    return body


def overlapping_membership(
    *, person, organisation, role: str, started_on: dt.date | None, ended_on: dt.date | None, exclude_pk=None
) -> Tie | None:
    """An existing tie of the same person, organisation and role whose dates overlap the given period (open ends
    count as infinite)."""
    rows = Tie.objects.filter(person=person, organisation=organisation, role=role)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if ended_on is not None:
        rows = rows.filter(Q(started_on__isnull=True) | Q(started_on__lte=ended_on))
    if started_on is not None:
        rows = rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
    return rows.order_by("started_on").first()


def _period(tie: Tie) -> str:
    start = date_format(tie.started_on) if tie.started_on else "…"
    end = date_format(tie.ended_on) if tie.ended_on else _("now")
    return f"{start} — {end}"


def membership_errors(
    *, person, organisation, role: str, started_on, ended_on, main_affiliation=None, exclude_pk=None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if role not in GOVERNANCE_ROLES:
        errors["role"] = [_("Choose board member or advisory-body member.")]
    if started_on is None:
        errors["started_on"] = [_("Enter the date the membership began.")]
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = [_("The membership cannot end before it begins.")]
    if (
        role == TieRole.ADVISORY_MEMBER
        and organisation is not None
        and organisation.kind != OrganisationKind.ADVISORY_BODY
    ):
        errors["organisation"] = [
            _("Advisory-body members belong to an organisation of the kind “advisory body”.")
        ]
    if main_affiliation is not None and organisation is not None and main_affiliation.pk == organisation.pk:
        errors["main_affiliation"] = [
            _("The main affiliation is another organisation than the one whose seat it is.")
        ]
    if person is not None and organisation is not None and not errors:
        clash = overlapping_membership(
            person=person,
            organisation=organisation,
            role=role,
            started_on=started_on,
            ended_on=ended_on,
            exclude_pk=exclude_pk,
        )
        if clash is not None:
            errors["started_on"] = [
                _(
                    "%(person)s already holds this seat in %(organisation)s for %(period)s; the periods overlap."
                )
                % {"person": person, "organisation": organisation, "period": _period(clash)}
            ]
    return errors


@transaction.atomic
def membership_create(
    *,
    centre,
    actor,
    person,
    organisation,
    role: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    title: str = "",
    main_affiliation=None,
    note: str = "",
) -> Tie:
    """Record a board or advisory-body membership: a registry tie (through the registry's service) and its
    cooperation details (main affiliation). A membership may not overlap another of the same seat."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, COOPERATION_TOPIC)
    if person is not None:
        # Serialise memberships of one person so that two concurrent saves cannot both pass the overlap check.
        type(person).objects.select_for_update().filter(pk=person.pk).first()
    _raise_if(
        membership_errors(
            person=person,
            organisation=organisation,
            role=role,
            started_on=started_on,
            ended_on=ended_on,
            main_affiliation=main_affiliation,
        )
    )
    tie = registry_services.tie_create(
        actor=actor,
        person=person,
        organisation=organisation,
        role=role,
        title=title,
        started_on=started_on,
        ended_on=ended_on,
    )
    seat = GovernanceSeat(
        tie=tie,
        centre=centre,
        main_affiliation=main_affiliation,
        affiliation_sector=sector_of(main_affiliation.kind) if main_affiliation else "",
        note=note,
    )
    _clean(seat)
    seat.save()
    audit_event(actor=actor, obj=seat, action="created")
    return tie


@transaction.atomic
def membership_end(*, tie: Tie, actor, ended_on: dt.date) -> Tie:
    """End a membership (the registry checks the end is not before the start)."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, COOPERATION_TOPIC)
    if tie.started_on and ended_on < tie.started_on:
        raise ValidationError({"ended_on": [_("The membership cannot end before it begins.")]})
    return registry_services.tie_end(tie=tie, actor=actor, ended_on=ended_on)


# --- Requests for advice --------------------------------------------------------------------------------------


def advice_request_errors(*, requester, received_on, due_on) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if requester is None:
        errors["requester"] = [
            _("Choose the organisation that sent the request: a request for advice always has a requester.")
        ]
    elif requester.kind not in ADVICE_REQUESTER_KINDS:
        errors["requester"] = [
            _("Requests for advice come from government bodies, advisory bodies, businesses and media.")
        ]
    if received_on and due_on and due_on < received_on:
        errors["due_on"] = [_("The answer cannot be due before the request was received.")]
    return errors


@transaction.atomic
def advice_request_create(
    *,
    centre,
    actor,
    topic: str,
    requester,
    received_on: dt.date,
    due_on: dt.date,
    question: str = "",
    contact_person=None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    assignee=None,
) -> AdviceRequest:
    """Register a request for advice that reached ``centre``."""
    _raise_if(advice_request_errors(requester=requester, received_on=received_on, due_on=due_on))
    request = AdviceRequest(
        centre=centre,
        topic=topic,
        requester=requester,
        received_on=received_on,
        due_on=due_on,
        question=question,
        contact_person=contact_person,
        contact_name=contact_name or (contact_person.full_name if contact_person else ""),
        contact_email=contact_email,
        contact_phone=contact_phone,
        assignee=assignee,
    )
    _clean(request)
    request.save()
    audit_event(actor=actor, obj=request, action="received")
    return request


ADVICE_DEFAULT_DAYS = 30  # when the requester does not say by when they need the answer


@transaction.atomic
def advice_request_file(
    *,
    user,
    requester,
    centre,
    topic: str,
    question: str,
    due_on: dt.date | None = None,
    contact_phone: str = "",
) -> AdviceRequest:
    """A partner or an official asks a centre for advice themselves, for an organisation they act for; they are
    the contact, and the centre's answer is e-mailed to them."""
    from resurs.accounts.access import represented_organisation_ids

    if requester is None or requester.pk not in represented_organisation_ids(user):
        raise ValidationError({"requester": [_("Choose an organisation you act for.")]})
    if not question.strip():
        raise ValidationError({"question": [_("Describe what you would like advice on.")]})
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": [_("The date by which you need the answer cannot be in the past.")]})
    return advice_request_create(
        centre=centre,
        actor=user,
        topic=topic,
        requester=requester,
        received_on=today,
        due_on=due_on or today + dt.timedelta(days=ADVICE_DEFAULT_DAYS),
        question=question.strip(),
        contact_person=getattr(user, "person", None),
        contact_name=user.get_full_name() or user.get_username(),
        contact_email=user.email,
        contact_phone=contact_phone,
    )


def _locked(request: AdviceRequest) -> AdviceRequest:
    return AdviceRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def advice_request_take(*, request: AdviceRequest, actor) -> AdviceRequest:
    """Start work on a request (the actor becomes its assignee)."""
    current = _locked(request)
    if current.status not in OPEN_ADVICE_STATUSES:
        raise ValidationError(_("This request has already been answered."))
    current.status = AdviceStatus.IN_WORK
    current.assignee = actor
    current.save(update_fields=["status", "assignee", "updated_at"])
    audit_event(actor=actor, obj=current, action="taken")
    return current


@transaction.atomic
def advice_request_answer(*, request: AdviceRequest, actor, response: str) -> AdviceRequest:
    """Record the centre's answer; an empty answer is refused, a closed request cannot be answered again."""
    current = _locked(request)
    if current.status == AdviceStatus.CLOSED:
        raise ValidationError(_("This request is closed; its answer can no longer be changed."))
    if not response.strip():
        raise ValidationError({"response": [_("Write the answer before sending it.")]})
    current.response = response.strip()
    current.status = AdviceStatus.ANSWERED
    current.answered_at = timezone.now()
    current.answered_by = actor
    current.save(update_fields=["response", "status", "answered_at", "answered_by", "updated_at"])
    audit_event(actor=actor, obj=current, action="answered")
    _send_answer(current)
    return current


def _send_answer(advice: AdviceRequest) -> None:
    """E-mail the answer to the requester's contact (once per wording of the answer)."""
    to = advice.reply_email
    if not to:
        return
    digest = hashlib.sha256(advice.response.encode()).hexdigest()[:16]
    email_send(
        to=to,
        template="cooperation/email/advice_answer",
        context={"advice": advice},
        language="ru",
        related=advice,
        key=f"cooperation-advice-{advice.pk}-answer-{digest}",
    )


@transaction.atomic
def advice_request_close(*, request: AdviceRequest, actor) -> AdviceRequest:
    current = _locked(request)
    if current.status != AdviceStatus.ANSWERED:
        raise ValidationError(_("Only an answered request can be closed."))
    current.status = AdviceStatus.CLOSED
    current.closed_at = timezone.now()
    current.save(update_fields=["status", "closed_at", "updated_at"])
    audit_event(actor=actor, obj=current, action="closed")
    return current


@transaction.atomic
def advice_attachment_add(*, request: AdviceRequest, actor, title: str, file) -> AdviceAttachment:
    attachment = AdviceAttachment(
        request=request,
        title=title or getattr(file, "name", ""),
        file=file,
        original_name=getattr(file, "name", "")[:255],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _clean(attachment)
    attachment.save()
    audit_event(actor=actor, obj=request, action="attachment added", data={"attachment": attachment.title})
    return attachment
