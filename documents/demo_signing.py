"""The demo office's digital signatures: a throwaway CA (named as such), a certificate for every person who may
sign and every unit on the system, generated signature and seal images (nobody's real ones), the CA trusted.

Server-held keys, encrypted with the development key (documents/signing/keys.py) like a real upload. The
certificates run from 2015 to 2045 so the demo's 2016 documents, and tests at any pinned date, can be signed."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import Role, User
from documents.signing import images, testca
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


def seed_signing() -> int:
    """Once: nothing is made when the demo CA is already trusted. Returns how many rows were made."""
    if TrustedRoot.objects.filter(name=testca.ROOT_NAME).exists():
        return 0
    ca = testca.DemoCA(now=FROM + testca.ONE_DAY, years=31)
    made = 0
    with transaction.atomic():
        root = TrustedRoot(name=testca.ROOT_NAME, note="Chỉ để thử nghiệm: gỡ bỏ trước khi dùng thật.")
        root.set_certificate(ca.certificate)
        root.save()
        made += 1
        people = User.objects.filter(is_active=True, role__in=SIGNING_ROLES).select_related("unit")
        for user in people:
            organisation = user.unit.name if user.unit_id else ""
            made += _certificate(ca.person(user.full_name, organisation, not_before=FROM, not_after=UNTIL), user=user)
            SignatureImage.objects.filter(user=user).delete()
            image = SignatureImage(user=user)
            image.set_png(images.scribble_png(user.username))
            image.save()
            made += 1
        for unit in Unit.objects.filter(active=True, eoffice_since__isnull=False):
            made += _certificate(ca.agency(unit.name, not_before=FROM, not_after=UNTIL), unit=unit)
            SealImage.objects.filter(unit=unit).delete()
            seal = SealImage(unit=unit)
            seal.set_png(images.seal_png(unit.name))
            seal.save()
            made += 1
    return made


def _certificate(issued: testca.Issued, **owner) -> int:
    cert = SigningCertificate(kind=CertificateKind.PERSON if "user" in owner else CertificateKind.AGENCY, **owner)
    cert.set_pkcs12(issued.pkcs12(None), None)
    cert.save()
    return 1
