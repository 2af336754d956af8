"""The cheap proof of iDesk's issue update (documents.signing.diffcheck): it decides only the shape iDesk makes, gives
pyHanko's own verdict there, and leaves every other shape (and every trick on it) to pyHanko's full analysis."""

from __future__ import annotations

import io

import pytest
import time_machine
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY

from documents.signing import diffcheck, formfields, pades, verify

from .conftest import AGENCY, NOW, server_signer

NUMBER = pades.Placement(0, (85.0, 400.0, 263.0, 416.0))
DATE = pades.Placement(0, (263.0, 400.0, 553.0, 416.0))
VALUES = {"SoKyHieu": ("Số: 3261/UBND", 13, False), "NgayThang": ("Vân Canh, ngày 25 tháng 11 năm 2026", 14, True)}


@pytest.fixture
def issue(plain_pdf, leader_cert, agency_cert, leader_placement, signature_png, seal_png):
    """The flow's two signatures (the number and date filled in the agency's revision), with hooks for tricks:
    `before_leader` changes the face in an update the leader signs, `extra` adds to the agency's update."""

    def make(before_leader=None, extra=None) -> bytes:
        with time_machine.travel(NOW, tick=True):
            face = formfields.add_text_fields(plain_pdf, {"SoKyHieu": NUMBER, "NgayThang": DATE})
            if before_leader is not None:
                face = _update(face, before_leader)
            signed = pades.sign_as_leader(
                face, server_signer(leader_cert), placement=leader_placement, signature_image=signature_png
            )

            def prepare(writer):
                formfields.fill_fields(writer, VALUES)
                if extra is not None:
                    extra(writer)

            return pades.sign_as_agency(
                signed,
                server_signer(agency_cert),
                leader_placement=formfields.field_rects(signed)["ChuKyLanhDao"],
                seal_image=seal_png,
                agency_name=AGENCY,
                prepare=prepare,
            )

    return make


