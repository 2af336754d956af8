"""What every part's forms share: Bootstrap styling, dd/mm/yyyy dates within sane bounds, text limits, multiple
file uploads, a register export's period, and a service's refusal put next to its field."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from documents.core import files as file_rules

# --- Widgets rendered in Python -----------------------------------------------------------------------------------
# The list pages draw a filter bar on every request; Django's widget templates (an include for the tag and one for
# its attributes, one more per option) cost a quarter of a page's rendering. These give the same HTML
# (tests/documents/test_form_widgets.py compares them with Django's own templates).


class QuickInput(forms.TextInput):
    """An <input> rendered in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = format_html(' value="{}"', value) if value is not None else ""
        return format_html('<input type="{}" name="{}"{}{}>', self.input_type, name, shown, flatatt(attrs))


class QuickDateInput(QuickInput, forms.DateInput):
    """A dd/mm/yyyy <input> rendered in Python (DateInput's formatting, QuickInput's rendering)."""


class QuickSelect(forms.Select):
    """A <select> rendered in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


# Text, not type=date: the browser's picker shows its own locale's order; offices read dd/mm/yyyy.
DATE_INPUT = QuickDateInput(
    attrs={
        "placeholder": "dd/mm/yyyy",
        "inputmode": "numeric",
        "pattern": r"\d{1,2}/\d{1,2}/\d{4}",
        "autocomplete": "off",
        "data-datepicker": "",  # static/js/idesk-forms.js adds a calendar button beside it
        "data-datepicker-label": _("Chọn ngày trên lịch"),
    },
    format="%d/%m/%Y",
)
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class MultipleFileInput(forms.ClearableFileInput):
    """The browser's own file button speaks the browser's language ("Choose Files", "No file chosen"): beside it
    a Vietnamese button and the chosen names, which static/js/idesk-forms.js shows (and hides the native one);
    without script the native input stays as it is."""

    allow_multiple_selected = True

    def render(self, name, value, attrs=None, renderer=None):
        native = super().render(name, value, attrs, renderer)
        input_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html(
            '<div class="idesk-file" data-file-picker>{}'
            '<div class="idesk-file-face" hidden><label class="btn btn-outline-secondary btn-sm mb-0" for="{}">'
            '<i class="bi bi-paperclip" aria-hidden="true"></i> {}</label> '
            '<span class="idesk-file-names small text-muted" aria-live="polite" data-empty="{}">{}</span></div></div>',
            native, input_id, _("Chọn tệp…"), _("Chưa chọn tệp"), _("Chưa chọn tệp"),
        )  # fmt: skip


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked by its content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = []
        for upload in uploads:
            try:
                file_rules.validate_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return list(uploads)


class CheckboxPicker(forms.CheckboxSelectMultiple):
    """Several units or people ticked by touch instead of Ctrl-click in a <select multiple>: a list of checkboxes
    (grouped when the choices are), which static/js/idesk-forms.js gives a filter box, a "chọn cả nhóm" button
    per group and a count. Without script it is the plain list. field.html draws it inside its fieldset."""

    picker = True
    max_group_buttons = 4  # "Chọn cả" for a few groups of units; people grouped by their many units get none

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.attrs, **(attrs or {})}
        base_id = attrs.get("id") or f"id_{name}"
        chosen = {str(v) for v in (value or [])}
        grouped = any(isinstance(options, list | tuple) for _value, options in self.choices)
        groups = self.choices if grouped else [("", list(self.choices))]
        rows, buttons, index = [], [], 0
        for g, (label, options) in enumerate(groups):
            if grouped and options:
                rows.append(format_html('<p class="idesk-picker-heading" data-heading="g{}">{}</p>', g, label))
            if grouped and options and len(groups) <= self.max_group_buttons:
                buttons.append(
                    format_html(
                        '<button type="button" class="btn btn-sm btn-outline-secondary" data-picker-group="g{}" '
                        'hidden><i class="bi bi-check2-all" aria-hidden="true"></i> {}</button>',
                        g, _("Chọn cả: %(group)s") % {"group": label},
                    )
                )  # fmt: skip
            for option_value, option_label in options:
                item_id = f"{base_id}_{index}"
                index += 1
                rows.append(
                    format_html(
                        '<div class="form-check" data-picker-item data-group="g{}" data-group-label="{}"><input '
                        'type="checkbox" class="form-check-input" name="{}" value="{}" id="{}"{}><label '
                        'class="form-check-label" for="{}">{}</label></div>',
                        g, label, name, option_value, item_id,
                        mark_safe(" checked") if str(option_value) in chosen else "", item_id, option_label,
                    )
                )  # fmt: skip
        return format_html(
            '<div class="idesk-picker" data-picker id="{}"><div class="d-flex flex-wrap align-items-center gap-2 '
            'mb-2"><input type="search" class="form-control form-control-sm idesk-picker-filter" data-picker-filter '
            'placeholder="{}" aria-label="{}" aria-controls="{}_list" hidden>{}<span class="small text-muted" '
            'data-picker-count data-template="{}" aria-live="polite"></span></div>'
            '<div class="idesk-picker-list" id="{}_list">{}</div></div>',
            base_id, _("Tìm trong danh sách…"), _("Lọc danh sách"), base_id, mark_safe("".join(buttons)),
            _("Đã chọn %s"), base_id, mark_safe("".join(rows)),
        )  # fmt: skip

    def id_for_label(self, id_, index=None):
        return id_  # the picker's box: field.html names the group by its legend, not a <label for>


def bootstrap(form: forms.Form, errors=None) -> None:
    """Bootstrap classes on the widgets; `is-invalid` on those with errors once the form was cleaned.

    Never reads `form.errors` itself: that would validate the form before a subclass has set its choices."""
    for name, field in form.fields.items():
        widget = field.widget
        if getattr(widget, "picker", False):
            continue  # draws its own checkboxes
        css = ["form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"]
        if isinstance(widget, forms.CheckboxInput):
            css = ["form-check-input"]
        if errors and name in errors:
            css.append("is-invalid")
        present = widget.attrs.get("class", "").split()
        widget.attrs["class"] = " ".join(present + [c for c in css if c not in present])


# Limits a person never meets but an attacker would: a 366,000-character draft body took its preview 13 s.
TEXT_MAX = 10_000  # any free-text field that names no limit of its own
BODY_MAX = 100_000  # a document's body or an excerpt: some 40 printed pages
FIRST_DATE = datetime.date(1945, 1, 1)  # nothing an office registers is older; year 0001 overflowed date arithmetic
LAST_DATE = datetime.date(2100, 12, 31)


def _dmy(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # strftime writes year 1 as "1"


def sane_date(value: datetime.date | None) -> None:
    if value and not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(
            _("Ngày %(d)s không hợp lệ: chỉ nhận từ %(a)s đến %(b)s.")
            % {"d": _dmy(value), "a": _dmy(FIRST_DATE), "b": _dmy(LAST_DATE)},
            code="date_range",
        )


def limit_inputs(form: forms.Form) -> None:
    """Every date field within FIRST_DATE..LAST_DATE, every text field under TEXT_MAX unless it says less."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.validators.append(sane_date)
        elif isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = TEXT_MAX
            field.validators.append(MaxLengthValidator(TEXT_MAX))
            if isinstance(field.widget, forms.TextInput | forms.Textarea):
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX))


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_inputs(self)
        bootstrap(self)

    def full_clean(self):
        super().full_clean()
        bootstrap(self, self._errors)


def apply_service_error(form: forms.Form, exc: ValidationError, field_of: dict[str, str] | None = None) -> None:
    """Put a service's refusal next to the field it names (through `field_of` when the service's key is not the
    form's field name), or on top of the form."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            name = (field_of or {}).get(key, key)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class RegisterExportForm(StyledForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    confidential = forms.BooleanField(label=_("Sổ văn bản mật"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("“Đến ngày” phải sau “Từ ngày”."))
        return data
