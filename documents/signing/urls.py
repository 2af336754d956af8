from django.urls import path

from documents.signing import public

app_name = "verify"

urlpatterns = [
    path("", public.verify_upload, name="upload"),
    path("<str:code>/", public.verify_code, name="code"),
]
