from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Capacity building: courses, sessions, enrolment, certificates, consultations, project evaluation,
    organisational capacity assessment and service quality."""

    name = "resurs.learning"
    label = "learning"
    verbose_name = _("Capacity building")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.learning.models import (
            AreaScore,
            Assessment,
            Certificate,
            Consultation,
            Course,
            Enrolment,
            Session,
        )

        # Who changed a course, a seat, a certificate or a consultation, and when, must be answerable.
        for model in (Course, Session, Enrolment, Certificate, Consultation, Assessment, AreaScore):
            auditlog.register(model, exclude_fields=["updated_at"])
