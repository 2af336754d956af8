from django.urls import path

from documents.search import views

urlpatterns = [
    path("find/", views.find, name="find"),
    path("find/saved/", views.save, name="find_save"),
    path("find/saved/<int:pk>/delete/", views.delete, name="find_delete"),
]
