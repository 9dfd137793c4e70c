"""The step inline in a real Chromium: readers' numbers in the headings, new steps at the end."""

import pytest
from playwright.sync_api import expect

from guides.models import Step
from tests.admin_helpers import change_url
from tests.helpers import add_step, make_guide, make_user

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
class StepOrderInBrowserTests:
    def test_headings_use_readers_numbers_and_an_added_step_lands_at_the_end(
        self, live_server, page
    ):
        make_user("anna", groups=["Editor"])
        draft = make_guide(published=False, steps=0).draft
        add_step(draft, position=1, instruction_en="Open settings")
        add_step(draft, position=2, device=Step.Device.APP, instruction_en="Tap privacy")
        add_step(draft, position=3, device=Step.Device.DESKTOP, instruction_en="Click privacy")

        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "anna")
        page.fill("#id_password", "pw")
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}{change_url(draft)}")

        labels = page.locator("#steps-group .inline_label")
        expect(labels.nth(0)).to_contain_text("App 1 · Desktop 1.")
        expect(labels.nth(1)).to_contain_text("App 2.")
        expect(labels.nth(2)).to_contain_text("Desktop 2.")

        page.locator("#steps-group .add-row a").click()
        expect(page.locator("#id_steps-3-position")).to_have_value("4")
        page.fill("#id_steps-3-instruction_de", "Zum Schluss speichern")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_be_visible()

        assert list(draft.steps.values_list("instruction_de", flat=True))[-1] == (
            "Zum Schluss speichern"
        )
        expect(page.locator("#steps-group .inline_label").nth(3)).to_contain_text(
            "App 3 · Desktop 3."
        )
        page.set_viewport_size({"width": 1280, "height": 900})
        page.locator("#steps-group").screenshot(path="/tmp/adminfixes-steps.png")
