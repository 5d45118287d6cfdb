from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    """Impact research: studies, respondents, interviews, qualitative coding, nominations and influence analysis."""

    name = "resurs.research"
    label = "research"
    verbose_name = _("Impact research")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.research.models import Interview, Nomination, Respondent, Study, StudyMember

        auditlog.register(Study, exclude_fields=["updated_at"], m2m_fields={"partner_organisations"})
        auditlog.register(StudyMember, exclude_fields=["updated_at"])
        auditlog.register(Respondent, exclude_fields=["updated_at"])
        # The transcript itself is personal data: record that it changed, not its text.
        auditlog.register(Interview, exclude_fields=["updated_at", "transcript"])
        auditlog.register(Nomination, exclude_fields=["updated_at"])
