import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idesk.settings")
application = get_wsgi_application()

# What the server has loaded (Django, the apps, their modules) lives as long as the process: left out of the cyclic
# collector's full collections, which otherwise walk all of it again every few hundred requests (a p95 cost).
from idesk.lib.reports import freeze_loaded  # noqa: E402  (after Django is set up)

freeze_loaded()
