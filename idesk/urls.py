from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from accounts import views as account_views
from documents.meetings import views as meeting_views
from idesk import compliance_views, health, notification_views, views
from idesk.exports import views as export_views

public_patterns = (
    [
        path("", views.public_index, name="index"),
        path("<int:pk>/", views.public_notice, name="notice"),
        path("huong-dan/", views.public_guide, name="guide"),
    ],
    "public",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("vao/", views.landing, name="landing"),  # LOGIN_REDIRECT_URL: each role lands on its work
    path("dieu-huong/dem/", views.nav_counts, name="nav_counts"),  # the navigation's badges, after each page
    path("healthz", health.healthz, name="healthz"),  # no login: monitoring (idesk/health.py)
    path("accounts/", include("accounts.urls")),
    path("units/", account_views.directory, name="directory"),
    path("units/danh-ba.xlsx", account_views.directory_xlsx, name="directory_xlsx"),
    path("units/danh-ba.pdf", export_views.directory_pdf, name="directory_pdf"),
    path("exports/so-dang-ky/<slug:kind>/", export_views.register_book, name="export_register_book"),
    path("exports/<int:pk>/", export_views.job_page, name="export_job"),
    path("exports/<int:pk>/trang-thai/", export_views.job_status, name="export_job_status"),
    path("exports/<int:pk>/tai-ve/", export_views.job_download, name="export_job_download"),
    path("units/compliance/", compliance_views.dashboard, name="compliance"),
    path("units/compliance/tuan-thu.xlsx", compliance_views.export_xlsx, name="compliance_xlsx"),
    path("units/compliance/tuan-thu.pdf", compliance_views.export_pdf, name="compliance_pdf"),
    path("units/compliance/<slug:code>/", compliance_views.unit_detail, name="compliance_unit"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notifications_read_all, name="notifications_read_all"),
    path("notifications/bell/", notification_views.notification_bell, name="notifications_bell"),
    path("notifications/preferences/", notification_views.notification_preferences, name="notification_preferences"),
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("documents/", include("documents.urls")),
    path("lien-thong/", include("documents.exchange.urls")),  # edXML from peer systems (issue 17)
    path("thong-bao/", include(public_patterns)),
    path("xac-thuc/", include("documents.signing.urls")),  # no login: verify an issued PDF (issue 16)
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Notice attachments in development; production serves MEDIA_ROOT from the web server.
    urlpatterns += [path("media/notices/<path:path>", serve, {"document_root": settings.MEDIA_ROOT / "notices"})]

handler400 = "idesk.views.error_400"
handler403 = "idesk.views.error_403"
handler404 = "idesk.views.error_404"
handler500 = "idesk.views.error_500"

admin.site.site_header = "Quản trị iDesk"
admin.site.site_title = "iDesk"
admin.site.index_title = "Quản trị hệ thống"
