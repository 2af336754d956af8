"""edXML packages: round trips, other vendors' untidy packages, and the refusals (content and hostile XML)."""

from __future__ import annotations

import base64
import datetime
import io

import pytest

from documents.exchange import edxml
from documents.exchange.edxml import (
    Attachment,
    Business,
    BusinessDocType,
    DocumentPackage,
    EdxmlError,
    Organ,
    OtherInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPackage,
    TraceHeader,
)

VN = edxml.VIETNAM
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40  # every byte value, so base64 padding and '+/' occur


def document_package(**overrides) -> DocumentPackage:
    fields = dict(
        from_organ=Organ(
            "000.00.31.H09",
            "UBND huyện Vân Canh",
            organization_in_charge="UBND tỉnh Bình Định",
            organ_add="Thị trấn Vân Canh",
            email="ubnd@vancanh.binhdinh.gov.vn",
            telephone="0256 3880000",
            fax="0256 3880001",
            website="https://vancanh.binhdinh.gov.vn",
        ),
        to_organs=[
            Organ("000.00.00.H09", "UBND tỉnh Bình Định"),
            Organ("000.00.11.H09", "Sở Thông tin và Truyền thông"),
        ],
        document_id="000.00.31.H09,2016/12/05,3261/UBND",
        code_number="3261",
        code_notation="UBND",
        promulgation_place="Vân Canh",
        promulgation_date=datetime.date(2016, 12, 5),
        document_type="2",
        document_type_detail="",
        document_type_name="Công văn",
        subject="V/v thực hiện nghiêm túc hệ thống Văn phòng điện tử iDesk",
        content="Kính gửi: Các phòng, ban, ngành.\nThực hiện Quyết định số 36/2016/QĐ-UBND & các văn bản <liên quan>.",
        signer=SignerInfo(competence="", position="Chủ tịch UBND huyện", full_name="Trần Kim Vũ"),
        due_date=datetime.date(2016, 12, 15),
        to_places=["Như trên", "Lãnh đạo UBND huyện", "Lưu: VT, CV"],
        other_info=OtherInfo(
            priority=2,
            sphere_of_promulgation="Liên thông văn bản",
            typer_notation="CV",
            promulgation_amount=30,
            page_amount=2,
            appendixes=["Phụ lục I", "Phụ lục II"],
        ),
        steering_type="1",
        response_for=[
            ResponseFor(
                "000.00.00.H09", "282/TB-UBND", datetime.date(2015, 12, 31), "000.00.00.H09,2015/12/31,282/TB-UBND"
            )
        ],
        traces=[TraceHeader("000.00.31.H09", datetime.datetime(2016, 12, 5, 9, 30, 15, tzinfo=VN))],
        business=Business(
            doc_type=BusinessDocType.REPLACEMENT,
            reason="Thay thế văn bản 3260/UBND",
            staff=StaffInfo("Văn phòng HĐND và UBND huyện", "Lê Thị Thu Hà", "0905 000 000", "vanthu@vancanh.gov.vn"),
            paper=True,
        ),
        attachments=[
            Attachment("3261-UBND.pdf", "application/pdf", PDF, content_id="1", description="Văn bản điện tử"),
            Attachment("Phụ lục.docx", "application/octet-stream", b"PK\x03\x04" * 7, content_id="2", description=""),
            Attachment("rỗng.txt", "text/plain", b"", content_id="3", description="Tệp rỗng"),
        ],
    )
    fields.update(overrides)
    return DocumentPackage(**fields)


def status_package(code: StatusCode) -> StatusPackage:
    return StatusPackage(
        from_organ=Organ("000.00.00.H09", "UBND tỉnh Bình Định"),
        response_for=ResponseFor(
            "000.00.31.H09", "3261/UBND", datetime.date(2016, 12, 5), "000.00.31.H09,2016/12/05,3261/UBND"
        ),
        status_code=code,
        description=f"Mô tả cho mã {code.value}: lý do & ghi chú",
        timestamp=datetime.datetime(2016, 12, 6, 14, 5, 0, tzinfo=VN),
        staff=StaffInfo("Văn phòng UBND tỉnh", "Nguyễn Văn An", "0912 345 678", "an@binhdinh.gov.vn"),
    )


