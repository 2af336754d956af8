"""Văn bản đi: drafts, issued documents, paper copies, copies, recalls."""

from django.urls import path

from documents.outgoing import views

urlpatterns = [
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("outgoing/new/", views.draft_new, name="draft_new"),
    path("outgoing/drafts/<int:pk>/", views.draft_detail, name="draft_detail"),
    path("outgoing/drafts/<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("outgoing/drafts/<int:pk>/preview.pdf", views.draft_preview, name="draft_preview"),
    path("outgoing/drafts/<int:pk>/<slug:action>/", views.draft_action, name="draft_action"),
    path("outgoing/draft-files/<int:pk>/", views.draft_file, name="draft_file"),
    path("outgoing/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("outgoing/<int:pk>/official.pdf", views.issued_pdf, name="issued_pdf"),
    path("outgoing/<int:pk>/<slug:action>/", views.issued_action, name="issued_action"),
    path("outgoing/paper/", views.paper_list, name="paper_list"),
    path("outgoing/paper/<int:pk>/sent/", views.paper_sent, name="paper_sent"),
    path("copies/<int:pk>/new/", views.copy_new, name="copy_new"),
    path("recalls/<int:pk>/acknowledge/", views.recall_acknowledge, name="recall_acknowledge"),
]
