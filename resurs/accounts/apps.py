from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "resurs.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # allauth's two-factor events reach the audit trail through its signals (its extension point for them).
        from resurs.accounts import audit_receivers, checks  # noqa: F401
