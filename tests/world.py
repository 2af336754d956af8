"""The test district: built only with tests/factories.py, written here (not read from the demo), so editing the demo
never breaks a test. tests/conftest.py builds it into every test database, and again after a transactional test's
flush (the `seeded` fixture).

Its shape and usernames are the personas' (STYLE.md): UBND huyện (`ubnd`) with its leaders (chutich, pct.kinhte,
pct.vanhoa), its clerk vanthu.ubnd and staff cv1/cv2.ubnd; thirteen phòng, ban under it and seven xã, thị trấn, each
with truong.<slug> (head), pho.<slug> (deputy), vanthu.<slug> (the one clerk) and cv1/cv2.<slug> (staff); five
external bodies; admin at Văn phòng; two notices on the public page. Every leader, head and deputy, and every unit on
the system, holds a certificate of the test CA (trusted), with a signature or seal image.

No documents, registers, meetings or history: a test makes what it reads (tests/documents/conftest.py and the
*_builders.py beside the tests).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from idesk.models import Notice
from tests import factories
from units.models import Unit, UnitKind

PROVINCE = "H09"  # the province's code, last in a mã định danh

# username slug, code, name, short name, head's position
DEPARTMENTS = [
    ("vp", "vp", "Văn phòng HĐND và UBND huyện", "VP", "Chánh Văn phòng"),
    ("noivu", "noi-vu", "Phòng Nội vụ", "NV", "Trưởng phòng"),
    ("tuphap", "tu-phap", "Phòng Tư pháp", "TP", "Trưởng phòng"),
    ("tckh", "tc-kh", "Phòng Tài chính - Kế hoạch", "TCKH", "Trưởng phòng"),
    ("tnmt", "tn-mt", "Phòng Tài nguyên và Môi trường", "TNMT", "Trưởng phòng"),
    ("ldtbxh", "ld-tb-xh", "Phòng Lao động - Thương binh và Xã hội", "LĐTBXH", "Trưởng phòng"),
    ("vhtt", "vh-tt", "Phòng Văn hóa và Thông tin", "VHTT", "Trưởng phòng"),
    ("gddt", "gd-dt", "Phòng Giáo dục và Đào tạo", "GDĐT", "Trưởng phòng"),
    ("yte", "y-te", "Phòng Y tế", "YT", "Trưởng phòng"),
    ("ktht", "kt-ht", "Phòng Kinh tế và Hạ tầng", "KTHT", "Trưởng phòng"),
    ("nnptnt", "nn-ptnt", "Phòng Nông nghiệp và Phát triển nông thôn", "NNPTNT", "Trưởng phòng"),
    ("dantoc", "dan-toc", "Phòng Dân tộc", "DT", "Trưởng phòng"),
    ("thanhtra", "thanh-tra", "Thanh tra huyện", "TTr", "Chánh Thanh tra"),
]

COMMUNES = [
    ("vancanh", "tt-van-canh", "Thị trấn Vân Canh", "UBND", "Chủ tịch UBND thị trấn"),
    ("canhhien", "xa-canh-hien", "UBND xã Canh Hiển", "UBND", "Chủ tịch UBND xã"),
    ("canhhiep", "xa-canh-hiep", "UBND xã Canh Hiệp", "UBND", "Chủ tịch UBND xã"),
    ("canhhoa", "xa-canh-hoa", "UBND xã Canh Hòa", "UBND", "Chủ tịch UBND xã"),
    ("canhlien", "xa-canh-lien", "UBND xã Canh Liên", "UBND", "Chủ tịch UBND xã"),
    ("canhthuan", "xa-canh-thuan", "UBND xã Canh Thuận", "UBND", "Chủ tịch UBND xã"),
    ("canhvinh", "xa-canh-vinh", "UBND xã Canh Vinh", "UBND", "Chủ tịch UBND xã"),
]

# code, name, short name, mã định danh
EXTERNALS = [
    ("ubnd-tinh", "UBND tỉnh Bình Định", "UBND", f"000.00.00.{PROVINCE}"),
    ("so-tttt", "Sở Thông tin và Truyền thông tỉnh Bình Định", "STTTT", f"000.00.11.{PROVINCE}"),
    ("so-noi-vu", "Sở Nội vụ tỉnh Bình Định", "SNV", f"000.00.02.{PROVINCE}"),
    ("cong-an-huyen", "Công an huyện Vân Canh", "CAH", ""),
    ("bchqs-huyen", "Ban Chỉ huy Quân sự huyện Vân Canh", "BCHQS", ""),
]

LEADERS = [
    ("chutich", "Trần Kim Vũ", "Chủ tịch UBND huyện"),
    ("pct.kinhte", "Nguyễn Thanh Hải", "Phó Chủ tịch UBND huyện"),
    ("pct.vanhoa", "Đinh Thị Hồng Nhung", "Phó Chủ tịch UBND huyện"),
]

NOTICES = [
    (
        "Danh sách tài khoản Văn phòng điện tử iDesk",
        "Mỗi cơ quan, đơn vị đã được cấp các tài khoản người dùng và 01 tài khoản Văn thư đại diện để gửi và nhận "
        "văn bản.\n\nMật khẩu do Văn phòng HĐND và UBND huyện cấp trực tiếp cho từng đơn vị.",
        datetime.datetime(2016, 12, 5, 8, 0),
    ),
    (
        "Tập huấn sử dụng hệ thống Văn phòng điện tử",
        "Văn phòng HĐND và UBND huyện hướng dẫn trực tiếp sử dụng hệ thống Văn phòng điện tử cho các cơ quan, đơn vị "
        "trên địa bàn huyện.",
        datetime.datetime(2016, 8, 4, 8, 0),
    ),
]

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]
_MIDDLE_M = ["Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công", "Ngọc"]
_MIDDLE_F = ["Thị", "Thị Thu", "Thị Mỹ", "Ngọc", "Thị Kim", "Thị Hồng"]
_GIVEN_M = ["Hùng", "Dũng", "Phúc", "Tuấn", "Khánh", "Lộc", "Quang", "Thắng", "Trung", "Hiếu", "Tài", "Sơn"]
_GIVEN_F = ["Lan", "Hương", "Trang", "Hạnh", "Ngân", "Thảo", "Yến", "Phượng", "Duyên", "Oanh", "Nhung", "Hà"]


def person_name(index: int) -> str:
    """A Vietnamese full name with diacritics, the same for the same index."""
    family = _FAMILY[index % len(_FAMILY)]
    if index % 2:
        return f"{family} {_MIDDLE_F[index % len(_MIDDLE_F)]} {_GIVEN_F[(index * 7) % len(_GIVEN_F)]}"
    return f"{family} {_MIDDLE_M[index % len(_MIDDLE_M)]} {_GIVEN_M[(index * 5) % len(_GIVEN_M)]}"


def organ_id(level2: int) -> str:
    return f"000.{level2:02d}.31.{PROVINCE}"


class _Builder:
    def __init__(self) -> None:
        self.index = 0

    def name(self) -> str:
        self.index += 1
        return person_name(self.index)

    def person(self, username, unit, role, position, *, full_name=None, sort_order=100, **extra) -> User:
        return factories.UserFactory(
            username=username,
            full_name=full_name or self.name(),
            unit=unit,
            role=role,
            position=position,
            sort_order=sort_order,
            **extra,
        )

    def staff_unit(self, unit: Unit, slug: str, head: str, deputy: str) -> None:
        self.person(f"truong.{slug}", unit, Role.HEAD, head, sort_order=1)
        self.person(f"pho.{slug}", unit, Role.DEPUTY_HEAD, deputy, sort_order=2)
        self.person(f"vanthu.{slug}", unit, Role.CLERK, "Văn thư", sort_order=3)
        for i in (1, 2):
            self.person(f"cv{i}.{slug}", unit, Role.STAFF, "Chuyên viên", sort_order=10 + i)


@transaction.atomic
def build(*, certificates: bool = True) -> Unit:
    """Build the test district into an empty database; returns UBND huyện."""
    b = _Builder()
    district = factories.UnitFactory(
        code="ubnd", name="UBND huyện Vân Canh", short_name="UBND", kind=UnitKind.DISTRICT, parent=None,
        sort_order=0, organ_id=f"000.00.31.{PROVINCE}",
    )  # fmt: skip
    for order, (username, full_name, position) in enumerate(LEADERS):
        b.person(username, district, Role.LEADER, position, full_name=full_name, sort_order=order)
    b.person("vanthu.ubnd", district, Role.CLERK, "Văn thư UBND huyện", full_name="Lê Thị Thu Hà")
    for i in (1, 2):
        b.person(f"cv{i}.ubnd", district, Role.STAFF, "Chuyên viên Văn phòng HĐND và UBND huyện")
    for order, (slug, code, name, short, head) in enumerate(DEPARTMENTS, start=1):
        unit = factories.UnitFactory(
            code=code, name=name, short_name=short, kind=UnitKind.DEPARTMENT, parent=district, sort_order=order,
            organ_id=organ_id(order),
        )  # fmt: skip
        b.staff_unit(unit, slug, head, "Phó Chánh Văn phòng" if slug == "vp" else "Phó Trưởng phòng")
    for i, (slug, code, name, short, head) in enumerate(COMMUNES):
        unit = factories.UnitFactory(
            code=code, name=name, short_name=short, kind=UnitKind.COMMUNE, parent=district, sort_order=100 + i,
            organ_id=organ_id(21 + i),
        )  # fmt: skip
        b.staff_unit(unit, slug, head, head.replace("Chủ tịch", "Phó Chủ tịch"))
    for i, (code, name, short, organ) in enumerate(EXTERNALS):
        factories.UnitFactory(
            code=code, name=name, short_name=short, kind=UnitKind.EXTERNAL, parent=None, sort_order=200 + i,
            organ_id=organ,
        )  # fmt: skip
    b.person(
        "admin", Unit.objects.get(code="vp"), Role.ADMIN, "Quản trị hệ thống", full_name="Quản trị hệ thống",
        is_staff=True, is_superuser=True,
    )  # fmt: skip
    for title, body, when in NOTICES:
        Notice.objects.create(title=title, body=body, published_at=timezone.make_aware(when))
    if certificates:
        certify()
    return district


def ensure() -> None:
    """Build the world unless it is there (after a transactional test it is copied back, unless the test asked
    Django for a flush; the first one of a session still has the world of the session's setup), by copying back
    the snapshot of the session's setup (keep/restore) where this process has one."""
    if not Unit.objects.filter(code="ubnd").exists() and not restore():
        build()


# Copies of the test database by name ("world": as the session's setup left it): on SQLite a database copied
# with SQLite's backup API, on PostgreSQL each table's rows in COPY's binary format.
_snapshots: dict = {}


def keep(name: str = "world") -> None:
    """Copy the test database as it is now under `name`, for restore() to put back."""
    import sqlite3

    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        _snapshots[name] = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(_snapshots[name])
    elif connection.vendor == "postgresql":
        rows = {}
        with connection.connection.cursor() as cursor:
            for table in _filled(cursor, _tables(connection)):
                with cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                    rows[table] = b"".join(copy)
        _snapshots[name] = rows


def _tables(connection) -> list[str]:
    """The tables a flush empties, quoted."""
    names = connection.introspection.django_table_names(only_existing=True, include_views=False)
    return [connection.ops.quote_name(name) for name in sorted(names)]


def _filled(cursor, tables: list[str]) -> list[str]:
    """Those of `tables` (quoted) that hold a row, in one query."""
    query = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})" for t in tables)
    return [table for (table,) in cursor.execute(query).fetchall()]


