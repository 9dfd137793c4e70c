"""Whether a link still leads somewhere: HEAD first, GET when HEAD is refused or fails."""

import re
from urllib.parse import urlsplit

from .fetching import FetchError, Refused, fetch
from .models import LinkCheck

# LinkedIn answers bots with 999; 401 asks for credentials.
SIGN_IN_STATUSES = frozenset({401, 999})
# Hosts that answer 403 to a visitor who is not signed in (a wall, not a dead page).
SIGN_IN_WALL_HOSTS = ("linkedin.com",)
# Where a sign-in wall redirects to.
SIGN_IN_PATH = re.compile(r"/(login|signin|sign-in|uas/login|authwall|checkpoint|auth)\b", re.I)


def _host_matches(url, hosts):
    host = (urlsplit(url).hostname or "").lower()
    return any(host == name or host.endswith("." + name) for name in hosts)


def _verdict(url, response):
    status = response.status
    if status in SIGN_IN_STATUSES or SIGN_IN_PATH.search(urlsplit(response.url).path):
        return LinkCheck.Status.SIGN_IN
    if status == 403 and _host_matches(response.url, SIGN_IN_WALL_HOSTS):
        return LinkCheck.Status.SIGN_IN
    if 200 <= status < 300:
        return LinkCheck.Status.REDIRECTED if response.url != url else LinkCheck.Status.OK
    if status >= 500:
        return LinkCheck.Status.ERROR
    return LinkCheck.Status.BROKEN


def _ask(url):
    """HEAD, then GET when HEAD fails or is answered with an error (405, 403, 501, ...)."""
    try:
        response = fetch(url, method="HEAD")
    except Refused:
        raise
    except FetchError:
        return fetch(url, method="GET", read_body=False)
    if response.status >= 400 and response.status not in SIGN_IN_STATUSES:
        return fetch(url, method="GET", read_body=False)
    return response


def check(url):
    """Check `url` and store the result; returns its LinkCheck."""
    try:
        response = _ask(url)
    except Refused as error:
        result = {"status": LinkCheck.Status.REFUSED, "message": str(error)}
    except FetchError as error:
        result = {"status": LinkCheck.Status.ERROR, "message": str(error)}
    else:
        message = " → ".join([*response.redirects, response.url]) if response.redirects else ""
        result = {
            "status": _verdict(url, response),
            "http_status": response.status,
            "final_url": response.url[:2000],
            "message": message,
        }
    defaults = {"http_status": None, "final_url": "", "message": "", **result}
    link_check, _created = LinkCheck.objects.update_or_create(url=url, defaults=defaults)
    return link_check
