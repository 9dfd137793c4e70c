from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class S3MediaStorage(S3Storage):
    """Object storage whose files are served by the app under MEDIA_URL.

    Readers' browsers then never contact the storage provider (no third-party requests, the strict
    CSP stays as it is), and the bucket can stay private.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
