from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.two_factor import core as two_factor


class CodeForm(forms.Form):
    """One code: the authenticator app's six digits or, where allowed, a recovery code."""

    code = forms.CharField(label=_("Mã xác thực"), max_length=32, strip=True)

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery = recovery
        if recovery:
            self.fields["code"].help_text = _(
                "Mã 6 chữ số đang hiện trên ứng dụng xác thực, hoặc một mã dự phòng 8 ký tự nếu không có điện thoại."
            )
        else:
            self.fields["code"].help_text = _("Mã 6 chữ số đang hiện trên ứng dụng xác thực.")

    def clean_code(self) -> str:
        code = two_factor.normalize(self.cleaned_data["code"])
        if not two_factor.is_code_shaped(code) or (not self.recovery and not (code.isdigit() and len(code) == 6)):
            if self.recovery:
                raise forms.ValidationError(_("Mã xác thực gồm 6 chữ số; mã dự phòng gồm 8 ký tự chữ và số."))
            raise forms.ValidationError(_("Mã xác thực gồm 6 chữ số."))
        return code

    def refuse(self) -> None:
        self.add_error("code", _("Mã xác thực không đúng hoặc đã được dùng. Vui lòng nhập mã đang hiện trên ứng dụng."))

    def wait(self) -> None:
        self.add_error("code", _("Bạn đã nhập sai nhiều lần liên tiếp. Vui lòng đợi một lát rồi nhập mã mới."))
