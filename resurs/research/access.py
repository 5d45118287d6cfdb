"""Who may see and change a study.

* See a study (its respondents list, analysis and report): its members, researchers and staff of its centre,
  administrators. A published study's report (never its transcripts) is public.
* Work on a study (transcripts, coding, nominations, imports, the API): its members only. Transcripts hold
  personal data given under the study's consent, so not even centre staff read them unless they join.
* Manage a study (metadata, members, publishing): its lead researchers, staff of its centre, administrators.

``get_<noun>_for_user`` answers 404 when the object is missing or invisible and 403 when visible but the action
is not allowed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from resurs.accounts.access import centre_ids_for, has_role, is_admin
from resurs.accounts.choices import MANAGING_ROLES, Role
from resurs.research.choices import MemberRole
from resurs.research.models import CodedSegment, Interview, Nomination, Respondent, Study, StudyMember

VIEW, WORK, MANAGE = "view", "work", "manage"


def may_use_research(user) -> bool:
    """Researchers and centre staff (and administrators) see the Research section."""
    return has_role(user, Role.RESEARCHER, *MANAGING_ROLES)


def creatable_centre_ids(user) -> set[int] | None:
    """Centres in which the user may start a study (None = any, for administrators)."""
    if is_admin(user):
        return None
    return centre_ids_for(user, [Role.RESEARCHER, *MANAGING_ROLES])


def visible_studies(user) -> QuerySet[Study]:
    if not getattr(user, "is_authenticated", False):
        return Study.objects.none()
    if is_admin(user):
        return Study.objects.all()
    centres = centre_ids_for(user, [Role.RESEARCHER, *MANAGING_ROLES])
    return Study.objects.filter(Q(centre_id__in=centres) | Q(members__user=user)).distinct()


def _membership(user, study: Study) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, "_research_memberships", None)
    if cache is None:
        cache = dict(StudyMember.objects.filter(user=user).values_list("study_id", "role"))
        user._research_memberships = cache
    return cache.get(study.pk)


def is_member(user, study: Study) -> bool:
    return _membership(user, study) is not None


def can_view_study(user, study: Study) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_admin(user)
        or is_member(user, study)
        or study.centre_id in centre_ids_for(user, [Role.RESEARCHER, *MANAGING_ROLES])
    )


def can_work_on_study(user, study: Study) -> bool:
    return is_member(user, study)


def can_manage_study(user, study: Study) -> bool:
    return (
        is_admin(user)
        or study.centre_id in centre_ids_for(user, MANAGING_ROLES)
        or _membership(user, study) == MemberRole.LEAD
    )


def can_read_report(user, study: Study) -> bool:
    return study.is_published or can_view_study(user, study)


_CHECKS = {VIEW: can_view_study, WORK: can_work_on_study, MANAGE: can_manage_study}


def get_study_for_user(user, pk, *, need: str = VIEW) -> Study:
    study = Study.objects.select_related("centre__organisation").filter(pk=pk).first()
    if study is None or not can_view_study(user, study):
        raise Http404
    if not _CHECKS[need](user, study):
        raise PermissionDenied
    return study


def get_report_study(user, pk) -> Study:
    """A study whose report the user may read (published ones are public)."""
    study = Study.objects.select_related("centre__organisation").filter(pk=pk).first()
    if study is None or not can_read_report(user, study):
        raise Http404
    return study


def _member_object(user, queryset, pk, study_of):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    study = study_of(obj)
    if not can_view_study(user, study):
        raise Http404
    if not can_work_on_study(user, study):
        raise PermissionDenied
    return obj


def get_respondent_for_user(user, pk) -> Respondent:
    qs = Respondent.objects.select_related("study__centre", "person", "organisation", "region")
    return _member_object(user, qs, pk, lambda r: r.study)


def get_interview_for_user(user, pk) -> Interview:
    """An interview (with its transcript): members of the study only."""
    qs = Interview.objects.select_related("respondent__study__centre", "respondent__person")
    return _member_object(user, qs, pk, lambda i: i.respondent.study)


def get_nomination_for_user(user, pk) -> Nomination:
    qs = Nomination.objects.select_related(
        "respondent__study__centre", "respondent__organisation", "organisation"
    )
    return _member_object(user, qs, pk, lambda n: n.respondent.study)


def get_segment_for_user(user, pk) -> CodedSegment:
    """A coded passage; only its own coder may remove it."""
    qs = CodedSegment.objects.select_related("interview__respondent__study__centre", "code")
    segment = _member_object(user, qs, pk, lambda s: s.interview.respondent.study)
    if segment.coder_id != user.pk:
        raise PermissionDenied
    return segment
