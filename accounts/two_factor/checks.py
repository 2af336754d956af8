from django.conf import settings
from django.core.checks import Error, register

from accounts.models import Role


@register()
def required_roles_exist(app_configs, **kwargs) -> list[Error]:
    """A misspelt role in IDESK_2FA_REQUIRED_ROLES would silently exempt the people it meant."""
    unknown = sorted(set(settings.IDESK_2FA_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        Error(
            f"IDESK_2FA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Known roles: {', '.join(Role.values)}.",
            id="accounts.E201",
        )
    ]
