"""Writing the registry: organisations, people, ties, proposed changes, consent and erasure.

Every write validates with ``full_clean`` inside ``transaction.atomic``. Field changes are recorded by
django-auditlog (the models are registered in ``apps.py``); in a web request the auditlog middleware names the
actor, elsewhere ``actor=`` is set here with ``auditlog.context.set_actor``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resurs.accounts.services import representation_request, user_deactivate
from resurs.core import precomputed
from resurs.core.audit import audit_event
from resurs.notifications.services import email_send
from resurs.registry.choices import ProposalStatus
from resurs.registry.models import ChangeProposal, Field, Organisation, Person, Tie

# Fields an NGO representative may propose to change (the public face of the organisation).
PROPOSABLE_FIELDS = (
    "name",
    "short_name",
    "city",
    "address",
    "email",
    "phone",
    "website",
    "description",
    "fields",
)
ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "legal_form",
    "inn",
    "ogrn",
    "kpp",
    "region",
    "city",
    "address",
    "founded_on",
    "liquidated_on",
    "status",
    "email",
    "phone",
    "website",
    "description",
)
PERSON_FIELDS = ("last_name", "first_name", "patronymic", "email", "phone", "region", "city", "bio")
CONSENT_TEXT_VERSION = "2026-01"
ERASED_NAME = "Удалённый пользователь"
# The size of the registry (organisations, people not erased) that the home page shows: marked changed by every
# service that adds an organisation or a person or erases one (``precomputed.data_changed``).
REGISTRY_SIZE = "registry-size"


def _acting_as(actor):
    """Name ``actor`` in the audit trail unless a request already did (the auditlog middleware)."""
    if getattr(actor, "is_authenticated", False):
        return set_actor(actor)
    return contextlib.nullcontext()


# --- Organisations ----------------------------------------------------------------------------------------


@transaction.atomic
def organisation_register_as_representative(*, actor, data: dict[str, Any]) -> Organisation:
    """A person adds an organisation that is not in the registry yet and asks to represent it; the registry
    validates it (INN/OGRN check digits, duplicates) and staff confirm the representation."""
    organisation = organisation_create(actor=actor, data=data)
    representation_request(user=actor, organisation=organisation, position=data.get("position", ""))
    return organisation


def duplicate_organisation(*, field: str, value: str, exclude_pk: int | None = None) -> Organisation | None:
    """The organisation that already holds ``value`` in ``field`` ("inn" or "ogrn"), if any."""
    if not value:
        return None
    queryset = Organisation.objects.filter(**{field: value})
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.only("pk", "name", "short_name").first()


def duplicate_message(field: str, existing: Organisation) -> str:
    label = _("INN") if field == "inn" else _("OGRN")
    return _("%(label)s %(value)s already belongs to “%(name)s” in the registry.") % {
        "label": label,
        "value": getattr(existing, field, ""),
        "name": existing.display_name,
    }


def founding_date_problem(value: dt.date | None) -> str | None:
    if value and value > timezone.localdate():
        return _("The founding date cannot be in the future.")
    return None


def _organisation_errors(organisation: Organisation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        organisation.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = {key: list(messages) for key, messages in error.message_dict.items()}
    for field in ("inn", "ogrn"):
        if field in errors:
            continue
        existing = duplicate_organisation(
            field=field, value=getattr(organisation, field), exclude_pk=organisation.pk
        )
        if existing is not None:
            errors.setdefault(field, []).append(duplicate_message(field, existing))
    problem = founding_date_problem(organisation.founded_on)
    if problem:
        errors.setdefault("founded_on", []).append(problem)
    if (
        organisation.founded_on
        and organisation.liquidated_on
        and organisation.liquidated_on < organisation.founded_on
    ):
        errors.setdefault("liquidated_on", []).append(
            _("The liquidation date cannot be earlier than the founding date.")
        )
    return errors


def _save_organisation(organisation: Organisation, fields: Iterable[Field] | None) -> None:
    errors = _organisation_errors(organisation)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            organisation.save()
    except (
        IntegrityError
    ) as error:  # a concurrent insert of the same INN/OGRN: the database has the last word
        raise ValidationError(_organisation_errors(organisation) or {"inn": [str(error)]}) from error
    if fields is not None:
        organisation.fields.set(fields)


@transaction.atomic
def organisation_create(*, actor, data: dict[str, Any]) -> Organisation:
    """Create an organisation from ``data`` (model field names; ``fields`` = fields of activity)."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, REGISTRY_SIZE)
    values = {key: value for key, value in data.items() if key in ORGANISATION_FIELDS}
    organisation = Organisation(**values)
    with _acting_as(actor):
        _save_organisation(organisation, data.get("fields"))
    return organisation


