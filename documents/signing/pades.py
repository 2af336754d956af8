"""PAdES signing of PDFs (B-B, B-T with a timestamper, B-LTA) with the visible blocks of NĐ30 Appendix I.

Every signature is an incremental update, so the signatures already in the file keep verifying.
Boxes are PDF points from the page's bottom-left corner: (x1, y1, x2, y2).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext

from documents.signing import hexread
from documents.signing.errors import SigningError
from documents.signing.loops import outside_running_loop

hexread.install()  # the file being signed is read too

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# pyHanko 0.38 writes glyph widths unscaled, so the font must have 1000 units per em (Times-metric TeX Gyre).
STAMP_FONT = "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-regular.otf"
MM = 72 / 25.4

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Placement:
    page: int  # 0-based
    box: Box


def signing_time(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or datetime.datetime.now(datetime.UTC)).astimezone(VIETNAM).replace(microsecond=0)


def iso_vietnam(moment: datetime.datetime) -> str:
    """ISO 8601 with the +07:00 offset, as Appendix I asks for the agency's signing time."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def font_path() -> str:
    path = getattr(settings, "IDESK_STAMP_FONT", STAMP_FONT)
    if not Path(path).exists():
        raise SigningError(
            _("Thiếu phông chữ cho thông tin chữ ký số (%(path)s): cài gói fonts-texgyre hoặc đặt IDESK_STAMP_FONT.")
            % {"path": path}
        )
    return latin_vietnamese_subset(path)


_VIETNAMESE = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ"
    "ỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ–—‘’“”…°·"
)


@functools.cache
def latin_vietnamese_subset(path: str) -> str:
    """The font cut to ASCII and Vietnamese letters, once per font file: pyHanko subsets the font again for
    every signature, and on the whole of TeX Gyre Termes that alone costs about 100 ms."""
    source = Path(path)
    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|1".encode()).hexdigest()[:16]
    target = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "cache" / f"stamp-font-{key}{source.suffix}"
    if target.exists():
        return str(target)
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = []  # precomposed Vietnamese glyphs; no shaping needed for a stamp
    options.drop_tables += ["GPOS", "GSUB"]
    options.name_IDs = ["*"]
    options.hinting = False
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=set(range(0x20, 0x7F)) | {0xA0} | {ord(ch) for ch in _VIETNAMESE})
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)  # atomic: another process may be writing the same file
    return str(target)


def text_style(font_size: int) -> TextBoxStyle:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    return TextBoxStyle(
        font=GlyphAccumulatorFactory(font_path(), font_size=font_size),
        font_size=font_size,
        leading=round(font_size * 1.2),
        border_width=0,
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MIN
        ),
    )


def _stamp_style(image: bytes | None, text: str | None, font_size: int, image_align: str):
    background = None
    if image:
        background = PdfImage(Image.open(io.BytesIO(image)))
    image_layout = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID,
        y_align=layout.AxisAlignment.ALIGN_MAX if image_align == "top" else layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins.uniform(0),
    )
    if not text:
        return StaticStampStyle(background=background, background_layout=image_layout, border_width=0)
    return TextStampStyle(
        stamp_text=unicodedata.normalize("NFC", text).replace("%", "%%"),
        text_box_style=text_style(font_size),
        background=background,
        background_opacity=1.0,
        background_layout=image_layout,
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN if image else layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0),
        ),
    )


def sign_pdf(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    field_name: str,
    box: Placement | None,
    image: bytes | None = None,
    stamp_text: str | None = None,
    reason: str = "",
    location: str = "",
    timestamper: TimeStamper | None = None,
    font_size: int = 10,
    image_align: str = "middle",
    prepare: Callable[[IncrementalPdfFileWriter], None] | None = None,
) -> bytes:
    """Add one PAdES signature as an incremental update; B-T when a timestamper is given, B-B otherwise.

    `box=None` makes an invisible signature; otherwise the box shows `image` and/or `stamp_text`. `prepare`
    changes the file in the same update before it is signed (the agency's number and date).
    """
    if signer.signing_cert is None:
        raise SigningError(_("Không có chứng thư số để ký."))
    spec = None
    style = None
    if box is not None:
        spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=box.page, box=tuple(round(v, 2) for v in box.box))
        if image or stamp_text:
            style = _stamp_style(image, stamp_text, font_size, image_align)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )

    def attempt(room: int | None) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        if prepare is not None:
            prepare(writer)
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, timestamper=timestamper, new_field_spec=spec, stamp_style=style
        )
        out = io.BytesIO()
        outside_running_loop(pdf_signer.sign_pdf, writer, output=out, bytes_reserved=room)
        return out.getvalue()

    try:
        try:
            return attempt(container_room(signer, timestamper))
        except PyHankoSigningError:
            # The container outgrew its room (or pyHanko refused for another reason, which it will again):
            # once more with the room pyHanko measures itself.
            return attempt(None)
    except SigningError:
        raise
    except Exception as exc:
        # pyHanko's own errors (a field name taken, a locked document) are refusals too.
        raise SigningError(_("Không ký được tệp PDF: %(error)s") % {"error": exc}) from exc


