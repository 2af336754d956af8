"""Forms of the meetings pages: dates typed dd/mm/yyyy and times HH:mm, in Asia/Ho_Chi_Minh.

The forms check what they can see (a time before another, the past) so the message sits next to the field;
documents.meetings.services checks it all again, and its refusals are put back next to the same fields.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from documents.core import roles
from documents.core.forms import DATE_FORMATS, DATE_INPUT, CheckboxPicker, MultipleFileField, StyledForm
from documents.meetings.models import Attendance, MeetingInvitee, Response
from documents.meetings.services import MeetingData
from units.models import Unit, UnitKind

TIME_INPUT = forms.TimeInput(
    attrs={"placeholder": "hh:mm", "inputmode": "numeric", "pattern": r"\d{1,2}[:.hgH]\d{2}", "autocomplete": "off"},
    format="%H:%M",
)
TIME_FORMATS = ["%H:%M", "%H.%M", "%Hh%M", "%HH%M", "%Hg%M"]

# Service error keys → the form field that shows them.
FIELD_OF = {"start": "start_date", "end": "end_time"}


def at(day: datetime.date, clock: datetime.time) -> datetime.datetime:
    """A moment in the office's time zone (Asia/Ho_Chi_Minh) from what was typed."""
    return timezone.make_aware(datetime.datetime.combine(day, clock), timezone.get_current_timezone())


def chair_choices(user: User):
    """District leaders and the heads of the organiser's unit (and of its parent body)."""
    units = [u for u in (user.unit_id, user.unit.parent_id if user.unit_id and user.unit else None) if u]
    people = (
        User.objects.filter(is_active=True, role__in=roles.LEADING_ROLES)
        .filter(Q(unit_id__in=units) | Q(role=Role.LEADER))
        .select_related("unit")
        .order_by("unit__sort_order", "sort_order", "full_name")
    )
    return [("", _("— Chọn người chủ trì —"))] + [(p.pk, f"{p.full_name} — {p.position}") for p in people]


UNIT_GROUPS = [
    (UnitKind.DISTRICT, _("UBND huyện")),
    (UnitKind.DEPARTMENT, _("Phòng, ban, ngành")),
    (UnitKind.COMMUNE, _("Xã, thị trấn")),
]