# --- Round trips -------------------------------------------------------------------------------------------


def test_a_document_package_comes_back_with_every_field():
    package = document_package()
    assert edxml.parse(edxml.build(package)) == package


def test_a_plain_package_comes_back_too():
    package = DocumentPackage(
        from_organ=Organ("000.00.31.H09"), to_organs=[Organ("000.00.00.H09")], document_id="x,2016/12/05,1/UBND"
    )
    assert edxml.parse(edxml.build(package)) == package


@pytest.mark.parametrize("code", list(StatusCode), ids=lambda c: c.value)
def test_a_status_package_of_every_code_comes_back(code):
    package = status_package(code)
    parsed = edxml.parse(edxml.build(package))
    assert isinstance(parsed, StatusPackage)
    assert parsed == package
    assert parsed.status_code.label  # a Vietnamese label for each code


def test_status_codes_are_those_of_the_standard():
    assert [c.value for c in StatusCode] == ["01", "02", "03", "04", "05", "06", "13", "15", "16"]
    assert StatusCode("02").label == "Từ chối tiếp nhận"


def test_timestamps_are_written_in_vietnam_time():
    utc = datetime.datetime(2016, 12, 5, 2, 30, 15, tzinfo=datetime.UTC)
    data = edxml.build(document_package(traces=[TraceHeader("000.00.31.H09", utc)]))
    assert b"2016/12/05 09:30:15" in data
    assert edxml.parse(data).traces[0].timestamp == utc


def test_our_packages_declare_the_namespace_as_default_and_with_the_edxml_prefix():
    data = edxml.build(document_package())
    assert b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">' in data
    assert b'<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">' in data
    assert b"<edXML:DocumentId>000.00.31.H09,2016/12/05,3261/UBND</edXML:DocumentId>" in data
    assert b"<edXML:PromulgationDate>2016/12/05</edXML:PromulgationDate>" in data
    assert b"<AttachmentEncoded>" in data  # beside the envelope, in the default namespace


def test_document_ids_split_into_their_parts():
    assert edxml.split_document_id("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT") == (
        "000.00.00.G22",
        datetime.date(2015, 9, 30),
        "7816/VPCP-TTĐT",
    )
    assert edxml.split_document_id("3f2a-uuid") is None
    assert edxml.make_document_id("000.00.31.H09", datetime.date(2016, 12, 5), "3261/UBND") == (
        "000.00.31.H09,2016/12/05,3261/UBND"
    )


# --- Other vendors' packages ---------------------------------------------------------------------------------

B64 = base64.b64encode(PDF).decode()
WRAPPED = "\n".join(B64[i : i + 76] for i in range(0, len(B64), 76))

UNTIDY = f"""<?xml version="1.0" encoding="utf-8"?>
<edXML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>  000.00.00.G22 </edXML:OrganId>
          <OrganName>Văn phòng
              Chính phủ</OrganName>
        </edXML:From>
        <To><OrganId>000.00.31.H09</OrganId><OrganName>UBND huyện Vân Canh</OrganName></To>
        <edXML:To>
          <edXML:OrganId>000.00.00.H09</edXML:OrganId>
        </edXML:To>
        <edXML:Code><edXML:CodeNumber>7816</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>
        <edXML:PromulgationInfo>
          <edXML:Place>Hà Nội</edXML:Place>
          <edXML:PromulgationDate> 2015/09/30 </edXML:PromulgationDate>
        </edXML:PromulgationInfo>
        <edXML:DocumentType><edXML:Type>2</edXML:Type><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>
        <edXML:Subject>
            V/v triển khai   liên thông văn bản
        </edXML:Subject>
        <edXML:OtherInfo><edXML:Priority>1</edXML:Priority><edXML:PageAmount>3</edXML:PageAmount></edXML:OtherInfo>
        <edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:Timestamp>2015/09/30 16:45:01</edXML:Timestamp></edXML:TraceHeader>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType></edXML:Bussiness>
      </edXML:TraceHeaderList>
      <Signature>
        <SignedInfo><Reference URI=""><DigestValue>AAAA</DigestValue></Reference></SignedInfo>
        <SignatureValue>c2lnbmF0dXJl</SignatureValue>
        <KeyInfo><X509Data><X509Certificate>MIIB</X509Certificate></X509Data></KeyInfo>
      </Signature>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="cid:abc-123">
          <edXML:ContentId>cid:abc-123</edXML:ContentId>
          <edXML:ContentType>application/pdf</edXML:ContentType>
          <edXML:Description>Văn bản</edXML:Description>
          <edXML:AttachmentName>7816-VPCP.pdf</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentType>application/pdf</ContentType>
      <ContentId>abc-123</ContentId>
      <ContentTransferEncoded>
{WRAPPED}
      </ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
"""


