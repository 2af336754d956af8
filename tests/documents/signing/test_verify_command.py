"""manage.py verify_pdf: what it prints and how it exits."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from documents.signing.models import RevocationList, TrustedRoot

from .conftest import AGENCY, LEADER


def _run(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_pdf", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def files(tmp_path, both_signed, plain_pdf, ca):
    (tmp_path / "signed.pdf").write_bytes(both_signed)
    (tmp_path / "plain.pdf").write_bytes(plain_pdf)
    (tmp_path / "root.pem").write_text(ca.pem)
    tampered = bytearray(both_signed)
    tampered[200] ^= 0x01
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    return tmp_path


@pytest.mark.django_db
def test_two_good_signatures_exit_zero(files):
    code, out = _run(str(files / "signed.pdf"), "--trust", str(files / "root.pem"))
    assert code == 0
    assert out.count("hợp lệ, văn bản nguyên vẹn, chứng thư số tin cậy") == 2
    assert f"signer: {LEADER}" in out and f"organisation: {AGENCY}" in out
    assert "covers_whole_file: False" in out and "covers_whole_file: True" in out


@pytest.mark.django_db
def test_json_output(files):
    code, out = _run(str(files / "signed.pdf"), "--json", "--trust", str(files / "root.pem"))
    data = json.loads(out)
    assert code == 0
    assert [d["signer"] for d in data] == [LEADER, AGENCY]
    assert all(d["valid"] and d["trusted"] and d["revoked"] is None for d in data)
    assert data[0]["signed_at"].endswith("+07:00")


@pytest.mark.django_db
def test_roots_and_crls_come_from_the_database(files, ca):
    root = TrustedRoot(name="Demo")
    from documents.signing.certs import load_certificate

    root.set_certificate(load_certificate(ca.pem))
    root.save()
    crl = RevocationList()
    crl.set_crl(ca.crl_der())
    crl.save()
    code, out = _run(str(files / "signed.pdf"), "--json")
    assert code == 0
    assert all(d["trusted"] and d["revoked"] is False for d in json.loads(out))


@pytest.mark.django_db
def test_untrusted_passes_unless_strict(files):
    code, out = _run(str(files / "signed.pdf"))
    assert code == 0 and "không tin cậy" in out
    code, _ = _run(str(files / "signed.pdf"), "--strict")
    assert code == 1


@pytest.mark.django_db
def test_no_signature_exits_one(files):
    code, out = _run(str(files / "plain.pdf"))
    assert code == 1 and "không có chữ ký số" in out


@pytest.mark.django_db
def test_a_changed_byte_exits_one(files):
    code, out = _run(str(files / "tampered.pdf"), "--trust", str(files / "root.pem"))
    assert code == 1
    assert out.count("KHÔNG hợp lệ") == 2


@pytest.mark.django_db
def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("verify_pdf", str(tmp_path / "none.pdf"))
