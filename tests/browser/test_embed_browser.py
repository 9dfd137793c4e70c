"""The embeddable view in a real Chromium, framed by an intranet page from an allowed origin and
from one that is not listed.

The intranet pages come from small HTTP servers on 127.0.0.1 (each port is an origin of its
own); the frame inside them loads the embed from the live server. Pages that Playwright answers
itself (page.route) do not do: Chromium counts them as public and blocks their local frames.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from guides.models import Step
from tests.browser.conftest import run_axe
from tests.helpers import add_step, make_guide

pytestmark = pytest.mark.browser


class _IntranetPage(BaseHTTPRequestHandler):
    frame_src = ""

    def do_GET(self):
        body = (
            '<!DOCTYPE html><html lang="de"><title>Intranet</title>'
            f'<iframe src="{self.server.frame_src}"></iframe>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def intranet():
    """Two intranet sites on 127.0.0.1; yields a function that opens one framing `src`."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _IntranetPage) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{server.server_port}" for server in servers], servers
    for server in servers:
        server.shutdown()
        server.server_close()


def _open(page, intranet, which, src):
    origins, servers = intranet
    servers[which].frame_src = src
    page.goto(f"{origins[which]}/wiki/datenschutz")
    frame = page.frames[1]
    frame.wait_for_load_state()
    return frame


@pytest.fixture
def embed_url(transactional_db, settings, live_server, intranet):
    origins, _servers = intranet
    settings.EMBED_FRAME_ANCESTORS = [origins[0]]  # the second site is not listed
    make_guide(slug="ki", title_de="KI-Training abschalten")
    return f"{live_server.url}/de/linkedin/ki/embed/"


class EmbedInBrowserTests:
    def test_an_allowed_intranet_page_shows_the_steps(self, page, intranet, embed_url):
        frame = _open(page, intranet, 0, embed_url)

        assert frame.locator("h1").inner_text() == "KI-Training abschalten"
        assert frame.locator(".step").count() == 2

    def test_another_site_cannot_frame_the_embed(self, page, intranet, embed_url):
        refused = []
        page.on("console", lambda message: refused.append(message.text))
        frame = _open(page, intranet, 1, embed_url)

        assert frame.locator(".step").count() == 0
        assert any("frame-ancestors" in text for text in refused)

    def test_no_site_can_frame_the_guide_page_itself(self, page, intranet, embed_url):
        frame = _open(page, intranet, 0, embed_url.removesuffix("embed/"))

        assert frame.locator(".step").count() == 0

    def test_embed_page_has_no_accessibility_violations(self, page, embed_url):
        page.goto(embed_url)

        assert run_axe(page) == []

    def test_app_and_desktop_steps_are_tabs_as_on_the_guide_page(self, page, intranet, embed_url):
        guide = make_guide(slug="zwei", steps=0, published=False)
        add_step(guide.draft, device=Step.Device.APP, instruction_de="In der App tippen")
        add_step(guide.draft, position=2, device=Step.Device.DESKTOP, instruction_de="Klicken")
        guide.draft.publish()
        frame = _open(page, intranet, 0, embed_url.replace("/ki/", "/zwei/"))

        expect(frame.get_by_text("In der App tippen")).to_be_visible()
        expect(frame.get_by_text("Klicken")).to_be_hidden()
        frame.get_by_role("tab", name="Am Computer").click()
        expect(frame.get_by_text("Klicken")).to_be_visible()
        expect(frame.get_by_text("In der App tippen")).to_be_hidden()
        assert run_axe(frame) == []
