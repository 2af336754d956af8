from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/new/", views.incoming_new, name="incoming_new"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/<slug:action>/", views.incoming_action, name="incoming_action"),
    path("incoming/<int:pk>/phieu-xu-ly.pdf", views.processing_slip, name="processing_slip"),
    path("incoming/register/", views.register_book, name="register_book"),
    path("incoming/arrivals/", views.deliveries, name="deliveries"),
    path("incoming/arrivals/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("tasks/", views.tasks, name="tasks"),
    path("search/", views.search, name="search"),
]
