"""Forms of the incoming flow: labels are the register's words (DOMAIN.md); errors in Vietnamese next to the field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.core import roles
from documents.core.forms import (
    DATE_FORMATS,
    DATE_INPUT,
    CheckboxPicker,
    MultipleFileField,
    QuickInput,
    QuickSelect,
    StyledForm,
    bootstrap,
    limit_inputs,
)
from documents.core.models import AssignmentRole, DocType, Secrecy, Urgency
from documents.incoming import directions
from documents.incoming.selectors import BOXES, SORTS, IncomingFilters
from documents.incoming.services import AssignmentSpec, IncomingData
from units.models import Unit, UnitKind


def issuer_choices():
    """Units grouped for the Tác giả select: the district's units, then external bodies."""
    internal, external = [], []
    for unit in Unit.objects.filter(active=True).only("id", "name", "kind"):
        (external if unit.kind == UnitKind.EXTERNAL else internal).append((unit.pk, unit.name))
    return [
        ("", _("— Chọn cơ quan, hoặc nhập tên bên dưới —")),
        (_("Cơ quan bên ngoài"), external),
        (_("Trong huyện"), internal),
    ]


class IncomingForm(StyledForm):
    issuer_unit = forms.TypedChoiceField(
        label=_("Tác giả (cơ quan ban hành)"), required=False, coerce=int, empty_value=None
    )
    issuer_name = forms.CharField(
        label=_("hoặc nhập tên cơ quan ban hành"), required=False, max_length=255,
        help_text=_("Dùng khi cơ quan ban hành không có trong danh sách."),
    )  # fmt: skip
    number_symbol = forms.CharField(
        label=_("Số, ký hiệu"), max_length=100, required=False, help_text=_("Ví dụ: 282/TB-UBND")
    )
    issued_date = forms.DateField(label=_("Ngày tháng văn bản"), widget=DATE_INPUT, input_formats=DATE_FORMATS)
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocType.choices, initial=DocType.CONG_VAN)
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    signer_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    urgency = forms.TypedChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL)
    secrecy = forms.TypedChoiceField(label=_("Độ mật"), choices=Secrecy.choices, coerce=int, initial=Secrecy.NONE)
    pages = forms.IntegerField(label=_("Số trang"), min_value=1, max_value=10000, required=False)
    due_date = forms.DateField(label=_("Hạn xử lý"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    uploads = MultipleFileField(
        label=_("Tệp văn bản"), help_text=_("PDF, DOC/DOCX, XLS/XLSX, ODT, JPG/PNG; có thể chọn nhiều tệp.")
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là văn bản khác, vẫn vào sổ."), required=False, widget=forms.CheckboxInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].choices = issuer_choices()

    def clean_issued_date(self):
        value = self.cleaned_data["issued_date"]
        if value and value > timezone.localdate():
            raise ValidationError(_("Ngày tháng văn bản không thể ở tương lai."))
        return value

    def clean(self):
        data = super().clean()
        unit_id = data.get("issuer_unit")
        if unit_id:
            data["issuer_unit_obj"] = Unit.objects.filter(pk=unit_id, active=True).first()
            if data["issuer_unit_obj"] is None:
                self.add_error("issuer_unit", _("Cơ quan không tồn tại."))
        elif not (data.get("issuer_name") or "").strip():
            self.add_error("issuer_name", _("Hãy chọn hoặc nhập tác giả (cơ quan ban hành)."))
        due, issued = data.get("due_date"), data.get("issued_date")
        if due and due < timezone.localdate():
            self.add_error("due_date", _("Hạn xử lý không thể trước ngày đến (hôm nay)."))
        if due and issued and due < issued:
            self.add_error("due_date", _("Hạn xử lý không thể trước ngày tháng văn bản."))
        return data

    def to_data(self) -> IncomingData:
        d = self.cleaned_data
        return IncomingData(
            issuer_unit=d.get("issuer_unit_obj"),
            issuer_name=d.get("issuer_name") or "",
            number_symbol=d.get("number_symbol") or "",
            issued_date=d["issued_date"],
            doc_type=d["doc_type"],
            summary=d["summary"],
            signer_name=d.get("signer_name") or "",
            urgency=d["urgency"],
            secrecy=d["secrecy"],
            pages=d.get("pages"),
            due_date=d.get("due_date"),
            note=d.get("note") or "",
            uploads=d.get("uploads") or [],
        )


class FilterForm(forms.Form):
    """The list's filters, all in the URL so a list is bookmarkable."""

    box = forms.ChoiceField(choices=list(BOXES.items()), required=False)
    q = forms.CharField(
        label=_("Tìm"), required=False, max_length=200,
        widget=QuickInput(attrs={"type": "search", "placeholder": _("Số ký hiệu, trích yếu, cơ quan")}),
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, widget=QuickSelect)
    urgency = forms.TypedChoiceField(
        label=_("Độ khẩn"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    secrecy = forms.ChoiceField(
        label=_("Độ mật"),
        required=False,
        choices=[("", _("Tất cả")), ("thuong", _("Không mật")), ("mat", _("Mật"))],
        widget=QuickSelect,
    )
    date_from = forms.DateField(label=_("Đến từ ngày"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("đến ngày"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), required=False, max_length=200, widget=QuickInput)
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), required=False, widget=QuickSelect)
    assignee = forms.CharField(label=_("Người/đơn vị xử lý"), required=False, max_length=150, widget=QuickInput)
    overdue = forms.BooleanField(label=_("Chỉ văn bản quá hạn"), required=False)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        widget=QuickSelect,
        choices=[
            ("ngay_den", _("Ngày đến mới nhất")),
            ("so_den", _("Số đến")),
            ("han", _("Hạn xử lý gần nhất")),
            ("ngay_vb", _("Ngày văn bản")),
        ],
    )

    def __init__(self, *args, **kwargs):
        from documents.incoming.models import IncomingStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả"))] + list(IncomingStatus.choices)
        self.fields["urgency"].choices = [("", _("Tất cả"))] + list(Urgency.choices)
        self.fields["doc_type"].choices = [("", _("Tất cả"))] + list(DocType.choices)
        limit_inputs(self)
        bootstrap(self)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                field.widget.attrs["class"]
                .replace("form-control", "form-control form-control-sm")
                .replace("form-select", "form-select form-select-sm")
            )

    def to_filters(self, default_box: str) -> IncomingFilters:
        d = self.cleaned_data if self.is_valid() else {}
        if self.is_bound and not self.is_valid():
            # Keep the valid part of a hand-edited URL instead of failing the whole list.
            d = {k: v for k, v in self.cleaned_data.items()}
        return IncomingFilters(
            box=d.get("box") or default_box,
            q=(d.get("q") or "").strip(),
            status=d.get("status") or "",
            urgency=d.get("urgency"),
            secrecy=d.get("secrecy") or "",
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            issuer=(d.get("issuer") or "").strip(),
            doc_type=d.get("doc_type") or "",
            assignee=(d.get("assignee") or "").strip(),
            overdue=bool(d.get("overdue")),
            sort=d.get("sort") if d.get("sort") in SORTS else "ngay_den",
        )


def leader_choices(unit_id: int, exclude: User | None = None):
    qs = User.objects.filter(unit_id=unit_id, is_active=True, role__in=roles.LEADING_ROLES).order_by(
        "sort_order", "full_name"
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return [(u.pk, f"{u.full_name} — {u.position}") for u in qs]


class SubmitForm(StyledForm):
    leader = forms.TypedChoiceField(label=_("Trình lãnh đạo"), coerce=int)
    note = forms.CharField(
        label=_("Ghi chú khi trình"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = leader_choices(unit_id)

    def leader_user(self) -> User:
        return User.objects.get(pk=self.cleaned_data["leader"])


class ForwardForm(StyledForm):
    to_leader = forms.TypedChoiceField(label=_("Chuyển cho lãnh đạo"), coerce=int)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)

    def __init__(self, *args, unit_id: int, me: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_leader"].choices = leader_choices(unit_id, exclude=me)

    def leader_user(self) -> User:
        return User.objects.get(pk=self.cleaned_data["to_leader"])


def assignee_choices(unit_id: int, exclude: User | None = None):
    """Units on the system and the people of the record's unit, encoded 'u:ID' / 'p:ID': people first, then the
    units by kind ("Các phòng, ban, ngành", "UBND các xã, thị trấn"), each group a picker's "chọn cả" button.
    The directing leader is not offered himself."""
    people_qs = User.objects.filter(unit_id=unit_id, is_active=True).order_by("sort_order", "full_name")
    if exclude is not None:
        people_qs = people_qs.exclude(pk=exclude.pk)
    people = [(f"p:{u.pk}", f"{u.full_name} — {u.position}") for u in people_qs]
    kinds = {UnitKind.DEPARTMENT: [], UnitKind.COMMUNE: []}
    others = []
    for u in Unit.objects.on_system().internal().exclude(pk=unit_id).order_by("sort_order", "name"):
        kinds.get(u.kind, others).append((f"u:{u.pk}", u.name))
    groups = [
        (_("Người trong đơn vị"), people),
        (_("Các phòng, ban, ngành"), kinds[UnitKind.DEPARTMENT]),
        (_("UBND các xã, thị trấn"), kinds[UnitKind.COMMUNE]),
        (_("Đơn vị khác"), others),
    ]
    return [(label, options) for label, options in groups if options]


class DirectForm(StyledForm):
    text = forms.CharField(
        label=_("Ý kiến chỉ đạo (bút phê)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    lead = forms.ChoiceField(label=_("Chủ trì"))
    lead_due = forms.DateField(
        label=_("Hạn xử lý (chủ trì)"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    cooperate = forms.MultipleChoiceField(label=_("Phối hợp"), required=False, widget=CheckboxPicker)
    cooperate_due = forms.DateField(
        label=_("Hạn xử lý (phối hợp)"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    inform = forms.MultipleChoiceField(label=_("Để biết"), required=False, widget=CheckboxPicker)

    def __init__(self, *args, record, leader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.leader = leader
        choices = assignee_choices(record.unit_id, exclude=leader)
        self.fields["lead"].choices = [("", _("— Chọn đơn vị hoặc người chủ trì —")), *choices]
        self.fields["cooperate"].choices = choices
        self.fields["inform"].choices = choices
        if record.due_date:
            self.fields["lead_due"].initial = record.due_date
            self.fields["cooperate_due"].initial = record.due_date
        self.record = record

    def _resolve(self, code: str) -> dict:
        kind, _sep, pk = code.partition(":")
        if kind == "u":
            return {"unit": Unit.objects.get(pk=int(pk))}
        return {"user": User.objects.get(pk=int(pk))}

    def clean(self):
        data = super().clean()
        lead = data.get("lead")
        if lead and (lead in data.get("cooperate", []) or lead in data.get("inform", [])):
            self.add_error("lead", _("Chủ trì không thể đồng thời là phối hợp hoặc để biết."))
        if lead and self.leader is not None:
            refusal = directions.lead_refusal(self.leader, self.record, AssignmentSpec("lead", **self._resolve(lead)))
            if refusal:
                self.add_error("lead", refusal)
        overlap = set(data.get("cooperate", [])) & set(data.get("inform", []))
        if overlap:
            self.add_error("inform", _("Một đơn vị/người không thể vừa phối hợp vừa để biết."))
        # The service refuses these too, but under a name the form does not have; say it next to the field.
        arrival = timezone.localtime(self.record.arrived_at).date()
        for name in ("lead_due", "cooperate_due"):
            if data.get(name) and data[name] < arrival:
                message = _("Hạn xử lý không thể trước ngày đến (%(d)s).") % {"d": arrival.strftime("%d/%m/%Y")}
                self.add_error(name, message)
        return data

    def specs(self) -> list[AssignmentSpec]:
        d = self.cleaned_data
        lead_due = d.get("lead_due") or self.record.due_date
        coop_due = d.get("cooperate_due") or self.record.due_date
        specs = [AssignmentSpec(role=AssignmentRole.LEAD, due_date=lead_due, **self._resolve(d["lead"]))]
        specs += [
            AssignmentSpec(role=AssignmentRole.COOPERATE, due_date=coop_due, **self._resolve(c))
            for c in d.get("cooperate", [])
        ]
        specs += [AssignmentSpec(role=AssignmentRole.INFORM, **self._resolve(c)) for c in d.get("inform", [])]
        return specs


class DelegateForm(StyledForm):
    assignment = forms.TypedChoiceField(label=_("Phần việc của đơn vị"), coerce=int)
    to_user = forms.TypedChoiceField(label=_("Giao cho"), coerce=int)

    def __init__(self, *args, assignments, unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [(a.pk, a.get_role_display()) for a in assignments]
        self.fields["to_user"].choices = [
            (u.pk, f"{u.full_name} — {u.position}")
            for u in User.objects.filter(unit_id=unit_id, is_active=True).order_by("sort_order", "full_name")
        ]


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Nội dung tiến độ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    uploads = MultipleFileField(label=_("Tệp kèm theo"))


class CompleteForm(StyledForm):
    result = forms.CharField(label=_("Kết quả xử lý"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ReturnForm(StyledForm):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReceiveForm(StyledForm):
    due_date = forms.DateField(label=_("Hạn xử lý"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)
    confirm_duplicate = forms.BooleanField(label=_("Tôi đã kiểm tra: vẫn vào sổ."), required=False)


class GrantForm(StyledForm):
    users = forms.MultipleChoiceField(label=_("Cấp quyền xem cho"), widget=CheckboxPicker)

    def __init__(self, *args, unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = [
            (u.pk, f"{u.full_name} — {u.position}") for u in User.objects.filter(unit_id=unit_id, is_active=True)
        ]
