from django.conf import settings


def cross_origin_headers(get_response):
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response.

    Django's SecurityMiddleware sends the other security headers but not these two.
    """

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response

    return middleware
