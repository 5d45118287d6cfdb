from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    """Evaluation against criteria: a scheme of weighted criteria on a scale, and scored evaluations.

    Shared by expert review of grant applications and by project evaluation for NGOs, so it is written once.
    """

    name = "resurs.criteria"
    label = "criteria"
    verbose_name = _("Evaluation criteria")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.criteria.models import CriterionScore, Evaluation

        auditlog.register(Evaluation, exclude_fields=["updated_at"])
        auditlog.register(CriterionScore, exclude_fields=["updated_at"])
