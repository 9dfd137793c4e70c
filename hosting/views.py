from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from .headers import IMMUTABLE


@require_safe
def media(request, path):
    """An uploaded file from the media storage (a folder or an S3 bucket), GET and HEAD only."""
    if any(part in ("", ".", "..") for part in path.split("/")):
        # Stored names never have these: a folder, an absolute path or a way out of the storage.
        raise Http404
    try:
        if not default_storage.exists(path):
            raise Http404
        file = default_storage.open(path)
    except (SuspiciousFileOperation, OSError):
        # A path leaving the storage, a folder, an unreadable file: none of them is a file here.
        raise Http404 from None
    response = FileResponse(file)
    # Uploaded files and their variants are named by their content hash: a name never gets
    # other bytes.
    response["Cache-Control"] = IMMUTABLE
    return response
