"""The organisation's settings in a real Chromium: set in the admin, seen on the reader pages."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import path
from django.views.static import serve
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from config.urls import urlpatterns as site_urlpatterns
from tests.browser.conftest import run_axe
from tests.helpers import make_guide, make_user

pytestmark = pytest.mark.browser

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _media(request, path):
    # Uploaded files as the production set-up serves them (config/urls.py only does with DEBUG).
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, path("media/<path:path>", _media)]


@pytest.fixture(autouse=True)
def site_with_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = __name__


def _logo(tmp_path):
    image = Image.new("RGB", (160, 48), "#6b1d1d")
    ImageDraw.Draw(image).ellipse((8, 8, 40, 40), fill="white")
    data = io.BytesIO()
    image.save(data, "PNG")
    path = tmp_path / "logo.png"
    path.write_bytes(data.getvalue())
    return path


def _log_in(page, live_server):
    make_user("admin", is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")


class BrandingInBrowserTests:
    def test_name_colour_and_logo_set_in_the_admin_show_on_the_home_page(
        self, page, live_server, transactional_db, tmp_path
    ):
        make_guide(title_de="KI-Training abschalten")
        _log_in(page, live_server)
        page.goto(f"{live_server.url}/admin/branding/sitesettings/")
        page.fill("#id_name", "Betriebsrat Beispiel")
        page.fill("#id_accent", "#6b1d1d")
        page.set_input_files("#id_logo", _logo(tmp_path))
        page.locator(".ui-tabs-nav a[href$='intro_de']").first.click()
        page.fill("#id_intro_de", "Ihr Betriebsrat empfiehlt diese drei Einstellungen.")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_be_visible()
        expect(page.locator("#site-name")).to_have_text("Betriebsrat Beispiel")

        page.goto(f"{live_server.url}/de/")
        logo = page.get_by_role("img", name="Betriebsrat Beispiel")
        expect(logo).to_be_visible()
        assert logo.evaluate("image => image.naturalWidth") == 160
        expect(page.locator(".site-name")).to_contain_text("Betriebsrat Beispiel")
        expect(page).to_have_title("Betriebsrat Beispiel")
        expect(page.locator(".intro")).to_have_text(
            "Ihr Betriebsrat empfiehlt diese drei Einstellungen."
        )
        link = page.get_by_role("link", name="Impressum")
        assert link.evaluate("a => getComputedStyle(a).color") == "rgb(107, 29, 29)"
        search = page.get_by_role("button", name="Suchen")
        assert search.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(107, 29, 29)"
        assert run_axe(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "branding-home.png", full_page=True)

    def test_a_refused_colour_is_explained_in_the_admin(self, page, live_server, transactional_db):
        _log_in(page, live_server)
        page.goto(f"{live_server.url}/admin/branding/sitesettings/")
        page.fill("#id_accent", "#ffcc00")
        page.click("input[name=_continue]")
        expect(page.locator(".errorlist")).to_contain_text("at least 4.5:1")


class LegalPagesAccessibilityTests:
    @pytest.mark.parametrize(
        "url", ["/de/imprint/", "/de/privacy/", "/en/privacy/", "/fr/privacy/", "/it/imprint/"]
    )
    def test_axe_finds_no_violations(self, page, live_server, transactional_db, url):
        page.goto(live_server.url + url)
        assert run_axe(page) == []

    def test_the_legal_pages_are_reachable_from_the_footer_without_javascript(
        self, browser, live_server, transactional_db
    ):
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{live_server.url}/en/")
        page.get_by_role("link", name="Imprint").click()
        expect(page.locator("h1")).to_have_text("Imprint")
        page.get_by_role("link", name="Privacy").click()
        expect(page.locator("h1")).to_have_text("Privacy statement")
        context.close()
