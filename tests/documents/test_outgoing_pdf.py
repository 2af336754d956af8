"""The official PDF (NĐ30 Appendix I), read back with poppler's pdftotext and pypdf: the founding letter's face,
A4 and its margins, the embedded Liberation Serif with Vietnamese glyphs, page numbers from page 2, named types,
urgency, signing capacity, the copy block, and the cache by content."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents.core import faces
from documents.models import CopyKind, DocType, Document, DocumentFile, PdfCache, StoredFile, Urgency
from documents.outgoing import copies
from documents.outgoing import pdf as official_pdf
from documents.outgoing import services as outgoing
from documents.signing.models import SigningCertificate
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import blob_bytes, founding_letter, issued, official_pdf_of, pdf_text, signed

# Every test reads the test district (the module's founding-letter fixture too): marked, they run before the
# transactional tests of the session, whose flush would take the world away until `seeded` builds it again.
pytestmark = pytest.mark.django_db

MM = 72 / 25.4
A4 = (595.28, 841.89)
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, 15 * MM, 20 * MM, 20 * MM  # the template's margins, within NĐ30's ranges


@pytest.fixture(scope="module")
def letter_pdf(django_db_setup, django_db_blocker) -> bytes:
    """Công văn 3261/UBND of 05/12/2016 (tests/documents/outgoing_builders.py), rendered once for the module."""
    with django_db_blocker.unblock():
        document = founding_letter(save=False)
        return official_pdf.render(official_pdf.face_context(document))


@pytest.fixture(scope="module")
def letter_text(letter_pdf) -> str:
    return pdf_text(letter_pdf)


def words(pdf: bytes, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) of one page, from `pdftotext -bbox` (y grows downwards)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        html = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), f.name, "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(pattern, html)]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def squeeze(text: str) -> str:
    """Layout text with runs of spaces collapsed, so phrases split by columns still match."""
    return re.sub(r"[ \t]+", " ", text)


# --- The founding letter -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "Số: 3261/UBND",
        "Vân Canh, ngày 05 tháng 12 năm 2016",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "HUYỆN VÂN CANH",
        "V/v thực hiện nghiêm túc",
        "Kính gửi:",
        "- Các phòng, ban, ngành;",
        "- UBND các xã, thị trấn.",
        "Thực hiện Thông báo kết luận số 282/TB-UBND ngày 31/12/2015",
        "nghiêm túc triển khai thực hiện nội dung này./.",
        "CHỦ TỊCH",
        "Trần Kim Vũ",
        "Nơi nhận:",
        "- Như trên;",
        "- Lãnh đạo UBND huyện;",
        "- LĐVP;",
        "- Lưu: VT, CV.",
    ],
)
def test_the_founding_letter_reads_like_the_original(letter_text, phrase):
    assert phrase in squeeze(letter_text)


def test_the_issuer_sits_beside_the_national_title(letter_text):
    first, second, third = lines(squeeze(letter_text))[:3]
    assert first == "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert second == "HUYỆN VÂN CANH Độc lập - Tự do - Hạnh phúc"
    assert third == "Số: 3261/UBND Vân Canh, ngày 05 tháng 12 năm 2016"


def test_vietnamese_glyphs_survive_extraction(letter_text):
    for letter in "ơưạđĐếộờợủĨ":
        assert letter in letter_text, letter
    for phrase in ["phối hợp", "Thủ trưởng", "thường xuyên", "Tự do - Hạnh phúc", "Trần Kim Vũ"]:
        assert phrase in squeeze(letter_text)
    assert "\ufffd" not in letter_text


def test_every_page_is_a4_portrait(letter_pdf):
    reader = PdfReader(io.BytesIO(letter_pdf))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)


def test_the_margins_are_those_of_appendix_i(letter_pdf):
    page = words(letter_pdf, 1)
    assert min(x0 for x0, *_ in page) == pytest.approx(LEFT, abs=1)  # 30 mm: the body's left edge
    assert max(x1 for _, _, x1, _, _ in page) == pytest.approx(A4[0] - RIGHT, abs=1.5)  # justified to 15 mm
    assert min(y0 for _, y0, *_ in page) >= TOP - 1
    assert max(y1 for *_, y1, _ in page) <= A4[1] - BOTTOM + 1


def test_the_body_is_justified_with_a_first_line_indent(letter_pdf):
    page = words(letter_pdf, 1)
    starts = {round(x0) for x0, y0, *_ in page if y0 > 200}
    assert round(LEFT) in starts  # continuation lines start at the margin
    assert any(round(LEFT + 1.0 * 72 / 2.54) <= x <= round(LEFT + 1.27 * 72 / 2.54) + 1 for x in starts)  # 1–1.27 cm


def test_the_font_is_liberation_serif_embedded(letter_pdf):
    reader = PdfReader(io.BytesIO(letter_pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font["/FontDescriptor"]
            )
            assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]  # embedded, not referenced
    # Every run is in Liberation Serif: a missing Vietnamese glyph would have pulled in a fallback font.
    assert names <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }
    assert {"Liberation-Serif", "Liberation-Serif-Bold"} <= names


def test_page_numbers_start_on_page_2_centred_in_the_top_margin(letter_pdf):
    assert len(PdfReader(io.BytesIO(letter_pdf)).pages) == 2
    assert not [w for w in words(letter_pdf, 1) if w[1] < TOP]  # nothing in page 1's top margin
    in_margin = [w for w in words(letter_pdf, 2) if w[1] < TOP]
    assert [w[4] for w in in_margin] == ["2"]
    x0, _, x1, _, _ = in_margin[0]
    assert (x0 + x1) / 2 == pytest.approx((LEFT + A4[0] - RIGHT) / 2, abs=3)


# --- Other faces -------------------------------------------------------------------------------------------


# --- The rules (Appendix I) ----------------------------------------------------------------------------------------


def rules(pdf: bytes, page: int = 0) -> list[tuple[float, float, float, float]]:
    """(xMin, xMax, yTop, yBottom) in pt (y grows downwards) of the page's rules: WeasyPrint clips each border it
    draws to its strip (m l l l W*), so the thin clip rectangles are the rules. Its content stream is in CSS px,
    y already flipped by its first `cm`."""
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    found, path = [], []
    for args, op in ContentStream(reader.pages[page].get_contents(), reader).operations:
        if op in (b"m", b"l"):
            point = (float(args[0]) * 0.75, float(args[1]) * 0.75)
            path = [point] if op == b"m" else [*path, point]
        elif op == b"W*" and len(path) == 4:
            xs, ys = [x for x, _ in path], [y for _, y in path]
            if 0 < max(ys) - min(ys) <= 1.2 and max(xs) - min(xs) > 5:
                found.append((min(xs), max(xs), min(ys), max(ys)))
        elif op != b"n":
            path = []
    return found


def line_box(page: list, first: str, last: str) -> tuple[float, float, float]:
    """(xMin, xMax, yMax) of the line running from the word `first` to the word `last`."""
    start = next(w for w in page if w[4] == first)
    end = next(w for w in page if w[4] == last and abs(w[1] - start[1]) < 2)
    return start[0], end[2], max(start[3], end[3])


def rule_under(found: list, x0: float, x1: float, y: float) -> tuple[float, float, float, float]:
    """The first rule below y whose middle lies between x0 and x1."""
    return min((r for r in found if r[2] > y and x0 < (r[0] + r[1]) / 2 < x1), key=lambda r: r[2])


def test_the_motto_rule_is_as_long_as_the_motto(letter_pdf):
    x0, x1, bottom = line_box(words(letter_pdf, 1), "Độc", "phúc")
    rule = rule_under(rules(letter_pdf), x0, x1, bottom - 5)
    assert rule[0] == pytest.approx(x0, abs=1.5) and rule[1] == pytest.approx(x1, abs=1.5)
    assert rule[2] >= bottom + 1  # under the letters, not through them


def test_the_issuer_rule_is_short_and_clear_of_the_letters(letter_pdf):
    x0, x1, bottom = line_box(words(letter_pdf, 1), "HUYỆN", "CANH")
    rule = rule_under(rules(letter_pdf), x0, x1, bottom - 5)
    assert rule[2] >= bottom + 1.5  # clear of the dots under Ệ and the descenders
    assert (x1 - x0) / 3 <= rule[1] - rule[0] <= (x1 - x0) / 2 + 1
    assert (rule[0] + rule[1]) / 2 == pytest.approx((x0 + x1) / 2, abs=1.5)  # centred under the line


@pytest.fixture(scope="module", params=["Công tác văn thư năm 2017", "Triển khai phần mềm Văn phòng điện tử năm 2017"])
def plan_face(request, django_db_setup, django_db_blocker) -> bytes:
    """A named type's face (the founding letter's fields as a Kế hoạch), a short and a long title line."""
    with django_db_blocker.unblock():
        context = official_pdf.face_context(founding_letter(save=False))
    summary = request.param
    return official_pdf.render({**context, "named": True, "type_title": "KẾ HOẠCH", "summary": summary})


def test_the_title_rule_is_a_third_to_a_half_of_the_title_line(plan_face):
    page = words(plan_face, 1)
    x0, x1, bottom = line_box(page, next(w[4] for w in page if w[4] in ("Công", "Triển")), "2017")
    rule = rule_under(rules(plan_face), x0, x1, bottom - 5)
    assert (x1 - x0) / 3 <= rule[1] - rule[0] <= (x1 - x0) / 2
    assert (rule[0] + rule[1]) / 2 == pytest.approx((x0 + x1) / 2, abs=1.5)
    assert rule[2] >= bottom + 1.5


@pytest.fixture(autouse=False)
def plan(db) -> Document:
    return issued(doc_type=DocType.KE_HOACH, summary="Triển khai phần mềm Văn phòng điện tử năm 2017")


def test_a_named_type_shows_its_title_and_no_vv(plan):
    text = squeeze(pdf_text(official_pdf_of(plan)))
    assert f"Số: {plan.number_symbol}" in text
    assert plan.number_symbol.endswith("/KH-UBND")
    assert "KẾ HOẠCH" in lines(text)
    assert "Triển khai phần mềm Văn phòng điện tử năm 2017" in lines(text)
    assert "V/v" not in text


def test_a_cong_van_shows_vv_once_even_when_the_summary_starts_with_it(db):
    document = issued(summary="V/v tăng cường sử dụng iDesk")
    text = squeeze(pdf_text(official_pdf_of(document)))
    assert "V/v tăng cường sử dụng iDesk" in text
    assert text.count("V/v") == 1


@pytest.mark.parametrize(
    ("urgency", "mark"), [(Urgency.KHAN, "KHẨN"), (Urgency.THUONG_KHAN, "THƯỢNG KHẨN"), (Urgency.HOA_TOC, "HỎA TỐC")]
)
def test_an_urgent_document_carries_its_mark(db, urgency, mark):
    document = issued(urgency=urgency)
    assert mark in lines(squeeze(pdf_text(official_pdf_of(document))))


def test_an_ordinary_document_has_no_urgency_mark(db):
    text = pdf_text(official_pdf_of(issued()))
    assert "KHẨN" not in text and "HỎA TỐC" not in text


def test_a_deputy_signs_for_the_chairman(db):
    document = issued(signer=user("pct.kinhte"), signing_capacity="KT.")
    text = lines(squeeze(pdf_text(official_pdf_of(document))))
    signer_lines = [line for line in text if "CHỦ TỊCH" in line]
    assert any(line.endswith("KT. CHỦ TỊCH") for line in signer_lines)
    assert any(line.endswith("PHÓ CHỦ TỊCH") and "KT." not in line for line in signer_lines)
    assert any(line.endswith("Nguyễn Thanh Hải") for line in text)


def test_on_behalf_of_the_committee(db):
    document = issued(signing_capacity="TM.")
    text = squeeze(pdf_text(official_pdf_of(document)))
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "CHỦ TỊCH" in text.split("TM. ỦY BAN NHÂN DÂN", 1)[1]


def test_a_department_document_names_its_parent_body(db):
    head = user("truong.noivu")
    document = issued(
        author="cv1.noivu", head="truong.noivu", clerk="vanthu.noivu", issuer_unit=None, signer=head,
        recipient_groups=[], recipient_units=[unit("xa-canh-hien")],
    )  # fmt: skip
    first, second = lines(squeeze(pdf_text(official_pdf_of(document))))[:2]
    assert first.startswith("UBND HUYỆN VÂN CANH")
    assert second.startswith("PHÒNG NỘI VỤ")
    assert "TRƯỞNG PHÒNG" in pdf_text(official_pdf_of(document))


# --- The cache -------------------------------------------------------------------------------------------------


def test_the_same_content_renders_once(unsigned, plan, monkeypatch):
    renders = []
    real_render = official_pdf.render
    monkeypatch.setattr(official_pdf, "render", lambda context: renders.append(1) or real_render(context))
    before = (PdfCache.objects.count(), StoredFile.objects.count(), DocumentFile.objects.filter(document=plan).count())

    again = official_pdf.official_pdf(plan)
    outgoing.attach_official_pdf(plan)

    assert renders == []
    assert (
        PdfCache.objects.count(),
        StoredFile.objects.count(),
        DocumentFile.objects.filter(document=plan).count(),
    ) == before
    assert blob_bytes(again.blob) == official_pdf_of(plan)


def test_changed_content_renders_anew(unsigned, plan, monkeypatch):
    renders = []
    real_render = official_pdf.render
    monkeypatch.setattr(official_pdf, "render", lambda context: renders.append(1) or real_render(context))
    first = official_pdf.official_pdf(plan)
    caches, blobs = PdfCache.objects.count(), StoredFile.objects.count()

    plan.summary = "Triển khai phần mềm Văn phòng điện tử năm 2018"
    second = official_pdf.official_pdf(plan)

    assert renders == [1]
    assert second.pk != first.pk and second.blob_id != first.blob_id
    assert (PdfCache.objects.count(), StoredFile.objects.count()) == (caches + 1, blobs + 1)
    assert "năm 2018" in pdf_text(blob_bytes(second.blob))


def test_an_issued_documents_official_pdf_is_not_rendered_again_after_a_template_change(plan, monkeypatch):
    """The PDF that went out is the document: a new template version must not re-render or add a second one."""
    official = DocumentFile.objects.get(document=plan, name=f"{plan.number:02d}-KH-UBND.pdf")
    monkeypatch.setattr(official_pdf, "TEMPLATE_VERSION", official_pdf.TEMPLATE_VERSION + "-next")
    renders = []
    monkeypatch.setattr(official_pdf, "render", lambda context: renders.append(1) or b"")

    attached = outgoing.attach_official_pdf(plan)

    assert attached == official
    assert renders == []
    assert DocumentFile.objects.filter(document=plan, blob__content_type="application/pdf").count() == 1


def test_a_cached_pdf_whose_file_is_lost_is_rendered_and_stored_again(plan, monkeypatch):
    """The cache is only a cache: its file gone from MEDIA_ROOT (a lost or partly restored store), the face is
    rendered again into the same cache entry instead of failing every download of it."""
    cached = official_pdf.official_pdf(plan)
    lost = Path(cached.blob.content.path)
    lost.unlink()
    renders = []
    real_render = official_pdf.render
    monkeypatch.setattr(official_pdf, "render", lambda context: renders.append(1) or real_render(context))

    again = official_pdf.official_pdf(plan)

    assert renders == [1]
    assert again.pk == cached.pk and PdfCache.objects.get(pk=cached.pk).blob_id == again.blob_id
    assert "Triển khai phần mềm Văn phòng điện tử năm 2017" in squeeze(pdf_text(blob_bytes(again.blob)))
    assert official_pdf.official_pdf(plan).blob.content.storage.exists(again.blob.content.name)
    assert renders == [1]  # stored again: the next call is a plain cache hit


def test_the_draft_preview_is_rendered_again_once_its_cached_copy_is_gone(db, as_user, monkeypatch):
    from django.core.cache import cache

    draft = signed(summary="V/v tổng kết công tác văn thư năm 2017")
    url = reverse("documents:draft_preview", args=[draft.pk])
    renders = []
    real_render = official_pdf.render
    monkeypatch.setattr(official_pdf, "render", lambda context: renders.append(1) or real_render(context))
    assert as_user(user("chutich")).get(url).status_code == 200
    assert as_user(user("chutich")).get(url).status_code == 200
    assert len(renders) == 1  # the second view came from the cache
    cache.clear()

    response = as_user(user("chutich")).get(url)

    assert response.status_code == 200 and len(renders) == 2
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    assert "tổng kết công tác văn thư" in squeeze(pdf_text(body))


def test_an_issued_documents_lost_pdf_is_reported_not_rendered_again(plan, as_user, monkeypatch, caplog):
    """The attached copy is the document as issued: never silently replaced by a new rendering."""
    official = DocumentFile.objects.select_related("blob").get(document=plan, name=f"{plan.number:02d}-KH-UBND.pdf")
    lost = Path(official.blob.content.path)
    lost.unlink()
    renders = []
    monkeypatch.setattr(official_pdf, "render", lambda context: renders.append(1) or b"")

    response = as_user(user("vanthu.ubnd")).get(reverse("documents:issued_pdf", args=[plan.pk]))

    assert response.status_code == 404
    page = response.content.decode()
    assert "Không mở được bản PDF chính thức" in page
    assert f"{plan.number:02d}-KH-UBND.pdf" in page and "khôi phục tệp từ bản sao lưu" in page
    assert renders == [] and not lost.exists()
    assert DocumentFile.objects.filter(document=plan, blob__content_type="application/pdf").count() == 1
    assert any("missing" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


# --- Copies ------------------------------------------------------------------------------------------------------


def test_a_sao_y_of_the_founding_letter_carries_the_electronic_copy_block(fresh_year, db):
    """An electronic copy (NĐ30 Appendix I): at the top right of page 1, Times New Roman 10, the kind of copy, the
    copying agency and the signing time (ISO 8601, Vietnam's offset); not the paper copy's mark under the content.
    Here the face's own lines: the copying agency has no certificate (the signed copy's block, drawn by its
    signature in their place, is in tests/documents/signing/test_signed_copies.py)."""
    SigningCertificate.objects.filter(unit=unit("ubnd")).update(active=False)
    letter = founding_letter()
    sao_y = copies.make_copy(
        clerk=user("vanthu.ubnd"), source=letter, kind=CopyKind.SAO_Y, signer=user("pct.kinhte"),
        signing_capacity="KT.", recipient_units=[unit("xa-canh-hien")],
    )  # fmt: skip

    content = official_pdf_of(sao_y)
    text = squeeze(pdf_text(content))
    assert sao_y.number_symbol == "01/SY-UBND"
    assert "Số: 3261/UBND" in text and "Trần Kim Vũ" in text  # the copied content
    head, rest = text.split("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1)
    assert "SAO Y" in head
    assert "ỦY BAN NHÂN DÂN HUYỆN VÂN CANH" in head
    assert f"Thời gian ký: {fresh_year}-03-02T09:00:00+07:00" in head
    after_foot = rest.split("Lưu: VT, CV.", 1)[1]
    assert "SAO Y" not in after_foot and "01/SY-UBND" not in after_foot and "Nguyễn Thanh Hải" not in after_foot
    # Top right of page 1, above the heading, in small type (10 pt: boxes about 11 pt high, the body's 16).
    page = words(content, 1)
    heading_top = next(w[1] for w in page if w[4] == "CỘNG")
    kind = [w for w in page if w[4] == "Y" and w[1] < heading_top]
    assert kind, "the kind of copy is printed above the heading"
    _x0, y0, x1, y1, _word = kind[0]
    assert x1 > A4[0] - RIGHT - 2 * MM and y1 - y0 < 12.5


def test_a_trich_sao_carries_only_the_excerpt(fresh_year, db):
    letter = founding_letter()
    trich = copies.make_copy(
        clerk=user("vanthu.ubnd"), source=letter, kind=CopyKind.TRICH_SAO, signer=user("chutich"),
        recipient_units=[unit("xa-canh-hien")],
        excerpt="3. Từ ngày 1/1/2017, UBND huyện chấm dứt gửi bằng văn bản giấy các loại văn bản sau.",
    )  # fmt: skip

    text = squeeze(pdf_text(official_pdf_of(trich)))
    assert "chấm dứt gửi bằng văn bản giấy" in text
    assert "Thực hiện Thông báo kết luận" not in text
    assert "TRÍCH SAO" in text.split("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1)[0]  # the electronic copy block


# --- The face's pieces ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (datetime.date(2016, 12, 5), "Vân Canh, ngày 05 tháng 12 năm 2016"),
        (datetime.date(2017, 1, 9), "Vân Canh, ngày 09 tháng 01 năm 2017"),
        (datetime.date(2017, 2, 28), "Vân Canh, ngày 28 tháng 02 năm 2017"),
        (datetime.date(2016, 3, 15), "Vân Canh, ngày 15 tháng 3 năm 2016"),
        (datetime.date(2016, 8, 4), "Vân Canh, ngày 04 tháng 8 năm 2016"),
    ],
)
def test_the_date_line(day, line):
    assert faces.date_line("Vân Canh", day) == line


@pytest.mark.parametrize(
    ("code", "parent", "issuer", "place"),
    [
        ("ubnd", None, ["ỦY BAN NHÂN DÂN", "HUYỆN VÂN CANH"], "Vân Canh"),
        ("noi-vu", "UBND HUYỆN VÂN CANH", ["PHÒNG NỘI VỤ"], "Vân Canh"),
        ("xa-canh-hien", None, ["ỦY BAN NHÂN DÂN", "XÃ CANH HIỂN"], "Canh Hiển"),
        ("tt-van-canh", None, ["ỦY BAN NHÂN DÂN", "THỊ TRẤN VÂN CANH"], "Vân Canh"),
    ],
)
def test_the_issuer_block_and_place(db, code, parent, issuer, place):
    assert faces.issuer_block(unit(code)) == (parent, issuer)
    assert faces.place_name(unit(code)) == place


@pytest.mark.parametrize(
    ("code", "capacity", "position", "block"),
    [
        ("ubnd", "", "Chủ tịch UBND huyện", ["CHỦ TỊCH"]),
        ("ubnd", "KT.", "Phó Chủ tịch UBND huyện", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("ubnd", "TM.", "Chủ tịch UBND huyện", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        ("noi-vu", "KT.", "Phó Trưởng phòng", ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]),
        ("xa-canh-hien", "KT.", "Phó Chủ tịch UBND xã", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ],
)
def test_the_signer_block(db, code, capacity, position, block):
    assert faces.signer_block(unit(code), capacity, position) == block


def test_a_sao_luc_of_a_sao_y_shows_the_original_content(fresh_year, db):
    """Sao lục is made from a sao y: its face is the original's (number, date, body), not the sao y's metadata."""
    letter = founding_letter()
    clerk, chairman, commune = user("vanthu.ubnd"), user("chutich"), [unit("xa-canh-hien")]
    sao_y = copies.make_copy(clerk=clerk, source=letter, kind=CopyKind.SAO_Y, signer=chairman, recipient_units=commune)
    sao_luc = copies.make_copy(
        clerk=clerk, source=sao_y, kind=CopyKind.SAO_LUC, signer=chairman, recipient_units=commune
    )

    text = squeeze(pdf_text(official_pdf_of(sao_luc)))
    assert sao_luc.number_symbol == "02/SL-UBND"
    block, face = text.split("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1)
    assert "SAO LỤC" in block and "SAO Y" not in block
    assert "Số: 3261/UBND" in face and "Vân Canh, ngày 05 tháng 12 năm 2016" in face
    assert "Thực hiện Thông báo kết luận số 282/TB-UBND" in face
    assert "01/SY-UBND" not in text
