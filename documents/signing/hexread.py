"""A faster reader for PDF hex strings, the same result as pyHanko's own.

pyHanko reads a hex string one byte at a time through Python calls; a signature's /Contents is a hex string of
8,000–9,000 digits, so reading the two signatures of an issued document cost about a third of verifying it. This
reader finds the closing ">" in blocks and decodes in one call. Anything unusual (a comment inside the string, a
character that is no hex digit, a string with no end) goes to pyHanko's reader, which reads it (or raises) exactly
as before: the result is the same for every input, only the common case is faster.
"""

from __future__ import annotations

import binascii

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

HEX_DIGITS = b"0123456789abcdefABCDEF"
BLOCK = 16384
PYHANKO_READER = generic.read_hex_string_from_stream


def read_hex_string_from_stream(stream):
    start = stream.tell()
    stream.read(1)  # the opening "<"
    chunks = []
    while True:
        block = stream.read(BLOCK)
        if not block:  # no ">": pyHanko raises its own error
            return _fallback(stream, start)
        end = block.find(b">")
        if end >= 0:
            chunks.append(block[:end])
            break
        chunks.append(block)
    raw = b"".join(chunks)
    digits = raw.translate(None, PDF_WHITESPACE)
    if b"%" in raw or digits.translate(None, HEX_DIGITS):
        return _fallback(stream, start)
    stream.seek(start + 1 + len(raw) + 1)  # just after the ">", where pyHanko's reader leaves the stream
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def _fallback(stream, start: int):
    stream.seek(start)
    return PYHANKO_READER(stream)


def install() -> None:
    """pyHanko's object reader calls the module-level name: replace it once per process."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
