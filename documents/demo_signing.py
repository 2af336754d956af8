"""The demo office's digital signatures: a throwaway CA (named as such), a certificate for every person who may
sign and every unit on the system, generated signature and seal images (nobody's real ones), the CA trusted.

Server-held keys, encrypted with the development key (documents/signing/keys.py) like a real upload. The
certificates run from 2015 to 2045 so the demo's 2016 documents, and tests at any pinned date, can be signed."""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db import transaction

from accounts.models import Role, User
from documents.signing import certs, images, testca
from documents.signing.models import (
    CertificateKind,
    SealImage,
    SignatureImage,
    SigningCertificate,
    TrustedRoot,
)
from units.models import Unit

SIGNING_ROLES = (Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD)
FROM = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
UNTIL = datetime.datetime(2045, 12, 31, tzinfo=datetime.UTC)


# One process makes the demo's CA, keys, certificates and images once: the test suite seeds the demo again after
# every transactional test's flush, and RSA keys, PKCS#12 and PNG encoding cost about 7 s each time.
_made: dict[tuple, object] = {}

# What SigningCertificate.set_key_bundle fills in, copied from the row prepared the first time.
_PREPARED_FIELDS = (*SigningCertificate.CERTIFICATE_FIELDS, "key_storage", "encrypted_pkcs12")


def _once(key: tuple, make):
    if key not in _made:
        _made[key] = make()
    return _made[key]


def seed_signing() -> int:
    """Once: nothing is made when the demo CA is already trusted. Returns how many rows were made."""
    if TrustedRoot.objects.filter(name=testca.ROOT_NAME).exists():
        return 0
    # The encrypted keys depend on the key that encrypts them: a change of it makes everything anew.
    secret = (settings.SECRET_KEY, getattr(settings, "IDESK_SIGNING_KEY", ""))
    ca = _once(("ca", *secret), lambda: testca.DemoCA(now=FROM + testca.ONE_DAY, years=31))
    made = 0
    with transaction.atomic():
        root = TrustedRoot(name=testca.ROOT_NAME, note="Chỉ để thử nghiệm: gỡ bỏ trước khi dùng thật.")
        root.set_certificate(ca.certificate)
        root.save()
        made += 1
        people = User.objects.filter(is_active=True, role__in=SIGNING_ROLES).select_related("unit")
        for user in people:
            organisation = user.unit.name if user.unit_id else ""
            prepared = _once(
                ("person", user.full_name, organisation, *secret),
                partial(_prepare, ca.person, user.full_name, organisation),
            )
            made += _certificate(prepared, user=user)
            SignatureImage.objects.filter(user=user).delete()
            image = SignatureImage(user=user)
            image.set_png(_once(("scribble", user.username), partial(images.scribble_png, user.username)))
            image.save()
            made += 1
        for unit in Unit.objects.filter(active=True, eoffice_since__isnull=False):
            prepared = _once(
                ("agency", unit.name, *secret),
                partial(_prepare, ca.agency, unit.name),
            )
            made += _certificate(prepared, unit=unit)
            SealImage.objects.filter(unit=unit).delete()
            seal = SealImage(unit=unit)
            seal.set_png(_once(("seal", unit.name), partial(images.seal_png, unit.name)))
            seal.save()
            made += 1
    return made


def _prepare(issue, *names: str) -> dict:
    issued = issue(*names, not_before=FROM, not_after=UNTIL)
    cert = SigningCertificate()
    cert.set_key_bundle(certs.KeyBundle(key=issued.key, certificate=issued.certificate, chain=issued.chain))
    return {name: getattr(cert, name) for name in _PREPARED_FIELDS}


def _certificate(prepared: dict, **owner) -> int:
    kind = CertificateKind.PERSON if "user" in owner else CertificateKind.AGENCY
    SigningCertificate.objects.create(kind=kind, **owner, **prepared)
    return 1
