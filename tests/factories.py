"""factory-boy factories for the base objects every test stands on: units, people, registers, and the signing
material (a throwaway CA, certificates, signature and seal images).

tests/world.py builds the test district with these; a test that needs one more unit or person makes it here:

    commune = UnitFactory(kind=UnitKind.COMMUNE)
    clerk = UserFactory(unit=commune, role=Role.CLERK)

The signing material is costly to make (an RSA key per certificate, PKCS#12, PNG encoding): each process makes it
once per name and keeps it, so building the world again after a transactional test's flush only writes rows.
"""

from __future__ import annotations

import datetime
import hashlib
from functools import partial

import factory
from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from documents.models import Register, RegisterKind
from documents.signing import certs, images, testca
from documents.signing.models import CertificateKind, SealImage, SignatureImage, SigningCertificate, TrustedRoot
from units.models import Unit, UnitKind

PASSWORD = "idesk-demo"  # the personas' password (tests/e2e log in with it)
ON_SYSTEM_SINCE = datetime.date(2016, 9, 1)

_password_hash: dict[str, str] = {}


def password_hash(raw: str = PASSWORD) -> str:
    """Hashed once per process (with the suite's fast hasher, see tests/conftest.py)."""
    if raw not in _password_hash:
        from django.contrib.auth.hashers import make_password

        _password_hash[raw] = make_password(raw)
    return _password_hash[raw]


def phone_for(username: str) -> str:
    """A stable, plausible mobile number (nobody's)."""
    return f"09{int(hashlib.sha256(username.encode()).hexdigest(), 16) % 100_000_000:08d}"


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit on the e-office since 01/09/2016 under the district (give `parent=None` for the district itself)."""

    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"don-vi-{n}")
    name = factory.Sequence(lambda n: f"Đơn vị thử {n}")
    short_name = factory.LazyAttribute(lambda o: "UBND" if o.kind in (UnitKind.DISTRICT, UnitKind.COMMUNE) else "DV")
    kind = UnitKind.DEPARTMENT
    parent = factory.LazyAttribute(
        lambda o: None if o.kind in (UnitKind.DISTRICT, UnitKind.EXTERNAL) else Unit.objects.get(code="ubnd")
    )
    sort_order = factory.Sequence(lambda n: 300 + n)
    eoffice_since = factory.LazyAttribute(lambda o: None if o.kind == UnitKind.EXTERNAL else ON_SYSTEM_SINCE)
    phone = factory.LazyAttribute(lambda o: "" if o.eoffice_since is None else f"0256 388{o.sort_order % 10000:04d}")
    organ_id = ""


class UserFactory(factory.django.DjangoModelFactory):
    """A person of a unit (a staff member unless `role` says otherwise), with the personas' password.

    One active clerk per unit is the model's rule (accounts.User's constraint): a second clerk of a unit fails."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"nguoi.thu{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    unit = factory.SubFactory(UnitFactory)
    role = Role.STAFF
    position = factory.LazyAttribute(lambda o: str(Role(o.role).label))
    password = factory.LazyFunction(password_hash)
    email = factory.LazyAttribute(lambda o: f"{o.username}@vancanh.binhdinh.gov.vn")
    phone = factory.LazyAttribute(lambda o: phone_for(o.username))
    sort_order = 100
    date_joined = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2016, 9, 1, 8, 0)))


class RegisterFactory(factory.django.DjangoModelFactory):
    """A unit's book of a year (incoming unless `kind` says otherwise); most tests let the services open it."""

    class Meta:
        model = Register
        django_get_or_create = ("unit", "year", "kind", "confidential")

    unit = factory.SubFactory(UnitFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    kind = RegisterKind.INCOMING
    confidential = False


# --- Signing material --------------------------------------------------------------------------------------

CERTIFICATES_FROM = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
CERTIFICATES_UNTIL = datetime.datetime(2045, 12, 31, tzinfo=datetime.UTC)
_PREPARED_FIELDS = (*SigningCertificate.CERTIFICATE_FIELDS, "key_storage", "encrypted_pkcs12")
_made: dict[tuple, object] = {}


def _once(key: tuple, make):
    # The encrypted keys depend on the key that encrypts them: a change of it makes everything anew.
    key = (*key, settings.SECRET_KEY, getattr(settings, "IDESK_SIGNING_KEY", ""))
    if key not in _made:
        _made[key] = make()
    return _made[key]


def test_ca() -> testca.DemoCA:
    """The process's throwaway CA, valid 2015–2045 so documents of 2016 and tests at any pinned date can sign."""
    return _once(("ca",), lambda: testca.DemoCA(now=CERTIFICATES_FROM + testca.ONE_DAY, years=31))


def test_ca_pem() -> bytes:
    """The process's CA, key and certificate, for another process to adopt_test_ca()."""
    from cryptography.hazmat.primitives import serialization

    ca = test_ca()
    key = ca.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key + ca.certificate.public_bytes(serialization.Encoding.PEM)


def adopt_test_ca(pem: bytes) -> None:
    """Make test_ca_pem()'s CA this process's, as if test_ca() had made it: for a database whose trusted root and
    certificates another process made (tests/conftest.py's shared world), what this one issues is trusted there."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    ca = testca.DemoCA.__new__(testca.DemoCA)
    ca.now, ca.revoked = CERTIFICATES_FROM + testca.ONE_DAY, []
    ca.key = serialization.load_pem_private_key(pem, password=None, unsafe_skip_rsa_key_validation=True)  # our own
    ca.certificate = x509.load_pem_x509_certificate(pem)
    _once(("ca",), lambda: ca)
    assert test_ca() is ca, "a CA was made in this process before"


def _prepare(issue, *names: str) -> dict:
    issued = issue(*names, not_before=CERTIFICATES_FROM, not_after=CERTIFICATES_UNTIL)
    cert = SigningCertificate()
    cert.set_key_bundle(certs.KeyBundle(key=issued.key, certificate=issued.certificate, chain=issued.chain))
    return {name: getattr(cert, name) for name in _PREPARED_FIELDS}


def trust_test_ca() -> TrustedRoot:
    root = TrustedRoot.objects.filter(name=testca.ROOT_NAME).first()
    if root is None:
        root = TrustedRoot(name=testca.ROOT_NAME, note="Chỉ để thử nghiệm.")
        root.set_certificate(test_ca().certificate)
        root.save()
    return root


def person_certificate(user: User) -> SigningCertificate:
    """A server-held certificate of the test CA for a person, with their signature image."""
    organisation = user.unit.name if user.unit_id else ""
    make = partial(_prepare, test_ca().person, user.full_name, organisation)
    prepared = _once(("person", user.full_name, organisation), make)
    certificate = SigningCertificate.objects.create(kind=CertificateKind.PERSON, user=user, **prepared)
    if not SignatureImage.objects.filter(user=user).exists():
        image = SignatureImage(user=user)
        image.set_png(_once(("scribble", user.username), partial(images.scribble_png, user.username)))
        image.save()
    return certificate


def agency_certificate(unit: Unit) -> SigningCertificate:
    """A server-held certificate of the test CA for a unit, with its seal image."""
    prepared = _once(("agency", unit.name), partial(_prepare, test_ca().agency, unit.name))
    certificate = SigningCertificate.objects.create(kind=CertificateKind.AGENCY, unit=unit, **prepared)
    if not SealImage.objects.filter(unit=unit).exists():
        seal = SealImage(unit=unit)
        seal.set_png(_once(("seal", unit.name), partial(images.seal_png, unit.name)))
        seal.save()
    return certificate