def restore(name: str = "world") -> bool:
    """Put the test database back as keep(name) copied it, whatever it holds now; False when there is no such copy
    (not kept in this process) or a transaction is open. In milliseconds, where building the world anew takes
    about half a second on SQLite and a second on PostgreSQL, after every transactional test."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    snapshot = _snapshots.get(name)
    if snapshot is None or connection.in_atomic_block:
        return False
    connection.ensure_connection()
    # Ids keep rising across the copy, as they do across a flush: no later row takes an id an earlier test's
    # row had (which something kept in memory might still name).
    if connection.vendor == "sqlite":
        raw = connection.connection
        used = raw.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
        snapshot.backup(raw)
        for table, seq in used:
            if not raw.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, table)).rowcount:
                raw.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq))
    else:
        with transaction.atomic(), connection.connection.cursor() as cursor:
            tables = _tables(connection)
            sequences = connection.introspection.sequence_list()
            if cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
                # A TRUNCATE costs ~8 ms a table whatever it holds (0.7 s for all of them); after a test only a
                # few tables hold rows, and only those are emptied. As a replica the session skips the triggers
                # (foreign keys, the audit trail's append-only rule): the copy is whole and consistent.
                cursor.execute("SET LOCAL session_replication_role = replica")
                for table in _filled(cursor, tables):
                    cursor.execute(f"DELETE FROM {table}")
            else:  # the foreign keys are checked at the commit (Django makes them deferrable): any order
                cursor.execute(f"TRUNCATE {', '.join(tables)}")
            for table, data in snapshot.items():
                with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data)
            # Each copied table's next id past its rows and past the ids already given (a `flush` command, as
            # the demo fixture runs, restarts the sequences; the flush after a test does not).
            for sequence in sequences:
                table, column = (connection.ops.quote_name(sequence[k]) for k in ("table", "column"))
                if table in snapshot:
                    cursor.execute(
                        f"SELECT setval(s::regclass, GREATEST(nextval(s::regclass), (SELECT max({column}) FROM"
                        f" {table}))) FROM pg_get_serial_sequence(%s, %s) AS s",
                        [table, sequence["column"]],
                    )
    ContentType.objects.clear_cache()  # the copy's content types, not those a flush made again
    return True


def certify() -> None:
    """Trust the test CA; a certificate (and signature image) for every leader, head and deputy, and one (and a
    seal) for every unit on the system."""
    factories.trust_test_ca()
    signers = User.objects.filter(is_active=True, role__in=(Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD))
    for person in signers.select_related("unit"):
        factories.person_certificate(person)
    for unit in Unit.objects.on_system():
        factories.agency_certificate(unit)
