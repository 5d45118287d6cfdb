"""Template context shared by every page: the installation's name and brand colour, and the role-aware menu."""

from django.conf import settings
from django.urls import reverse

from resurs.core.brand import DEFAULT_BRAND_COLOR
from resurs.core.navigation import nav_groups_for


def site(request):
    from resurs.core.site import site_name

    user = getattr(request, "user", None)
    name = site_name()
    return {
        # Django's own auth views put the request's host into ``site_name``; the layout reads
        # ``installation_name``, which nothing else sets, so every page shows the installation's name.
        "installation_name": name,
        "site_name": name,
        "brand_css_url": _brand_css_url(),
        "nav_groups": nav_groups_for(user) if user is not None else [],
        "debug": settings.DEBUG,
    }


def _brand_css_url() -> str:
    """The brand stylesheet's URL when the colour is not the default (which resurs.css already carries)."""
    color = settings.RESURS_BRAND_COLOR
    if color == DEFAULT_BRAND_COLOR:
        return ""
    return f"{reverse('core:brand-css')}?v={color.lstrip('#')}"