def test_an_untidy_package_is_read():
    """GIVEN a package with stray bytes before the declaration, prefixed and default namespaces mixed, a
    signature in the default namespace, wrapped base64 and uneven whitespace WHEN parsed THEN every field is read."""
    package = edxml.parse(b"\x00\xfe\x1a\x0b" + UNTIDY.encode())
    assert isinstance(package, DocumentPackage)
    assert package.from_organ == Organ("000.00.00.G22", "Văn phòng Chính phủ")
    assert [o.organ_id for o in package.to_organs] == ["000.00.31.H09", "000.00.00.H09"]
    assert package.to_organs[0].organ_name == "UBND huyện Vân Canh"
    assert package.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert (package.code_number, package.code_notation, package.code) == ("7816", "VPCP-TTĐT", "7816/VPCP-TTĐT")
    assert package.promulgation_date == datetime.date(2015, 9, 30)
    assert package.subject == "V/v triển khai liên thông văn bản"
    assert package.other_info.priority == 1 and package.other_info.page_amount == 3
    assert package.traces == [TraceHeader("000.00.00.G22", datetime.datetime(2015, 9, 30, 16, 45, 1, tzinfo=VN))]
    assert package.business.doc_type == BusinessDocType.NEW
    [attachment] = package.attachments
    assert (attachment.name, attachment.content_type, attachment.description) == (
        "7816-VPCP.pdf",
        "application/pdf",
        "Văn bản",
    )
    assert attachment.data == PDF


def test_a_utf8_bom_and_a_package_without_declaration_are_read():
    assert edxml.parse(b"\xef\xbb\xbf" + UNTIDY.encode()).document_id.startswith("000.00.00.G22")
    body = UNTIDY.split("?>", 1)[1]
    assert edxml.parse(b"\r\n  " + body.encode()).document_id.startswith("000.00.00.G22")


def test_a_package_all_in_the_prefixed_namespace_is_read():
    data = (
        edxml.build(document_package())
        .replace(b"<edXML xmlns=", b"<edXML:edXML xmlns:edXML=")
        .replace(b"</edXML>", b"</edXML:edXML>")
    )
    data = data.replace(b"<AttachmentEncoded>", b"<edXML:AttachmentEncoded>").replace(
        b"</AttachmentEncoded>", b"</edXML:AttachmentEncoded>"
    )
    assert b"<edXML:edXML " in data
    assert edxml.parse(data) == document_package()


