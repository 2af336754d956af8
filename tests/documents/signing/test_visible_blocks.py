"""The visible signatures where Appendix I puts them, checked on the rendered page (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from documents.signing import pades

from .conftest import AGENCY, server_signer

DPI = 72  # one pixel per PDF point


def render_page(pdf: bytes, tmp_path) -> Image.Image:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as image:
        return image.convert("RGB")


def count_pixels(page: Image.Image, box, test) -> int:
    """Pixels passing `test` inside a PDF box (points from the bottom left)."""
    x1, y1, x2, y2 = box
    height = page.height
    region = page.crop((int(x1), int(height - y2), int(x2), int(height - y1)))
    return sum(1 for pixel in region.getdata() if test(pixel))


def _blue(p):
    return p[2] > 120 and p[0] < 90 and p[1] < 110


def _red(p):
    return p[0] > 150 and p[1] < 90 and p[2] < 90


def dark(p):
    return max(p) < 100


def test_the_leaders_image_and_the_agencys_seal_over_its_left_third(plain_pdf, both_signed, leader_placement, tmp_path):
    before, after = render_page(plain_pdf, tmp_path), render_page(both_signed, tmp_path)
    leader_box = leader_placement.box
    x1, y1, x2, y2 = leader_box
    right_two_thirds = (x1 + (x2 - x1) / 3, y1, x2, y2)
    seal = pades.seal_box(leader_box)
    assert count_pixels(before, leader_box, _blue) == 0 and count_pixels(before, seal, _red) == 0
    assert count_pixels(after, right_two_thirds, _blue) > 200  # the signature shows beside the seal
    assert count_pixels(after, seal, _red) > 500
    assert count_pixels(after, (x1, y1, x1 + (x2 - x1) / 3, y2), _red) > 50  # the seal covers the left third
    assert count_pixels(after, (x1 + (x2 - x1) / 3 + 2, y1, x2, y2), _red) == 0  # …and no more
    # The caption (agency, time) under the seal.
    sx1, sy1, sx2, _ = seal
    assert count_pixels(after, (sx1, sy1, sx2, sy1 + 20), dark) > 20


def test_the_top_right_block_for_attachments_and_copies(plain_pdf, agency_cert, tmp_path):
    signed = pades.sign_top_right(
        plain_pdf, server_signer(agency_cert), first_line="Phụ lục Công văn số 3261/UBND", agency_name=AGENCY
    )
    box = pades.top_right_box(plain_pdf).box
    before, after = render_page(plain_pdf, tmp_path), render_page(signed, tmp_path)
    assert count_pixels(before, box, dark) == 0
    assert count_pixels(after, box, dark) > 100
    width, height = pades.page_size(plain_pdf)
    assert box[0] > width / 2 and box[1] > height - 25 * pades.MM  # top right, within the top margin
