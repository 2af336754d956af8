from django.conf import settings

from idesk.navigation import Navigation


def site(request):
    return {"SITE_NAME": settings.IDESK_SITE_NAME}


def navigation(request):
    """`nav`: the signed-in person's queues with their counts, counted only if the page shows them."""
    return {"nav": Navigation(request)}
