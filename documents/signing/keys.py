"""The key that encrypts server-held PKCS#12 files at rest (Fernet, from IDESK_SIGNING_KEY)."""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register
from django.utils.translation import gettext as _

from documents.signing.errors import SigningError

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

logger = logging.getLogger(__name__)
_warned = False


def _derived_from_secret_key() -> bytes:
    # Development only: a stable key so `make run` needs nothing more; production sets IDESK_SIGNING_KEY.
    digest = hashlib.sha256(b"idesk-signing-key\0" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def fernet() -> Fernet:
    # cryptography is imported here, not with the module: the models import this module (its system check), and a
    # process that never opens a key (the worker's daily tasks, most web requests) saves ~10 MB.
    from cryptography.fernet import Fernet

    global _warned
    configured = getattr(settings, "IDESK_SIGNING_KEY", "")
    if configured:
        try:
            return Fernet(configured.encode())
        except ValueError as exc:
            # The value itself is never part of the message.
            raise SigningError(_("IDESK_SIGNING_KEY không phải khóa Fernet hợp lệ (base64 URL-safe).")) from exc
    if not _warned:
        logger.warning("IDESK_SIGNING_KEY is not set: the signing key is derived from SECRET_KEY (development only)")
        _warned = True
    return Fernet(_derived_from_secret_key())


def encrypt(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    from cryptography.fernet import InvalidToken

    try:
        return fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise SigningError(
            _("Không giải mã được khóa ký lưu trên máy chủ: khóa IDESK_SIGNING_KEY đã đổi hoặc dữ liệu bị hỏng.")
        ) from exc


@register(deploy=True)
def check_signing_key(app_configs, **kwargs):
    if getattr(settings, "IDESK_SIGNING_KEY", ""):
        return []
    return [
        CheckWarning(
            "IDESK_SIGNING_KEY is not set; server-held signing keys are encrypted with a key derived from SECRET_KEY.",
            hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'",
            id="documents.W016",
        )
    ]
