import datetime

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AccessEvent


def _write(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "username,timestamp,kind\n"
    "vanthu.canhhien,2016-12-06T07:45:00+07:00,login\n"
    "vanthu.canhhien,2016-12-06T14:10:00+07:00,visit\n"
    "truong.noivu,2016-12-06T08:00:00+07:00,login\n"
)


def test_a_good_file_is_imported_in_utc(tmp_path, commune_clerk, capsys):
    call_command("import_access_events", str(_write(tmp_path, GOOD)))
    events = AccessEvent.objects.filter(user=commune_clerk).order_by("at")
    assert [e.at for e in events] == [
        datetime.datetime(2016, 12, 6, 0, 45, tzinfo=datetime.UTC),
        datetime.datetime(2016, 12, 6, 7, 10, tzinfo=datetime.UTC),
    ]
    assert events[0].unit_id == commune_clerk.unit_id
    assert "Đã nhập 3 lượt" in capsys.readouterr().out


def test_the_same_file_twice_adds_nothing(tmp_path, db, capsys):
    path = _write(tmp_path, GOOD)
    call_command("import_access_events", str(path))
    count = AccessEvent.objects.count()
    call_command("import_access_events", str(path))
    assert AccessEvent.objects.count() == count
    assert "Đã nhập 0 lượt truy cập mới; 3 lượt đã có sẵn" in capsys.readouterr().out


def test_unknown_usernames_are_reported_with_their_line_numbers(tmp_path, db, capsys):
    text = GOOD + "khong.ton.tai,2016-12-06T09:00:00+07:00,visit\n"
    call_command("import_access_events", str(_write(tmp_path, text)))
    captured = capsys.readouterr()
    assert "Dòng 5" in captured.err and "khong.ton.tai" in captured.err
    assert AccessEvent.objects.filter(at__date=datetime.date(2016, 12, 6)).count() == 3


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("vanthu.canhhien,06/12/2016 07:45,login", "ISO 8601"),
        ("vanthu.canhhien,2016-12-06T07:45:00,login", "thiếu múi giờ"),
        ("vanthu.canhhien,2016-12-06T07:45:00+07:00,logout", "không hợp lệ"),
        ("vanthu.canhhien,2016-12-06T07:45:00+07:00", "3 cột"),
    ],
)
def test_a_malformed_file_imports_nothing(tmp_path, db, bad_line, message):
    before = AccessEvent.objects.count()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_access_events", str(_write(tmp_path, GOOD + bad_line + "\n")))
    assert message in str(excinfo.value)
    assert "Dòng 5" in str(excinfo.value)
    assert AccessEvent.objects.count() == before


def test_a_wrong_header_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="tiêu đề"):
        call_command("import_access_events", str(_write(tmp_path, "user,time,kind\n")))


def test_a_missing_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("import_access_events", str(tmp_path / "none.csv"))
