"""The paper rule (founding letter R3) as a table of cases, the rule as data, the stored decisions, pages saved.

From 1/1/2017, recipients on the e-office get no paper for: invitations; meeting materials (except meetings on
defence, security, social order or under information-security rules); Sao y and Sao lục copies — unless the
document carries a comment from district leadership (on the document, or given when the Chủ tịch directs an
incoming document to units). Everything else, and everyone off the system, gets paper. Before all of it, the
state-secret rule: a classified document (Mật, Tối mật, Tuyệt mật) goes on paper only, never its file.
"""

from __future__ import annotations

import datetime
import itertools
import re

import pytest

from documents.models import CopyKind, Delivery, DocType, Document, MeetingKind, PaperRule, Secrecy
from documents.outgoing import paper
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from tests.conftest import client_as
from tests.documents.conftest import unit, user, vn_time
from tests.documents.outgoing_builders import communes, issued
from units.models import Unit, UnitKind
from units.text import fold

BEFORE = datetime.date(2016, 12, 20)
AFTER = datetime.date(2017, 1, 2)
ON_SYSTEM_SINCE = datetime.date(2016, 9, 1)
BASIS = "Công văn số 3261/UBND ngày 05/12/2016 của UBND huyện Vân Canh, mục 3"
STATE_SECRET = "Luật Bảo vệ bí mật nhà nước 2018"

# kind → the document's fields that make it that kind
KINDS = {
    "giấy mời": {"doc_type": DocType.GIAY_MOI},
    "công văn": {"doc_type": DocType.CONG_VAN},
    "tài liệu họp": {"doc_type": DocType.BAO_CAO, "meeting_kind": MeetingKind.ORDINARY},
    "tài liệu họp an ninh": {"doc_type": DocType.BAO_CAO, "meeting_kind": MeetingKind.SECURITY},
    "sao y": {"doc_type": DocType.QUYET_DINH, "copy_kind": CopyKind.SAO_Y},
    "sao lục": {"doc_type": DocType.QUYET_DINH, "copy_kind": CopyKind.SAO_LUC},
    "trích sao": {"doc_type": DocType.QUYET_DINH, "copy_kind": CopyKind.TRICH_SAO},
}

# For a recipient on the system, after the date, without a leader's comment: (paper?, what the reason names).
ON_SYSTEM_AFTER_THE_DATE = {
    "giấy mời": (False, "giấy mời"),
    "công văn": (True, "không thuộc diện chỉ gửi điện tử"),
    "tài liệu họp": (False, "tài liệu phục vụ hội họp"),
    "tài liệu họp an ninh": (True, "quốc phòng, an ninh, trật tự xã hội"),
    "sao y": (False, "bản sao y"),
    "sao lục": (False, "bản sao lục"),
    "trích sao": (True, "không thuộc diện chỉ gửi điện tử"),
}
# What overrides the kind, strongest first.
CLASSIFIED = (True, "bí mật nhà nước không gửi qua hệ thống")
OFF_SYSTEM = (True, "chưa tham gia hệ thống")
BEFORE_THE_DATE = (True, "trước ngày 01/01/2017")
LEADER_COMMENT = (True, "ý kiến của lãnh đạo UBND huyện")

# Leadership comment: none, written on the document by the signing leader, or given when the Chủ tịch directs an
# incoming document to units through their clerks (it travels with the document, not on it).
COMMENTS = ["none", "on the document", "directed"]


def expected(kind: str, on_system: bool, after: bool, comment: str, secrecy: int) -> tuple[bool, str]:
    if secrecy:
        return CLASSIFIED
    if not on_system:
        return OFF_SYSTEM
    if not after:
        return BEFORE_THE_DATE
    if comment != "none":
        return LEADER_COMMENT
    return ON_SYSTEM_AFTER_THE_DATE[kind]


CASES = list(itertools.product(KINDS, [True, False], [True, False], COMMENTS, [Secrecy.NONE, Secrecy.MAT]))


def case_id(case) -> str:
    kind, on_system, after, comment, secrecy = case
    parts = [kind, "tren he thong" if on_system else "ngoai he thong", "sau" if after else "truoc",
             {"none": "khong y kien", "on the document": "co y kien", "directed": "y kien khi chuyen"}[comment],
             "mat" if secrecy else "thuong"]  # fmt: skip
    return fold("-".join(parts)).replace(" ", "_")


