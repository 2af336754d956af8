"""Signature and seal images: only real PNGs with transparency, of sensible size."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from documents.signing import images
from documents.signing.errors import SigningError


def _png(mode: str, size=(200, 100), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    return out.getvalue()


def test_generated_images_are_valid_transparent_pngs():
    assert images.validate_png(images.scribble_png("Trần Kim Vũ")) == (480, 200)
    seal = images.seal_png("UBND huyện Vân Canh")
    assert images.validate_png(seal) == (400, 400)
    with Image.open(io.BytesIO(seal)) as image:
        assert image.getpixel((0, 0))[3] == 0  # transparent corner
        assert image.getpixel((200, 200))[:3] == (210, 20, 30)  # red star in the middle


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_png("RGB", fmt="JPEG"), "phải là tệp PNG"),
        (_png("RGB"), "nền trong suốt"),
        (_png("RGBA", size=(3000, 100)), "Kích thước ảnh"),
        (_png("RGBA", size=(20, 20)), "Kích thước ảnh"),
        (b"\x89PNG\r\n\x1a\n" + b"rubbish" * 10, "bị hỏng"),
        (b"\x89PNG\r\n\x1a\n" + bytes(600 * 1024), "quá lớn"),
    ],
)
def test_bad_images_are_refused(data, message):
    with pytest.raises(SigningError, match=message):
        images.validate_png(data)
