"""What the face of a document says (NĐ30 Appendix I): issuer block, place and date line, signer block.

Pure functions of units and people, shared by the official PDF, copies and the invitation.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings

from accounts.models import Role, User
from units.models import Unit, UnitKind

_EXPANSIONS = [
    (re.compile(r"^UBND\b", re.IGNORECASE), "Ủy ban nhân dân"),
    (re.compile(r"^HĐND\b"), "Hội đồng nhân dân"),
]


def _expand(name: str) -> str:
    for pattern, full in _EXPANSIONS:
        name = pattern.sub(full, name)
    return name


def issuer_block(unit: Unit) -> tuple[str | None, list[str]]:
    """(parent line or None, the issuing body's lines), uppercase as printed.

    UBND huyện Vân Canh → (None, ["ỦY BAN NHÂN DÂN", "HUYỆN VÂN CANH"]);
    Phòng Nội vụ → ("UBND HUYỆN VÂN CANH", ["PHÒNG NỘI VỤ"]).
    """
    name = _expand(unit.name)
    if unit.kind in (UnitKind.DISTRICT, UnitKind.COMMUNE) and name.lower().startswith("ủy ban nhân dân"):
        rest = name[len("Ủy ban nhân dân") :].strip()
        if unit.kind == UnitKind.COMMUNE and not rest.lower().startswith(("xã", "thị trấn")):
            rest = name
        return None, ["ỦY BAN NHÂN DÂN", rest.upper()] if rest else ["ỦY BAN NHÂN DÂN"]
    if unit.kind == UnitKind.COMMUNE and name.lower().startswith("thị trấn"):
        return None, ["ỦY BAN NHÂN DÂN", name.upper()]
    parent = unit.parent.name.upper() if unit.parent_id else None
    return parent, [name.upper()]


def place_name(unit: Unit) -> str:
    """The place on the date line: the commune's own name, else the district's."""
    if unit.kind == UnitKind.COMMUNE:
        bare = re.sub(r"^(UBND\s+)?(xã|thị trấn)\s+", "", unit.name, flags=re.IGNORECASE)
        return bare or settings.IDESK_PLACE_NAME
    return settings.IDESK_PLACE_NAME


def date_line(place: str, day: datetime.date) -> str:
    """`Vân Canh, ngày 05 tháng 12 năm 2016`: day < 10 and months 1–2 with a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def title_of(position: str) -> str:
    """'Phó Chủ tịch UBND huyện' → 'PHÓ CHỦ TỊCH'; 'Trưởng phòng' → 'TRƯỞNG PHÒNG'."""
    bare = re.split(r"\s+(UBND|Ủy ban|HĐND|xã|thị trấn|huyện)\b", position or "", maxsplit=1)[0]
    return bare.strip().upper()


def head_title(unit: Unit) -> str:
    head = (
        User.objects.filter(unit=unit, is_active=True, role__in=[Role.HEAD, Role.LEADER]).order_by("sort_order").first()
    )
    if head is not None:
        return title_of(head.position)
    return "CHỦ TỊCH" if unit.kind in (UnitKind.DISTRICT, UnitKind.COMMUNE) else "THỦ TRƯỞNG"


def collective_name(unit: Unit) -> str:
    """The collective a TM. signature speaks for: 'ỦY BAN NHÂN DÂN' for a People's Committee."""
    _parent, lines = issuer_block(unit)
    return lines[0]


def signer_block(unit: Unit, capacity: str, signer_position: str) -> list[str]:
    """The uppercase lines above the signature: e.g. ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'] or ['CHỦ TỊCH']."""
    own = title_of(signer_position)
    if capacity == "TM.KT.":  # a deputy for the committee: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH
        return [f"TM. {collective_name(unit)}", f"KT. {head_title(unit)}", own]
    if capacity == "TM.":
        return [f"TM. {collective_name(unit)}", own]
    if capacity in ("KT.", "Q.", "TL.", "TUQ."):
        head = head_title(unit)
        if capacity == "Q.":
            return [f"Q. {head}"]
        return [f"{capacity} {head}", own] if own != head else [f"{capacity} {head}"]
    return [own]
