from django.utils.translation import gettext_lazy as _

from resurs.core.navigation import NavItem


def _sees_research(user) -> bool:
    from resurs.research.access import may_use_research

    return may_use_research(user)


def _sees_published(user) -> bool:
    from resurs.research.access import may_use_research
    from resurs.research.models import Study

    return not may_use_research(user) and Study.objects.filter(is_published=True).exists()


ITEMS = [
    NavItem(_("Research"), "research:study-list", visible=_sees_research, order=70),
    NavItem(_("Studies"), "research:study-list", visible=_sees_published, section="public", order=70),
]