# DER bytes kept in a signature container beside its certificates and signature value: the signed attributes
# (~0.5 KB), and a timestamp token with its authority's certificates (3-6 KB seen).
ATTRIBUTES_ROOM = 4 * 1024
TIMESTAMP_ROOM = 16 * 1024


def container_room(signer: signers.Signer, timestamper: TimeStamper | None) -> int:
    """The room for the signature container in the file, in hex digits, from what the container holds. Left to
    pyHanko, it builds a whole container first to measure it (dry run): a quarter of a signature's time."""
    certificates = [signer.signing_cert, *signer.cert_registry]
    der = sum(len(c.dump()) for c in certificates) + signer.signing_cert.public_key.byte_size + ATTRIBUTES_ROOM
    if timestamper is not None:
        der += TIMESTAMP_ROOM
    return 2 * der


def make_long_term(pdf_bytes: bytes, *, timestamper: TimeStamper, validation_context: ValidationContext) -> bytes:
    """PAdES B-LTA: the validation data of every signature (certificates, CRLs) in the DSS, then a document
    timestamp over the whole file. The signatures should carry their own timestamps (B-T) already."""
    from pyhanko.sign.validation import add_validation_info

    data = pdf_bytes
    try:
        count = len(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)
        for index in range(count):
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            out = outside_running_loop(
                add_validation_info, reader.embedded_signatures[index], validation_context, output=io.BytesIO()
            )
            data = out.getvalue()
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = io.BytesIO()
        stamper = signers.PdfTimeStamper(timestamper)
        outside_running_loop(stamper.timestamp_pdf, writer, "sha256", validation_context, output=out)
    except Exception as exc:
        message = _("Không thêm được dữ liệu kiểm tra và dấu thời gian lưu trữ dài hạn: %(error)s")
        raise SigningError(message % {"error": exc}) from exc
    return out.getvalue()


# --- The standard placements of Appendix I ---------------------------------------------------------------


def page_size(pdf_bytes: bytes, page: int = 0) -> tuple[float, float]:
    reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    x1, y1, x2, y2 = (float(v) for v in reader.root["/Pages"]["/Kids"][page].get_object()["/MediaBox"])
    return x2 - x1, y2 - y1


def seal_box(leader_box: Box, *, seal_mm: float = 36, caption_pt: float = 26) -> Box:
    """The seal over the left third of the leader's image, vertically centred on it; a caption below the seal."""
    x1, y1, x2, y2 = leader_box
    side = seal_mm * MM
    right = x1 + (x2 - x1) / 3
    middle = (y1 + y2) / 2
    return (right - side, middle - side / 2 - caption_pt, right, middle + side / 2)


def top_right_box(pdf_bytes: bytes, *, page: int = 0, width_mm: float = 75, lines: int = 3) -> Placement:
    """Top right of the page, inside the right margin line and above the text (top margin 20 mm)."""
    width, height = page_size(pdf_bytes, page)
    right = width - 15 * MM
    top = height - 5 * MM
    return Placement(page, (right - width_mm * MM, top - lines * 12 - 2, right, top))


def sign_as_leader(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    placement: Placement,
    signature_image: bytes | None,
    reason: str = "Ký duyệt văn bản",
    location: str = "",
    timestamper: TimeStamper | None = None,
    field_name: str = "ChuKyLanhDao",
) -> bytes:
    """The competent person's signature: their image in the signature block, no text (Appendix I)."""
    return sign_pdf(
        pdf_bytes,
        signer,
        field_name=field_name,
        box=placement,
        image=signature_image,
        reason=reason,
        location=location,
        timestamper=timestamper,
    )


def sign_as_agency(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    leader_placement: Placement,
    seal_image: bytes | None,
    agency_name: str,
    now: datetime.datetime | None = None,
    reason: str = "Phát hành văn bản",
    location: str = "",
    timestamper: TimeStamper | None = None,
    field_name: str = "ChuKyCoQuan",
    prepare: Callable[[IncrementalPdfFileWriter], None] | None = None,
) -> bytes:
    """The agency's signature: its seal overlapping the left third of the leader's image; name and time below."""
    moment = signing_time(now)
    return sign_pdf(
        pdf_bytes,
        signer,
        field_name=field_name,
        box=Placement(leader_placement.page, seal_box(leader_placement.box)),
        image=seal_image,
        stamp_text=f"{agency_name}\n{iso_vietnam(moment)}",
        reason=reason,
        location=location,
        timestamper=timestamper,
        font_size=7,
        image_align="top",
        prepare=prepare,
    )


def sign_top_right(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    first_line: str,
    agency_name: str,
    now: datetime.datetime | None = None,
    reason: str = "Phát hành văn bản",
    location: str = "",
    timestamper: TimeStamper | None = None,
    field_name: str = "ChuKyCoQuan",
) -> bytes:
    """The agency's block at the top right of page 1, Times 10, no seal: attachments (first line: the number
    and symbol) and electronic copies (first line: the kind of copy, e.g. "SAO Y")."""
    moment = signing_time(now)
    return sign_pdf(
        pdf_bytes,
        signer,
        field_name=field_name,
        box=top_right_box(pdf_bytes),
        stamp_text=f"{first_line}\n{iso_vietnam(moment)}\n{agency_name}",
        reason=reason,
        location=location,
        timestamper=timestamper,
        font_size=10,
    )
