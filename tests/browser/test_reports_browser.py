"""A reader reports a step with JavaScript off and no cookies; an editor finds it in the admin."""

import pytest
from playwright.sync_api import expect

from tests.helpers import make_guide, make_user

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
class ReaderReportInBrowserTests:
    def test_a_reader_without_javascript_reports_a_step_and_an_editor_sees_it(
        self, live_server, browser, settings
    ):
        settings.REPORTS_MIN_SECONDS = 0
        guide = make_guide(slug="ki-training")
        make_user("erika", groups=["Editor"])
        reader = browser.new_context(java_script_enabled=False)
        page = reader.new_page()

        page.goto(f"{live_server.url}{guide.get_absolute_url()}")
        page.locator(".step .report-link a").first.click()
        expect(page.locator("form.report-form")).to_be_visible()
        page.select_option("#id_device", "android")
        page.fill("#id_app_version", "4.1.9")
        page.fill("#id_text", "Der Menüpunkt heißt jetzt Konto.")
        page.click("form.report-form button[type=submit]")
        expect(page.locator("[role=status]")).to_be_visible()
        expect(page.locator("form.report-form")).to_have_count(0)
        assert reader.cookies() == []
        reader.close()

        editor = browser.new_page()
        editor.goto(f"{live_server.url}/admin/login/")
        editor.fill("#id_username", "erika")
        editor.fill("#id_password", "pw")
        editor.click("input[type=submit]")
        editor.goto(
            f"{live_server.url}/admin/reports/report/"
            f"?guide__id__exact={guide.pk}&status__exact=open"
        )
        expect(editor.locator("#result_list")).to_contain_text("Der Menüpunkt heißt jetzt Konto.")
        expect(editor.locator("#result_list")).to_contain_text("4.1.9")