def invited_unit_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Units on the system (the giấy mời and materials reach them electronically), grouped by kind."""
    groups: dict[str, list[tuple[int, str]]] = {kind: [] for kind, _label in UNIT_GROUPS}
    for unit in Unit.objects.on_system().internal().order_by("sort_order", "name").only("id", "name", "kind"):
        groups.setdefault(unit.kind, []).append((unit.pk, unit.name))
    return [(str(label), groups[kind]) for kind, label in UNIT_GROUPS if groups.get(kind)]


def people_choices(exclude: int | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """People who may be invited, grouped by unit; the organiser is not offered himself."""
    people = (
        User.objects.filter(is_active=True, unit__isnull=False)
        .exclude(role=Role.ADMIN)
        .exclude(pk=exclude)
        .select_related("unit")
        .order_by("unit__sort_order", "sort_order", "full_name")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for p in people:
        groups.setdefault(p.unit.name, []).append((p.pk, f"{p.full_name} — {p.position}"))
    return list(groups.items())


class WhenMixin:
    """Start and end typed as a date and a time each; the end date defaults to the start date."""

    def clean_when(self, data: dict, *, new: bool) -> None:
        start_date, start_time = data.get("start_date"), data.get("start_time")
        end_date, end_time = data.get("end_date") or start_date, data.get("end_time")
        if not (start_date and start_time and end_date and end_time):
            return
        start, end = at(start_date, start_time), at(end_date, end_time)
        if end <= start:
            self.add_error("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
        if start < timezone.now():
            self.add_error(
                "start_date",
                _("Không thể tạo cuộc họp trong quá khứ.") if new else _("Không thể dời cuộc họp về quá khứ."),
            )
        if start_date > timezone.localdate() + datetime.timedelta(days=2 * 366):
            self.add_error("start_date", _("Ngày họp quá xa (sau hai năm nữa): hãy kiểm tra lại năm."))
        data["start"], data["end"] = start, end


def _when_fields():
    return {
        "start_date": forms.DateField(label=_("Ngày họp"), widget=DATE_INPUT, input_formats=DATE_FORMATS),
        "start_time": forms.TimeField(label=_("Giờ bắt đầu"), widget=TIME_INPUT, input_formats=TIME_FORMATS),
        "end_date": forms.DateField(
            label=_("Ngày kết thúc"),
            required=False,
            widget=DATE_INPUT,
            input_formats=DATE_FORMATS,
            help_text=_("Để trống nếu họp trong ngày."),
        ),  # fmt: skip
        "end_time": forms.TimeField(label=_("Giờ kết thúc"), widget=TIME_INPUT, input_formats=TIME_FORMATS),
    }


class MeetingForm(WhenMixin, StyledForm):
    title = forms.CharField(label=_("Nội dung cuộc họp"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    chair = forms.TypedChoiceField(label=_("Chủ trì"), coerce=int)
    start_date = _when_fields()["start_date"]
    start_time = _when_fields()["start_time"]
    end_date = _when_fields()["end_date"]
    end_time = _when_fields()["end_time"]
    place = forms.CharField(label=_("Địa điểm"), max_length=255)
    agenda = forms.CharField(
        label=_("Chương trình"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    restricted = forms.BooleanField(
        label=_("Họp về quốc phòng, an ninh, trật tự xã hội hoặc họp mật"), required=False,
        help_text=_("Tài liệu của cuộc họp này vẫn gửi bản giấy; lịch iCalendar chỉ hiện tên và giờ họp."),
    )  # fmt: skip
    invited_units = forms.TypedMultipleChoiceField(
        label=_("Đơn vị được mời"),
        required=False,
        coerce=int,
        widget=CheckboxPicker,
        help_text=_(
            "Giấy mời và tài liệu họp gửi điện tử tới các đơn vị đã dùng hệ thống; văn thư đơn vị nhận trả lời "
            "thay đơn vị."
        ),
    )
    invited_users = forms.TypedMultipleChoiceField(
        label=_("Người được mời"), required=False, coerce=int, widget=CheckboxPicker
    )
    uploads = MultipleFileField(
        label=_("Tài liệu họp"), help_text=_("PDF, DOC/DOCX, XLS/XLSX, ODT, JPG/PNG; có thể chọn nhiều tệp.")
    )
    confidential_uploads = MultipleFileField(
        label=_("Tài liệu mật"),
        help_text=_(
            "Chỉ người được cấp quyền mới xem được; người khác thấy “Tài liệu mật”. Các đơn vị được mời nhận bản "
            "giấy (Luật Bảo vệ bí mật nhà nước 2018)."
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = chair_choices(user)
        self.fields["invited_units"].choices = invited_unit_choices()
        self.fields["invited_users"].choices = people_choices(exclude=user.pk)

    def unit_groups(self):
        """(group label, [(id, name, checked)]) for the checkbox list of invited units."""
        raw = self["invited_units"].value() or []
        chosen = {str(v) for v in raw}
        return [
            (label, [(pk, name, str(pk) in chosen) for pk, name in units])
            for label, units in self.fields["invited_units"].choices
        ]

    def clean(self):
        data = super().clean()
        self.clean_when(data, new=True)
        if data.get("invited_users") and data.get("chair"):
            # The chair leads the meeting: ticked among the people too, he is not also one of "Người được mời".
            data["invited_users"] = [pk for pk in data["invited_users"] if pk != data["chair"]]
        if not data.get("invited_units") and not data.get("invited_users") and "invited_units" not in self.errors:
            self.add_error("invited_units", _("Hãy chọn thành phần mời: ít nhất một đơn vị hoặc một người."))
        return data

    def to_data(self) -> MeetingData:
        d = self.cleaned_data
        units = {u.pk: u for u in Unit.objects.filter(pk__in=d.get("invited_units") or [])}
        people = {p.pk: p for p in User.objects.filter(pk__in=d.get("invited_users") or []).select_related("unit")}
        return MeetingData(
            title=d["title"],
            chair=User.objects.get(pk=d["chair"]),
            start=d["start"],
            end=d["end"],
            place=d["place"],
            agenda=d.get("agenda") or "",
            restricted=bool(d.get("restricted")),
            invited_units=[units[pk] for pk in d.get("invited_units") or [] if pk in units],
            invited_users=[people[pk] for pk in d.get("invited_users") or [] if pk in people],
            uploads=d.get("uploads") or [],
            confidential_uploads=d.get("confidential_uploads") or [],
        )


class RescheduleForm(WhenMixin, StyledForm):
    start_date = _when_fields()["start_date"]
    start_time = _when_fields()["start_time"]
    end_date = _when_fields()["end_date"]
    end_time = _when_fields()["end_time"]
    place = forms.CharField(label=_("Địa điểm"), max_length=255)

    @classmethod
    def initial_from(cls, meeting) -> dict:
        start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
        return {
            "start_date": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_date": end.date(),
            "end_time": end.time().replace(second=0, microsecond=0),
            "place": meeting.place,
        }

    def clean(self):
        data = super().clean()
        self.clean_when(data, new=False)
        return data


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Lý do hủy cuộc họp"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MaterialsForm(StyledForm):
    uploads = MultipleFileField(label=_("Tài liệu họp"), required=True)
    confidential = forms.BooleanField(
        label=_("Tài liệu mật (chỉ người được cấp quyền xem)"),
        help_text=_("Các đơn vị được mời nhận bản giấy (Luật Bảo vệ bí mật nhà nước 2018)."),
        required=False,
    )


class GrantForm(StyledForm):
    material = forms.TypedChoiceField(label=_("Tài liệu mật"), coerce=int)
    users = forms.TypedMultipleChoiceField(label=_("Cấp quyền xem cho"), coerce=int, widget=CheckboxPicker)

    def __init__(self, *args, materials, people, **kwargs):
        """`materials`: (id, label) pairs of what the user may grant (the label hides a name they may not read)."""
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = list(materials)
        self.fields["users"].choices = [(p.pk, f"{p.full_name} — {p.position} ({p.unit.name})") for p in people]


ANSWER_CHOICES = [
    (Response.ATTEND, _("Tham dự")),
    (Response.DEPUTY, _("Cử người dự thay")),
    (Response.DECLINE, _("Báo vắng (nêu lý do)")),
]


class AnswerForm(StyledForm):
    """Tham dự / cử người dự thay / báo vắng, for one invitation of mine."""

    invitee = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.ChoiceField(label=_("Trả lời"), choices=ANSWER_CHOICES, widget=forms.RadioSelect)
    # Any active person: the service, not the list, decides who may stand in (another unit needs the organiser).
    deputy = forms.CharField(label=_("Người dự thay"), required=False, widget=forms.Select)
    reason = forms.CharField(
        label=_("Lý do vắng"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, invitation: MeetingInvitee, deputies, **kwargs):
        kwargs.setdefault("prefix", f"tl{invitation.pk}")
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("invitee", invitation.pk)
        if invitation.response != Response.PENDING:
            initial.setdefault("response", invitation.response)
            initial.setdefault("deputy", invitation.deputy_id or "")
            initial.setdefault("reason", invitation.decline_reason)
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["deputy"].widget.choices = [("", _("— Chọn người dự thay —"))] + [
            (p.pk, f"{p.full_name} — {p.position}") for p in deputies
        ]
        self.fields["response"].widget.attrs["class"] = "form-check-input"

    def clean_deputy(self):
        raw = (self.cleaned_data.get("deputy") or "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            raise ValidationError(_("Người dự thay không hợp lệ."))
        person = User.objects.filter(pk=int(raw), is_active=True).select_related("unit").first()
        if person is None:
            raise ValidationError(_("Người dự thay không hợp lệ."))
        return person

    def clean(self):
        data = super().clean()
        if data.get("response") == Response.DEPUTY and not data.get("deputy") and "deputy" not in self.errors:
            self.add_error("deputy", _("Hãy chọn người dự thay."))
        if data.get("response") == Response.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Hãy nêu lý do vắng."))
        return data


ATTENDANCE_CHOICES = [
    ("", _("— Chưa ghi —")),
    (Attendance.PRESENT, Attendance.PRESENT.label),
    (Attendance.EXCUSED, Attendance.EXCUSED.label),
    (Attendance.UNEXCUSED, Attendance.UNEXCUSED.label),
]


class AttendanceForm(StyledForm):
    """One select per invitee (field `dd-<id>`); a blank one is left as it was."""

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for inv in invitees:
            name = f"dd-{inv.pk}"
            self.fields[name] = forms.ChoiceField(
                label=inv.label, choices=ATTENDANCE_CHOICES, required=False, initial=inv.attendance,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )  # fmt: skip
            self.rows.append((inv, name))

    def marks(self) -> dict[int, str]:
        return {
            int(name.removeprefix("dd-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("dd-") and value
        }

    def bound_rows(self):
        return [(inv, self[name]) for inv, name in self.rows]


WEEK_PARAM = "tuan"


class WeekForm(forms.Form):
    """The week view's filters, in the URL: ?tuan=2026-W48&don_vi=xa-canh-hien."""

    tuan = forms.CharField(required=False, max_length=10)
    don_vi = forms.ChoiceField(label=_("Đơn vị"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.on_system().internal().order_by("sort_order", "name").only("code", "name")
        self.fields["don_vi"].choices = [("", _("Tất cả đơn vị"))] + [(u.code, u.name) for u in units]
        self.fields["don_vi"].widget.attrs["class"] = "form-select form-select-sm"

    def monday(self) -> datetime.date:
        """The Monday of the asked ISO week (this week when absent or malformed)."""
        raw = (self.data.get("tuan") or "").strip().upper()
        year, _sep, week = raw.partition("-W")
        if year.isdigit() and week.isdigit() and 2000 <= int(year) <= 2100:  # and its neighbours stay dates
            try:
                return datetime.date.fromisocalendar(int(year), int(week), 1)
            except ValueError:
                pass
        today = timezone.localdate()
        return today - datetime.timedelta(days=today.weekday())

    def unit(self) -> Unit | None:
        code = self.data.get("don_vi") or ""
        if not code or not self.is_valid():
            return None
        return Unit.objects.filter(code=code).first()
