"""Who may sign a draft for which issuing body, and how the signature block names them (NĐ30 Art. 13 and
Appendix I: TM., KT., Q., TL., TUQ.).

A leader signs for their own body. Thừa lệnh (TL.) and thừa ủy quyền (TUQ.) are the two ways someone outside it
signs in its name: the head (or deputy) of a phòng, ban directly under it, for the body's head (`TL. CHỦ TỊCH` /
`CHÁNH VĂN PHÒNG`, `TUQ. CHỦ TỊCH` / `TRƯỞNG PHÒNG NỘI VỤ`). TM. speaks for a collective, so it (and the
three-line TM. + KT. block) belongs to a People's Committee.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import roles
from documents.outgoing.models import SigningCapacity
from units.models import Unit, UnitKind

DELEGATED = frozenset({SigningCapacity.TL, SigningCapacity.TUQ})
COLLECTIVE = frozenset({SigningCapacity.TM, SigningCapacity.TM_KT})
COLLECTIVE_BODIES = frozenset({UnitKind.DISTRICT, UnitKind.COMMUNE})
# Positions that name no unit by themselves: on another body's document the unit is added (TRƯỞNG PHÒNG NỘI VỤ).
_GENERIC_POSITIONS = {"trưởng phòng", "phó trưởng phòng"}


def delegates_for(signer: User, capacity: str) -> Unit | None:
    """The body a TL./TUQ. signer signs for: the one above their phòng, ban; None if they cannot."""
    unit = signer.unit
    if capacity not in DELEGATED or unit is None or unit.kind != UnitKind.DEPARTMENT or unit.parent_id is None:
        return None
    return unit.parent if signer.role in roles.LEADING_ROLES else None


def issuer_for(signer: User, capacity: str) -> Unit:
    """The issuing body a draft gets from its signer and signing capacity (the form has no separate field)."""
    return delegates_for(signer, capacity) or signer.unit


def signer_errors(signer: User, issuer: Unit, capacity: str) -> dict[str, str]:
    if capacity in COLLECTIVE and issuer.kind not in COLLECTIVE_BODIES:
        return {"signing_capacity": _("Chỉ ký “TM.” thay mặt tập thể Ủy ban nhân dân huyện, xã, thị trấn.")}
    if signer.unit_id == issuer.pk:
        return {}
    delegated = delegates_for(signer, capacity)
    if delegated is not None and delegated.pk == issuer.pk:
        return {}
    if capacity in DELEGATED:
        return {
            "signer": _(
                "Ký thừa lệnh (TL.) hoặc thừa ủy quyền (TUQ.) cho %(u)s: người ký phải là lãnh đạo một phòng, ban "
                "trực thuộc %(u)s."
            )
            % {"u": issuer.name}
        }
    return {
        "signer": _(
            "Người ký phải là lãnh đạo của cơ quan ban hành (%(u)s); lãnh đạo phòng, ban trực thuộc chỉ ký thừa lệnh "
            "(TL.) hoặc thừa ủy quyền (TUQ.)."
        )
        % {"u": issuer.name}
    }


def position_on_face(signer: User, issuer: Unit) -> str:
    """The signer's position as the block prints it: 'Trưởng phòng' of Phòng Nội vụ signing for UBND huyện is
    'Trưởng phòng Nội vụ'; within their own body the position as it is."""
    position = signer.position or ""
    unit = signer.unit
    if unit is None or unit.pk == issuer.pk or position.strip().lower() not in _GENERIC_POSITIONS:
        return position
    return f"{position.strip()} {unit.name.removeprefix('Phòng ').strip()}"
