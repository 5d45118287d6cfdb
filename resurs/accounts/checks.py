"""System checks for the accounts settings: a typo in MFA_REQUIRED_ROLES must not silently require nothing."""

from django.conf import settings
from django.core.checks import Error, register

from resurs.accounts.choices import Role


@register()
def check_mfa_required_roles(app_configs, **kwargs):
    unknown = sorted(set(settings.MFA_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        Error(
            f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Use some of: {', '.join(Role.values)} (comma-separated), or 'none'.",
            id="resurs.accounts.E001",
        )
    ]
