"""A local web server the source-watch and link-check tests fetch from (never the internet)."""

import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .server_helpers import free_port


class Page:
    def __init__(self, status=200, body=b"", headers=None, head_status=None, delay=0):
        self.status, self.body, self.delay = status, body, delay
        self.headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        self.head_status = head_status  # what HEAD answers, when it differs from GET


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self._answer(head=False)

    def do_HEAD(self):
        self._answer(head=True)

    def _answer(self, head):
        self.server.requests.append((self.command, self.path))
        self.server.headers.append(dict(self.headers))
        page = self.server.pages.get(self.path) or Page(404, b"not found")
        time.sleep(page.delay)
        status = page.head_status if head and page.head_status else page.status
        self.send_response(status)
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(page.body)
            except OSError:
                pass

    def log_message(self, *args):
        pass


class LocalSite:
    """`with LocalSite() as site:` serves site.pages ({path: Page}) on 127.0.0.1.

    With `certificate` (from make_certificate) it speaks TLS and records the names clients ask
    for (SNI) in `server_names`.
    """

    def __init__(self, certificate=None):
        self.certificate = certificate
        self.server_names = []

    def __enter__(self):
        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        if self.certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.certificate)
            context.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.server.pages = self.pages = {}
        self.server.requests = self.requests = []
        self.server.headers = self.headers = []
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def url(self, path, host="127.0.0.1"):
        scheme = "https" if self.certificate else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def html(self, path, main, **kwargs):
        body = (
            "<html><head><title>Help</title><style>p{}</style><script>var x;</script></head>"
            "<body><nav>Home · Help</nav><header>LinkedIn Help</header>"
            f"<main>{main}</main><footer>© LinkedIn</footer></body></html>"
        )
        self.pages[path] = Page(body=body.encode(), **kwargs)


def make_certificate(directory, name):
    """A self-signed certificate for `name`: (certificate file, key file)."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)