def _update(pdf: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page(writer):
    return writer.find_page_for_modification(0)[0].get_object()


def _verdicts(pdf: bytes):
    """(fast path's verdict or None when it declines, pyHanko's full verdict) for the leader's signature."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    leader = reader.embedded_regular_signatures[0]
    full = DEFAULT_DIFF_POLICY.review_file(reader, leader.signed_revision)
    try:
        fast = diffcheck.agency_revision(reader, leader.signed_revision, pdf)
    except diffcheck.NotThatShape:
        fast = None
    return fast, full


def _level(result):
    return getattr(result, "modification_level", "suspicious")


@pytest.fixture
def fast_paths(monkeypatch):
    """How many signatures verify_pdf let the fast path decide."""
    used = []

    class Counting(diffcheck.AgencyRevisionPolicy):
        def review_file(self, *args, **kwargs):
            before = self.fast_path_used
            result = super().review_file(*args, **kwargs)
            used.append(self.fast_path_used - before)
            return result

    monkeypatch.setattr(verify, "AgencyRevisionPolicy", Counting)
    return used


def test_the_issue_update_is_decided_cheaply_with_pyhankos_verdict(issue, ca, fast_paths):
    issued = issue()
    fast, full = _verdicts(issued)
    assert fast is not None
    assert (fast.modification_level, fast.changed_form_fields) == (full.modification_level, full.changed_form_fields)
    assert full.changed_form_fields == {"SoKyHieu", "NgayThang", "ChuKyCoQuan"}
    results = verify.verify_pdf(issued, trusted_roots=[ca.pem])
    assert fast_paths == [1]
    assert [(r.intact, r.valid, r.trusted, r.covers_whole_file) for r in results] == [
        (True, True, True, False),
        (True, True, True, True),
    ]


def test_a_reference_written_ahead_by_the_signed_revision_goes_to_the_full_analysis(issue, ca, fast_paths):
    """The signed revision names an object number not defined yet, and the agency's update defines it: nothing
    older is changed, yet what the signed revision names is new. pyHanko judges it by every path to that object;
    the fast path, which follows none, must decline."""

    def foo(value):
        def change(writer):
            page = _page(writer)
            page[pdf_name("/Foo")] = value if isinstance(value, generic.PdfObject) else value(writer)
            writer.update_container(page)

        return change

    first = issue(before_leader=foo(generic.NumberObject(0)))
    assert _verdicts(first)[0] is not None  # the same file without the trick: decided cheaply
    reader = PdfFileReader(io.BytesIO(first), strict=False)
    last = reader.xrefs.total_revisions - 1
    ahead = max(ref.idnum for ref in reader.xrefs.explicit_refs_in_revision(last)) - 5  # one the agency adds
    issued = issue(before_leader=foo(lambda writer: generic.IndirectObject(ahead, 0, writer)))
    reader = PdfFileReader(io.BytesIO(issued), strict=False)
    assert ahead in {ref.idnum for ref in reader.xrefs.explicit_refs_in_revision(last)}  # the trick is in place
    fast, full = _verdicts(issued)
    assert fast is None
    results = verify.verify_pdf(issued, trusted_roots=[ca.pem])
    assert fast_paths == [0]
    assert results[0].intact and results[0].valid is (_level(full) != "suspicious")


def test_an_info_dictionary_named_by_the_page_too_goes_to_the_full_analysis(issue, ca, fast_paths):
    """/Info may change freely only because nothing but the trailer names it (here the page does, too)."""

    def page_names_info(writer):
        page = _page(writer)
        page[pdf_name("/Foo")] = writer.trailer.raw_get("/Info")
        writer.update_container(page)

    issued = issue(before_leader=page_names_info)
    fast, full = _verdicts(issued)
    assert fast is None
    results = verify.verify_pdf(issued, trusted_roots=[ca.pem])
    assert fast_paths == [0]
    assert results[0].valid is (_level(full) != "suspicious")


def _info_names_a_new_object(writer):
    info = writer.trailer["/Info"]
    info[pdf_name("/Foo")] = writer.add_object(generic.DictionaryObject())
    writer.update_container(info)


def _new_content(writer):
    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 500 Td (Khac) Tj ET"))
    page = _page(writer)
    page[pdf_name("/Contents")] = stream
    writer.update_container(page)


def _open_action(writer):
    writer.root[pdf_name("/OpenAction")] = generic.ArrayObject([generic.NumberObject(0), pdf_name("/Fit")])
    writer.update_root()


def _text_annotation(writer):
    note = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Text"),
                pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (10, 10, 30, 30)]),
                pdf_name("/Contents"): generic.pdf_string("ghi chú"),
            }
        )
    )
    page = _page(writer)
    page[pdf_name("/Annots")].append(note)
    writer.update_container(page)


def _field_flag(writer):
    field = writer.root["/AcroForm"]["/Fields"][0].get_object()
    field[pdf_name("/Ff")] = generic.NumberObject(0)  # the read-only number field made editable
    writer.update_container(field)


@pytest.mark.parametrize("extra", [_new_content, _open_action, _text_annotation, _field_flag, _info_names_a_new_object])
def test_anything_more_in_the_agencys_update_goes_to_the_full_analysis(issue, ca, fast_paths, extra):
    issued = issue(extra=extra)
    fast, full = _verdicts(issued)
    assert fast is None
    results = verify.verify_pdf(issued, trusted_roots=[ca.pem])
    assert fast_paths == [0]
    # The verdict is pyHanko's own: a changed page content is refused, whatever the rest.
    ok = _level(full) != "suspicious"
    assert results[0].valid is ok
    if extra is _new_content:
        assert not ok


def test_two_updates_after_the_leader_go_to_the_full_analysis(both_signed, ca, fast_paths, timestamper):
    long_term = pades.make_long_term(
        both_signed, timestamper=timestamper, validation_context=verify.validation_context(trusted_roots=[ca.pem])
    )
    results = verify.verify_pdf(long_term, trusted_roots=[ca.pem])
    assert [r.valid for r in results] == [True, True]
    assert fast_paths == [0, 0]  # several revisions follow each signature


def test_a_changed_byte_in_the_agencys_update_still_breaks_the_agencys_signature(issue, ca):
    issued = issue()
    reader = PdfFileReader(io.BytesIO(issued), strict=False)
    start, length = list(reader.embedded_regular_signatures[0].sig_object["/ByteRange"])[2:]
    at = start + length + 40  # inside the agency's update: covered by the agency's signature only
    tampered = issued[:at] + bytes([issued[at] ^ 0x01]) + issued[at + 1 :]
    results = verify.verify_pdf(tampered, trusted_roots=[ca.pem])
    assert results[1].intact is False and results[1].valid is False
