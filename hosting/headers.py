"""Cache-Control for files whose name changes with their content."""

# A year, the longest that HTTP caches are asked to honour (RFC 9111); `immutable` spares
# browsers the revalidation they would otherwise send on a reload.
IMMUTABLE = "public, max-age=31536000, immutable"


def static_file_headers(headers, path, url):
    """WhiteNoise's WHITENOISE_ADD_HEADERS_FUNCTION: the same header as media for hashed names.

    WhiteNoise marks files with a content hash in their name immutable for ten years; unhashed
    names keep its short max-age.
    """
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = IMMUTABLE
