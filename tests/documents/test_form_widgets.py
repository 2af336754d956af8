"""The widgets rendered in Python (documents.core.forms) give the HTML Django's own widget templates give."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.test.html import parse_html

from documents.core.forms import DATE_INPUT, QuickInput, QuickSelect
from documents.incoming.forms import FilterForm


def same_html(ours: str, django: str) -> None:
    # Parsed, so attribute order (Python puts boolean attributes last) does not count; everything else does.
    assert parse_html(ours) == parse_html(django), (ours, django)


@pytest.mark.parametrize("value", [None, "", "3261/UBND-VP", 'a "quoted" <b>tag</b> & more'])
@pytest.mark.parametrize(
    "attrs", [None, {"type": "search", "placeholder": "Số, ký hiệu"}, {"required": True, "disabled": False}]
)
def test_an_input_renders_as_django_renders_it(value, attrs):
    ours = QuickInput(attrs=attrs).render("q", value, {"id": "id_q", "class": "form-control"})
    theirs = forms.TextInput(attrs=attrs).render("q", value, {"id": "id_q", "class": "form-control"})
    same_html(ours, theirs)


@pytest.mark.parametrize("value", [None, "", datetime.date(2027, 1, 4), "31/02/2026"])
def test_a_date_input_renders_as_django_renders_it(value):
    theirs = forms.DateInput(attrs=DATE_INPUT.attrs, format=DATE_INPUT.format).render("date_from", value)
    same_html(DATE_INPUT.render("date_from", value), theirs)
    if isinstance(value, datetime.date):
        assert 'value="04/01/2027"' in DATE_INPUT.render("date_from", value)


@pytest.mark.parametrize("value", [None, "", "mat", 3])
def test_a_select_renders_as_django_renders_it(value):
    choices = [("", "Tất cả"), ("thuong", "Không mật"), ("mat", "Mật & <tối mật>"), (3, "Hỏa tốc")]
    ours = QuickSelect(choices=choices).render("secrecy", value, {"id": "id_secrecy"})
    theirs = forms.Select(choices=choices).render("secrecy", value, {"id": "id_secrecy"})
    same_html(ours, theirs)


def test_the_filter_bar_keeps_what_was_typed_and_chosen():
    form = FilterForm({"q": "kế hoạch", "status": "registered", "date_from": "01/12/2026", "issuer": "Sở <x>"})
    form.is_valid()

    widget = form.fields["q"].widget
    django = forms.TextInput(attrs={"type": widget.input_type, **widget.attrs})
    same_html(str(form["q"]), django.render("q", "kế hoạch", {"id": "id_q"}))
    assert 'value="01/12/2026"' in str(form["date_from"])
    assert 'value="Sở &lt;x&gt;"' in str(form["issuer"])
    assert '<option value="registered" selected>' in str(form["status"])
