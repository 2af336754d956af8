"""axe-core (npm, installed by `make install` under var/axe) on the main pages at 1280 and 360 px: no critical or
serious violation. Its script is added to the page with the CSP bypassed, in this test's own context only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.conftest import new_page, sign_in

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR) / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 360)
RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.replace(/\\n/g, ' ')),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("IDESK_REQUIRE_E2E"):
            pytest.fail(f"axe-core not found at {AXE}; `make install` puts it there (npm)")
        pytest.skip("axe-core is not installed (make install, with npm)")
    return AXE.read_text()


@pytest.fixture
def axe_context(browser, live_server, seeded, axe_source):
    page = new_page(browser, live_server.url, bypass_csp=True)
    yield page
    page.context.close()


def report(found: dict) -> str:
    lines = []
    for where, violations in found.items():
        lines.append(where)
        for v in violations:
            lines.append(f"  {v['impact']} {v['id']}: {v['help']}")
            lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)


def check(page, source: str, paths: dict[str, str], markers: dict[str, str] | None = None) -> str:
    """Each page is loaded once and checked at each width: no script of the site reads the width, so the layout at
    360 px is CSS's alone and a resize gives what a phone loads. Nothing is fetched after the load event (no htmx
    on load), so there is no network to wait for. `markers`: by name, a text that shows the page is the state meant
    (not an error or an empty page)."""
    found = {}
    for name, path in paths.items():
        response = page.goto(page.base_url + path)
        if markers:
            assert response.status == 200, name
            assert markers[name] in page.content(), name
        page.add_script_tag(content=source)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            violations = page.evaluate(RUN_AXE)
            if violations:
                found[f"{name} @ {width}px ({path})"] = violations
    return report(found)


def test_public_pages_have_no_serious_violation(axe_context, axe_source):
    found = check(axe_context, axe_source, {"Đăng nhập": "/accounts/login/", "Cổng thông báo": "/thong-bao/"})
    assert not found, "\n" + found


def test_clerk_pages_have_no_serious_violation(axe_context, axe_source):
    from tests.documents.conftest import register
    from tests.helpers import user

    record = register(user("vanthu.ubnd"), number_symbol="125/UBND-VX")
    sign_in(axe_context, "vanthu.ubnd")
    paths = {
        "Bàn làm việc": "/",
        "Văn bản đến": "/documents/incoming/",
        "Vào sổ văn bản đến": "/documents/incoming/new/",
        "Văn bản đến (hồ sơ)": f"/documents/incoming/{record.pk}/",
        "Văn bản đi": "/documents/outgoing/",
        "Lịch họp": "/meetings/",
        "Danh bạ": "/units/",
        "Cổng thông báo": "/thong-bao/",
    }
    found = check(axe_context, axe_source, paths)
    assert not found, "\n" + found


def test_leader_pages_have_no_serious_violation(axe_context, axe_source):
    from documents.outgoing import services as outgoing
    from tests.documents.outgoing_builders import drafted
    from tests.helpers import user

    # A draft the department head has approved, waiting for the Chủ tịch's signature.
    draft = drafted(summary="V/v kiểm tra trang dự thảo chờ ký")
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    sign_in(axe_context, "chutich")
    paths = {
        "Bàn làm việc": "/",
        "Dự thảo": f"/documents/outgoing/drafts/{draft.pk}/",
        "Văn bản đi": "/documents/outgoing/",
        "Theo dõi tuân thủ": "/units/compliance/",
    }
    found = check(axe_context, axe_source, paths)
    assert not found, "\n" + found
