"""A cheap proof for the one incremental update iDesk itself makes after the leader's signature.

pyHanko's difference analysis reads every object of the signed revision (to find every path to every object the
update touches) and every object of the update (fonts included): on an issued document that is most of the cost
of verifying it. At "Cấp số và phát hành" iDesk's update only fills the empty number/date text fields (a value and
a new appearance), adds the agency's signature field to the page and to the form, and dates /Info.
`AgencyRevisionPolicy` checks exactly that shape and returns the verdict pyHanko's default policy returns for it
(form filling, the fields named); a file with any other shape — more revisions, another object changed, a key
added, a locked field or certification, an object of the update that the signed revision already names — goes
to pyHanko's full analysis. Why the shape is safe: no older object changes except the ones compared key by key
below (the form's /Fields and the page's /Annots only grow by the new signature widget; an empty text field
gains /V and /AP; /Info gets plain values and is named by the trailers alone), and the update's new objects can
only be reached through those appearances and that widget (which pyHanko's form rules allow whatever they draw),
since no byte of the signed revision names them.
"""

from __future__ import annotations

import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffPolicy, DiffResult, ModificationLevel

# A superset of what pyHanko's parser reads as an indirect reference ("12 0 R"): digits, whitespace, digits,
# whitespace, R. A match that is no reference (inside stream data) only costs the full analysis. Matched from the
# first digit of a number only: long runs of digits (a signature's hex) are not tried at every position.
REFERENCE = re.compile(rb"(?<![0-9])([0-9]+)[\s\x00]+[0-9]+[\s\x00]+R")
TRAILER_KEYS = {"/Size", "/Root", "/Info", "/ID", "/Prev"}
SIG_WIDGET_KEYS = {"/FT", "/T", "/Type", "/Subtype", "/F", "/Rect", "/P", "/V", "/AP"}


class NotThatShape(Exception):
    """The update is not the one iDesk makes at issue: pyHanko's full analysis decides."""


def _require(condition) -> None:
    if not condition:
        raise NotThatShape


class AgencyRevisionPolicy(DiffPolicy):
    """pyHanko's default policy, with a fast path for iDesk's issue update; `pdf_bytes`: the file being read."""

    def __init__(self, pdf_bytes: bytes, fallback: DiffPolicy = DEFAULT_DIFF_POLICY):
        self.pdf_bytes = pdf_bytes
        self.fallback = fallback
        self.fast_path_used = 0  # for tests: how many signatures the fast path decided

    def apply(self, old, new, field_mdp_spec=None, doc_mdp=None) -> DiffResult:
        return self.fallback.apply(old, new, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)

    def review_file(self, reader: PdfFileReader, base_revision, field_mdp_spec=None, doc_mdp=None):
        if field_mdp_spec is None and doc_mdp is None and isinstance(base_revision, int):
            try:
                result = agency_revision(reader, base_revision, self.pdf_bytes)
            except Exception:  # NotThatShape, or anything odd while looking: the full analysis decides
                result = None
            if result is not None:
                self.fast_path_used += 1
                return result
        return self.fallback.review_file(reader, base_revision, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)


