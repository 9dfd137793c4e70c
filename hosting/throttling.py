from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def client_ip(request):
    """The address django-axes counts login failures for.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it was contacted from to
    X-Forwarded-For, so the client's address is that many entries from the right; anything further
    left was sent by the client and may be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out login gets: what happened and when to try again."""
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "hosting/locked_out.html", context, status=429)
