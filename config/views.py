"""Project-wide error views (handler500 in config/urls.py)."""

import sys

from django.views.defaults import server_error as django_server_error

from .middleware import database_unavailable, is_outage


def server_error(request):
    """Django's 500 page, except for a database outage wherever it struck (a middleware, an error
    page that reads the database): that gets the 503 page, which never touches the database."""
    if is_outage(sys.exc_info()[1]):
        return database_unavailable()
    return django_server_error(request)
