"""Lịch họp, lịch công tác (the list itself is /meetings/, named "meetings", in idesk/urls.py)."""

from django.urls import path

from documents.meetings import views

urlpatterns = [
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/week/", views.meeting_week, name="meeting_week"),
    path("meetings/week/lich-cong-tac.pdf", views.meeting_week_pdf, name="meeting_week_pdf"),
    path("meetings/feed/<slug:token>.ics", views.meeting_feed, name="meeting_feed"),
    path("meetings/feed/new/", views.feed_revoke, name="meeting_feed_revoke"),
    path("meetings/materials/<int:pk>/", views.material_download, name="meeting_material"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/giay-moi.pdf", views.invitation_pdf, name="meeting_invitation_pdf"),
    path("meetings/<int:pk>/<slug:action>/", views.meeting_action, name="meeting_action"),
]
