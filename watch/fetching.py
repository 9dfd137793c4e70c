"""Fetch a URL an editor typed, safely: public addresses only, also after a redirect.

The host name is resolved here and every address it resolves to must be public; the connection
then goes to that vetted address (with the name in the Host header and for TLS), so a second DNS
answer cannot point it elsewhere. Redirects are followed here, each hop checked the same way.
settings.FETCH_ALLOW_PRIVATE lifts the address rule (tests, intranet deployments).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import urllib3
from django.conf import settings

USER_AGENT = "OptOutGuides-Watch/1.0 (+https://github.com/opt-out-guides; source and link checks)"
TIMEOUT = urllib3.Timeout(connect=5, read=10)
DEADLINE_SECONDS = 20  # for the whole body, against a server that trickles
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
CA_CERTS = None  # the system's trusted certificates (the tests trust their own)

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_METADATA = ipaddress.ip_address("169.254.169.254")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """The page could not be fetched (timeout, connection, too large, bad answer)."""


class Refused(FetchError):
    """The URL may not be fetched: not http(s), or an address that is not public."""


@dataclass
class Response:
    url: str  # the final URL, after redirects
    status: int
    headers: dict
    body: bytes = b""
    redirects: list = field(default_factory=list)  # the URLs that answered with a redirect


def is_public_address(address):
    """True for an address on the public internet; False for every internal kind."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(embedded):
            return False
        if ip.teredo and not all(is_public_address(part) for part in ip.teredo):
            return False
    internal = (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip == _METADATA
        or (ip.version == 4 and ip in _CGNAT)
    )
    return ip.is_global and not internal


def fetch(url, method="GET", read_body=True, max_bytes=MAX_BODY_BYTES):
    """Fetch `url`, following up to MAX_REDIRECTS redirects; raises Refused or FetchError.

    A body larger than `max_bytes` is refused (a content pack is allowed more than a page).
    """
    redirects = []
    for _hop in range(MAX_REDIRECTS + 1):
        response = _fetch_once(url, method, read_body, max_bytes)
        location = response.headers.get("location")
        if response.status not in REDIRECT_STATUSES or not location:
            response.redirects = redirects
            return response
        redirects.append(url)
        url = urljoin(url, location)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _fetch_once(url, method, read_body, max_bytes=MAX_BODY_BYTES):
    try:
        parts = urllib3.util.parse_url(url)
    except urllib3.exceptions.LocationParseError as error:
        raise Refused(f"not a valid address: {error}") from None
    scheme = (parts.scheme or "").lower()
    if scheme not in DEFAULT_PORTS or not parts.host:
        raise Refused(f"only http and https addresses are fetched, not {url!r}")
    host = parts.host.strip("[]")
    port = parts.port or DEFAULT_PORTS[scheme]
    address = _vetted_address(host, port)
    pool = _pool(scheme, address, port, host)
    host_header = parts.netloc
    try:
        answer = pool.urlopen(
            method,
            parts.request_uri,
            headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "*/*"},
            redirect=False,
            retries=False,
            preload_content=False,
            timeout=TIMEOUT,
        )
        try:
            body = _read_limited(answer, max_bytes) if read_body and method != "HEAD" else b""
        finally:
            answer.release_conn()
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(_describe(error)) from None
    finally:
        pool.close()
    headers = {name.lower(): value for name, value in answer.headers.items()}
    return Response(url=url, status=answer.status, headers=headers, body=body)


def _vetted_address(host, port):
    """The first address `host` resolves to, once all of them have been checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"the name {host} does not resolve ({error})") from None
    addresses = [info[4][0].split("%")[0] for info in infos]
    if not settings.FETCH_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public_address(address):
                raise Refused(f"{host} resolves to {address}, which is not a public address")
    return addresses[0]


def _pool(scheme, address, port, host):
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=CA_CERTS,
            server_hostname=host,
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(address, port, maxsize=1)


def _read_limited(answer, max_bytes=MAX_BODY_BYTES):
    length = answer.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"the page is larger than {max_bytes} bytes")
    deadline = time.monotonic() + DEADLINE_SECONDS
    chunks, size = [], 0
    for chunk in answer.stream(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"the page is larger than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError(f"the page took longer than {DEADLINE_SECONDS} s to arrive")
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(error):
    if isinstance(error, (urllib3.exceptions.TimeoutError, socket.timeout)):
        return "no answer in time (timeout)"
    reason = getattr(error, "reason", None) or error
    return f"{type(error).__name__}: {reason}"
