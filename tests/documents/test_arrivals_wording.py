"""Chờ vào sổ is worded from the reader's side (issue 18): an arrival says "Chưa xem" or "Đã xem, chưa vào sổ",
never the sender's "Đã gửi"."""

from __future__ import annotations

import re

from documents.models import Delivery
from tests.conftest import client_as
from tests.documents import outgoing_builders


def arrivals_table(clerk) -> str:
    response = client_as(clerk).get("/documents/incoming/arrivals/")
    assert response.status_code == 200
    return re.search(r"<table class=\"table table-hover table-idesk.*?</table>", response.content.decode(), re.S).group(
        0
    )


def test_arrivals_say_chua_xem_then_da_xem_never_da_gui(db):
    document = outgoing_builders.issued(summary="Về kiểm tra trạng thái văn bản đến")
    clerk = outgoing_builders.clerk_of(outgoing_builders.communes()[0])
    delivery = Delivery.objects.get(document=document, recipient_unit=clerk.unit)

    table = arrivals_table(clerk)
    assert "Đã gửi" not in table
    assert "Chưa xem" in table

    client_as(clerk).get(f"/documents/incoming/arrivals/{delivery.pk}/")  # opening it marks it read
    delivery.refresh_from_db()
    assert delivery.opened_at
    table = arrivals_table(clerk)
    assert "Đã gửi" not in table and "Đã xem, chưa vào sổ" in table
