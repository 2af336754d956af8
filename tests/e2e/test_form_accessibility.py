"""axe-core on the forms issue 18 changed (pickers, date and file helpers, the drill-down), at 1280 and 360 px
as test_accessibility.py checks the main pages: no serious or critical violation."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import axe_context, axe_source, check  # noqa: F401 (fixtures)


def test_changed_forms_have_no_serious_violation(axe_context, axe_source):  # noqa: F811
    from documents.incoming import services as incoming
    from tests.documents.conftest import register
    from tests.helpers import user

    clerk, chairman = user("vanthu.ubnd"), user("chutich")
    record = register(clerk, confirm_duplicate=True, summary="V/v kiểm tra khả năng tiếp cận")
    incoming.submit(clerk=clerk, record=record, leader=chairman)

    sign_in(axe_context, "vanthu.ubnd")
    found = check(axe_context, axe_source, {"Lên lịch họp": "/documents/meetings/new/"})
    axe_context.context.clear_cookies()
    sign_in(axe_context, "chutich")
    found += check(
        axe_context,
        axe_source,
        {"Chỉ đạo (bộ chọn)": record.get_absolute_url(), "Tuân thủ một đơn vị": "/units/compliance/xa-canh-hien/"},
    )
    axe_context.context.clear_cookies()
    sign_in(axe_context, "cv1.vp")
    found += check(axe_context, axe_source, {"Soạn văn bản đi": "/documents/outgoing/new/"})
    assert not found, "\n" + found
