from django.utils.translation import gettext_lazy as _

from resurs.core.navigation import NavItem


def _sees_research(user) -> bool:
    from resurs.research.access import may_use_research

    return may_use_research(user)


def _sees_published(user) -> bool:
    # Everyone else sees the list of published reports (never private studies); no query on every page.
    from resurs.research.access import may_use_research

    return not may_use_research(user)


ITEMS = [
    NavItem(_("Research"), "research:study-list", visible=_sees_research, order=70),
    NavItem(_("Studies"), "research:study-list", visible=_sees_published, section="public", order=70),
]
