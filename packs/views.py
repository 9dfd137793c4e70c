"""The pack this instance offers to the instances that follow it."""

from django.conf import settings
from django.http import Http404, HttpResponse

from guides.caching import cache_page

from . import archive, signing


@cache_page
def latest(request):
    """Every published guide as a signed zip (docs/content-format.md); 404 without a key.

    Cached like a reader page: any change readers could see makes a new pack.
    """
    if not settings.PACK_SIGNING_KEY_FILE:
        raise Http404("This instance offers no pack.")
    key = signing.load_private_key(settings.PACK_SIGNING_KEY_FILE)
    response = HttpResponse(
        archive.export_pack(public_only=True, key=key), content_type="application/zip"
    )
    response["Content-Disposition"] = 'attachment; filename="guides.zip"'
    return response
