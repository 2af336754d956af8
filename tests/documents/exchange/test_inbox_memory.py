"""The inbox keeps neither the package nor its attachments in memory: the body is streamed to a temporary file, the
package parsed from it, each attachment decoded in pieces to a file of its own (edxml.parse_file's `spool`)."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import tracemalloc

from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory

from documents.core.files import OLE2
from documents.core.models import Delivery
from documents.exchange import edxml, views
from documents.exchange.edxml import Attachment, EdxmlError
from tests.documents.conftest import unit

from .test_exchange import INBOX, TOKEN, province_package

MB = 1024 * 1024


def _doc(size: int) -> bytes:
    """A legacy Word file (its kind is told by its header alone): random bytes, nothing to compress."""
    return OLE2 + os.urandom(size - len(OLE2))


def test_a_spooled_attachment_is_a_temporary_file_with_the_same_bytes():
    content = _doc(3 * MB)
    package = province_package(["000.00.00.X"], attachments=[Attachment("bao-cao.doc", "application/msword", content)])
    read = edxml.parse_file(io.BytesIO(edxml.build(package)), spool=True)
    [attachment] = read.attachments
    assert attachment.data == b"" and attachment.file is not None and attachment.size == len(content)
    assert hashlib.sha256(attachment.content()).digest() == hashlib.sha256(content).digest()
    edxml.close_attachments(read)
    assert attachment.file.closed


def test_a_refused_spooled_package_leaves_no_temporary_file_open(monkeypatch):
    opened = []
    real = tempfile.TemporaryFile

    def tracked(*args, **kwargs):
        handle = real(*args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr(tempfile, "TemporaryFile", tracked)
    data = edxml.build(province_package(["000.00.00.X"], attachments=[Attachment("a.doc", "x", _doc(MB), "1")]))
    cut = data.replace(b"DocumentId>", b"OtherId>")  # no DocumentId, whatever the prefix: a refusal
    try:
        edxml.parse_file(io.BytesIO(cut), spool=True)
    except EdxmlError:
        pass
    else:
        raise AssertionError("a package without DocumentId was read")
    assert opened and all(handle.closed for handle in opened)


def test_receiving_a_20_mb_package_holds_a_small_part_of_it_in_memory(
    peer, fake_peer, settings, django_capture_on_commit_callbacks
):
    settings.IDESK_EDXML_MAX_MB = 40
    content = _doc(15 * MB)
    package = province_package(
        [unit("xa-canh-hien").organ_id], attachments=[Attachment("bao-cao.doc", "application/msword", content, "1")]
    )
    with tempfile.TemporaryFile() as body:
        edxml.write(package, body)
        size = body.tell()
        body.seek(0)
        del package
        environ = RequestFactory().post(INBOX, data=b"", content_type="application/xml").environ
        environ.update({"wsgi.input": body, "CONTENT_LENGTH": str(size), "HTTP_AUTHORIZATION": f"Bearer {TOKEN}"})
        tracemalloc.start()
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = views.inbox(WSGIRequest(environ))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert size > 20 * MB and response.status_code == 200, response.content
    # Holding the body or the decoded file even once would be 15 to 20 MB; pieces of 1 MB are what it holds.
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"
    delivery = Delivery.objects.get(document__number_symbol="501/UBND-VX")
    with delivery.document.files.get().blob.content.open("rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(content).digest()
