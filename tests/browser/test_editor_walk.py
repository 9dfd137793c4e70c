""" "LinkedIn moved a menu", walked in a real Chromium from the admin dashboard to a published fix.

The issue's measure: at most six admin page loads from the dashboard, counted as navigations
of the browser's main frame (a POST answered by a redirect is one load).
"""

import pytest
from playwright.sync_api import expect

from guides.groups import ensure_groups
from guides.models import GuideVersion
from tests.helpers import make_guide, make_user
from watch.models import PageChange, WatchedPage

pytestmark = pytest.mark.browser

MOVED = "Einstellungen › Konto › Datenschutz"
MAX_PAGE_LOADS = 6


class Walk:
    """A signed-in colleague's browser that counts the admin pages it loads."""

    def __init__(self, browser, live_server, username):
        self.context = browser.new_context(locale="en-GB")
        self.page = self.context.new_page()
        self.url = live_server.url
        self.page.goto(f"{self.url}/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "pw")
        self.page.click("input[type=submit]")
        self.loads = []
        self.page.on(
            "framenavigated",
            lambda frame: frame == self.page.main_frame and self.loads.append(frame.url),
        )

    def dashboard(self):
        self.page.goto(f"{self.url}/admin/")

    def section(self, title):
        return self.page.locator(".dashboard-section", has=self.page.locator("h3", has_text=title))


@pytest.mark.django_db(transaction=True)
def test_a_moved_menu_is_fixed_and_published_in_at_most_six_page_loads(browser, live_server):
    ensure_groups()
    make_user("erik", groups=["Editor"])
    make_user("pia", groups=["Publisher"])
    guide = make_guide(slug="ki-training", title_en="AI training")
    # The source watch noticed that LinkedIn's help page changed.
    watched = WatchedPage.objects.create(url="https://example.com/article")
    PageChange.objects.create(page=watched, guide=guide, previous_text="alt", text="neu")

    editor = Walk(browser, live_server, "erik")
    editor.dashboard()  # 1
    changed = editor.section("Sources changed since the guide was last verified")
    changed.get_by_role("button", name="Fix in a draft").click()  # 2: lands on the new draft
    # The German tabs (the admin opens the tab of its own language, English here).
    editor.page.click("a[href='#tab_id_steps-0-menu_path_de']")
    editor.page.fill("#id_steps-0-menu_path_de", MOVED)
    editor.page.click("a[href='#tab_id_change_note_de']")
    editor.page.fill("#id_change_note_de", "LinkedIn hat das Menü verschoben.")
    editor.page.click("input[name=_request_review]")  # 3: saved and handed to a publisher
    expect(editor.page.locator(".messagelist")).to_contain_text("waiting for a publisher")

    publisher = Walk(browser, live_server, "pia")
    publisher.dashboard()  # 4
    publisher.section("Waiting for a publisher").get_by_role("link").first.click()  # 5
    publisher.page.click("input[name=_publish]")  # 6
    expect(publisher.page.locator(".messagelist")).to_contain_text("Published")

    loads = editor.loads + publisher.loads
    assert len(loads) <= MAX_PAGE_LOADS, loads
    published = GuideVersion.objects.get(guide=guide, status=GuideVersion.Status.PUBLISHED)
    assert published.number == 2
    assert published.steps.get(position=1).menu_path_de == MOVED
    reader = publisher.context.new_page()
    reader.goto(f"{live_server.url}/de/linkedin/ki-training/")
    expect(reader.locator("main")).to_contain_text("Konto")
    for walk in (editor, publisher):
        walk.context.close()
