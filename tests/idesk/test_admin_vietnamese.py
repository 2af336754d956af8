"""The admin in Vietnamese where third-party apps speak English: their headings through our AppConfigs
(accounts/two_factor/apps.py), their model and column names through locale/vi (compiled into django.mo, which
must say what django.po says)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES"


def _po_pairs() -> dict[str, str]:
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    return {a: b for a, b in re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.M)}


def test_the_compiled_catalogue_says_what_the_po_says():
    pairs = _po_pairs()
    assert len(pairs) > 30
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert {a: compiled.gettext(a) for a in pairs} == pairs


def test_the_admin_index_names_the_login_and_queue_apps_in_vietnamese(db, admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    for vietnamese in ("Khóa đăng nhập", "Lần đăng nhập sai", "Nhật ký đăng nhập", "Tác vụ lỗi", "Tác vụ theo lịch"):
        assert vietnamese in page, vietnamese
    for english in ("Access attempts", "Access logs", "Failed tasks", "Scheduled tasks", "Otp_Totp", "Otp_Static"):
        assert english not in page, english
    assert "Xác thực hai bước: ứng dụng tạo mã" in page


def test_a_queue_list_has_vietnamese_columns(db, admin_client):
    page = admin_client.get(reverse("admin:django_q_schedule_changelist")).content.decode()
    assert "Lần chạy tới" in page and "Kiểu lịch" in page and "Next Run" not in page
