from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "resurs.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.registry import models

        auditlog.register(
            models.Organisation, m2m_fields={"fields"}, exclude_fields=["updated_at", "sources"]
        )
        auditlog.register(models.Person, exclude_fields=["updated_at"])
        auditlog.register(models.Tie, exclude_fields=["updated_at"])
        auditlog.register(models.Centre, exclude_fields=["updated_at"])
