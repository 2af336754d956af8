from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import access


@receiver(user_logged_in, dispatch_uid="accounts_record_login")
def record_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        access.on_login(request, user)
