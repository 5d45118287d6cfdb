"""Who may see and change cooperation records (docs/decisions/cooperation-0002-visibility.md).

- Partnerships, corporate volunteering, advisory bodies and memberships belong to the centre that recorded them:
  its staff (staff and programme managers) change them; administrators change everything.
- Staff of every centre and administrators read every partnership with its value; partners and NGO
  representatives read the partnerships of the organisations they act for; the overview and network (no
  amounts per organisation) are open to staff, partners and researchers.
- Requests for advice are a centre's correspondence: only that centre's staff and administrators work on them;
  the representatives of the requesting organisation (partners, officials) file their own and follow them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from resurs.accounts.access import (
    can_manage_centre_work,
    centre_ids_for,
    has_role,
    is_admin,
    is_centre_staff,
    represented_organisation_ids,
)
from resurs.accounts.choices import Role
from resurs.cooperation import selectors
from resurs.cooperation.models import (
    AdviceAttachment,
    AdviceRequest,
    AdvisoryBody,
    CorporateVolunteering,
    Partnership,
    PartnershipDocument,
)
from resurs.registry.models import Tie


def can_record_cooperation(user) -> bool:
    """May record partnerships, memberships and requests for some centre."""
    return is_admin(user) or bool(centre_ids_for(user))


def can_see_overview(user) -> bool:
    return is_centre_staff(user) or has_role(user, Role.PARTNER, Role.RESEARCHER)


def can_see_partnership_list(user) -> bool:
    """The list page: staff see all, others only if they act for some organisation."""
    return selectors.can_see_all_cooperation(user) or bool(represented_organisation_ids(user))


def can_change(user, obj) -> bool:
    """Change a partnership, volunteering row, advisory body or request: staff of the centre that owns it."""
    return can_manage_centre_work(user, obj.centre)


def _need(user, obj, need: str):
    if need == "change" and not can_change(user, obj):
        raise PermissionDenied
    return obj


def get_partnership_for_user(user, pk: int, *, need: str = "view") -> Partnership:
    """The partnership if the user may see it (else 404); with need="change", 403 unless they may change it."""
    obj = selectors.partnership_list_for_user(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return _need(user, obj, need)


def can_see_partnership_documents(user, partnership: Partnership) -> bool:
    """Agreements and letters are the parties' papers: the recording centre's staff, the two organisations'
    representatives and administrators (staff of other centres see the partnership, not its documents)."""
    return (
        is_admin(user)
        or partnership.centre_id in centre_ids_for(user)
        or bool(
            {partnership.organisation_a_id, partnership.organisation_b_id}
            & represented_organisation_ids(user)
        )
    )


def get_partnership_document_for_user(user, partnership_pk: int, pk: int) -> PartnershipDocument:
    """A document of a partnership, for those who may see its documents (404 for everyone else)."""
    partnership = get_partnership_for_user(user, partnership_pk)
    document = partnership.documents.filter(pk=pk).first()
    if document is None or not can_see_partnership_documents(user, partnership):
        raise Http404
    return document


def get_volunteering_for_user(user, pk: int, *, need: str = "view") -> CorporateVolunteering:
    if not selectors.can_see_all_cooperation(user):
        raise Http404
    obj = selectors.corporate_volunteering_list().filter(pk=pk).first()
    if obj is None:
        raise Http404
    return _need(user, obj, need)


def get_advisory_body_for_user(user, pk: int, *, need: str = "view") -> AdvisoryBody:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    obj = selectors.advisory_body_list().filter(pk=pk).first()
    if obj is None:
        raise Http404
    return _need(user, obj, need)


def get_advice_request_for_user(user, pk: int, *, need: str = "view") -> AdviceRequest:
    obj = selectors.advice_request_list_for_user(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return _need(user, obj, need)


def can_file_advice_request(user) -> bool:
    """Partners and officials ask for advice themselves, for an organisation they act for (a company, a media
    outlet, a government or advisory body). Only the partner role asks, so other pages pay no query for it."""
    return (
        getattr(user, "is_authenticated", False)
        and not is_admin(user)
        and has_role(user, Role.PARTNER)
        and selectors.advice_requester_organisations(user).exists()
    )


def get_own_advice_request_for_user(user, pk: int) -> AdviceRequest:
    """A request of an organisation the user acts for, as the requester sees it (404 for everyone else)."""
    obj = selectors.advice_request_list_for_requester(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def get_advice_attachment_for_user(user, request_pk: int, pk: int) -> AdviceAttachment:
    """A file of a request for advice: whoever may see the request."""
    advice = get_advice_request_for_user(user, request_pk)
    attachment = advice.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def get_membership_for_user(user, pk: int, *, need: str = "view") -> Tie:
    """A board or advisory membership; every signed-in user reads the registry, so only changes are restricted:
    to staff of the centre that recorded it (or, for seats recorded elsewhere, to any centre staff)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    tie = selectors.membership_list().filter(pk=pk).first()
    if tie is None:
        raise Http404
    if need == "change":
        seat = getattr(tie, "governance_seat", None)
        allowed = can_manage_centre_work(user, seat.centre) if seat else is_centre_staff(user)
        if not allowed:
            raise PermissionDenied
    return tie
