"""Every response carries the security headers: pages, errors, feeds, the admin, static files.

A browser applies these headers per response, so a single page without them (a 404, a redirect,
an SVG served as a static file) is a page that can be framed, sniffed or run scripts.
"""

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client

from .helpers import make_guide, make_platform, publish_draft

GUIDE = "/{language}/linkedin/ai-training/"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# (path, expected status) for every kind of response the site gives.
RESPONSES = [
    *[pytest.param(f"/{code}/", 200, id=f"home-{code}") for code in LANGUAGES],
    *[pytest.param(GUIDE.format(language=code), 200, id=f"guide-{code}") for code in LANGUAGES],
    pytest.param(GUIDE.format(language="de") + "history/", 200, id="history"),
    pytest.param(GUIDE.format(language="en") + "compare/", 200, id="compare"),
    pytest.param("/fr/linkedin/", 200, id="platform"),
    pytest.param("/it/search/?q=ki", 200, id="search"),
    pytest.param(GUIDE.format(language="de") + "report/", 200, id="report"),
    pytest.param("/de/feed/", 200, id="feed-de"),
    pytest.param("/en/feed/", 200, id="feed-en"),
    pytest.param("/fr/feed/linkedin/", 200, id="feed-platform"),
    pytest.param("/it/feed/linkedin/ai-training/", 200, id="feed-guide"),
    pytest.param("/robots.txt", 200, id="robots"),
    pytest.param("/sitemap.xml", 200, id="sitemap"),
    pytest.param(GUIDE.format(language="de") + "embed/", 404, id="embed-switched-off"),
    pytest.param("/de/no-such-platform/", 404, id="not-found"),
    pytest.param("/en/linkedin/ai-training/v99/", 404, id="version-not-found"),
    pytest.param("/", 302, id="language-redirect"),
    pytest.param("/favicon.ico", 302, id="favicon-redirect"),
    pytest.param("/de/linkedin/ai-training", 301, id="slash-redirect"),
    pytest.param(GUIDE.format(language="de") + "v2/", 302, id="published-version-redirect"),
    pytest.param("/admin/login/", 200, id="admin-login"),
    pytest.param("/admin/", 302, id="admin-redirect-to-login"),
    pytest.param("static:css/site.css", 200, id="static-css"),
    pytest.param("static:img/icon.svg", 200, id="static-svg"),
]


@pytest.fixture
def site(db):
    guide = make_guide(platform=make_platform(), slug="ai-training")
    publish_draft(guide)
    return guide


def _get(path, **extra):
    if path.startswith("static:"):
        path = static(path.removeprefix("static:"))
    return Client().get(path, **extra)


@pytest.mark.parametrize(("path", "status"), RESPONSES)
class SecurityHeadersTests:
    def test_response_forbids_framing_sniffing_and_foreign_content(self, site, path, status):
        response = _get(path)

        assert response.status_code == status
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_https_response_asks_browsers_to_stay_on_https(self, site, path, status):
        response = _get(path, secure=True)

        hsts = response["Strict-Transport-Security"]
        assert f"max-age={settings.SECURE_HSTS_SECONDS}" in hsts
        assert ("includeSubDomains" in hsts) == settings.SECURE_HSTS_INCLUDE_SUBDOMAINS

    def test_plain_http_response_carries_no_hsts(self, site, path, status):
        # Browsers ignore HSTS over plain HTTP; sending it there only hides a wrong set-up.
        assert "Strict-Transport-Security" not in _get(path)

    def test_response_switches_off_browser_features(self, site, path, status):
        policy = _get(path)["Permissions-Policy"]

        assert "camera=()" in policy

    def test_response_may_not_be_embedded_by_other_sites(self, site, path, status):
        assert _get(path)["Cross-Origin-Resource-Policy"] == "same-origin"