# Fields of an organisation that the cooperation overview and network show (its name, sector and region).
COOPERATION_FIELDS = frozenset({"name", "short_name", "kind", "region", "region_id"})


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor, data: dict[str, Any], source: dict | None = None
) -> Organisation:
    """Change the fields present in ``data``; the row is reloaded under a lock, so ``organisation`` may be stale.

    Each changed value's source is recorded: ``source``, or by default "entered by hand" by ``actor`` today
    (an import does not write over such a value; it lists a conflict for staff instead)."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if any(key in COOPERATION_FIELDS and getattr(current, key) != value for key, value in data.items()):
        precomputed.data_changed(precomputed.COOPERATION)  # the overview and network show these
    source = source or {"m": getattr(actor, "pk", None), "d": timezone.localdate().isoformat()}
    sources = dict(current.sources or {})
    for key, value in data.items():
        if key in ORGANISATION_FIELDS:
            if getattr(current, key) != value:
                sources[key] = source
            setattr(current, key, value)
    current.sources = sources
    with _acting_as(actor):
        _save_organisation(current, data.get("fields"))
    return current


# --- People and ties --------------------------------------------------------------------------------------


def _save_person(person: Person) -> None:
    person.full_clean()
    person.save()


@transaction.atomic
def person_create(*, actor, data: dict[str, Any], consent: bool = False) -> Person:
    """Create a person; ``consent`` records consent to personal-data processing given now."""
    precomputed.data_changed(REGISTRY_SIZE)
    person = Person(**{key: value for key, value in data.items() if key in PERSON_FIELDS})
    if consent:
        person.consent_given_at = timezone.now()
        person.consent_text_version = CONSENT_TEXT_VERSION
    with _acting_as(actor):
        _save_person(person)
    return person


@transaction.atomic
def person_update(*, person: Person, actor, data: dict[str, Any]) -> Person:
    current = Person.objects.select_for_update().get(pk=person.pk)
    for key, value in data.items():
        if key in PERSON_FIELDS:
            setattr(current, key, value)
    with _acting_as(actor):
        _save_person(current)
    return current


@transaction.atomic
def person_consent_set(*, person: Person, actor, given: bool, version: str = CONSENT_TEXT_VERSION) -> Person:
    """Give (again) or withdraw consent to personal-data processing; the timestamps are kept for the record."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    now = timezone.now()
    if given and not current.has_consent:
        current.consent_given_at = now
        current.consent_withdrawn_at = None
        current.consent_text_version = version
    elif not given and current.has_consent:
        current.consent_withdrawn_at = now
    else:
        return current
    with _acting_as(actor):
        current.save(
            update_fields=["consent_given_at", "consent_withdrawn_at", "consent_text_version", "updated_at"]
        )
    return current


@transaction.atomic
def person_erase(*, person: Person, actor) -> Person:
    """Anonymise a person: names replaced, contacts and notes cleared, consent withdrawn, ``erased_at`` set.

    Ties stay (anonymised through the person) so that the registry's statistics remain true. The linked user
    account, if any, is deactivated.
    """
    precomputed.data_changed(REGISTRY_SIZE)
    current = Person.objects.select_for_update().get(pk=person.pk)
    now = timezone.now()
    current.last_name = ERASED_NAME
    current.first_name = ""
    current.patronymic = ""
    current.email = ""
    current.phone = ""
    current.city = ""
    current.bio = ""
    current.region = None
    if current.consent_given_at and not current.consent_withdrawn_at:
        current.consent_withdrawn_at = now
    current.erased_at = now
    with _acting_as(actor):
        current.save()
        Tie.objects.filter(person=current).update(title="")
        user = getattr(current, "user", None)
        if user is not None:
            user_deactivate(user=user, actor=actor, anonymise=True)
        audit_event(actor=actor, obj=current, action="erased")
    return current


def _tie_errors(tie: Tie) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        tie.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = {key: list(messages) for key, messages in error.message_dict.items()}
    if tie.started_on and tie.ended_on and tie.ended_on < tie.started_on:
        errors.setdefault("ended_on", []).append(_("The end date cannot be earlier than the start date."))
    return errors


