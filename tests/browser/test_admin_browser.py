"""The admin in a real Chromium: the translation tabs and saving work under the strict CSP."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.admin_helpers import change_url
from tests.helpers import make_guide, make_platform, make_user

pytestmark = pytest.mark.browser


def _note_console_error(message, problems):
    # CSP violations are console errors ("Refused to load/apply/execute ..."). Failed loads are
    # caught as responses instead, which leaves out the browser's own /favicon.ico request.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(message.text)


@pytest.mark.django_db(transaction=True)
class AdminInBrowserTests:
    """The admin works under the site's strict CSP and loads nothing from other hosts."""

    def test_translation_tabs_and_saving_work_without_csp_violations(self, live_server, page):
        make_user("anna", groups=["Editor"])
        draft = make_guide(platform=make_platform(), published=False).versions.get()
        problems, requests = [], []
        page.on("console", lambda message: _note_console_error(message, problems))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.on("request", lambda request: requests.append(request.url))

        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "anna")
        page.fill("#id_password", "pw")
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}{change_url(draft)}")

        french_title = page.locator("#id_title_fr")
        expect(french_title).to_be_hidden()
        page.locator(".ui-tabs-nav a[href$='title_fr']").first.click()
        expect(french_title).to_be_visible()
        french_title.fill("Désactiver la publicité")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_be_visible()

        for url in (reverse("admin:guides_guideversion_changelist"), change_url(draft.guide)):
            page.goto(f"{live_server.url}{url}")
        draft.refresh_from_db()
        assert draft.title_fr == "Désactiver la publicité"
        assert problems == []
        assert all(url.startswith(live_server.url) for url in requests), requests
