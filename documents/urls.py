"""All of documents' pages under one namespace ("documents:…"), each part's routes in its own urls.py."""

from django.urls import path

from documents import register_books, views
from documents.incoming import urls as incoming
from documents.meetings import urls as meetings
from documents.outgoing import urls as outgoing
from documents.search import urls as search

app_name = "documents"

urlpatterns = [
    path("incoming/register/", register_books.register_book, name="register_book"),
    path("outgoing/register/", register_books.register_book, {"kind": "di"}, name="outgoing_register_book"),
    path("outgoing/register/qppl/", register_books.register_book, {"kind": "qppl"}, name="legal_register_book"),
    path("incoming/follow-up/", register_books.register_book, {"kind": "theo-doi"}, name="follow_up_book"),
    path("outgoing/postal/", register_books.register_book, {"kind": "buu-dien"}, name="postal_book"),
    path("outgoing/copies/register/", register_books.register_book, {"kind": "sao"}, name="copy_book"),
    path("files/<int:pk>/", views.file_download, name="file"),
    *incoming.urlpatterns,
    *outgoing.urlpatterns,
    *meetings.urlpatterns,
    *search.urlpatterns,
]
