"""The benchmark's baseline: files from BENCH_STATIC_ROOT served by WhiteNoise alone (no Django).

bench/bench.py runs it under gunicorn with the site's own gunicorn settings.
"""

import os

from whitenoise import WhiteNoise


def _not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


application = WhiteNoise(_not_found, root=os.environ["BENCH_STATIC_ROOT"])