DISTRICT = Unit(name="UBND huyện Vân Canh", kind=UnitKind.DISTRICT)


def document(kind: str, comment: bool = False, issuer: Unit = DISTRICT, secrecy: int = Secrecy.NONE) -> Document:
    """A document of UBND huyện (its leaders are the 'lãnh đạo UBND huyện' whose comment keeps paper)."""
    return Document(
        summary="Tài liệu",
        issuer_unit=issuer,
        leader_comment="Đề nghị các đơn vị thực hiện." if comment else "",
        secrecy=secrecy,
        **KINDS[kind],
    )


def recipient(on_system: bool) -> Unit:
    return Unit(name="UBND xã Canh Hiển", kind=UnitKind.COMMUNE, eoffice_since=ON_SYSTEM_SINCE if on_system else None)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_the_paper_rule_table(case):
    kind, on_system, after, comment, secrecy = case
    decision = paper.decide(
        document(kind, comment == "on the document", secrecy=secrecy),
        recipient(on_system),
        AFTER if after else BEFORE,
        PaperRule(),
        district_leader_comment=comment == "directed",
    )

    paper_required, names = expected(*case)
    assert decision.paper_required is paper_required
    assert names in decision.reason
    headline = decision.reason.split(":")[0]
    assert headline in ({"Gửi bản giấy", "Gửi kèm bản giấy"} if paper_required else {"Chỉ gửi điện tử"})
    assert decision.reason.endswith(".") and "\n" not in decision.reason  # one sentence
    # Every decision names its rule: the state-secret law for classified content, the letter for the rest.
    assert (STATE_SECRET if secrecy else BASIS) in decision.reason
    # The file travels electronically unless the document is classified.
    assert decision.electronic is not secrecy


@pytest.mark.parametrize("secrecy", [Secrecy.MAT, Secrecy.TOI_MAT, Secrecy.TUYET_MAT])
@pytest.mark.parametrize("kind", ["giấy mời", "tài liệu họp", "sao y", "công văn"])
def test_every_degree_of_secrecy_keeps_the_content_on_paper(secrecy, kind):
    decision = paper.decide(document(kind, secrecy=secrecy), recipient(True), AFTER, PaperRule())
    assert (decision.paper_required, decision.electronic) == (True, False)
    assert f"độ {Secrecy(secrecy).label}" in decision.reason and STATE_SECRET in decision.reason


def test_a_department_heads_comment_is_not_a_comment_of_district_leadership():
    """R3 keeps paper for documents commented by lãnh đạo UBND huyện; a phòng's head signing its own giấy mời
    with a comment is not that."""
    department = Unit(name="Phòng Nội vụ", kind=UnitKind.DEPARTMENT)
    decision = paper.decide(document("giấy mời", comment=True, issuer=department), recipient(True), AFTER, PaperRule())
    assert decision.paper_required is False
    assert "lãnh đạo UBND huyện" not in decision.reason


def test_an_invitation_stays_electronic_only_even_to_a_security_meeting():
    """The letter's exception is written on meeting materials only ("Tài liệu phục vụ hội họp (trừ …)")."""
    invitation = Document(summary="Giấy mời", doc_type=DocType.GIAY_MOI, meeting_kind=MeetingKind.SECURITY)
    decision = paper.decide(invitation, recipient(True), AFTER, PaperRule())
    assert decision.paper_required is False
    assert "giấy mời" in decision.reason


def test_a_unit_that_joined_the_system_after_the_day_of_sending_gets_paper():
    late = Unit(name="Xã mới", kind=UnitKind.COMMUNE, eoffice_since=datetime.date(2017, 3, 1))
    decision = paper.decide(document("giấy mời"), late, AFTER, PaperRule())
    assert decision.paper_required is True
    assert "chưa tham gia hệ thống" in decision.reason


def test_an_inactive_unit_counts_as_off_the_system():
    closed = Unit(name="Xã đã sáp nhập", kind=UnitKind.COMMUNE, eoffice_since=ON_SYSTEM_SINCE, active=False)
    assert paper.decide(document("giấy mời"), closed, AFTER, PaperRule()).paper_required is True


