from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import access
from accounts.two_factor import core as two_factor


@receiver(user_logged_in, dispatch_uid="accounts_record_login")
def record_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        access.on_login(request, user)


@receiver(user_logged_in, dispatch_uid="accounts_two_factor_flag")
def note_two_factor(sender, request, user, **kwargs) -> None:
    # Whether a code will be asked for, read once here rather than on every request.
    if request is not None and hasattr(request, "session"):
        two_factor.remember_device(request, two_factor.has_device(user))
