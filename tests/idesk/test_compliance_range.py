"""The compliance pages' period (issue 18): a reversed range is said, not silently swapped; a range reaching before
the first computed day says where the data starts."""

import datetime

import time_machine

from tests.idesk.factories import TUE, WED
from tests.idesk.test_compliance_dashboard import two_days  # noqa: F401 (fixture)

TODAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def messages_of(page: str) -> str:
    return " ".join(page.split())


@time_machine.travel(TODAY, tick=False)
def test_a_reversed_range_is_explained_and_shown_the_right_way_round(two_days, chairman, as_user):  # noqa: F811
    for url in ("/units/compliance/", "/units/compliance/xa-canh-hien/"):
        page = messages_of(as_user(chairman).get(f"{url}?from={WED.isoformat()}&to={TUE.isoformat()}").content.decode())
        assert "Ngày bắt đầu (18/11/2026) sau ngày kết thúc (17/11/2026)" in page, url
        assert "từ ngày 17/11/2026 đến ngày 18/11/2026" in page, url


@time_machine.travel(TODAY, tick=False)
def test_a_range_starting_before_the_data_says_where_it_starts(two_days, chairman, as_user):  # noqa: F811
    early = TUE - datetime.timedelta(days=40)
    for url in ("/units/compliance/", "/units/compliance/xa-canh-hien/"):
        page = messages_of(
            as_user(chairman).get(f"{url}?from={early.isoformat()}&to={WED.isoformat()}").content.decode()
        )
        assert "Số liệu chỉ có từ ngày" in page, url
    within = messages_of(as_user(chairman).get(f"/units/compliance/?from={TUE}&to={WED}").content.decode())
    assert "Số liệu chỉ có từ ngày" not in within and "sau ngày kết thúc" not in within


@time_machine.travel(TODAY, tick=False)
def test_a_range_ending_past_the_last_computed_working_day_says_where_the_data_ends(
    two_days,  # noqa: F811
    chairman,
    as_user,
):
    friday = TODAY.date()  # Thursday and today not computed yet
    for url in ("/units/compliance/", "/units/compliance/xa-canh-hien/"):
        page = messages_of(as_user(chairman).get(f"{url}?from={TUE}&to={friday}").content.decode())
        assert "Số liệu đến hết ngày 18/11/2026: ngày làm việc sau đó" in page, url
        within = messages_of(as_user(chairman).get(f"{url}?from={TUE}&to={WED}").content.decode())
        assert "Số liệu đến hết ngày" not in within, url
