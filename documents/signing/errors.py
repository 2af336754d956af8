"""The one exception signing raises: its message is Vietnamese and meant for the person who tried to sign."""

from __future__ import annotations


class SigningError(Exception):
    """Refusal to sign (nothing was signed); `message` can be shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