def test_the_effective_date_itself_is_already_electronic_only():
    decision = paper.decide(document("giấy mời"), recipient(True), datetime.date(2017, 1, 1), PaperRule())
    assert decision.paper_required is False


# --- The rule is data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "kind", "comment", "paper_required", "names"),
    [
        ({"invitations_electronic_only": False}, "giấy mời", False, True, "không thuộc diện chỉ gửi điện tử"),
        ({"meeting_materials_electronic_only": False}, "tài liệu họp", False, True, "không thuộc diện"),
        ({"meeting_materials_electronic_only": False}, "tài liệu họp an ninh", False, True, "Gửi"),
        ({"copies_electronic_only": False}, "sao y", False, True, "không thuộc diện"),
        ({"copies_electronic_only": False}, "sao lục", False, True, "không thuộc diện"),
        ({"security_meetings_keep_paper": False}, "tài liệu họp an ninh", False, False, "tài liệu phục vụ hội họp"),
        ({"leader_comment_keeps_paper": False}, "giấy mời", True, False, "giấy mời"),
        ({"leader_comment_keeps_paper": False}, "công văn", True, True, "không thuộc diện"),
        ({"effective_date": datetime.date(2017, 6, 1)}, "giấy mời", False, True, "trước ngày 01/06/2017"),
        ({"effective_date": datetime.date(2016, 12, 1)}, "giấy mời", False, False, "giấy mời"),  # BEFORE is now after
        ({"basis": "Quyết định số 12/QĐ-UBND"}, "sao y", False, False, "(Quyết định số 12/QĐ-UBND)"),
    ],
)
def test_changing_the_rule_changes_the_decision(change, kind, comment, paper_required, names):
    rule = PaperRule(**change)
    on = BEFORE if change.get("effective_date") == datetime.date(2016, 12, 1) else AFTER
    decision = paper.decide(document(kind, comment), recipient(True), on, rule)
    assert decision.paper_required is paper_required
    assert names in decision.reason


def test_the_stored_rule_is_the_one_applied(db):
    rule = PaperRule.current()
    assert rule.pk is not None and PaperRule.current().pk == rule.pk  # one row, made on first use
    assert paper.decide(document("giấy mời"), recipient(True), AFTER).paper_required is False

    PaperRule.objects.filter(pk=rule.pk).update(invitations_electronic_only=False)

    assert paper.decide(document("giấy mời"), recipient(True), AFTER).paper_required is True


# --- Deliveries store the decision and its reason ----------------------------------------------------------------


def test_an_invitation_to_the_communes_goes_electronic_only_and_paper_to_a_body_off_the_system(db):
    document = issued(
        doc_type=DocType.GIAY_MOI, summary="Mời dự hội nghị triển khai iDesk", recipient_units=[unit("so-noi-vu")]
    )

    deliveries = {d.recipient_unit.code: d for d in document.deliveries.select_related("recipient_unit")}
    assert len(deliveries) == 8
    for code in [u.code for u in communes()]:
        d = deliveries[code]
        assert (d.electronic, d.paper_required) == (True, False), code
        assert "giấy mời" in d.paper_reason
    off = deliveries["so-noi-vu"]
    assert (off.electronic, off.paper_required) == (False, True)
    assert "chưa tham gia hệ thống" in off.paper_reason


def test_the_issued_page_shows_each_reason_once_above_its_recipients(db):
    """On a phone the reason repeated on every row was most of the table: it heads its group of rows, with a count."""
    document = issued(
        doc_type=DocType.GIAY_MOI, summary="Mời dự hội nghị triển khai iDesk", recipient_units=[unit("so-noi-vu")]
    )
    html = client_as(user("vanthu.ubnd")).get(f"/documents/outgoing/{document.pk}/").content.decode()
    table = re.search(r'<table[^>]*data-testid="deliveries".*?</table>', html, re.S).group(0)
    reasons = {d.paper_reason for d in document.deliveries.all()}
    assert len(reasons) == 2
    for reason in reasons:
        assert table.count(reason) == 1, reason
    heads = re.findall(r'<th scope="rowgroup"[^>]*data-testid="paper-reason">(.*?)</th>', table, re.S)
    assert sorted(re.search(r"\((\d+) nơi nhận\)", h).group(1) for h in heads) == ["1", "7"]
    assert table.count("<tbody>") == 2 and table.count("data-unit=") == 8


