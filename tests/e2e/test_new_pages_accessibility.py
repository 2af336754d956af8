"""axe-core on the pages issue 18's other parts added (the one search with saved searches, the follow-up, postal
and copy register books, an export job's progress page, a draft's paper preview, an issued document waiting for
the agency's signature), at 1280 and 360 px: no serious or critical violation."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import axe_context, axe_source, check  # noqa: F401 (fixtures)


def _awaiting_agency(settings):
    """An issued document whose agency signature failed after the number: "Chưa ký số cơ quan — cần ký lại"."""
    from documents.outgoing import services as outgoing
    from documents.outgoing import signatures
    from documents.signing.errors import SigningError
    from tests.documents.outgoing_builders import signed
    from tests.helpers import user

    def failing(*args, **kwargs):
        raise SigningError("Dịch vụ ký số từ xa không trả lời.")

    settings.IDESK_SIGNATURES_REQUIRED = True
    draft = signed(summary="V/v kiểm tra trạng thái chưa ký số cơ quan")
    real = signatures.issue_signed
    signatures.issue_signed = failing
    try:
        document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    finally:
        signatures.issue_signed = real
    assert signatures.awaiting_agency(document)
    return document


def test_new_pages_have_no_serious_violation(axe_context, axe_source, settings):  # noqa: F811
    import datetime

    from django.utils import timezone

    from documents.search import services as search
    from idesk.models import ExportJob
    from tests.documents.outgoing_builders import departments, issued_as, signed
    from tests.helpers import VN, user

    clerk = user("vanthu.ubnd")
    search.save_search(clerk, "Phòng cháy", "phong chay")
    search.save_search(clerk, "Công văn 3261", "3261")
    to_issue = signed(summary="V/v kiểm tra bản giấy khi phát hành")
    job = ExportJob.objects.create(
        requester=clerk, kind="register_di", params={"year": 2016}, key="a11y", title="Sổ đăng ký văn bản đi 2016",
        filename="so-di-2016.pdf", status="running", done=3, total=10, created_at=timezone.now(),
    )  # fmt: skip
    awaiting = _awaiting_agency(settings)
    # The founding letter's shape: 3261/UBND of 05/12/2016 to the departments, all under one paper reason.
    founding = issued_as(
        3261, datetime.datetime(2016, 12, 5, 9, 0, tzinfo=VN), recipient_units=departments(), recipient_groups=[]
    )
    recipients = founding.deliveries.count()

    pages = {  # name: (path, what shows the page is the state meant, not an error or an empty page)
        "Tìm văn bản": ("/documents/find/?q=ubnd", "Công văn 3261"),
        "Tìm văn bản (trống)": ("/documents/find/", "Phòng cháy"),
        "Sổ theo dõi giải quyết": ("/documents/incoming/follow-up/", "Sổ theo dõi"),
        "Sổ gửi bưu điện": ("/documents/outgoing/postal/", "bưu điện"),
        "Sổ văn bản sao": ("/documents/outgoing/copies/register/", "sao"),
        "Bản PDF tạo nền": (f"/exports/{job.pk}/", "Sổ đăng ký văn bản đi 2016"),
        "Dự thảo (bản giấy)": (to_issue.get_absolute_url(), "Gửi bản giấy khi phát hành"),
        "Chưa ký số cơ quan": (f"/documents/outgoing/{awaiting.pk}/", "Chưa ký số cơ quan"),
        # Its 19 deliveries under their paper reason (a row heading each group).
        "Văn bản đi đã phát hành": (f"/documents/outgoing/{founding.pk}/", f"{recipients} nơi nhận"),
    }
    sign_in(axe_context, "vanthu.ubnd")
    paths = {name: path for name, (path, _) in pages.items()}
    found = check(axe_context, axe_source, paths, markers={name: marker for name, (_, marker) in pages.items()})
    assert not found, "\n" + found


FITS = """() => [...document.querySelectorAll('input[data-datepicker], input[placeholder="dd/mm/yyyy"]')]
  .filter(el => el.offsetParent !== null).map(el => {
    const style = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = style.font;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [el.name, Math.ceil(ctx.measureText('09/03/2026').width), Math.floor(room)];
  })"""


def test_a_register_books_dates_are_readable_on_a_phone(axe_context):  # noqa: F811
    """At 360 px the Từ ngày / Đến ngày fields, beside their calendar buttons, still show a whole dd/mm/yyyy."""
    sign_in(axe_context, "vanthu.ubnd")
    axe_context.set_viewport_size({"width": 360, "height": 800})
    books = ("/documents/incoming/follow-up/", "/documents/outgoing/postal/", "/documents/outgoing/copies/register/")
    for path in books:
        axe_context.goto(axe_context.base_url + path)
        axe_context.wait_for_load_state("networkidle")
        fields = axe_context.evaluate(FITS)
        assert len(fields) == 2, (path, fields)
        cut = [(name, needed, room) for name, needed, room in fields if needed > room]
        assert not cut, (path, cut)
