"""Văn bản đến: the register, records and their handling, electronic arrivals, tasks, search."""

from django.urls import path

from documents.incoming import views

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/new/", views.incoming_new, name="incoming_new"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/<slug:action>/", views.incoming_action, name="incoming_action"),
    path("incoming/<int:pk>/phieu-xu-ly.pdf", views.processing_slip, name="processing_slip"),
    path("incoming/arrivals/", views.deliveries, name="deliveries"),
    path("incoming/arrivals/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("note-files/<int:pk>/", views.note_file, name="note_file"),
    path("tasks/", views.tasks, name="tasks"),
    path("search/", views.search, name="search"),
]
