"""Bad-input corpus, part 1: reader URLs and request headers.

Each case is one request a crawler, a scanner or a broken client might send. The site answers
with a 4xx, a redirect or the page it would show anyway, never a 500, and changes nothing.
"""

import pytest
from django.templatetags.static import static

from .bad_input_helpers import assert_no_server_error, quiet_client, snapshot
from .helpers import make_guide, make_platform, publish_draft

GUIDE = "/de/linkedin/ai-training/"
HUGE = str(10**30)


@pytest.fixture
def site(db):
    """A guide with an archived and a published version, so history and compare have work."""
    guide = make_guide(platform=make_platform(), slug="ai-training")
    publish_draft(guide)
    return guide


def _request(method, path, **headers):
    before = snapshot()
    response = getattr(quiet_client(), method)(path, **headers)
    assert_no_server_error(response)
    assert snapshot() == before
    return response


# (path, the statuses that are right for it)
BAD_URLS = [
    pytest.param(f"{GUIDE}v0/", {404}, id="version-zero"),
    pytest.param(f"{GUIDE}v{HUGE}/", {404}, id="version-10^30"),
    pytest.param(f"{GUIDE}v99999999999/", {404}, id="version-beyond-integer-columns"),
    pytest.param(f"{GUIDE}v-1/", {404}, id="version-negative"),
    pytest.param(f"{GUIDE}vabc/", {404}, id="version-not-a-number"),
    pytest.param(f"{GUIDE}v1.5/", {404}, id="version-fraction"),
    pytest.param(f"{GUIDE}v%EF%BC%91/", {404}, id="version-fullwidth-digit"),
    pytest.param("/de/%00/", {404}, id="nul-in-path"),
    pytest.param("/de/linkedin/%FF%FE/", {404}, id="invalid-utf8-in-path"),
    pytest.param("/de/linkedin/%C0%AF/", {404}, id="overlong-utf8-slash"),
    pytest.param("/de/" + "a" * 5000 + "/", {404}, id="overlong-path"),
    pytest.param("/de/linkedin/" + "a" * 300 + "/", {404}, id="overlong-slug"),
    pytest.param("/xx/", {302, 404}, id="unknown-language"),
    pytest.param("/de/../../etc/passwd", {404}, id="dot-dot-path"),
    pytest.param("/de/%2e%2e/%2e%2e/etc/passwd", {404}, id="encoded-dot-dot-path"),
    pytest.param("/static/../config/settings.py", {404}, id="static-dot-dot"),
    pytest.param("/media/../config/settings.py", {404}, id="media-dot-dot"),
    pytest.param(f"{GUIDE}%0d%0aSet-Cookie:%20x=1/", {404}, id="crlf-in-path"),
    pytest.param(f"{GUIDE}compare/?from=abc", {404}, id="compare-from-not-a-number"),
    pytest.param(f"{GUIDE}compare/?from={HUGE}", {404}, id="compare-from-10^30"),
    pytest.param(f"{GUIDE}compare/?from=1&to=-1", {404}, id="compare-to-negative"),
    pytest.param(f"{GUIDE}compare/?from=%00", {404}, id="compare-from-nul"),
    pytest.param(f"{GUIDE}compare/?from=1&from=2&to=", {200}, id="compare-repeated-parameter"),
    pytest.param(f"{GUIDE}?labels=%3Cscript%3E", {200}, id="labels-markup"),
    pytest.param(f"{GUIDE}?labels=%00", {200}, id="labels-nul"),
    pytest.param(f"{GUIDE}history/?page=%FF", {200}, id="history-invalid-utf8-query"),
    pytest.param("/de/search/?q=%00", {200}, id="search-nul"),
    pytest.param("/de/search/?q=" + "x" * 20000, {200}, id="search-overlong"),
    pytest.param("/de/search/?q=%FF%FE", {200}, id="search-invalid-utf8"),
    pytest.param("/de/search/?q=%E2%80%AE%CC%81%CC%81%CC%81", {200}, id="search-combining-marks"),
    pytest.param("/de/search/?q=(((((a*)*)*)*)*", {200}, id="search-regex-syntax"),
    pytest.param("/de/preview/abc/", {404}, id="preview-not-a-number"),
    pytest.param(f"/de/preview/{HUGE}/", {302}, id="preview-10^30-asks-to-log-in"),
    pytest.param("/de/feed/?page=-1&format=rss", {200}, id="feed-unknown-parameters"),
]


