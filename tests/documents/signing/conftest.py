"""Signing fixtures: one throwaway CA per session (RSA keys are slow to make), a small WeasyPrint PDF, the clock
pinned so certificates made for 25/11/2026 are valid whatever day the suite runs."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from documents.signing import images, pades, testca
from documents.signing.signers import ServerKeySigner

NOW = datetime.datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LEADER = "Trần Kim Vũ"
AGENCY = "UBND huyện Vân Canh"

PAGE_HTML = """<html><head><style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm }
body { font-family: 'Liberation Serif'; font-size: 14pt }
.sign { margin-left: 55%; text-align: center; margin-top: 20mm }
.space { height: 30mm }
</style></head><body>
<p>ỦY BAN NHÂN DÂN HUYỆN VÂN CANH</p>
<p>Số: 3261/UBND</p>
<p>Về việc tăng cường sử dụng văn bản điện tử trong cơ quan nhà nước.</p>
<div class="sign"><b>CHỦ TỊCH</b><div class="space"></div><b>Trần Kim Vũ</b></div>
</body></html>"""


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def signatures_required(settings):
    """The flow refuses to issue unsigned (production's setting; tests/conftest.py turns it off for the rest)."""
    settings.IDESK_SIGNATURES_REQUIRED = True


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a step leaves for after its commit (notifications, the worker's tasks: inline in tests)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture(scope="session")
def ca():
    return testca.DemoCA(now=NOW.astimezone(datetime.UTC))


@pytest.fixture(scope="session")
def leader_cert(ca):
    return ca.person(LEADER, AGENCY)


@pytest.fixture(scope="session")
def agency_cert(ca):
    return ca.agency(AGENCY)


@pytest.fixture(scope="session")
def timestamper(ca):
    tsa = ca.timestamping_authority()
    return DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(tsa.certificate),
        tsa_key=translate_pyca_cryptography_key_to_asn1(tsa.key),
    )


@pytest.fixture(scope="session")
def plain_pdf():
    from weasyprint import HTML

    return HTML(string=PAGE_HTML).write_pdf()


@pytest.fixture(scope="session")
def leader_placement(plain_pdf):
    """Between the capacity line and the name: found on the rendered page (see test_visible_blocks)."""
    width, height = pades.page_size(plain_pdf)
    left = 30 * pades.MM + (width - 45 * pades.MM) * 0.55
    centre = left + (width - 15 * pades.MM - left) / 2
    return pades.Placement(0, (centre - 60, height - 298, centre + 60, height - 226))


@pytest.fixture(scope="session")
def signature_png():
    return images.scribble_png(LEADER)


@pytest.fixture(scope="session")
def seal_png():
    return images.seal_png(AGENCY)


def server_signer(issued: testca.Issued) -> ServerKeySigner:
    return ServerKeySigner.from_pkcs12(issued.pkcs12("mat-khau"), "mat-khau")


@pytest.fixture(scope="session")
def leader_signed(plain_pdf, leader_cert, leader_placement, signature_png):
    with time_machine.travel(NOW, tick=True):
        return pades.sign_as_leader(
            plain_pdf, server_signer(leader_cert), placement=leader_placement, signature_image=signature_png
        )


@pytest.fixture(scope="session")
def both_signed(leader_signed, agency_cert, leader_placement, seal_png):
    with time_machine.travel(NOW, tick=True):
        return pades.sign_as_agency(
            leader_signed,
            server_signer(agency_cert),
            leader_placement=leader_placement,
            seal_image=seal_png,
            agency_name=AGENCY,
        )


def pdfsig(tmp_path, data: bytes) -> str:
    if not shutil.which("pdfsig"):
        pytest.skip("pdfsig (poppler-utils) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