def test_a_leader_comment_given_when_signing_keeps_paper_for_everyone(db):
    document = issued(doc_type=DocType.GIAY_MOI, leader_comment="Yêu cầu Chủ tịch UBND các xã dự đầy đủ.")
    assert set(document.deliveries.values_list("paper_required", "paper_reason")) == {
        (True, f"Gửi bản giấy: văn bản có ý kiến của lãnh đạo UBND huyện ({BASIS}).")
    }


def test_a_department_heads_comment_on_its_own_invitation_does_not_bring_paper_back(db):
    head = user("truong.noivu")
    document = issued(
        author="cv1.noivu", head="truong.noivu", clerk="vanthu.noivu", issuer_unit=None, signer=head,
        doc_type=DocType.GIAY_MOI, leader_comment="Đề nghị cử đúng thành phần.",
    )  # fmt: skip
    assert document.leader_comment == "Đề nghị cử đúng thành phần."  # it still travels with the document
    assert set(document.deliveries.values_list("electronic", "paper_required")) == {(True, False)}


@pytest.mark.parametrize(
    ("meeting_kind", "paper_required"), [(MeetingKind.ORDINARY, False), (MeetingKind.SECURITY, True)]
)
def test_meeting_materials_by_their_kind(db, meeting_kind, paper_required):
    document = issued(doc_type=DocType.BAO_CAO, summary="Báo cáo phục vụ họp", meeting_kind=meeting_kind)
    assert set(document.deliveries.values_list("electronic", "paper_required")) == {(True, paper_required)}


def test_a_cong_van_still_goes_on_paper(db):
    document = issued()
    assert set(document.deliveries.values_list("electronic", "paper_required")) == {(True, True)}


def test_the_rule_in_force_on_the_day_of_issue_is_stored_with_each_delivery(db):
    PaperRule.objects.update_or_create(
        pk=PaperRule.current().pk, defaults={"effective_date": datetime.date(2100, 1, 1)}
    )
    document = issued(doc_type=DocType.GIAY_MOI)
    assert set(document.deliveries.values_list("paper_required", "paper_reason")) == {
        (True, f"Gửi bản giấy: trước ngày 01/01/2100 quy định chỉ gửi điện tử chưa áp dụng ({BASIS}).")
    }


def test_a_long_basis_still_fits_the_stored_reason(db):
    """The administrator may write the basis at full length (255 characters); the stored reason must fit."""
    long_basis = (
        "Công văn số 3261/UBND ngày 05/12/2016 của UBND huyện Vân Canh về việc thực hiện nghiêm túc hệ thống "
        "Văn phòng điện tử iDesk, mục 3; Quyết định số 36/2016/QĐ-UBND ngày 08/7/2016 của UBND tỉnh "
        "Bình Định ban hành Quy chế quản lý và sử dụng hệ thống"
    )[:255]
    assert len(long_basis) > 200
    PaperRule.objects.filter(pk=PaperRule.current().pk).update(basis=long_basis)

    document = issued(doc_type=DocType.GIAY_MOI)

    reasons = list(Delivery.objects.filter(document=document).values_list("paper_reason", flat=True))
    assert len(reasons) == 7
    max_length = Delivery._meta.get_field("paper_reason").max_length
    # (SQLite does not enforce the length; PostgreSQL refuses the whole issue when it is exceeded.)
    assert all(reason.startswith("Chỉ gửi điện tử: giấy mời") and len(reason) <= max_length for reason in reasons)


# --- Paper pages saved ---------------------------------------------------------------------------------------------


def _deliver(document: Document, code: str, when: datetime.datetime, **fields) -> Delivery:
    return Delivery.objects.create(
        document=document, sender_unit=document.issuer_unit, recipient_unit=unit(code), sent_at=when, **fields
    )


