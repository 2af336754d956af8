"""Forms for outgoing documents: the draft, review and signing, and certified copies."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.core import roles
from documents.core.forms import BODY_MAX, CheckboxPicker, MultipleFileField, StyledForm
from documents.core.models import ABBREVIATIONS, DocType, Secrecy, Urgency
from documents.incoming import policy as incoming_policy
from documents.incoming.models import IncomingRecord
from documents.outgoing import authority, symbols
from documents.outgoing.models import CopyKind, MeetingKind, RecipientGroup, SigningCapacity
from documents.outgoing.services import DraftData
from units.models import Unit, UnitKind


def type_choices():
    return [
        (value, f"{label} ({ABBREVIATIONS[value]})" if value in ABBREVIATIONS else label)
        for value, label in DocType.choices
    ]


def signer_choices(user: User):
    """Leaders of the drafter's unit and of the district (a department's document may go out in UBND's name)."""
    units = [user.unit_id]
    if user.unit and user.unit.parent_id:
        units.append(user.unit.parent_id)
    people = (
        User.objects.filter(unit_id__in=units, is_active=True, role__in=roles.LEADING_ROLES)
        .select_related("unit")
        .order_by("unit__sort_order", "sort_order", "full_name")
    )
    return [(p.pk, f"{p.full_name} — {p.position}") for p in people]


def recipient_unit_choices(exclude: int | None = None):
    internal, external = [], []
    for unit in Unit.objects.filter(active=True).exclude(pk=exclude).only("id", "name", "kind", "eoffice_since"):
        label = unit.name if unit.eoffice_since else f"{unit.name} (bản giấy)"
        (external if unit.kind == UnitKind.EXTERNAL else internal).append((unit.pk, label))
    return [(_("Trong huyện"), internal), (_("Cơ quan bên ngoài"), external)]


