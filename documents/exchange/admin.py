"""Admin for liên thông: the peers (their inbound token is shown once, stored hashed) and every package kept."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from documents.exchange import services
from documents.exchange.models import Link, Package, PackageState, Peer, new_token


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "base_url", "active", "has_token")
    list_filter = ("active",)
    search_fields = ("name", "base_url", "organ_ids")
    filter_horizontal = ("units",)
    actions = ["new_inbound_token"]

    @admin.display(boolean=True, description=_("có mã xác thực nhận"))
    def has_token(self, obj: Peer) -> bool:
        return bool(obj.inbound_token_hash)

    def save_model(self, request, obj: Peer, form, change) -> None:
        fresh = None
        if not obj.inbound_token_hash:
            fresh = new_token()
            obj.set_inbound_token(fresh)
        super().save_model(request, obj, form, change)
        if fresh:
            self._show(request, obj, fresh)

    @admin.action(description=_("Cấp mã xác thực nhận mới (mã cũ hết hiệu lực)"))
    def new_inbound_token(self, request, queryset) -> None:
        for peer in queryset:
            fresh = new_token()
            peer.set_inbound_token(fresh)
            peer.save(update_fields=["inbound_token_hash"])
            self._show(request, peer, fresh)

    def _show(self, request, peer: Peer, token: str) -> None:
        messages.warning(
            request,
            _("Mã xác thực để %(p)s gửi gói tin đến chúng ta (chỉ hiện một lần, hãy chuyển cho quản trị bên đó): %(t)s")
            % {"p": peer.name, "t": token},
        )


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "direction", "kind", "status_code", "document_id", "peer", "state", "attempts")
    list_filter = ("direction", "kind", "state", "peer")
    search_fields = ("document_id", "from_organ", "to_organ")
    readonly_fields = [f.name for f in Package._meta.fields] + ["download"]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the exchange's evidence

    @admin.display(description=_("tệp XML"))
    def download(self, obj: Package) -> str:
        if not obj.blob_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("exchange:package_download", args=[obj.pk]), _("Tải về"))

    @admin.action(description=_("Gửi lại các gói tin gửi lỗi"))
    def resend(self, request, queryset) -> None:
        n = 0
        for package in queryset.filter(state=PackageState.FAILED, direction="out"):
            services.resend(package)
            n += 1
        messages.info(request, _("Đã đưa %(n)s gói tin vào hàng đợi gửi lại.") % {"n": n})


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ("document_id", "direction", "organ_id", "peer", "remote_status", "remote_arrival_number")
    list_filter = ("direction", "peer")
    search_fields = ("document_id", "organ_id")
    readonly_fields = [f.name for f in Link._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