def test_pages_saved_are_pages_times_electronic_only_deliveries_per_month(db):
    vp, other = unit("vp"), unit("noi-vu")
    three_pages = Document.objects.create(issuer_unit=vp, issuer_name=vp.name, summary="Giấy mời", pages=3)
    unknown_pages = Document.objects.create(issuer_unit=vp, issuer_name=vp.name, summary="Tài liệu họp")
    march = vn_time(2017, 3, 31, 23, 30)  # late evening, local time: still March
    april = vn_time(2017, 4, 1, 0, 30)  # just after midnight, local time: already April (still March in UTC)
    for code in ["xa-canh-hien", "xa-canh-hiep", "xa-canh-hoa", "xa-canh-lien"]:
        _deliver(three_pages, code, march)
    _deliver(three_pages, "xa-canh-thuan", march, paper_required=True)  # printed anyway
    _deliver(three_pages, "so-noi-vu", march, electronic=False, paper_required=True)  # off the system
    for code in ["xa-canh-hien", "xa-canh-vinh"]:
        _deliver(unknown_pages, code, april)  # a document without a page count counts as one page
    _deliver(unknown_pages, "tt-van-canh", vn_time(2018, 4, 2))  # another year
    elsewhere = Document.objects.create(issuer_unit=other, issuer_name=other.name, summary="Khác", pages=9)
    _deliver(elsewhere, "xa-canh-hien", march)  # another sender

    assert outgoing_selectors.paper_pages_saved(vp, 2017) == [(3, 12), (4, 2)]
    assert outgoing_selectors.paper_pages_saved(vp, 2018) == [(4, 1)]
    assert outgoing_selectors.paper_pages_saved(other, 2017) == [(3, 9)]


def test_an_invitation_issued_to_the_communes_adds_its_pages_to_this_month(db):
    from django.utils import timezone

    district = unit("ubnd")
    today = timezone.localdate()
    before = dict(outgoing_selectors.paper_pages_saved(district, today.year)).get(today.month, 0)

    document = issued(doc_type=DocType.GIAY_MOI, recipient_units=[unit("so-noi-vu")])

    document.refresh_from_db()
    assert document.pages >= 1  # counted from the official PDF
    after = dict(outgoing_selectors.paper_pages_saved(district, today.year))[today.month]
    assert after - before == document.pages * 7  # the seven communes, not the Sở off the system
    assert user("vanthu.ubnd").unit == district


# --- Classified documents: paper only, never the file -------------------------------------------------------------


@pytest.mark.parametrize("doc_type", [DocType.CONG_VAN, DocType.GIAY_MOI])
def test_a_classified_document_is_dispatched_on_paper_only_with_the_state_secret_reason(db, doc_type):
    from documents.core import grants
    from documents.outgoing import selectors

    document = issued(doc_type=doc_type, secrecy=Secrecy.MAT, summary="Kế hoạch bảo đảm an ninh Tết")

    deliveries = list(document.deliveries.all())
    assert len(deliveries) == 7
    for d in deliveries:
        assert (d.electronic, d.paper_required) == (False, True)
        assert STATE_SECRET in d.paper_reason and "độ Mật" in d.paper_reason
    assert not grants.has(user("vanthu.canhhien"), document)  # the recipient's clerk never gets the file
    assert set(selectors.paper_to_send(user("vanthu.ubnd")).filter(document=document)) == set(deliveries)


def test_the_exchange_never_packages_a_classified_document(db):
    from documents.exchange.edxml import EdxmlError
    from documents.exchange.packages import package_for_issued

    document = issued(secrecy=Secrecy.TOI_MAT)
    with pytest.raises(EdxmlError, match="mật"):
        package_for_issued(document, [unit("so-noi-vu")])


# --- The decision before the number: the draft page's preview --------------------------------------------------------


def _preview_reasons(html: str) -> list[str]:
    import re

    block = html.split('data-testid="paper-preview"', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"\s+", " ", r).strip() for r in re.findall(r"<div>([^<]+)</div>", block)]


