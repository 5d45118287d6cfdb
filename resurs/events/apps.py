from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Forums, conferences, seminars, round tables and webinars: programme, registration, check-in, calendars."""

    name = "resurs.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.events.models import Event, Registration

        auditlog.register(Event, exclude_fields=["updated_at"])
        auditlog.register(Registration, include_fields=["status", "checked_in_at", "cancelled_at"])
