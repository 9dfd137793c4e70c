"""Builders for content-pack tests: a small valid pack written to a temporary folder."""

import copy
import hashlib
import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from guides.models import Guide, GuideVersion, Platform, Region, Screenshot, Source, Step

from .helpers import image_bytes

ALL_MODELS = (Region, Platform, Guide, GuideVersion, Step, Source, Screenshot)


def row_counts():
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def dump():
    """Everything the loader may write, as Django's serializer sees it."""
    out = StringIO()
    call_command("dumpdata", "guides", indent=1, stdout=out)
    return out.getvalue()


def import_content(path, *args):
    """Run the command; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_content", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


STEP_KEYS = ("3f8c1c52-5b0a-4d8e-9a39-1d1e5a0c2b01", "3f8c1c52-5b0a-4d8e-9a39-1d1e5a0c2b02")


def small_pack(image_sha):
    """A valid pack: one platform, one guide with an archived and a published version."""
    version_1 = {
        "number": 1,
        "status": "archived",
        "published_at": "2025-09-18T12:00:00+02:00",
        "verified_on": "2025-09-18",
        "title": {"de": "Einstellung abschalten", "en": "Switch the setting off"},
        "summary": {"de": "Kurz gesagt.", "en": "In short."},
        "deep_link": "https://example.com/settings",
        "steps": [
            {
                "key": STEP_KEYS[0],
                "device": "desktop",
                "instruction": {"de": "Klicken Sie auf „Einstellungen“.", "en": "Click Settings."},
                "menu_path": {"de": "Ich › Einstellungen", "en": "Me › Settings"},
                "screenshot": {"de": image_sha},
                "screenshot_alt": {"de": "Das Menü mit „Einstellungen“."},
            }
        ],
        "sources": [{"url": "https://example.com/article", "title": "Example, 2025-09-18"}],
    }
    version_2 = copy.deepcopy(version_1)
    version_2.update(
        number=2,
        status="published",
        based_on=1,
        published_at="2025-10-29T12:00:00+01:00",
        verified_on="2025-10-29",
        change_note={"de": "App ergänzt.", "en": "Added the app."},
    )
    version_2["steps"].append(
        {
            "key": STEP_KEYS[1],
            "device": "app",
            "instruction": {"de": "Tippen Sie auf „Aus“.", "en": "Tap Off."},
            "target_value": {"de": "Aus", "en": "Off"},
        }
    )
    return {
        "format": "opt-out-guides/content-pack",
        "version": 1,
        "regions": [{"code": "eu-eea", "name": {"de": "EU/EWR", "en": "EU/EEA"}}],
        "images": [
            {
                "sha256": image_sha,
                "file": f"images/{image_sha}.png",
                "kind": "illustration",
                "label": "Test image",
            }
        ],
        "platforms": [
            {
                "slug": "example",
                "name": "Example",
                "website": "https://example.com",
                "guides": [
                    {
                        "slug": "switch-off",
                        "topic": "ai-training",
                        "regions": ["eu-eea"],
                        "versions": [version_1, version_2],
                    }
                ],
            }
        ],
    }


class PackFolder:
    """A pack in a temporary folder: `write(data)` saves content.json beside its image."""

    def __init__(self, testcase, image=None, extension="png"):
        self.path = Path(tempfile.mkdtemp(prefix="test-pack-"))
        testcase.addCleanup(shutil.rmtree, self.path, ignore_errors=True)
        self.image = image or image_bytes()
        self.image_sha = hashlib.sha256(self.image).hexdigest()
        (self.path / "images").mkdir()
        (self.path / "images" / f"{self.image_sha}.{extension}").write_bytes(self.image)
        self.data = small_pack(self.image_sha)
        for image_data in self.data["images"]:
            image_data["file"] = f"images/{self.image_sha}.{extension}"
        self.write()

    def write(self, data=None, text=None):
        if data is not None:
            self.data = data
        # ASCII with \u escapes, as JSON allows: a lone surrogate has no UTF-8 form of its own.
        content = text if text is not None else json.dumps(self.data)
        (self.path / "content.json").write_text(content, encoding="utf-8")
        return self.path

    @property
    def version_2(self):
        return self.data["platforms"][0]["guides"][0]["versions"][1]
