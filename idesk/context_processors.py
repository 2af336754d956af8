from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.IDESK_SITE_NAME}
