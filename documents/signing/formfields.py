"""Text fields that a later step fills without breaking the signatures already in the file.

The leader signs before the number and date exist (NĐ30: they are given at issue). So the official PDF carries
two empty text fields where Appendix I puts them; issuing fills them (value and appearance) in an incremental
update. pyHanko's difference analysis counts that as form filling, which a signature without locks allows, and
`pdfsig` checks each signature's own byte range: both keep reporting the leader's signature valid.
"""

from __future__ import annotations

import io
import unicodedata

from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import TextStampStyle

from documents.signing.errors import SigningError
from documents.signing.pades import Box, Placement, font_path, latin_vietnamese_subset, text_style

FLAG_PRINT = 4
ITALIC_FONT = "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-italic.otf"


def add_text_fields(pdf_bytes: bytes, fields: dict[str, Placement]) -> bytes:
    """Empty, printable, read-only text fields at the given boxes (an incremental update)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    root = writer.root
    if "/AcroForm" not in root:
        form = generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()})
        root[pdf_name("/AcroForm")] = writer.add_object(form)
        writer.update_root()
    acroform = root["/AcroForm"]
    form_fields = acroform["/Fields"]
    for name, placement in fields.items():
        page_ref = writer.find_page_for_modification(placement.page)[0]
        page = page_ref.get_object()
        field = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Widget"),
                pdf_name("/FT"): pdf_name("/Tx"),
                pdf_name("/T"): pdf_string(name),
                pdf_name("/F"): generic.NumberObject(FLAG_PRINT),
                pdf_name("/Ff"): generic.NumberObject(1),  # read-only: filled by iDesk, never by a reader
                pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in placement.box),
                pdf_name("/P"): page_ref,
                pdf_name("/DA"): pdf_string("/Helv 0 Tf 0 g"),
            }
        )
        ref = writer.add_object(field)
        annots = page.get("/Annots")
        if annots is None:
            page[pdf_name("/Annots")] = generic.ArrayObject([ref])
        else:
            annots.get_object().append(ref)
            if isinstance(annots, generic.IndirectObject):
                writer.mark_update(annots)
        form_fields.append(ref)
        writer.update_container(page)
    writer.update_container(form_fields)
    writer.update_container(acroform)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def field_rects(pdf_bytes: bytes) -> dict[str, Placement]:
    """Every widget field's name and placement (text and signature fields alike)."""
    reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    found: dict[str, Placement] = {}
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0].get_object()
        for annot in page.get("/Annots", ()):
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Widget" and "/T" in annot:
                box: Box = tuple(float(v) for v in annot["/Rect"])  # type: ignore[assignment]
                found[str(annot["/T"])] = Placement(index, box)
    return found


def fill_text_fields(pdf_bytes: bytes, values: dict[str, tuple[str, int, bool]]) -> bytes:
    """Give each named field its value and appearance: (text, font size in pt, italic), centred in its box."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    fill_fields(writer, values)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fill_fields(writer: IncrementalPdfFileWriter, values: dict[str, tuple[str, int, bool]]) -> None:
    """fill_text_fields on a writer not yet written: the agency's signature then goes in the same revision as
    the number and date (one incremental update, not two: half the work for every later verification)."""
    acroform = writer.root["/AcroForm"]
    by_name = {}
    for ref in acroform["/Fields"]:
        by_name[str(ref.get_object().get("/T"))] = ref
    for name, (text, size, italic) in values.items():
        ref = by_name.get(name)
        if ref is None:
            raise SigningError(_("Tệp PDF đã ký không có ô “%(name)s” để điền.") % {"name": name})
        field = ref.get_object()
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        text = unicodedata.normalize("NFC", text)
        style = TextStampStyle(
            stamp_text=text.replace("%", "%%"),
            text_box_style=_text_style_for(size, italic),
            border_width=0,
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0),
            ),
        )
        stamp = style.create_stamp(writer, box=layout.BoxConstraints(width=x2 - x1, height=y2 - y1), text_params={})
        appearance = writer.add_object(stamp.as_form_xobject())
        field[pdf_name("/V")] = pdf_string(text)
        field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance})
        writer.update_container(field)


def _text_style_for(size: int, italic: bool):
    style = text_style(size)
    if not italic:
        return style
    from pathlib import Path

    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    path = ITALIC_FONT if Path(ITALIC_FONT).exists() else font_path()
    if path == ITALIC_FONT:
        path = latin_vietnamese_subset(path)
    from dataclasses import replace

    return replace(style, font=GlyphAccumulatorFactory(path, font_size=size))
