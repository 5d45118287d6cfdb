"""Template context shared by every page: the site's name and the role-aware menu."""

from django.conf import settings

from resurs.core.navigation import nav_groups_for


def site(request):
    from resurs.core.site import site_name

    user = getattr(request, "user", None)
    return {
        "site_name": site_name(),
        "nav_groups": nav_groups_for(user) if user is not None else [],
        "debug": settings.DEBUG,
    }
