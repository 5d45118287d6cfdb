"""URL wiring: every app mounts its own urls.py under a namespace; the API lives under /api/."""

from django.contrib import admin
from django.urls import include, path

from config.api import api
from resurs.core.health import HealthView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("resurs.accounts.urls")),
    # allauth: sign-up, e-mail verification, password reset, two factors (/accounts/2fa/)
    path("accounts/", include("allauth.urls")),
    # for load balancers: database, cache, storage and the task backlog (anonymous, no personal data)
    path("health/", HealthView.as_view(), name="health"),
    path("registry/", include("resurs.registry.urls")),
    path("grants/", include("resurs.grants.urls")),
    path("reviews/", include("resurs.reviews.urls")),
    path("learning/", include("resurs.learning.urls")),
    path("events/", include("resurs.events.urls")),
    path("outreach/", include("resurs.outreach.urls")),
    path("cooperation/", include("resurs.cooperation.urls")),
    path("research/", include("resurs.research.urls")),
    path("notifications/", include("resurs.notifications.urls")),
    path("", include("resurs.core.urls")),
]
# The 500 page says whether the error has been reported (only when SENTRY_DSN is set).
handler500 = "resurs.core.views.server_error"
# No /media/ here, not even in DEBUG: uploaded files are private and leave only through authorising views
# (resurs/core/files.py).
