from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "resurs.grants"
    label = "grants"
    verbose_name = _("Grant-making")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.grants import models

        # Field changes of these rows are audited; an application's own events (submission, screening, decision)
        # are recorded explicitly by the services (autosaving a draft is not an event worth a log line).
        auditlog.register(
            models.Call, exclude_fields=["updated_at"], m2m_fields={"allowed_legal_forms", "allowed_regions"}
        )
        auditlog.register(models.Decision, exclude_fields=["updated_at"])
        auditlog.register(models.Agreement, exclude_fields=["updated_at"])
        auditlog.register(models.Tranche, exclude_fields=["updated_at"])
        auditlog.register(
            models.GranteeReport, exclude_fields=["updated_at", "narrative", "last_reminded_on"]
        )