@pytest.mark.parametrize(("path", "statuses"), BAD_URLS)
def test_bad_url_gets_a_calm_answer(site, path, statuses):
    response = _request("get", path)

    assert response.status_code in statuses


def test_double_slash_is_no_open_redirect(site):
    response = _request("get", "//evil.example/")

    assert response.status_code in {301, 302, 404}
    assert not response.get("Location", "").startswith("//")


READER_PAGES = [
    pytest.param("/de/", id="home"),
    pytest.param(GUIDE, id="guide"),
    pytest.param(f"{GUIDE}history/", id="history"),
    pytest.param("/de/feed/", id="feed"),
]


@pytest.mark.parametrize("path", READER_PAGES)
@pytest.mark.parametrize(
    "method",
    [
        pytest.param("options"),
        pytest.param("trace"),
        pytest.param("put"),
        pytest.param("delete"),
    ],
)
def test_other_methods_than_get_and_head_get_405(site, method, path):
    if method == "trace":
        response = quiet_client().generic("TRACE", path)
    else:
        response = getattr(quiet_client(), method)(path)

    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("evil.example", id="unknown-host"),
        pytest.param("testserver:abc", id="port-not-a-number"),
        pytest.param("testserver\r\nX-Injected: 1", id="crlf-in-host"),
        pytest.param("a" * 1000, id="overlong-host"),
        pytest.param("testserver@evil.example", id="userinfo-in-host"),
        pytest.param("[::1", id="broken-ipv6-literal"),
    ],
)
def test_bad_host_gets_400(site, host):
    response = _request("get", GUIDE, HTTP_HOST=host)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "language",
    [
        pytest.param("xx-YY;q=abc", id="quality-not-a-number"),
        pytest.param("*;q=2", id="quality-above-one"),
        pytest.param("de;q=-1, en;q=0", id="negative-quality"),
        pytest.param("a" * 10000, id="overlong"),
        pytest.param("\x00\x01", id="control-characters"),
        pytest.param(",,,;;;===", id="only-separators"),
    ],
)
def test_bad_accept_language_still_chooses_a_site_language(site, language):
    response = _request("get", "/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    assert response["Location"] in {"/de/", "/en/", "/fr/", "/it/"}


@pytest.mark.parametrize(
    "since",
    [
        pytest.param("garbage", id="not-a-date"),
        pytest.param("Mon, 99 Foo 99999 99:99:99 GMT", id="impossible-date"),
        pytest.param("9" * 1000, id="overlong-number"),
        pytest.param("Fri, 31 Dec 9999 23:59:59 GMT", id="far-future"),
    ],
)
@pytest.mark.parametrize("target", ["reader-page", "feed", "static-file"])
def test_bad_if_modified_since_is_ignored(site, since, target):
    path = {"reader-page": GUIDE, "feed": "/de/feed/", "static-file": static("img/icon.svg")}

    response = _request("get", path[target], HTTP_IF_MODIFIED_SINCE=since)

    assert response.status_code in {200, 304}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_X_PADDING": "a" * 100_000}, id="overlong-header"),
        pytest.param({"HTTP_COOKIE": "sessionid=" + "a" * 5000}, id="overlong-session-cookie"),
        pytest.param({"HTTP_COOKIE": 'a="\\x00\\x01; b=\x7f'}, id="control-characters-in-cookie"),
        pytest.param({"HTTP_RANGE": "bytes=abc"}, id="range-not-a-number"),
        pytest.param({"HTTP_RANGE": f"bytes={HUGE}-"}, id="range-beyond-the-file"),
        pytest.param({"HTTP_X_FORWARDED_PROTO": "gopher"}, id="odd-forwarded-proto"),
    ],
)
@pytest.mark.parametrize("path", [GUIDE, "static"])
def test_odd_headers_change_nothing(site, headers, path):
    response = _request("get", static("img/icon.svg") if path == "static" else path, **headers)

    assert response.status_code in {200, 206, 416}
