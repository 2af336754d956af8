from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("tasks/", views.tasks, name="tasks"),
    path("search/", views.search, name="search"),
]