def agency_revision(reader: PdfFileReader, base: int, pdf_bytes: bytes) -> DiffResult:
    """The verdict for a file whose only revision after `base` is iDesk's issue update; NotThatShape otherwise."""
    xrefs = reader.xrefs
    _require(xrefs.total_revisions == base + 2 and not xrefs.hybrid_xrefs_present)
    _require(reader.security_handler is None)
    old = reader.get_historical_resolver(base)
    new = reader.get_historical_resolver(base + 1)
    _require(not new.refs_freed_in_revision())
    old_size = xrefs.get_xref_container_info(base).size
    changed = new.explicit_refs_in_revision()
    updated = {ref for ref in changed if ref.idnum < old_size}
    added = {(ref.idnum, ref.generation) for ref in changed if ref.idnum >= old_size}

    old_trailer, new_trailer = old.trailer_view, new.trailer_view
    _require(set(new_trailer.keys()) <= TRAILER_KEYS and set(old_trailer.keys()) <= TRAILER_KEYS)
    root_ref = _ref(new_trailer.raw_get("/Root"))
    _require(root_ref == _ref(old_trailer.raw_get("/Root")))
    info = new_trailer.raw_get("/Info") if "/Info" in new_trailer else None
    info_ref = _ref(info) if info is not None else None
    _require(info_ref == (_ref(old_trailer.raw_get("/Info")) if "/Info" in old_trailer else None))
    root = old(_reference(root_ref, reader))
    _require(isinstance(root, generic.DictionaryObject) and not isinstance(root, generic.StreamObject))
    form_ref = _ref(root.raw_get("/AcroForm"))  # an indirect form: the catalog itself stays as signed
    _require(info_ref not in (root_ref, form_ref))

    old_fields: list = []
    form_added: list = []
    new_widgets: dict[tuple, tuple] = {}  # widget → the page it was added to, by reference
    pages_adding: dict[tuple, list] = {}
    filled: dict[tuple, str] = {}
    for ref in updated:
        key = (ref.idnum, ref.generation)
        before, after = old(ref), new(ref)
        _require(_plain_dict(before) and _plain_dict(after))
        if key == info_ref:
            # pyHanko allows any /Info reached from the trailer alone; here: plain values only (nothing it could
            # reach), and the bytes check below makes sure nothing but a trailer names it.
            _require(all(_plain_value(after.raw_get(name)) for name in after))
            continue
        if key == form_ref:
            old_fields, form_added = _appended(before, after, "/Fields", added)
        elif before.get("/Type") == "/Page":
            pages_adding[key] = _appended(before, after, "/Annots", added)[1]
        else:
            filled[key] = _filled_text_field(before, after, added)
    _require(form_ref in {(r.idnum, r.generation) for r in updated})
    old_field_refs = {_ref(item) for item in old_fields}
    _require(all(key in old_field_refs for key in filled))  # pyHanko's form rules see top-level fields only
    for page, widgets in pages_adding.items():
        for widget in widgets:
            _require(widget not in new_widgets)
            new_widgets[widget] = page
    _require(sorted(new_widgets) == sorted(form_added))  # each new widget on one page and in the form, once
    old_names = {str(old(item.reference).get("/T")) for item in old_fields}
    names = {filled[key] for key in filled}
    for widget, page in new_widgets.items():
        name = _new_signature_widget(new(_reference(widget, reader)), page, added)
        _require(name not in old_names and name not in names)
        names.add(name)
    info_changed = info_ref is not None and info_ref in {(r.idnum, r.generation) for r in updated}
    _require(_nothing_names(added, info_ref[0] if info_changed else None, xrefs, base, old, pdf_bytes))
    return DiffResult(ModificationLevel.FORM_FILLING, names)


def _ref(item) -> tuple:
    _require(isinstance(item, generic.IndirectObject))
    return (item.reference.idnum, item.reference.generation)


def _reference(key: tuple, reader) -> generic.Reference:
    return generic.Reference(key[0], key[1], pdf=reader)


def _plain_dict(obj) -> bool:
    return isinstance(obj, generic.DictionaryObject) and not isinstance(obj, generic.StreamObject)


def _appended(before, after, key: str, added: set) -> tuple[list, list]:
    """`key` is a direct array that only grew by references to new objects; every other key is as signed."""
    _require(set(after.keys()) == set(before.keys()) | {key})
    for name in before:
        if name != key:
            _require(_same(before.raw_get(name), after.raw_get(name)))
    old_items = before.raw_get(key) if key in before else generic.ArrayObject()
    new_items = after.raw_get(key)
    _require(isinstance(old_items, generic.ArrayObject) and isinstance(new_items, generic.ArrayObject))
    _require(len(new_items) > len(old_items))
    _require(all(_same(a, b) for a, b in zip(old_items, new_items, strict=False)))
    extra = [_ref(item) for item in list(new_items)[len(old_items) :]]  # list: raw items, not followed
    _require(all(item in added for item in extra))
    return list(old_items), extra


