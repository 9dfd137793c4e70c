"""Rate limits for reader reports, kept only in the cache.

An address is never stored: the cache key is an HMAC of the address and today's date under
SECRET_KEY, so it cannot be reversed and changes every day. Counting per address *and* guide
lets an office behind one NAT address report on several guides; a cap per guide and day keeps a
flood from filling the database.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from hosting.throttling import client_ip

HOUR = 3600
DAY = 24 * HOUR


def _address_key(request, guide):
    today = timezone.now().date().isoformat()
    message = f"{today}|{client_ip(request)}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    hour = timezone.now().strftime("%Y%m%d%H")
    return f"reports:address:{digest}:{guide.pk}:{hour}"


def _guide_key(guide):
    return f"reports:guide:{guide.pk}:{timezone.now().date().isoformat()}"


def _count(key):
    value = cache.get(key)
    return value or 0


def allowed(request, guide):
    """Whether this client may send one more report on this guide now."""
    return (
        _count(_address_key(request, guide)) < settings.REPORTS_PER_ADDRESS_PER_HOUR
        and _count(_guide_key(guide)) < settings.REPORTS_PER_GUIDE_PER_DAY
    )


def record(request, guide):
    for key, timeout in ((_address_key(request, guide), HOUR), (_guide_key(guide), DAY)):
        if not cache.add(key, 1, timeout):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout)
