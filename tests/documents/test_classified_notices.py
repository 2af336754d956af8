"""Classified documents (issue 15): the content goes on paper; the system carries only a notice to the
recipient's clerk (issuer, number and symbol, date, secrecy), never the file or the summary. The clerk registers
the paper copy from the notice, in the confidential register, and the notice leaves Chờ vào sổ."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.core.models import Delivery, DeliveryStatus, Secrecy
from documents.core.services import ServiceError
from documents.incoming import selectors, services
from tests.documents.conftest import incoming_data, unit, user
from tests.documents.outgoing_builders import issued

SUMMARY = "V/v phương án bảo vệ mục tiêu trọng điểm năm 2026"


@pytest.fixture
def secret(db):
    return issued(secrecy=Secrecy.MAT, summary=SUMMARY, recipient_groups=[], recipient_units=[unit("noi-vu")])


def test_the_recipient_clerk_sees_a_notice_without_summary_file_or_link_to_content(client, secret):
    notice = Delivery.objects.get(document=secret, recipient_unit=unit("noi-vu"))
    assert not notice.electronic
    client.force_login(user("vanthu.noivu"))

    page = client.get(reverse("documents:deliveries")).content.decode()

    assert "Văn bản mật gửi bản giấy" in page
    assert secret.number_symbol in page and "UBND huyện" in page and secret.issued_date.strftime("%d/%m/%Y") in page
    assert SUMMARY not in page
    assert f"{reverse('documents:incoming_new')}?notice={notice.pk}" in page
    assert reverse("documents:delivery_detail", args=[notice.pk]) not in page
    assert reverse("documents:issued_detail", args=[secret.pk]) not in page
    for f in secret.files.all():
        assert reverse("documents:file", args=[f.pk]) not in page


def test_the_notice_opens_neither_the_file_nor_the_issued_page_nor_the_arrival(client, secret):
    notice = Delivery.objects.get(document=secret, recipient_unit=unit("noi-vu"))
    client.force_login(user("vanthu.noivu"))
    assert secret.files.exists()
    for f in secret.files.all():
        assert client.get(reverse("documents:file", args=[f.pk])).status_code in (403, 404)
    assert client.get(reverse("documents:issued_detail", args=[secret.pk])).status_code in (403, 404)
    assert client.get(reverse("documents:delivery_detail", args=[notice.pk])).status_code == 404
    form = client.get(reverse("documents:incoming_new") + f"?notice={notice.pk}").content.decode()
    assert SUMMARY not in form


def test_only_the_recipient_units_clerk_sees_the_notice(secret):
    notice = Delivery.objects.get(document=secret, recipient_unit=unit("noi-vu"))
    assert list(selectors.paper_notices(user("vanthu.noivu"))) == [notice]
    for who in ["vanthu.canhhien", "truong.noivu", "vanthu.ubnd"]:
        assert notice not in selectors.paper_notices(user(who)), who


def test_an_ordinary_paper_delivery_is_no_notice(db):
    document = issued(recipient_groups=[], recipient_units=[unit("noi-vu")])
    assert not selectors.paper_notices(user("vanthu.noivu")).filter(document=document).exists()


def test_the_form_is_prefilled_and_registering_from_it_closes_the_notice(client, secret):
    notice = Delivery.objects.get(document=secret, recipient_unit=unit("noi-vu"))
    client.force_login(user("vanthu.noivu"))
    form = client.get(reverse("documents:incoming_new") + f"?notice={notice.pk}").context["form"]
    assert form.initial["number_symbol"] == secret.number_symbol
    assert form.initial["secrecy"] == Secrecy.MAT
    assert form.initial["issued_date"] == secret.issued_date
    assert form.initial["issuer_unit"] == secret.issuer_unit_id

    record = services.register_incoming(
        clerk=user("vanthu.noivu"),
        data=incoming_data(
            issuer_unit=secret.issuer_unit, issuer_name="", number_symbol=secret.number_symbol,
            issued_date=secret.issued_date, secrecy=Secrecy.MAT, summary="Theo bản giấy",
        ),
        notice=notice,
    )  # fmt: skip

    assert record.confidential and record.register.confidential
    notice.refresh_from_db()
    assert (notice.record_id, notice.status) == (record.pk, DeliveryStatus.REGISTERED)
    assert not selectors.paper_notices(user("vanthu.noivu")).exists()
    page = client.get(reverse("documents:deliveries")).content.decode()
    assert "Văn bản mật gửi bản giấy" not in page
    with pytest.raises(ServiceError):  # a second paper copy cannot close it again
        services.register_incoming(clerk=user("vanthu.noivu"), data=incoming_data(), notice=notice)


def test_another_units_clerk_cannot_register_from_the_notice(client, secret):
    notice = Delivery.objects.get(document=secret, recipient_unit=unit("noi-vu"))
    client.force_login(user("vanthu.canhhien"))
    assert client.get(reverse("documents:incoming_new") + f"?notice={notice.pk}").status_code == 404
    with pytest.raises(ServiceError):
        services.register_incoming(clerk=user("vanthu.canhhien"), data=incoming_data(), notice=notice)
