"""The dataset's words: places, subjects, Vietnamese names and trích yếu, drawn from a seeded random."""

from __future__ import annotations

import random

PLACES = [
    "Quảng Nam", "Tuyên Quang", "Bình Định", "Vân Canh", "Canh Hiển", "Canh Vinh", "Quy Nhơn", "An Nhơn", "Hoài Nhơn",
    "Phù Cát", "Tây Sơn", "Vĩnh Thạnh", "Hoài Ân", "Phù Mỹ", "Tuy Phước", "An Lão", "Đắk Lắk", "Gia Lai", "Kon Tum",
]  # fmt: skip


SUBJECTS = [
    "công tác văn thư, lưu trữ", "phòng, chống thiên tai", "chuyển đổi số", "cải cách hành chính",
    "bảo vệ môi trường", "xây dựng nông thôn mới", "phòng cháy, chữa cháy", "an toàn giao thông",
    "giáo dục và đào tạo", "y tế cơ sở", "đất đai và tài nguyên", "thu ngân sách nhà nước", "giảm nghèo bền vững",
    "văn phòng điện tử liên thông", "chữ ký số chuyên dùng", "tiêm chủng mở rộng", "quản lý chợ",
]  # fmt: skip


VERBS = ["triển khai", "tăng cường", "báo cáo kết quả", "hướng dẫn thực hiện", "kiểm tra", "tổng kết", "đôn đốc"]


TYPES = [("cv", ""), ("kh", "KH"), ("tb", "TB"), ("bc", "BC"), ("qd", "QĐ"), ("gm", "GM"), ("hd", "HD")]


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]


MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thu", "Ngọc", "Hữu", "Thanh", "Kim", "Đức"]


GIVEN = [
    "Hùng",
    "Lan",
    "Dũng",
    "Hương",
    "Phúc",
    "Trang",
    "Tuấn",
    "Hạnh",
    "Khánh",
    "Ngân",
    "Lộc",
    "Thảo",
    "Quang",
    "Yến",
]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def document_summary(rng: random.Random, year: int) -> str:
    place = rng.choice(PLACES)
    if rng.random() < 0.5:
        return f"V/v {rng.choice(VERBS)} {rng.choice(SUBJECTS)} trên địa bàn {place} năm {year}"
    return f"{rng.choice(VERBS).capitalize()} {rng.choice(SUBJECTS)} tại {place}"
