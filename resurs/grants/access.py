"""Who may see and change grant-making objects: one door per object (404 when missing or hidden, 403 when
visible but not allowed)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from resurs.accounts.access import can_manage_centre_work, is_centre_staff, represented_organisation_ids
from resurs.accounts.choices import Role
from resurs.grants.choices import ApplicationStatus, CallStatus
from resurs.grants.models import Application, Attachment, Call, GranteeReport


def can_manage_call(user, call: Call) -> bool:
    return can_manage_centre_work(user, call.centre)


def can_see_call(user, call: Call) -> bool:
    return call.status != CallStatus.DRAFT or can_manage_call(user, call)


def get_call_for_user(user, slug: str, *, need: str = "view") -> Call:
    """A call by slug: drafts are visible to its centre's staff only; ``need="manage"`` → 403 for others."""
    call = (
        Call.objects.select_related("programme", "centre__organisation", "criteria_scheme")
        .filter(slug=slug)
        .first()
    )
    if call is None or not can_see_call(user, call):
        raise Http404
    if need == "manage" and not can_manage_call(user, call):
        raise PermissionDenied
    return call


def get_call_for_applicant(user, slug: str) -> Call:
    """A call an applicant submits to: the row alone (submission needs no joins); drafts are 404 as elsewhere."""
    call = Call.objects.filter(slug=slug).first()
    if call is None or not can_see_call(user, call):
        raise Http404
    return call


def is_applicant_side(user, application: Application) -> bool:
    return application.organisation_id in represented_organisation_ids(user)


def can_see_application(user, application: Application) -> bool:
    if is_applicant_side(user, application):
        return True
    # Staff of the call's centre see what was submitted; drafts stay private to the applicant.
    return application.status != ApplicationStatus.DRAFT and can_manage_call(user, application.call)


def can_edit_application(user, application: Application) -> bool:
    return application.status == ApplicationStatus.DRAFT and is_applicant_side(user, application)


def can_withdraw_application(user, application: Application) -> bool:
    return application.status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED) and is_applicant_side(
        user, application
    )


def can_screen_application(user, application: Application) -> bool:
    return can_manage_call(user, application.call)


def get_application_for_user(user, pk: int, *, need: str = "view") -> Application:
    """``need``: "view", "edit" (the applicant's draft), "withdraw", "manage" (screening, decisions)."""
    application = (
        Application.objects.select_related(
            "call__centre",
            "call__programme",
            "organisation__region",
            "direction",
            "form_version",
            "applicant",
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not can_see_application(user, application):
        raise Http404
    allowed = {
        "view": True,
        "edit": can_edit_application(user, application),
        "withdraw": can_withdraw_application(user, application),
        "manage": can_screen_application(user, application),
    }[need]
    if not allowed:
        raise PermissionDenied
    return application


def get_attachment_for_user(user, application_pk: int, pk: int, *, need: str = "view") -> Attachment:
    """A file attached to an application: whoever may see (``need="edit"``: change) the application."""
    application = get_application_for_user(user, application_pk, need=need)
    attachment = Attachment.objects.filter(application=application, pk=pk).first()
    if attachment is None:
        raise Http404
    attachment.application = application
    return attachment


def get_report_for_user(user, pk: int, *, need: str = "view") -> GranteeReport:
    """A grantee report: the grantee's representatives fill it, the centre's staff review it."""
    report = (
        GranteeReport.objects.select_related(
            "agreement__application__call__centre", "agreement__application__organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    application = report.agreement.application
    grantee = is_applicant_side(user, application)
    staff = can_manage_call(user, application.call)
    if not (grantee or staff):
        raise Http404
    if need == "fill" and not grantee:
        raise PermissionDenied
    if need == "review" and not staff:
        raise PermissionDenied
    return report


def is_ngo_representative(user) -> bool:
    from resurs.accounts.access import has_role

    return getattr(user, "is_authenticated", False) and (
        bool(represented_organisation_ids(user)) or has_role(user, Role.NGO_REPRESENTATIVE)
    )


NOT_APPLYING_KINDS = ("business", "media", "government")  # organisations that fund or inform, not apply


def applies_for_grants(user) -> bool:
    """The desk shows the applicant's block to NGO representatives: the NGO role, or acting for a non-profit
    organisation (a company's CSR manager or an official represents a partner, not an applicant)."""
    from resurs.accounts.access import has_role
    from resurs.registry.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.NGO_REPRESENTATIVE):
        return True
    ids = represented_organisation_ids(user)
    return bool(ids) and Organisation.objects.filter(pk__in=ids).exclude(kind__in=NOT_APPLYING_KINDS).exists()


def is_grants_staff(user) -> bool:
    return is_centre_staff(user)
