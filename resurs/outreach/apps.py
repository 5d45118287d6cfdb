from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """The information space: media contacts and press announcements, publications, social challenges."""

    name = "resurs.outreach"
    label = "outreach"
    verbose_name = _("Information space")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.outreach.models import MediaContact, PressAnnouncement, Publication, SocialChallenge

        auditlog.register(Publication, exclude_fields=["updated_at"])
        auditlog.register(SocialChallenge, exclude_fields=["updated_at"])
        auditlog.register(PressAnnouncement, exclude_fields=["updated_at"])
        auditlog.register(MediaContact, include_fields=["email", "consent_given_on", "unsubscribed_at"])