@transaction.atomic
def tie_create(
    *,
    actor,
    person: Person,
    organisation: Organisation,
    role: str,
    title: str = "",
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
) -> Tie:
    """Add a position or membership of ``person`` in ``organisation``."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, precomputed.COOPERATION)
    tie = Tie(
        person=person,
        organisation=organisation,
        role=role,
        title=title,
        started_on=started_on,
        ended_on=ended_on,
    )
    errors = _tie_errors(tie)
    if errors:
        raise ValidationError(errors)
    with _acting_as(actor):
        tie.save()
    return tie


@transaction.atomic
def tie_end(*, tie: Tie, actor, ended_on: dt.date) -> Tie:
    """End a position or membership on ``ended_on`` (not before it started)."""
    precomputed.data_changed(precomputed.SECTOR_NETWORK, precomputed.COOPERATION)
    current = Tie.objects.select_for_update().get(pk=tie.pk)
    current.ended_on = ended_on
    errors = _tie_errors(current)
    if errors:
        raise ValidationError(errors)
    with _acting_as(actor):
        current.save(update_fields=["ended_on", "updated_at"])
    return current


# --- Proposed changes -------------------------------------------------------------------------------------


def _proposal_value(organisation: Organisation, field: str):
    if field == "fields":
        return sorted(organisation.fields.values_list("slug", flat=True))
    return getattr(organisation, field) or ""


def _normalise_new(field: str, value):
    if field == "fields":
        return sorted(item.slug if isinstance(item, Field) else str(item) for item in (value or []))
    return "" if value is None else str(value).strip()


@transaction.atomic
def proposal_create(
    *, organisation: Organisation, user, values: dict[str, Any], comment: str = ""
) -> ChangeProposal:
    """Store what a representative wants changed as ``{field: [old, new]}`` (only the fields that differ).

    The new values are validated as the organisation would be, so a proposal staff approve always applies.
    """
    changes: dict[str, list] = {}
    for field in PROPOSABLE_FIELDS:
        if field not in values:
            continue
        old = _proposal_value(organisation, field)
        new = _normalise_new(field, values[field])
        if old != new:
            changes[field] = [old, new]
    if not changes:
        raise ValidationError(_("The proposal changes nothing: edit at least one field."))
    trial = Organisation.objects.get(pk=organisation.pk)
    for field, (_old, new) in changes.items():
        if field != "fields":
            setattr(trial, field, new)
    errors = _organisation_errors(trial)
    if errors:
        raise ValidationError(errors)
    proposal = ChangeProposal(
        organisation=organisation, proposed_by=user, changes=changes, comment=comment.strip()
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _locked_pending(proposal: ChangeProposal) -> ChangeProposal:
    current = (
        ChangeProposal.objects.select_for_update()
        .select_related("organisation", "proposed_by")
        .get(pk=proposal.pk)
    )
    if current.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    return current


def _notify_proposer(proposal: ChangeProposal) -> None:
    user = proposal.proposed_by
    email_send(
        to=user.email,
        template="registry/email/proposal_reviewed",
        context={"proposal": proposal, "organisation": proposal.organisation, "user": user},
        language=getattr(user, "preferred_language", "ru") or "ru",
        related=proposal,
        key=f"registry-proposal-{proposal.pk}-{proposal.status}",
    )


@transaction.atomic
def proposal_approve(*, proposal: ChangeProposal, reviewer, note: str = "") -> ChangeProposal:
    """Apply the proposed values through ``organisation_update`` (audited) and tell the proposer."""
    current = _locked_pending(proposal)
    data: dict[str, Any] = {}
    for field, (_old, new) in current.changes.items():
        if field == "fields":
            data["fields"] = list(Field.objects.filter(slug__in=new))
        elif field in PROPOSABLE_FIELDS:
            data[field] = new
    organisation_update(organisation=current.organisation, actor=reviewer, data=data)
    current.status = ProposalStatus.APPROVED
    current.reviewed_by = reviewer
    current.reviewed_at = timezone.now()
    current.review_note = note.strip()
    current.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    audit_event(
        actor=reviewer,
        obj=current.organisation,
        action="proposal_approved",
        data={"proposal": current.pk, "proposed_by": current.proposed_by_id},
    )
    _notify_proposer(current)
    return current


@transaction.atomic
def proposal_reject(*, proposal: ChangeProposal, reviewer, note: str) -> ChangeProposal:
    """Reject with a note the proposer reads (the note is required: say why)."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say why the proposal is rejected.")]})
    current = _locked_pending(proposal)
    current.status = ProposalStatus.REJECTED
    current.reviewed_by = reviewer
    current.reviewed_at = timezone.now()
    current.review_note = note.strip()
    current.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    _notify_proposer(current)
    return current


def personal_data_erase(*, user, actor) -> None:
    """ "Erase my personal data": anonymise the user's Person (if any) and close the account."""
    person = user.person
    if person is not None:
        person_erase(person=person, actor=actor)
    else:
        user_deactivate(user=user, actor=actor, anonymise=True)
