"""The demo district: Vân Canh, Bình Định, as in 2016 (DOMAIN.md)."""

import datetime
import hashlib

DEMO_PASSWORD = "idesk-demo"
ON_SYSTEM_SINCE = datetime.date(2016, 9, 1)

# code, name, short name (for symbols), kind, username slug, head position
DISTRICT = ("ubnd", "UBND huyện Vân Canh", "UBND", "district", "ubnd")

DEPARTMENTS = [
    ("vp", "Văn phòng HĐND và UBND huyện", "VP", "vp", "Chánh Văn phòng"),
    ("noi-vu", "Phòng Nội vụ", "NV", "noivu", "Trưởng phòng"),
    ("tu-phap", "Phòng Tư pháp", "TP", "tuphap", "Trưởng phòng"),
    ("tc-kh", "Phòng Tài chính - Kế hoạch", "TCKH", "tckh", "Trưởng phòng"),
    ("tn-mt", "Phòng Tài nguyên và Môi trường", "TNMT", "tnmt", "Trưởng phòng"),
    ("ld-tb-xh", "Phòng Lao động - Thương binh và Xã hội", "LĐTBXH", "ldtbxh", "Trưởng phòng"),
    ("vh-tt", "Phòng Văn hóa và Thông tin", "VHTT", "vhtt", "Trưởng phòng"),
    ("gd-dt", "Phòng Giáo dục và Đào tạo", "GDĐT", "gddt", "Trưởng phòng"),
    ("y-te", "Phòng Y tế", "YT", "yte", "Trưởng phòng"),
    ("kt-ht", "Phòng Kinh tế và Hạ tầng", "KTHT", "ktht", "Trưởng phòng"),
    ("nn-ptnt", "Phòng Nông nghiệp và Phát triển nông thôn", "NNPTNT", "nnptnt", "Trưởng phòng"),
    ("dan-toc", "Phòng Dân tộc", "DT", "dantoc", "Trưởng phòng"),
    ("thanh-tra", "Thanh tra huyện", "TTr", "thanhtra", "Chánh Thanh tra"),
]

COMMUNES = [
    ("tt-van-canh", "Thị trấn Vân Canh", "UBND", "vancanh", "Chủ tịch UBND thị trấn"),
    ("xa-canh-hien", "UBND xã Canh Hiển", "UBND", "canhhien", "Chủ tịch UBND xã"),
    ("xa-canh-hiep", "UBND xã Canh Hiệp", "UBND", "canhhiep", "Chủ tịch UBND xã"),
    ("xa-canh-hoa", "UBND xã Canh Hòa", "UBND", "canhhoa", "Chủ tịch UBND xã"),
    ("xa-canh-lien", "UBND xã Canh Liên", "UBND", "canhlien", "Chủ tịch UBND xã"),
    ("xa-canh-thuan", "UBND xã Canh Thuận", "UBND", "canhthuan", "Chủ tịch UBND xã"),
    ("xa-canh-vinh", "UBND xã Canh Vinh", "UBND", "canhvinh", "Chủ tịch UBND xã"),
]

EXTERNALS = [
    ("ubnd-tinh", "UBND tỉnh Bình Định", "UBND"),
    ("so-tttt", "Sở Thông tin và Truyền thông tỉnh Bình Định", "STTTT"),
    ("so-noi-vu", "Sở Nội vụ tỉnh Bình Định", "SNV"),
    ("cong-an-huyen", "Công an huyện Vân Canh", "CAH"),
    ("bchqs-huyen", "Ban Chỉ huy Quân sự huyện Vân Canh", "BCHQS"),
]

# Mã định danh (QĐ 20/2020) for the demo, in its shape (level 4.3.2.1, the province's code last); the numbers are
# illustrative, not the province's published list. The district's police and military keep none (blank is allowed).
_PROVINCE = "H09"
ORGAN_IDS = {
    "ubnd-tinh": f"000.00.00.{_PROVINCE}",
    "so-noi-vu": f"000.00.02.{_PROVINCE}",
    "so-tttt": f"000.00.11.{_PROVINCE}",
    DISTRICT[0]: f"000.00.31.{_PROVINCE}",
    **{code: f"000.{i:02d}.31.{_PROVINCE}" for i, (code, *_) in enumerate(DEPARTMENTS, start=1)},
    **{code: f"000.{i:02d}.31.{_PROVINCE}" for i, (code, *_) in enumerate(COMMUNES, start=21)},
}

# District leadership: username, full name, position.
LEADERS = [
    ("chutich", "Trần Kim Vũ", "Chủ tịch UBND huyện"),
    ("pct.kinhte", "Nguyễn Thanh Hải", "Phó Chủ tịch UBND huyện"),
    ("pct.vanhoa", "Đinh Thị Hồng Nhung", "Phó Chủ tịch UBND huyện"),
]

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]
_MIDDLE_M = ["Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công", "Ngọc"]
_MIDDLE_F = ["Thị", "Thị Thu", "Thị Mỹ", "Ngọc", "Thị Kim", "Thị Hồng"]
_GIVEN_M = ["Hùng", "Dũng", "Phúc", "Tuấn", "Khánh", "Lộc", "Quang", "Thắng", "Trung", "Hiếu", "Tài", "Sơn"]
_GIVEN_F = ["Lan", "Hương", "Trang", "Hạnh", "Ngân", "Thảo", "Yến", "Phượng", "Duyên", "Oanh", "Nhung", "Hà"]


def person_name(index: int) -> str:
    """A deterministic Vietnamese full name with diacritics."""
    family = _FAMILY[index % len(_FAMILY)]
    if index % 2:
        return f"{family} {_MIDDLE_F[index % len(_MIDDLE_F)]} {_GIVEN_F[(index * 7) % len(_GIVEN_F)]}"
    return f"{family} {_MIDDLE_M[index % len(_MIDDLE_M)]} {_GIVEN_M[(index * 5) % len(_GIVEN_M)]}"


def phone_for(username: str) -> str:
    """A stable, plausible mobile number (not a real person's)."""
    digest = int(hashlib.sha256(username.encode()).hexdigest(), 16)
    return f"09{digest % 100_000_000:08d}"


NOTICES = [
    (
        "Danh sách tài khoản Văn phòng điện tử iDesk",
        "Thực hiện Công văn số 3261/UBND ngày 05/12/2016 của UBND huyện về việc thực hiện nghiêm túc hệ thống "
        "Văn phòng điện tử iDesk, mỗi cơ quan, đơn vị đã được cấp các tài khoản người dùng và 01 tài khoản "
        "Văn thư đại diện để gửi và nhận văn bản.\n\nDanh sách tài khoản văn thư được công bố ngay trên trang này. "
        "Mật khẩu do Văn phòng HĐND và UBND huyện cấp trực tiếp cho từng đơn vị.",
        datetime.datetime(2016, 12, 5, 8, 0),
    ),
    (
        "Tập huấn sử dụng hệ thống Văn phòng điện tử",
        "Thực hiện Thông báo số 77/TB-UBND ngày 04/8/2016, Văn phòng HĐND và UBND huyện phối hợp với Sở Thông tin "
        "và Truyền thông hướng dẫn trực tiếp sử dụng hệ thống Văn phòng điện tử cho các cơ quan, đơn vị trên địa bàn "
        "huyện. Tài liệu hướng dẫn xem tại mục Hướng dẫn sử dụng.",
        datetime.datetime(2016, 8, 4, 8, 0),
    ),
]