class UnitsField(forms.TypedMultipleChoiceField):
    """Recipient units by id. A unit deactivated since the form was shown is named in the refusal, not
    reported as a bare id that is "not one of the available choices"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("widget", CheckboxPicker)
        super().__init__(**kwargs)

    def validate(self, value):
        unknown = [v for v in value if not self.valid_value(v)]
        ids = [int(v) for v in unknown if str(v).isdigit()]
        inactive = list(Unit.objects.filter(pk__in=ids, active=False).values_list("name", flat=True)) if ids else []
        if unknown and len(inactive) == len(unknown):
            raise ValidationError(_("Đơn vị không còn hoạt động: %(u)s.") % {"u": ", ".join(inactive)}, code="inactive")
        super().validate(value)


class DraftForm(StyledForm):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), initial=DocType.CONG_VAN)
    is_legal = forms.BooleanField(label=_("Văn bản quy phạm pháp luật (số ký hiệu có năm)"), required=False)
    summary = forms.CharField(
        label=_("Trích yếu"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Công văn: không cần gõ “V/v”, hệ thống tự thêm."),
    )  # fmt: skip
    kinh_gui = forms.CharField(
        label=_("Kính gửi"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một nơi; để trống để lấy theo nơi nhận đã chọn."),
    )  # fmt: skip
    body = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 12}), max_length=BODY_MAX,
        help_text=_(
            "Mỗi dòng là một đoạn; **chữ đậm**, *chữ nghiêng*; dòng bắt đầu bằng “1.” hoặc “- ” là mục liệt kê."
        ),
    )  # fmt: skip
    recipient_groups = forms.MultipleChoiceField(
        label=_("Nơi nhận theo nhóm"),
        required=False,
        choices=RecipientGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    recipient_units = UnitsField(label=_("Nơi nhận (đơn vị)"), required=False)
    external_recipients = forms.CharField(
        label=_("Nơi nhận khác"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ghi thêm ở mục Nơi nhận, mỗi dòng một nơi, ví dụ: Lãnh đạo UBND huyện; LĐVP."),
    )  # fmt: skip
    archive_note = forms.CharField(label=_("Lưu"), max_length=100, initial="VT", help_text=_("Ví dụ: VT, CV"))
    symbol_suffix = forms.CharField(
        label=_("Ký hiệu đơn vị soạn thảo"),
        max_length=20,
        required=False,
        help_text=_("Ví dụ: VX → 12/UBND-VX. Để trống: công văn mang ký hiệu của đơn vị soạn thảo (…/UBND-NV)."),
    )
    urgency = forms.TypedChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL)
    secrecy = forms.TypedChoiceField(label=_("Độ mật"), choices=Secrecy.choices, coerce=int, initial=Secrecy.NONE)
    meeting_kind = forms.ChoiceField(label=_("Tài liệu họp"), choices=MeetingKind.choices, required=False)
    signer = forms.TypedChoiceField(label=_("Người ký"), coerce=int)
    signing_capacity = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=SigningCapacity.choices, required=False)
    reply_to = forms.TypedChoiceField(label=_("Trả lời văn bản đến"), required=False, coerce=int, empty_value=None)
    uploads = MultipleFileField(label=_("Tệp đính kèm"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["doc_type"].choices = type_choices()
        self.fields["signer"].choices = [("", _("— Chọn người ký —")), *signer_choices(user)]
        self.fields["recipient_units"].choices = recipient_unit_choices()
        replies = incoming_policy.visible_to(user).select_related("document").order_by("-arrived_at")[:200]
        self.fields["reply_to"].choices = [("", _("— Không —"))] + [
            (r.pk, f"{r.document.number_symbol or '—'} · {r.document.summary[:80]}") for r in replies
        ]

    def clean(self):
        data = super().clean()
        if "recipient_units" in self.errors:
            return data  # already refused, with its reason
        if (
            not data.get("recipient_groups")
            and not data.get("recipient_units")
            and not (data.get("external_recipients") or "").strip()
        ):
            self.add_error("recipient_units", _("Hãy chọn ít nhất một nơi nhận."))
        for name, message in symbols.legal_errors(data.get("doc_type") or "", bool(data.get("is_legal"))).items():
            self.add_error(name, message)
        return data

    def to_data(self) -> DraftData:
        d = self.cleaned_data
        signer = User.objects.select_related("unit").get(pk=d["signer"])
        reply = IncomingRecord.objects.filter(pk=d["reply_to"]).first() if d.get("reply_to") else None
        return DraftData(
            doc_type=d["doc_type"],
            summary=d["summary"].strip().removeprefix("V/v ").strip(),
            signer=signer,
            body=d.get("body") or "",
            kinh_gui=d.get("kinh_gui") or "",
            recipient_units=list(Unit.objects.filter(pk__in=d.get("recipient_units") or [])),
            recipient_groups=d.get("recipient_groups") or [],
            external_recipients=d.get("external_recipients") or "",
            archive_note=d.get("archive_note") or "",
            symbol_suffix=d.get("symbol_suffix") or "",
            urgency=d["urgency"],
            secrecy=d["secrecy"],
            meeting_kind=d.get("meeting_kind") or "",
            signing_capacity=d.get("signing_capacity") or "",
            is_legal=bool(d.get("is_legal")),
            issuer_unit=authority.issuer_for(signer, d.get("signing_capacity") or ""),
            reply_to=reply,
            uploads=d.get("uploads") or [],
        )

    @classmethod
    def initial_from(cls, draft) -> dict:
        return {
            "doc_type": draft.doc_type,
            "is_legal": draft.is_legal,
            "summary": draft.summary,
            "kinh_gui": draft.kinh_gui,
            "body": draft.body,
            "recipient_groups": draft.recipient_groups,
            "recipient_units": [u.pk for u in draft.recipient_units.all()],
            "external_recipients": draft.external_recipients,
            "archive_note": draft.archive_note,
            "symbol_suffix": draft.symbol_suffix,
            "urgency": draft.urgency,
            "secrecy": draft.secrecy,
            "meeting_kind": draft.meeting_kind,
            "signer": draft.signer_id,
            "signing_capacity": draft.signing_capacity,
            "reply_to": draft.reply_to_id,
        }


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Duyệt, trình ký")), ("return", _("Trả lại để sửa"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Hãy ghi ý kiến khi trả lại dự thảo."))
        return data


class SignForm(ReviewForm):
    leader_comment = forms.CharField(
        label=_("Ý kiến của lãnh đạo đi kèm văn bản"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("Văn bản có ý kiến của lãnh đạo UBND huyện vẫn được gửi kèm bản giấy."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("approve", _("Ký duyệt")), ("return", _("Trả lại để sửa"))]
        self.fields["decision"].initial = "approve"  # the submit button reads "Ký duyệt" until another is chosen


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class UpdateForm(StyledForm):
    """Cập nhật văn bản đã phát hành: the reason and the files; what is missing is the service's to say."""

    reason = forms.CharField(
        label=_("Lý do cập nhật"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Các nơi nhận đọc được lý do này, ví dụ: Bổ sung phụ lục danh sách đại biểu."),
    )
    files = MultipleFileField(
        label=_("Tệp bổ sung"),
        help_text=_("Phụ lục, tài liệu kèm theo còn thiếu hoặc đã sửa. Bản PDF chính thức đã ký số giữ nguyên."),
    )


class CopyForm(StyledForm):
    kind = forms.ChoiceField(label=_("Hình thức sao"), choices=CopyKind.choices, widget=forms.RadioSelect)
    signer = forms.TypedChoiceField(label=_("Người ký bản sao"), coerce=int)
    signing_capacity = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=SigningCapacity.choices, required=False)
    recipient_units = UnitsField(label=_("Nơi nhận"))
    excerpt = forms.CharField(
        label=_("Phần trích (chỉ cho trích sao)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=BODY_MAX,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].choices = [
            (p.pk, f"{p.full_name} — {p.position}")
            for p in User.objects.filter(unit_id=user.unit_id, is_active=True, role__in=roles.LEADING_ROLES)
        ]
        # A copy goes to others; the copying unit keeps its own in the copy register.
        self.fields["recipient_units"].choices = recipient_unit_choices(exclude=user.unit_id)

    def clean(self):
        data = super().clean()
        if data.get("kind") == CopyKind.TRICH_SAO and not (data.get("excerpt") or "").strip():
            self.add_error("excerpt", _("Trích sao cần nội dung phần trích."))
        return data


class OutgoingFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=200)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
