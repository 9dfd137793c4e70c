import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

# Imported once Django is set up: repeat requests for cached reader pages are answered here.
from guides.caching import EarlyAnswer  # noqa: E402

application = EarlyAnswer(django_application)
