"""Authentication backend: Django's ModelBackend, reading the user's unit with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        # Every page shows the user's unit (the top bar) and the policies read it: one join instead of a second
        # query per request.
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
