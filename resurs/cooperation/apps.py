from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    """Cross-sector cooperation: partnerships, corporate volunteering, boards and advisory bodies, requests for
    advice."""

    name = "resurs.cooperation"
    label = "cooperation"
    verbose_name = _("Cross-sector cooperation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.cooperation.models import (
            AdviceRequest,
            AdvisoryBody,
            CorporateVolunteering,
            GovernanceSeat,
            Partnership,
        )

        for model in (Partnership, CorporateVolunteering, AdvisoryBody, GovernanceSeat, AdviceRequest):
            auditlog.register(model, exclude_fields=["updated_at"])
