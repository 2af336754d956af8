"""Number and date filled after the leader signed: both signatures hold (pyHanko and pdfsig), the page shows them."""

from __future__ import annotations

import time_machine

from documents.signing import formfields, pades, verify
from tests.documents.signing.test_visible_blocks import count_pixels, dark, render_page

from .conftest import AGENCY, NOW, pdfsig, server_signer

NUMBER = pades.Placement(0, (85.0, 400.0, 263.0, 416.0))  # empty parts of the test page
DATE = pades.Placement(0, (263.0, 400.0, 553.0, 416.0))


def _issued(plain_pdf, leader_cert, agency_cert, leader_placement, signature_png, seal_png):
    with time_machine.travel(NOW, tick=True):
        face = formfields.add_text_fields(plain_pdf, {"SoKyHieu": NUMBER, "NgayThang": DATE})
        signed = pades.sign_as_leader(
            face, server_signer(leader_cert), placement=leader_placement, signature_image=signature_png
        )
        filled = formfields.fill_text_fields(
            signed,
            {"SoKyHieu": ("Số: 3261/UBND", 13, False), "NgayThang": ("Vân Canh, ngày 05 tháng 12 năm 2016", 14, True)},
        )
        rects = formfields.field_rects(filled)
        return (
            face,
            len(signed),
            pades.sign_as_agency(
                filled,
                server_signer(agency_cert),
                leader_placement=rects["ChuKyLanhDao"],
                seal_image=seal_png,
                agency_name=AGENCY,
            ),
        )


def test_filled_fields_keep_the_leaders_signature(
    plain_pdf, leader_cert, agency_cert, leader_placement, signature_png, seal_png, ca, tmp_path
):
    face, _, issued = _issued(plain_pdf, leader_cert, agency_cert, leader_placement, signature_png, seal_png)
    results = verify.verify_pdf(issued, trusted_roots=[ca.pem])
    assert [r.field_name for r in results] == ["ChuKyLanhDao", "ChuKyCoQuan"]
    assert all(r.intact and r.valid and r.trusted for r in results)
    assert not results[0].covers_whole_file and results[1].covers_whole_file
    assert pdfsig(tmp_path, issued).count("Signature is Valid.") == 2
    # The number and date show where the fields are, and were not there when the leader signed.
    before, after = render_page(face, tmp_path), render_page(issued, tmp_path)
    for placement in (NUMBER, DATE):
        assert count_pixels(before, placement.box, dark) == 0
        assert count_pixels(after, placement.box, dark) > 40


def test_a_changed_byte_in_the_filling_breaks_the_agencys_signature(
    plain_pdf, leader_cert, agency_cert, leader_placement, signature_png, seal_png, ca
):
    _, leader_end, issued = _issued(plain_pdf, leader_cert, agency_cert, leader_placement, signature_png, seal_png)
    at = leader_end + 40  # inside the filling's revision: covered by the agency's signature only
    tampered = issued[:at] + bytes([issued[at] ^ 0x01]) + issued[at + 1 :]
    results = verify.verify_pdf(tampered, trusted_roots=[ca.pem])
    assert results[1].intact is False and results[1].valid is False
