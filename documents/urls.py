from django.urls import path

from documents import meeting_views as mt
from documents import outgoing_views as out
from documents import views

app_name = "documents"

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/new/", views.incoming_new, name="incoming_new"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/<slug:action>/", views.incoming_action, name="incoming_action"),
    path("incoming/<int:pk>/phieu-xu-ly.pdf", views.processing_slip, name="processing_slip"),
    path("incoming/register/", views.register_book, name="register_book"),
    path("outgoing/register/", views.register_book, {"kind": "di"}, name="outgoing_register_book"),
    path("incoming/arrivals/", views.deliveries, name="deliveries"),
    path("incoming/arrivals/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("note-files/<int:pk>/", views.note_file, name="note_file"),
    path("outgoing/", out.outgoing_list, name="outgoing_list"),
    path("outgoing/new/", out.draft_new, name="draft_new"),
    path("outgoing/drafts/<int:pk>/", out.draft_detail, name="draft_detail"),
    path("outgoing/drafts/<int:pk>/edit/", out.draft_edit, name="draft_edit"),
    path("outgoing/drafts/<int:pk>/preview.pdf", out.draft_preview, name="draft_preview"),
    path("outgoing/drafts/<int:pk>/<slug:action>/", out.draft_action, name="draft_action"),
    path("outgoing/draft-files/<int:pk>/", out.draft_file, name="draft_file"),
    path("outgoing/<int:pk>/", out.issued_detail, name="issued_detail"),
    path("outgoing/<int:pk>/official.pdf", out.issued_pdf, name="issued_pdf"),
    path("outgoing/<int:pk>/<slug:action>/", out.issued_action, name="issued_action"),
    path("outgoing/paper/", out.paper_list, name="paper_list"),
    path("outgoing/paper/<int:pk>/sent/", out.paper_sent, name="paper_sent"),
    path("copies/<int:pk>/new/", out.copy_new, name="copy_new"),
    path("recalls/<int:pk>/acknowledge/", out.recall_acknowledge, name="recall_acknowledge"),
    # Lịch họp, lịch công tác (the list itself is /meetings/, named "meetings")
    path("meetings/new/", mt.meeting_new, name="meeting_new"),
    path("meetings/week/", mt.meeting_week, name="meeting_week"),
    path("meetings/week/lich-cong-tac.pdf", mt.meeting_week_pdf, name="meeting_week_pdf"),
    path("meetings/feed/<slug:token>.ics", mt.meeting_feed, name="meeting_feed"),
    path("meetings/feed/new/", mt.feed_revoke, name="meeting_feed_revoke"),
    path("meetings/materials/<int:pk>/", mt.material_download, name="meeting_material"),
    path("meetings/<int:pk>/", mt.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/giay-moi.pdf", mt.invitation_pdf, name="meeting_invitation_pdf"),
    path("meetings/<int:pk>/<slug:action>/", mt.meeting_action, name="meeting_action"),
    path("tasks/", views.tasks, name="tasks"),
    path("search/", views.search, name="search"),
]
