"""Research blocks: published study reports on the home page; the researcher's studies on the desk."""

from __future__ import annotations

from resurs.research import selectors
from resurs.research.access import may_use_research
from resurs.research.models import StudyMember


def home(request) -> list[dict]:
    studies = list(selectors.published_study_list()[:3])
    if not studies:
        return []
    return [{"template": "research/partials/_home_studies.html", "order": 70, "studies": studies}]


def desk(request) -> list[dict]:
    user = request.user
    if not may_use_research(user):
        return []
    memberships = list(
        StudyMember.objects.filter(user=user)
        .select_related("study__centre__organisation")
        .order_by("-study__created_at")[:5]
    )
    return [{"template": "research/partials/_desk_studies.html", "order": 50, "memberships": memberships}]
