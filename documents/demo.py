"""Demo documents for the Vân Canh district: the real documents the founding letter names, in various states."""

from __future__ import annotations

import contextlib
import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from documents.core.models import Delivery, DeliveryStatus, DocType, Document, Secrecy, Urgency
from documents.incoming import services
from units.models import Unit, UnitKind

MARKER = "282/TB-UBND"


def _on(moment: datetime.datetime):
    """The demo's steps happen on the days its story says, so their timelines (and the founding letter's
    signatures) carry those days. time-machine comes with the development tools `make run` installs; without it
    the steps are dated at seeding time."""
    try:
        import time_machine
    except ImportError:  # pragma: no cover - a bare production install
        return contextlib.nullcontext()
    return time_machine.travel(moment, tick=False)


def _vn(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _scan(symbol: str, issuer: str, issued: datetime.date, doc_type: str, summary: str, signer: str) -> ContentFile:
    """The document's file as the clerk attaches it (a stand-in for the scan or the file received): its face,
    so a leader asked to direct it can read it."""
    from documents.core import faces
    from documents.outgoing import pdf as official_pdf

    named = doc_type != DocType.CONG_VAN
    face = {
        "parent_line": None, "issuer_lines": [issuer.upper()], "number_symbol": symbol,
        "date_line": faces.date_line("Bình Định", issued), "named": named,
        "type_title": DocType(doc_type).label.upper() if named else "", "summary": summary,
        "vv_summary": summary.removeprefix("V/v "), "urgency": "", "secrecy": "", "kinh_gui": [],
        "body": "(Bản điện tử của văn bản, kèm theo khi vào sổ.)", "signer_lines": [], "signer_name": signer,
        "recipients": [], "archive": "", "copy": None,
    }  # fmt: skip
    return ContentFile(official_pdf.render(face), name=f"{symbol.replace('/', '-')}.pdf")


def _u(username: str) -> User:
    return User.objects.select_related("unit").get(username=username)


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _incoming(clerk: User, issuer: str, symbol: str, issued: datetime.date, doc_type: str, summary: str, **extra):
    data = services.IncomingData(
        issuer_unit=_unit(issuer),
        issuer_name="",
        number_symbol=symbol,
        issued_date=issued,
        doc_type=doc_type,
        summary=summary,
        signer_name=extra.pop("signer", ""),
        urgency=extra.pop("urgency", Urgency.NORMAL),
        secrecy=extra.pop("secrecy", Secrecy.NONE),
        pages=extra.pop("pages", 2),
        due_date=extra.pop("due", None),
        note=extra.pop("note", ""),
    )
    if extra.pop("scan", True):
        data.uploads = [_scan(symbol, _unit(issuer).name, issued, doc_type, summary, data.signer_name)]
    return services.register_incoming(clerk=clerk, data=data, confirm_duplicate=True)


def _deliver(document: Document, sender: Unit, recipients: list[str], by: User) -> None:
    for code in recipients:
        Delivery.objects.get_or_create(
            document=document, recipient_unit=_unit(code), defaults={"sender_unit": sender, "sent_by": by}
        )


def seed() -> int:
    """Create the demo documents once; return how many records were made (0 when already there)."""
    from documents.demo_signing import seed_signing

    seed_signing()  # before the founding letter, which is issued signed
    letter = seed_founding_letter()
    if Document.objects.filter(number_symbol=MARKER).exists():
        return 1 if letter else 0
    today = timezone.localdate()
    clerk, chairman, vice = _u("vanthu.ubnd"), _u("chutich"), _u("pct.vanhoa")
    made = 0
    with transaction.atomic():
        # 1. Thông báo kết luận of the province (31/12/2015), arrived on the first working day of 2016: directed,
        # in progress at Văn phòng with Phòng VHTT (the founding letter of 05/12/2016 follows it up).
        arrived = datetime.date(2016, 1, 4)
        with _on(_vn(arrived, 8)):
            r = _incoming(
                clerk, "ubnd-tinh", "282/TB-UBND", datetime.date(2015, 12, 31), DocType.THONG_BAO,
                "Thông báo kết luận về công tác triển khai hệ thống Văn phòng điện tử liên thông toàn tỉnh và phần "
                "mềm “Theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao”",
                signer="Hồ Quốc Dũng",
            )  # fmt: skip
        with _on(_vn(arrived, 8, 30)):
            services.submit(clerk=clerk, record=r, leader=chairman)
        with _on(_vn(arrived, 15)):
            services.direct(
                leader=chairman, record=r,
                text="Giao Văn phòng HĐND và UBND huyện chủ trì, phối hợp Phòng Văn hóa và Thông tin tham mưu triển "
                "khai; các phòng, ban, ngành, UBND các xã, thị trấn để biết, thực hiện.",
                assignments=[
                    services.AssignmentSpec(role="lead", unit=_unit("vp")),
                    services.AssignmentSpec(role="coop", unit=_unit("vh-tt")),
                    services.AssignmentSpec(role="info", unit=_unit("noi-vu")),
                ],
            )  # fmt: skip
        made += 1
        # 2. The province's Quy chế decision of 08/7/2016: directed to the Chánh Văn phòng, done.
        arrived = datetime.date(2016, 7, 11)
        with _on(_vn(arrived, 8, 15)):
            r = _incoming(
                clerk, "ubnd-tinh", "36/2016/QĐ-UBND", datetime.date(2016, 7, 8), DocType.QUYET_DINH,
                "Ban hành Quy chế quản lý và sử dụng Hệ thống Văn phòng điện tử liên thông trong các cơ quan nhà nước "
                "trên địa bàn tỉnh Bình Định", signer="Hồ Quốc Dũng", pages=12,
            )  # fmt: skip
        with _on(_vn(arrived, 9)):
            services.submit(clerk=clerk, record=r, leader=chairman)
        with _on(_vn(arrived, 14)):
            services.direct(
                leader=chairman, record=r, text="Giao Chánh Văn phòng tổ chức thực hiện; báo cáo kết quả.",
                assignments=[services.AssignmentSpec(role="lead", user=_u("truong.vp"))],
            )  # fmt: skip
        with _on(_vn(datetime.date(2016, 7, 20), 16)):
            services.complete(user=_u("truong.vp"), record=r, result="Đã phổ biến Quy chế tới các cơ quan, đơn vị.")
        made += 1
        # 3. An urgent letter of the Sở TTTT waiting for the Chủ tịch's direction.
        r = _incoming(
            clerk, "so-tttt", "1520/STTTT-BCVT", today - datetime.timedelta(days=2), DocType.CONG_VAN,
            "V/v triển khai sử dụng chữ ký số chuyên dùng trên hệ thống Văn phòng điện tử",
            urgency=Urgency.KHAN, signer="Nguyễn Văn Trung", due=today + datetime.timedelta(days=5),
        )  # fmt: skip
        services.submit(clerk=clerk, record=r, leader=chairman)
        made += 1
        # 4. A Hỏa tốc telegram just registered, not yet submitted.
        _incoming(
            clerk, "ubnd-tinh", "08/CĐ-UBND", today, DocType.CONG_DIEN,
            "Công điện về việc chủ động ứng phó với mưa lũ trên địa bàn tỉnh",
            urgency=Urgency.HOA_TOC, signer="Lâm Hải Giang", due=today + datetime.timedelta(days=1),
        )  # fmt: skip
        made += 1
        # 5. A confidential document (sổ văn bản mật): only those granted see it.
        # Its content is a state secret: on paper only, handed to the leader with the register's note.
        r = _incoming(
            clerk, "cong-an-huyen", "45/CAH-ANND", today - datetime.timedelta(days=1), DocType.BAO_CAO,
            "Báo cáo tình hình an ninh trật tự trên địa bàn huyện", secrecy=Secrecy.MAT, signer="Phạm Văn Lực",
            scan=False, note="Văn bản mật: bản giấy trình trực tiếp lãnh đạo.",
        )  # fmt: skip
        services.submit(clerk=clerk, record=r, leader=vice)
        made += 1
        # 6. Phòng Nội vụ: a Sở Nội vụ plan that arrived 18 days ago, assigned to a staff member, now overdue.
        nv_clerk, nv_head = _u("vanthu.noivu"), _u("truong.noivu")
        arrived = today - datetime.timedelta(days=18)
        with _on(_vn(arrived, 8)):
            r = _incoming(
                nv_clerk, "so-noi-vu", "215/KH-SNV", today - datetime.timedelta(days=20), DocType.KE_HOACH,
                "Kế hoạch kiểm tra công tác văn thư, lưu trữ năm 2026", signer="Trần Thị Hồng",
            )  # fmt: skip
        with _on(_vn(arrived, 9)):
            services.submit(clerk=nv_clerk, record=r, leader=nv_head)
        with _on(_vn(arrived + datetime.timedelta(days=1), 10)):
            services.direct(
                leader=nv_head, record=r, text="Đồng chí Chuyên viên chủ trì chuẩn bị hồ sơ, báo cáo trước hạn.",
                assignments=[
                    services.AssignmentSpec(
                        role="lead", user=_u("cv1.noivu"), due_date=today - datetime.timedelta(days=3)
                    )
                ],
            )  # fmt: skip
        with _on(_vn(today - datetime.timedelta(days=10), 15)):
            services.add_note(user=_u("cv1.noivu"), record=r, text="Đã tập hợp danh mục hồ sơ năm 2025.")
        made += 1
        # 7. Electronic arrivals waiting in the communes' "Chờ vào sổ": the district's plan and notice.
        district, vp = _unit("ubnd"), _u("vanthu.ubnd")
        plan = Document.objects.create(
            issuer_unit=district, issuer_name=district.name, doc_type=DocType.KE_HOACH, number=5,
            number_symbol="05/KH-UBND", issued_date=datetime.date(2016, 2, 17),
            summary="Kế hoạch triển khai phần mềm Văn phòng điện tử", signer_name="Trần Kim Vũ",
            signer_position="Chủ tịch", pages=4, created_by=vp,
        )  # fmt: skip
        _deliver(plan, district, ["xa-canh-hien", "xa-canh-vinh", "tt-van-canh"], vp)
        notice = Document.objects.create(
            issuer_unit=district, issuer_name=district.name, doc_type=DocType.THONG_BAO, number=77,
            number_symbol="77/TB-UBND", issued_date=datetime.date(2016, 8, 4),
            summary="Hướng dẫn trực tiếp sử dụng hệ thống Văn phòng điện tử, tập huấn cho các cơ quan, đơn vị",
            signer_name="Trần Kim Vũ", signer_position="Chủ tịch", pages=2, created_by=vp,
        )  # fmt: skip
        _deliver(notice, district, ["xa-canh-hien", "noi-vu"], vp)
        # 8. A reply drafted by Văn phòng, approved by its head, waiting for the Chủ tịch's signature.
        from documents.outgoing import services as outgoing

        draft = outgoing.create_draft(
            author=_u("cv1.vp"),
            data=outgoing.DraftData(
                doc_type=DocType.CONG_VAN,
                summary="đăng ký chứng thư số chuyên dùng cho lãnh đạo và văn thư các cơ quan, đơn vị",
                signer=chairman,
                body="Thực hiện Công văn số 1520/STTTT-BCVT của Sở Thông tin và Truyền thông về việc triển khai chữ ký "
                "số chuyên dùng, UBND huyện đăng ký cấp chứng thư số cho lãnh đạo và văn thư các cơ quan, đơn vị "
                "(danh sách kèm theo).\nĐề nghị Sở Thông tin và Truyền thông xem xét, hỗ trợ./.",
                recipient_units=[_unit("so-tttt")],
                external_recipients="Lãnh đạo UBND huyện\nLĐVP",
                archive_note="VT, VP",
                issuer_unit=district,
            ),
        )
        outgoing.submit_draft(author=_u("cv1.vp"), draft=draft)
        outgoing.review_draft(head=_u("truong.vp"), draft=draft, approve=True, comment="Đồng ý, trình Chủ tịch ký.")
    return made


LETTER_FILE = "cong-van-3261-UBND-2016.txt"


def founding_letter_parts() -> dict:
    """Split the founding letter's text into the fields of its face."""
    from pathlib import Path

    text = (Path(__file__).parent / "data" / LETTER_FILE).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Thực hiện Thông báo"))
    stop = lines.index("Nơi nhận:")
    kinh_gui = [line for line in lines[lines.index("Kính gửi:") + 1 : start]]
    tail = lines[stop + 1 :]
    recipients = [line for line in tail if line.startswith("- ") and not line.startswith("- Lưu")]
    body = "\n".join(lines[start:stop])
    return {
        "summary": next(line for line in lines if line.startswith("V/v "))[4:],
        "kinh_gui": "\n".join(kinh_gui),
        "body": body,
        "recipients_text": "\n".join(recipients),
        "archive_note": "VT, CV",
    }


def seed_founding_letter() -> Document | None:
    """Công văn 3261/UBND of 05/12/2016, as issued then: the district's own record of its founding letter."""
    from documents.core.models import Register, RegisterKind

    if Document.objects.filter(number_symbol="3261/UBND", year=2016).exists():
        return None
    district, chairman, clerk = _unit("ubnd"), _u("chutich"), _u("vanthu.ubnd")
    with transaction.atomic():
        register, _ = Register.objects.get_or_create(
            unit=district, year=2016, kind=RegisterKind.OUTGOING, confidential=False
        )
        register.last_number = max(register.last_number, 3261)
        register.save(update_fields=["last_number"])
        parts = founding_letter_parts()
        issued = timezone.make_aware(datetime.datetime(2016, 12, 5, 9, 0))
        document = Document.objects.create(
            issuer_unit=district, issuer_name=district.name, doc_type=DocType.CONG_VAN, number=3261,
            number_symbol="3261/UBND", issued_date=datetime.date(2016, 12, 5), signer_name=chairman.full_name,
            signer_position=chairman.position, signer_title="CHỦ TỊCH", register=register, year=2016,
            issued_at=issued, issued_by=clerk, created_by=clerk, **parts,
        )  # fmt: skip
        _deliver_founding_letter(document, district, clerk, issued)
    from documents.outgoing import signatures
    from documents.outgoing.selectors import official_name
    from documents.outgoing.services import attach_official_pdf

    with _on(issued):  # both signatures dated the day it was issued
        if signatures.sign_issued(document, chairman, official_name(document)) is None:
            attach_official_pdf(document)
    return document


def _deliver_founding_letter(document: Document, district: Unit, clerk: User, issued: datetime.datetime) -> None:
    """Kính gửi: the phòng, ban, ngành and the communes. Sent on its day by the paper rule then in force (before
    1/1/2017: paper too, posted that day), opened and registered by each unit then."""
    from documents.outgoing import paper

    recipients = Unit.objects.filter(active=True, kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNE]).exclude(
        code="vp"  # the office that drafted it: LĐVP in its Nơi nhận
    )
    day = timezone.localdate(issued)
    Delivery.objects.bulk_create(
        Delivery(
            document=document,
            sender_unit=district,
            recipient_unit=unit,
            sent_by=clerk,
            sent_at=issued,
            electronic=decision.electronic and unit.is_on_system(day),
            paper_required=decision.paper_required,
            paper_reason=decision.reason[:255],
            paper_sent_at=issued if decision.paper_required else None,
            status=DeliveryStatus.SENT,
        )  # fmt: skip
        for unit, decision in paper.decide_all(document, recipients.order_by("sort_order", "id"), day)
    )
    # Each unit's clerk registered it that morning in the unit's own 2016 book (its own số đến), as the story says.
    clerks = {u.unit_id: u for u in User.objects.filter(role=Role.CLERK, is_active=True)}
    with _on(issued + datetime.timedelta(hours=2)):
        for delivery in Delivery.objects.filter(document=document).select_related("recipient_unit"):
            if clerk_of := clerks.get(delivery.recipient_unit_id):
                services.register_delivery(clerk=clerk_of, delivery=delivery)
