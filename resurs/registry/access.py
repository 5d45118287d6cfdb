"""Who may see and change what in the registry.

The registry is shared by every centre: every signed-in user reads it; centre staff (and administrators) change
it; an NGO representative proposes changes to the organisations it acts for. A person's contacts are shown to
staff and to the person themself only.
"""

from __future__ import annotations

from django.http import Http404

from resurs.accounts.access import centre_ids_for, is_admin, is_centre_staff, represented_organisation_ids
from resurs.registry.models import ChangeProposal, Organisation, Person, Tie


def can_read_registry(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_edit_registry(user) -> bool:
    """Create and edit organisations, people and ties; review proposed changes; see the audit trail."""
    return is_centre_staff(user)


def can_review_proposals(user) -> bool:
    return is_centre_staff(user)


def can_export_registry(user) -> bool:
    return is_centre_staff(user)


def can_propose_change(user, organisation: Organisation) -> bool:
    """A confirmed representative of ``organisation`` may propose changes to it."""
    return organisation.pk in represented_organisation_ids(user)


def is_self(user, person: Person) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.person_id == person.pk


def can_see_person_contacts(user, person: Person) -> bool:
    return is_centre_staff(user) or is_self(user, person)


def can_manage_person_data(user, person: Person) -> bool:
    """Change consent: the person (through their user) and staff."""
    return is_centre_staff(user) or is_self(user, person)


def can_see_audit(user) -> bool:
    return is_centre_staff(user) or is_admin(user)


def get_organisation_for_user(user, pk: int) -> Organisation:
    """The organisation, or 404 (missing, or the user may not read the registry)."""
    if not can_read_registry(user):
        raise Http404
    organisation = (
        Organisation.objects.select_related(
            "region__federal_district", "legal_form", "main_okved", "merged_into"
        )
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def get_person_for_user(user, pk: int) -> Person:
    if not can_read_registry(user):
        raise Http404
    person = Person.objects.select_related("region").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def get_tie_for_user(user, pk: int) -> Tie:
    if not can_read_registry(user):
        raise Http404
    tie = Tie.objects.select_related("person", "organisation").filter(pk=pk).first()
    if tie is None:
        raise Http404
    return tie


def get_proposal_for_user(user, pk: int) -> ChangeProposal:
    """Staff see every proposal; a proposer sees their own; everyone else gets 404."""
    proposal = (
        ChangeProposal.objects.select_related("organisation", "proposed_by", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not can_read_registry(user):
        raise Http404
    if can_review_proposals(user) or proposal.proposed_by_id == user.pk:
        return proposal
    raise Http404


def can_pick_from_registry(user) -> bool:
    """Search the registry from a form's picker (people's names included): whoever acts for a resource centre
    and administrators; not NGO representatives, partners or the public."""
    return is_admin(user) or bool(centre_ids_for(user))