def test_a_status_from_another_vendor_with_a_one_digit_code_is_read():
    data = """<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
      <From><OrganId>000.00.00.H09</OrganId></From>
      <ResponseFor><OrganId>000.00.31.H09</OrganId><Code>3261/UBND</Code>
        <PromulgationDate>05/12/2016</PromulgationDate><DocumentId>000.00.31.H09,2016/12/05,3261/UBND</DocumentId>
      </ResponseFor>
      <StatusCode>3</StatusCode><Description>Đã vào sổ, số đến 1024</Description>
      <Timestamp>2016-12-06T08:00:00</Timestamp>
    </MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""
    package = edxml.parse(data.encode())
    assert isinstance(package, StatusPackage)
    assert package.status_code == StatusCode.REGISTERED
    assert package.response_for.promulgation_date == datetime.date(2016, 12, 5)
    assert package.timestamp == datetime.datetime(2016, 12, 6, 8, 0, tzinfo=VN)


# --- Refusals of content -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "reason"),
    [
        ("DocumentId", "DocumentId"),
        ("From", "cơ quan gửi"),
        ("To", "cơ quan nhận"),
    ],
)
def test_a_package_missing_a_required_part_is_refused_with_a_reason(element, reason):
    text = UNTIDY
    start = text.index(f"<edXML:{element}>")
    end = text.index(f"</edXML:{element}>") + len(f"</edXML:{element}>")
    if element == "To":  # both recipients
        text = text.replace("<To><OrganId>000.00.31.H09</OrganId><OrganName>UBND huyện Vân Canh</OrganName></To>", "")
        start = text.index(f"<edXML:{element}>")
        end = text.index(f"</edXML:{element}>") + len(f"</edXML:{element}>")
    with pytest.raises(EdxmlError, match=reason):
        edxml.parse((text[:start] + text[end:]).encode())


def test_an_empty_document_id_is_refused():
    text = UNTIDY.replace("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT", "   ")
    with pytest.raises(EdxmlError, match="thiếu mã văn bản"):
        edxml.parse(text.encode())


def test_an_unknown_business_kind_is_refused():
    text = UNTIDY.replace("<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>9<")
    with pytest.raises(EdxmlError, match=r"Loại nghiệp vụ \(BussinessDocType\) không hợp lệ: 9"):
        edxml.parse(text.encode())


def test_an_unknown_status_code_is_refused():
    data = edxml.build(status_package(StatusCode.DONE)).replace(b">06<", b">07<")
    with pytest.raises(EdxmlError, match="Mã trạng thái không hợp lệ: 07"):
        edxml.parse(data)


def test_an_attachment_declared_without_its_content_is_refused():
    text = UNTIDY[: UNTIDY.index("<AttachmentEncoded>")] + "</edXML>"
    with pytest.raises(EdxmlError, match="7816-VPCP.pdf"):
        edxml.parse(text.encode())


def test_broken_base64_is_refused():
    text = UNTIDY.replace(WRAPPED[:8], "!!not-b64", 1)
    with pytest.raises(EdxmlError, match="base64"):
        edxml.parse(text.encode())


def test_another_root_or_namespace_is_refused():
    with pytest.raises(EdxmlError, match="không phải edXML"):
        edxml.parse(UNTIDY.replace("http://www.mic.gov.vn/TBT/QCVN_102_2016", "urn:other").encode())
    with pytest.raises(EdxmlError, match="không phải XML"):
        edxml.parse(b"%PDF-1.7 not a package")
    with pytest.raises(EdxmlError):
        edxml.parse(b"")


def test_we_do_not_build_what_a_receiver_refuses():
    with pytest.raises(EdxmlError, match="DocumentId"):
        edxml.build(document_package(document_id=""))
    with pytest.raises(EdxmlError, match="cơ quan nhận"):
        edxml.build(document_package(to_organs=[]))


# --- Hostile and broken XML --------------------------------------------------------------------------------


def test_a_package_cut_in_half_is_refused():
    data = edxml.build(document_package())
    for cut in (len(data) // 2, len(data) - 10, 200):
        with pytest.raises(EdxmlError, match="cú pháp XML"):
            edxml.parse(data[:cut])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>&lol9;</OrganId></From><To><OrganId>000.00.31.H09</OrganId></To><DocumentId>&lol9;</DocumentId>
</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""


def test_a_billion_laughs_bomb_is_refused_not_expanded():
    with pytest.raises(EdxmlError, match="DOCTYPE"):
        edxml.parse(BILLION_LAUGHS)


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for target in ("file:///etc/passwd", secret.as_uri(), "http://127.0.0.1:9/edxml"):
        data = f"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "{target}">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>000.00.00.H09</OrganId></From><To><OrganId>000.00.31.H09</OrganId></To>
<DocumentId>&xxe;</DocumentId><Subject>&xxe;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""
        with pytest.raises(EdxmlError, match="DOCTYPE") as caught:
            edxml.parse(data.encode())
        assert "TOP-SECRET" not in str(caught.value) and "root:" not in str(caught.value)


def test_any_doctype_is_refused_even_a_harmless_one_or_one_past_the_first_chunk(monkeypatch):
    with pytest.raises(EdxmlError, match="DOCTYPE"):
        edxml.parse(b'<?xml version="1.0"?><!DOCTYPE edXML>' + UNTIDY.split("?>", 1)[1].encode())
    # A prolog padded with a long comment, the DOCTYPE across the boundary of the parser's chunks.
    monkeypatch.setattr(edxml, "_FEED_CHUNK", 64)
    padded = b'<?xml version="1.0"?><!--' + b"x" * 50 + b"--><!DOCTYPE edXML>" + UNTIDY.split("?>", 1)[1].encode()
    with pytest.raises(EdxmlError, match="DOCTYPE"):
        edxml.parse(padded)


def test_an_undeclared_entity_is_a_syntax_error_not_a_lookup():
    with pytest.raises(EdxmlError, match="cú pháp XML"):
        edxml.parse(UNTIDY.replace("Hà Nội", "&nbsp;Hà Nội").encode())


def test_a_deeply_nested_package_is_refused():
    deep = b"<a>" * 5000 + b"</a>" * 5000
    data = UNTIDY.replace("<edXML:Subject>", "<edXML:Subject>" + deep.decode()).encode()
    with pytest.raises(EdxmlError):
        edxml.parse(data)


def test_an_over_size_package_is_refused_before_parsing(settings):
    settings.IDESK_EDXML_MAX_MB = 1
    with pytest.raises(EdxmlError, match="vượt quá dung lượng cho phép \\(1 MB\\)"):
        edxml.parse(b"<" + b" " * (1024 * 1024))
    assert edxml.parse(UNTIDY.encode(), max_bytes=len(UNTIDY.encode()) + 10)


class _Endless(io.RawIOBase):
    """A stream that never ends; reading it all would never return."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        head = b'<?xml version="1.0"?><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Subject>'
        chunk = head if self.served == 0 else b"A"
        n = len(buffer) if self.served else len(head)
        buffer[:n] = chunk * (n // len(chunk)) if self.served else head
        self.served += n
        return n


def test_an_over_size_stream_is_refused_after_reading_no_more_than_the_limit():
    stream = _Endless()
    with pytest.raises(EdxmlError, match="vượt quá dung lượng"):
        edxml.parse_file(stream, max_bytes=3 * 1024 * 1024)
    assert stream.served <= 3 * 1024 * 1024 + (1 << 20)


def test_an_over_size_file_is_refused_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / "big.edxml"
    with open(path, "wb") as f:
        f.truncate(5 * 1024 * 1024)  # sparse: nothing to read, and nothing is
    with pytest.raises(EdxmlError, match="vượt quá dung lượng"):
        edxml.parse_file(path, max_bytes=1024 * 1024)


def test_an_over_size_attachment_is_refused_while_decoding(settings):
    settings.IDESK_MAX_UPLOAD_MB = 1
    big = document_package(attachments=[Attachment("lon.pdf", "application/pdf", b"\0" * (1024 * 1024 + 1))])
    with pytest.raises(EdxmlError, match="Tệp đính kèm vượt quá dung lượng cho phép \\(1 MB\\)"):
        edxml.parse(edxml.build(big))
    exact = document_package(attachments=[Attachment("vua.pdf", "application/pdf", b"\0" * (1024 * 1024))])
    assert edxml.parse(edxml.build(exact)).attachments[0].size == 1024 * 1024


def test_an_attachment_larger_than_libxml2s_text_limit_is_read():
    """A target parser gets text in chunks: a 12 MB attachment (16 MB of base64) needs no huge_tree."""
    data = bytes(range(256)) * (12 * 1024 * 4)
    package = document_package(attachments=[Attachment("scan.pdf", "application/pdf", data)])
    assert edxml.parse(edxml.build(package)).attachments[0].data == data


def test_the_parser_refuses_a_doctype_even_without_the_prolog_scan(monkeypatch):
    """Defence in depth: with the byte scan blinded, the parser target still stops at the DOCTYPE."""
    monkeypatch.setattr(edxml, "_ROOT_START", __import__("re").compile(rb"^"))
    with pytest.raises(EdxmlError, match="DOCTYPE"):
        edxml.parse(BILLION_LAUGHS)
