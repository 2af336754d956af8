"""Liên thông: /lien-thong/… (the inbox is outside /documents/: other systems post to it without a session)."""

from django.urls import path

from documents.exchange import views

app_name = "exchange"

urlpatterns = [
    path("goi-tin/", views.inbox, name="inbox"),
    path("goi-tin/<int:pk>/tai-ve/", views.package_download, name="package_download"),
    path("thu-hoi/<int:pk>/tu-choi/", views.recall_refuse, name="recall_refuse"),
]