def _filled_text_field(before, after, added: set) -> str:
    """An empty top-level text field given a value and a new appearance, nothing else."""
    _require(before.get("/FT") == "/Tx" and "/Kids" not in before and "/Parent" not in before)
    _require("/V" not in before and "/AP" not in before)
    _require(set(after.keys()) == set(before.keys()) | {"/V", "/AP"})
    for name in before:
        _require(_same(before.raw_get(name), after.raw_get(name)))
    _require(isinstance(after.raw_get("/V"), generic.TextStringObject | generic.ByteStringObject))
    _new_appearance(after.raw_get("/AP"), added)
    return str(before.raw_get("/T"))


def _new_appearance(ap, added: set) -> None:
    _require(isinstance(ap, generic.DictionaryObject) and set(ap.keys()) == {"/N"})
    _require(_ref(ap.raw_get("/N")) in added)


def _new_signature_widget(widget, page: tuple, added: set) -> str:
    """A new, merged signature field and widget on `page`, its value and appearance new objects."""
    _require(_plain_dict(widget) and set(widget.keys()) <= SIG_WIDGET_KEYS)
    _require(widget.raw_get("/FT") == "/Sig" and widget.raw_get("/Subtype") == "/Widget")
    _require(widget.get("/Type", "/Annot") == "/Annot" and _ref(widget.raw_get("/P")) == page)
    if "/V" in widget:
        _require(_ref(widget.raw_get("/V")) in added)
    if "/AP" in widget:
        _new_appearance(widget.raw_get("/AP"), added)
    _require(isinstance(widget.raw_get("/F"), generic.NumberObject))
    rect = widget.raw_get("/Rect")
    _require(isinstance(rect, generic.ArrayObject) and len(rect) == 4)
    _require(all(isinstance(v, generic.NumberObject | generic.FloatObject) for v in rect))
    name = widget.raw_get("/T")
    _require(isinstance(name, generic.TextStringObject | generic.ByteStringObject))
    return str(name)


def _nothing_names(added: set, info_id, xrefs, base: int, old: HistoricalResolver, pdf_bytes: bytes) -> bool:
    """No byte of the signed revision names an object the update defines (in its objects, its object streams),
    and the /Info it changes (info_id) is named by the trailers alone (inside the cross-reference sections)."""
    end = xrefs.get_xref_container_info(base).end_location
    new_ids = {idnum for idnum, _ in added}
    trailers = []
    chunks = [(pdf_bytes[:end], True)]
    for revision in range(base + 1):
        meta = xrefs.get_xref_container_info(revision)
        trailers.append((meta.start_location, meta.end_location))
        for ref in xrefs.explicit_refs_in_revision(revision):
            where = xrefs.get_historical_ref(ref, revision)
            if isinstance(where, int):
                _require(where < end)
        for stream_ref in xrefs.object_streams_used_in(revision):
            stream = old(stream_ref)
            _require(isinstance(stream, generic.StreamObject))
            chunks.append((stream.data, False))
    for chunk, in_file in chunks:
        for match in REFERENCE.finditer(chunk):
            idnum = int(match.group(1))
            if idnum in new_ids:
                return False
            if idnum == info_id and not (in_file and any(a <= match.start() < b for a, b in trailers)):
                return False
    return True


def _plain_value(value) -> bool:
    return isinstance(
        value,
        generic.TextStringObject
        | generic.ByteStringObject
        | generic.NameObject
        | generic.NumberObject
        | generic.FloatObject
        | generic.BooleanObject,
    )


def _same(a, b) -> bool:
    """The same PDF value as written, without following references."""
    if isinstance(a, generic.IndirectObject):
        return isinstance(b, generic.IndirectObject) and a.reference == b.reference
    if isinstance(a, generic.TextStringObject | generic.ByteStringObject):
        return isinstance(b, generic.TextStringObject | generic.ByteStringObject) and (
            a.original_bytes == b.original_bytes
        )
    if isinstance(a, generic.ArrayObject):
        return isinstance(b, generic.ArrayObject) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, generic.DictionaryObject):
        if type(a) is not type(b) or set(a.keys()) != set(b.keys()):
            return False
        if isinstance(a, generic.StreamObject) and a.encoded_data != b.encoded_data:
            return False
        return all(_same(a.raw_get(k), b.raw_get(k)) for k in a)
    return type(a) is type(b) and a == b
