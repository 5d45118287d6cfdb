from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "resurs.reviews"
    label = "reviews"
    verbose_name = _("Expert evaluation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from resurs.reviews.models import (
            Assignment,
            CallExpert,
            CallReview,
            ConflictDeclaration,
            ExpertProfile,
        )

        for model in (Assignment, CallExpert, CallReview, ConflictDeclaration, ExpertProfile):
            auditlog.register(model)
