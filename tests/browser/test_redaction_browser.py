"""An editor uploads a screenshot in a step and blacks out areas with the mouse and the keyboard,
in a real Chromium under the site's strict CSP."""

import io
import json

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from guides.models import Screenshot
from tests.admin_helpers import change_url
from tests.browser.test_admin_browser import _note_console_error
from tests.helpers import make_guide, make_user

pytestmark = pytest.mark.browser
WIDGET = "test-artifacts/redaction-widget.png"
WIDGET_AFTER_SAVE = "test-artifacts/redaction-widget-saved.png"


@pytest.fixture(autouse=True)
def temporary_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _striped_png(path, size=(400, 300)):
    """An image whose every pixel can be told apart from black and from its neighbours' rows."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for y in range(0, size[1], 10):
        draw.rectangle((0, y, size[0], y + 4), fill=(40 + y % 200, 120, 220))
    image.save(path)
    return image


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")


def _drag(page, canvas, start, end):
    """Drag across `canvas` between two points given as fractions of its size."""
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1], steps=5)
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
class RedactionInBrowserTests:
    def test_boxes_drawn_with_mouse_and_keyboard_are_black_in_the_stored_file(
        self, live_server, page, tmp_path
    ):
        make_user("anna", groups=["Editor"])
        draft = make_guide(published=False, steps=1).versions.get()
        original = _striped_png(tmp_path / "profil.png")
        problems = []
        page.on("console", lambda message: _note_console_error(message, problems))
        page.on("pageerror", lambda error: problems.append(str(error)))
        _log_in(page, live_server)
        page.goto(f"{live_server.url}{change_url(draft)}")

        # The language tabs open on the browser's language; the German ones are clicked.
        page.locator(".ui-tabs-nav a[href$='steps-0-upload_de']").click()
        page.set_input_files("input[name='steps-0-upload_de']", str(tmp_path / "profil.png"))
        widget = page.locator("#steps-0 .field-upload_de .screenshot-upload")
        canvas = widget.locator("canvas")
        expect(canvas).to_be_visible()
        expect(widget.locator(".redaction-help")).to_contain_text("arrow keys")
        _drag(page, canvas, (0.1, 0.1), (0.3, 0.4))
        canvas.focus()
        for key in ["ArrowRight"] * 25 + ["ArrowDown"] * 25 + ["Shift+ArrowLeft"] * 2:
            page.keyboard.press(key)
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        page.keyboard.press("Delete")  # the second Enter's duplicate
        expect(widget.locator(".redaction-status")).to_contain_text("2")
        widget.screenshot(path=WIDGET)

        boxes = json.loads(page.input_value("input[name='steps-0-redactions_de']"))
        page.locator(".ui-tabs-nav a[href$='steps-0-screenshot_alt_de']").click()
        page.fill("#id_steps-0-screenshot_alt_de", "Das Profil, Name geschwärzt.")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_be_visible()

        step = draft.steps.get()
        with step.screenshot_de.file.open("rb") as file:
            stored = Image.open(io.BytesIO(file.read())).convert("RGB")
        expected = original.copy()
        draw = ImageDraw.Draw(expected)
        for left, top, right, bottom in boxes:
            draw.rectangle((left, top, right - 1, bottom - 1), fill="black")
        assert len(boxes) == 2
        assert [40, 30] <= boxes[0][:2] <= [41, 31] and [120, 120] <= boxes[0][2:] <= [121, 121]
        assert boxes[1] == [200, 200, 284, 238]
        assert stored.tobytes() == expected.tobytes()
        assert stored.tobytes() != original.tobytes()
        assert problems == []
        page.locator(".ui-tabs-nav a[href$='steps-0-upload_de']").click()
        widget.screenshot(path=WIDGET_AFTER_SAVE)

    def test_the_screenshot_add_form_blacks_out_a_box_too(self, live_server, page, tmp_path):
        make_user("anna", groups=["Editor"])
        original = _striped_png(tmp_path / "konto.png", size=(200, 100))
        _log_in(page, live_server)
        page.goto(f"{live_server.url}/admin/guides/screenshot/add/")
        page.set_input_files("input[name=upload]", str(tmp_path / "konto.png"))
        canvas = page.locator(".screenshot-upload canvas")
        expect(canvas).to_be_visible()
        _drag(page, canvas, (0.5, 0.0), (1.0, 1.0))
        assert page.input_value("input[name=redactions]") == "[[100,0,200,100]]"
        page.click("input[name=_save]")
        expect(page.locator(".messagelist .success")).to_be_visible()

        with Screenshot.objects.get().file.open("rb") as file:
            stored = Image.open(io.BytesIO(file.read())).convert("RGB")
        assert stored.crop((0, 0, 100, 100)).tobytes() == original.crop((0, 0, 100, 100)).tobytes()
        assert stored.crop((100, 0, 200, 100)).tobytes() == bytes(100 * 100 * 3)
