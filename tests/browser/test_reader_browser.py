"""The reader site in a real Chromium: accessibility, privacy, keyboard, small screens, print."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe
from tests.helpers import make_guide

pytestmark = pytest.mark.browser

GUIDE = "/de/linkedin/ki-training/"
PAGES = {
    "home": "/de/",
    "platform": "/de/linkedin/",
    "guide": GUIDE,
    "guide in French (fallback)": "/fr/linkedin/ki-training/",
    "guide with English labels": GUIDE + "?labels=en",
    "archived version": GUIDE + "v1/",
    "history": GUIDE + "history/",
    "compare": GUIDE + "compare/?from=1&to=2",
    "compare same version": GUIDE + "compare/?from=2&to=2",
    "search": "/de/search/?q=linkedin",
    "not found": "/de/no/such/page/",
}


class ReaderAccessibilityTests:
    @pytest.mark.parametrize("name", list(PAGES))
    def test_axe_finds_no_violations(self, page, live_server, reader_guide, name):
        page.goto(live_server.url + PAGES[name])
        assert run_axe(page) == []

    def test_axe_finds_no_violations_on_the_desktop_tab(self, page, live_server, reader_guide):
        page.goto(live_server.url + GUIDE)
        page.get_by_role("tab", name="Am Computer").click()
        assert run_axe(page) == []

    def test_axe_finds_no_violations_when_every_step_fits_both_devices(
        self, page, live_server, transactional_db
    ):
        make_guide(slug="beide")  # steps for app and desktop alike: one list, no device choice
        page.goto(f"{live_server.url}/de/linkedin/beide/")
        assert page.locator(".device-choice").count() == 0
        assert run_axe(page) == []

    @pytest.mark.parametrize("language", ["de", "en", "fr"])
    def test_axe_finds_no_violations_in_the_demo_guides(
        self, page, live_server, demo_content, language
    ):
        for slug in ("ai-training", "advertising-data", "microsoft-ad-sharing"):
            page.goto(f"{live_server.url}/{language}/linkedin/{slug}/")
            assert run_axe(page) == [], slug
            # Guides with steps for both devices: check the other tab too.
            for tab in page.locator("[data-tabs] a").all():
                tab.click()
                assert run_axe(page) == [], (slug, tab.get_attribute("id"))
        page.goto(f"{live_server.url}/{language}/linkedin/ai-training/compare/")
        assert run_axe(page) == []

    def test_axe_check_can_fail(self, page, live_server, reader_guide):
        page.goto(live_server.url + GUIDE)
        page.evaluate("document.querySelector('.screenshot img').removeAttribute('alt')")
        assert "image-alt" in [violation["id"] for violation in run_axe(page)]


class ReaderPrivacyBrowserTests:
    def test_pages_request_nothing_from_other_hosts_and_set_no_cookies(
        self, page, live_server, reader_guide
    ):
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        for url in PAGES.values():
            page.goto(live_server.url + url)
        page.goto(live_server.url + GUIDE)
        page.get_by_role("tab", name="Am Computer").click()
        page.locator("#steps-desktop").get_by_label("Erledigt – Schritt 1").check()
        others = [url for url in requested if not url.startswith(live_server.url)]
        assert requested and others == []
        assert page.context.cookies() == []

    def test_csp_reports_no_blocked_inline_code(self, page, live_server, reader_guide):
        messages = []
        page.on("console", lambda message: messages.append(message.text))
        for url in PAGES.values():
            page.goto(live_server.url + url)
        assert [m for m in messages if "Content Security Policy" in m] == []


class DeviceTabsTests:
    def test_device_choice_is_a_tab_list_operable_with_arrow_keys(
        self, page, live_server, reader_guide
    ):
        page.goto(live_server.url + GUIDE)
        app = page.get_by_role("tab", name="In der App")
        desktop = page.get_by_role("tab", name="Am Computer")
        expect(app).to_have_attribute("aria-selected", "true")
        expect(page.locator("#steps-desktop")).to_be_hidden()
        app.focus()
        page.keyboard.press("ArrowRight")
        expect(desktop).to_be_focused()
        expect(desktop).to_have_attribute("aria-selected", "true")
        expect(page.locator("#steps-desktop")).to_be_visible()
        expect(page.locator("#steps-app")).to_be_hidden()
        page.keyboard.press("Home")
        expect(app).to_be_focused()

    def test_the_choice_is_remembered_in_this_browser(self, page, live_server, reader_guide):
        page.goto(live_server.url + GUIDE)
        page.get_by_role("tab", name="Am Computer").click()
        page.reload()
        expect(page.get_by_role("tab", name="Am Computer")).to_have_attribute(
            "aria-selected", "true"
        )
        assert page.evaluate("localStorage.getItem('optout:device')") == "desktop"

    def test_without_javascript_both_lists_are_reachable(self, browser, live_server, reader_guide):
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server.url + GUIDE)
        expect(page.locator("#steps-app")).to_be_visible()
        expect(page.locator("#steps-desktop")).to_be_visible()
        page.get_by_role("link", name="Am Computer").click()
        assert page.url.endswith("#steps-desktop")
        page.get_by_role("link", name="Englisch").click()
        expect(page.locator("#steps-app .menu-path").first).to_have_text("SettingsData privacy")
        context.close()


class ChecklistTests:
    def test_ticked_steps_stay_ticked_in_this_browser_only(self, page, live_server, reader_guide):
        requested = []
        page.goto(live_server.url + GUIDE)
        page.wait_for_load_state("networkidle")
        page.on("request", lambda request: requested.append(request.url))
        page.locator("#steps-app").get_by_label("Erledigt – Schritt 2").check()
        assert requested == []
        page.reload()
        expect(page.locator("#steps-app").get_by_label("Erledigt – Schritt 2")).to_be_checked()
        # The shared step is the same step in the desktop list.
        page.get_by_role("tab", name="Am Computer").click()
        expect(page.locator("#steps-desktop").get_by_label("Erledigt – Schritt 2")).to_be_checked()
        expect(
            page.locator("#steps-desktop").get_by_label("Erledigt – Schritt 1")
        ).not_to_be_checked()

    def test_all_ticks_can_be_removed(self, page, live_server, reader_guide):
        page.goto(live_server.url + GUIDE)
        page.locator("#steps-app").get_by_label("Erledigt – Schritt 1").check()
        page.get_by_role("button", name="Alle Haken entfernen").click()
        page.reload()
        expect(page.locator("#steps-app").get_by_label("Erledigt – Schritt 1")).not_to_be_checked()
        assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('done'))") == []


class KeyboardTests:
    def test_skip_link_is_the_first_stop_and_visible_when_focused(
        self, page, live_server, reader_guide
    ):
        page.goto(live_server.url + GUIDE)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Zum Inhalt springen")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box["y"] >= 0 and box["height"] > 10
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()

    def test_focused_links_show_an_outline(self, page, live_server, reader_guide):
        page.goto(live_server.url + GUIDE)
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"


# The placeholder typed in as a value: its text overflows exactly when the placeholder is cut off
# (the space kept for the search field's clear button included).
_PLACEHOLDER_OVERFLOW = """input => {
    input.value = input.placeholder;
    return input.scrollWidth - input.clientWidth;
}"""


class SmallScreenTests:
    @pytest.mark.parametrize("width", [320, 390])
    @pytest.mark.parametrize("language", ["de", "en", "fr", "it"])
    def test_search_placeholder_is_not_cut_off(self, page, live_server, language, width):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/{language}/")
        assert page.locator("#site-search").evaluate(_PLACEHOLDER_OVERFLOW) <= 0

    @pytest.mark.parametrize("width", [320, 640])  # 640 px is 1280 px at 200 % zoom
    def test_pages_fit_without_sideways_scrolling(self, page, live_server, reader_guide, width):
        page.set_viewport_size({"width": width, "height": 800})
        for url in PAGES.values():
            page.goto(live_server.url + url)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, url


class PrintTests:
    def test_print_shows_all_steps_the_address_and_qr_code_but_no_navigation(
        self, page, live_server, reader_guide
    ):
        page.goto(live_server.url + GUIDE)
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(".device-choice")).to_be_hidden()
        expect(page.locator("#steps-app")).to_be_visible()
        expect(page.locator("#steps-desktop")).to_be_visible()
        expect(page.locator(".print-address svg")).to_be_visible()
        expect(page.locator(".print-address")).to_contain_text(live_server.url + GUIDE)
        expect(page.locator(".deep-link")).to_be_hidden()
        expect(page.locator(".print-deep-link")).to_be_visible()
        expect(page.locator(".print-deep-link")).to_contain_text("https://www.example.com/settings")
        assert len(page.pdf()) > 1000
