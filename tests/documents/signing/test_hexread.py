"""The faster hex-string reader gives what pyHanko's own gives, for every input, and leaves the stream where it does."""

import io

import pytest
from pyhanko.pdf_utils.misc import PdfStreamError

from documents.signing import hexread

CASES = [
    b"<48656c6c6f> rest",
    b"<48 65 6c\n6c\r6f\t> rest",
    b"<4865f> rest",  # odd count: a 0 is appended
    b"<> rest",
    b"<3082" + b"0a" * 9000 + b"> rest",  # longer than a block, like a signature's /Contents
    b"<48 % a comment\n65> rest",  # a comment inside: pyHanko's reader handles it
    b"<00FFaaBB>",
]
BROKEN = [b"<48zz65> rest", b"<4865", b"<48" + b"0" * 20000]


@pytest.mark.parametrize("data", CASES)
def test_same_result_and_position_as_pyhanko(data):
    ours, theirs = io.BytesIO(data), io.BytesIO(data)
    result = hexread.read_hex_string_from_stream(ours)
    expected = hexread.PYHANKO_READER(theirs)
    assert result == expected
    assert type(result) is type(expected)
    assert ours.tell() == theirs.tell()


@pytest.mark.parametrize("data", BROKEN)
def test_broken_strings_raise_as_pyhanko_does(data):
    with pytest.raises(PdfStreamError) as theirs:
        hexread.PYHANKO_READER(io.BytesIO(data))
    with pytest.raises(PdfStreamError) as ours:
        hexread.read_hex_string_from_stream(io.BytesIO(data))
    assert str(ours.value) == str(theirs.value)


def test_installed_for_pyhanko_object_reader():
    from pyhanko.pdf_utils import generic

    import documents.signing.verify  # noqa: F401 - installs it

    assert generic.read_hex_string_from_stream is hexread.read_hex_string_from_stream
    assert generic.read_object(io.BytesIO(b"<414243>"), None) == "ABC"