@pytest.mark.parametrize("username", ["vanthu.ubnd", "chutich"])
def test_the_draft_awaiting_issue_shows_each_recipients_decision_before_the_number(db, username):
    from django.urls import reverse
    from django.utils.html import escape

    from documents.outgoing.models import DraftStatus
    from tests.documents.outgoing_builders import signed
    from tests.helpers import client_as

    draft = signed(doc_type=DocType.GIAY_MOI, recipient_units=[unit("so-noi-vu")])
    assert draft.status == DraftStatus.SIGNED and draft.document_id is None

    html = client_as(user(username)).get(reverse("documents:draft_detail", args=[draft.pk])).content.decode()
    shown = _preview_reasons(html)

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    stored = set(document.deliveries.values_list("paper_reason", flat=True))
    assert len(stored) == 2  # the communes electronic-only, the Sở off the system on paper
    assert {escape(r) for r in stored} == set(shown)  # the preview is the decision
    assert "Sở Nội vụ" in html.split('data-testid="paper-preview"', 1)[1].split("</section>", 1)[0]


def test_the_preview_of_a_classified_draft_says_paper_only_and_why(db):
    from django.urls import reverse

    from tests.documents.outgoing_builders import signed
    from tests.helpers import client_as

    draft = signed(secrecy=Secrecy.MAT)
    html = client_as(user("vanthu.ubnd")).get(reverse("documents:draft_detail", args=[draft.pk])).content.decode()
    [reason] = _preview_reasons(html)
    assert STATE_SECRET in reason and "Chỉ bản giấy" in html


# --- The rule in versions: a change applies from its day and never touches stored decisions ---------------------------


def test_a_new_version_applies_from_its_day_and_leaves_stored_decisions_alone(db):
    import time_machine

    with time_machine.travel(vn_time(2026, 3, 2, 9, 0), tick=False):
        before = issued(doc_type=DocType.GIAY_MOI)
        PaperRule.objects.create(
            effective_date=datetime.date(2026, 3, 3), invitations_electronic_only=False, basis="Quyết định 9/QĐ-UBND"
        )
        assert PaperRule.current().effective_date == datetime.date(2017, 1, 1)  # not yet in force
    stored = set(before.deliveries.values_list("paper_required", "paper_reason"))
    assert stored == {(False, f"Chỉ gửi điện tử: giấy mời gửi đơn vị đã dùng hệ thống ({BASIS}).")}

    with time_machine.travel(vn_time(2026, 3, 3, 9, 0), tick=False):
        after = issued(doc_type=DocType.GIAY_MOI)

    assert set(after.deliveries.values_list("paper_required", flat=True)) == {True}
    assert all("Quyết định 9/QĐ-UBND" in r for r in after.deliveries.values_list("paper_reason", flat=True))
    assert set(before.deliveries.values_list("paper_required", "paper_reason")) == stored  # unchanged


def test_the_admin_shows_versions_in_force_read_only_and_adds_a_new_one(db, admin_client):
    import time_machine
    from django.urls import reverse

    with time_machine.travel(vn_time(2026, 3, 2, 9, 0), tick=False):
        in_force = PaperRule.current()
        changelist = admin_client.get(reverse("admin:documents_paperrule_changelist"))
        assert changelist.status_code == 200 and "Đang áp dụng" in changelist.content.decode()
        page = admin_client.get(reverse("admin:documents_paperrule_change", args=[in_force.pk])).content.decode()
        assert 'name="_save"' not in page  # history: read-only
        refused = admin_client.post(
            reverse("admin:documents_paperrule_change", args=[in_force.pk]),
            {"effective_date": "01/01/2017", "basis": "khác", "invitations_electronic_only": ""},
        )
        assert refused.status_code == 403
        assert PaperRule.objects.get(pk=in_force.pk).invitations_electronic_only is True

        add = reverse("admin:documents_paperrule_add")
        assert 'value="03/03/2026"' in admin_client.get(add).content.decode()  # starts from tomorrow, dd/mm/yyyy
        fields = {"basis": "Quyết định 9/QĐ-UBND", "security_meetings_keep_paper": "on"}
        backdated = admin_client.post(add, {**fields, "effective_date": "02/03/2026"})
        assert backdated.status_code == 200 and PaperRule.objects.count() == 1  # refused: today is already decided
        made = admin_client.post(add, {**fields, "effective_date": "10/03/2026"})
        assert made.status_code == 302
    assert PaperRule.current(datetime.date(2026, 3, 10)).basis == "Quyết định 9/QĐ-UBND"
    assert PaperRule.current(datetime.date(2026, 3, 9)).pk == in_force.pk
