"""Every reader page type is valid HTML according to the W3C Nu Html Checker (vnu.jar)."""

import json
import shutil
import subprocess
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

from tests.helpers import (
    TemporaryMediaMixin,
    add_step,
    forget_kept_parts,
    make_guide,
    make_screenshot,
    make_user,
)

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)
BROKEN = "<!DOCTYPE html><html lang=en><title>x</title><p><div></p>"


def _vnu_errors(directory):
    """{file name: [error messages]} for the .html files in `directory`."""
    if not VNU.exists() or not shutil.which("java"):
        raise AssertionError(f"{VNU} or java missing: run `make test` (npm ci, apt java)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
         str(directory)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    errors = {}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = Path(message.get("url", "")).name
        errors.setdefault(name, []).append(f"{message.get('lastLine')}: {message['message']}")
    return errors


class ValidHtmlTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", steps=2, published=False, title_en="AI")
        add_step(
            cls.guide.draft,
            3,
            device="app",
            screenshot_de=make_screenshot(kind="illustration"),
            screenshot_alt_de="Schalter",
            needs_confirmation=True,
        )
        cls.guide.draft.publish()
        draft = cls.guide.new_draft()
        draft.change_note_de = "Neu formuliert."
        draft.context_de = "Absatz eins.\n\nAbsatz zwei."
        draft.needs_confirmation_de = "Noch offen."
        draft.save()
        draft.publish()
        cls.draft = cls.guide.new_draft()

    def _pages(self):
        guide = "/de/linkedin/ki/"
        return {
            "home": "/de/",
            "platform": "/de/linkedin/",
            "guide": guide,
            "guide-fr": "/fr/linkedin/ki/?labels=en",
            "archived": guide + "v1/",
            "history": guide + "history/",
            "compare": guide + "compare/?from=1&to=2",
            "compare-same": guide + "compare/?from=1&to=1",
            "search": "/de/search/?q=anleitung",
            "report": guide + "report/",
            "search-empty": "/de/search/?q=nichts",
            "preview": f"/de/preview/{self.draft.pk}/",
            "imprint": "/de/imprint/",
            "privacy": "/en/privacy/",
            "embed": guide + "embed/",
            "404": "/de/no/such/page/",
        }

    @override_settings(EMBED_FRAME_ANCESTORS=["https://intranet.example.org"])
    def test_every_reader_page_type_is_valid_html(self):
        self.client.force_login(make_user())
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        for name, url in self._pages().items():
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 404), url)
            (directory / f"{name}.html").write_bytes(response.content)
        self.client.raise_request_exception = False
        forget_kept_parts()  # the home page's list, kept since the loop above
        with mock.patch("guides.views._listed_guides", side_effect=RuntimeError("test")):
            response = self.client.get("/de/")
        self.assertEqual(response.status_code, 500)
        (directory / "500.html").write_bytes(response.content)
        (directory / "broken.html").write_text(BROKEN)
        errors = _vnu_errors(directory)
        self.assertIn("broken.html", errors, "the checker must be able to fail")
        errors.pop("broken.html")
        self.assertEqual(errors, {})


class DemoContentHtmlTests(TemporaryMediaMixin, TestCase):
    def test_demo_guides_are_valid_html(self):
        call_command(
            "import_content", str(Path(settings.BASE_DIR) / "guides" / "demo"), stdout=StringIO()
        )
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        for language in ("de", "en", "it"):
            for slug in ("ai-training", "advertising-data", "microsoft-ad-sharing"):
                response = self.client.get(f"/{language}/linkedin/{slug}/")
                self.assertEqual(response.status_code, 200)
                (directory / f"{language}-{slug}.html").write_bytes(response.content)
            response = self.client.get(f"/{language}/linkedin/ai-training/compare/")
            (directory / f"{language}-compare.html").write_bytes(response.content)
        self.assertEqual(_vnu_errors(directory), {})
