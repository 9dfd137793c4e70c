"""Render the demo pack's schematic illustrations and point content.json at them.

Run from the repository root after changing a template or a label:

    .venv/bin/python guides/demo/illustrations/make.py

Each scene is an HTML mock-up (templates/) filled with the exact labels of one language and
rendered to PNG by headless Chromium (CHROMIUM, default /usr/bin/chromium), then reduced to a
small palette. The file is stored as images/<sha256>.png; in content.json the image whose label is
"Illustration <scene> (<language>)" and every step that used its old hash get the new hash.
Labels come from shared/CONTENT-SOURCES.md; grey bars stand for text we do not claim.
"""

import hashlib
import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from string import Template

from PIL import Image, ImageChops

HERE = Path(__file__).resolve().parent
PACK = HERE.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DESKTOP, PHONE = (720, 420), (360, 440)

COMMON = {
    "de": {"caption": "Schematische Darstellung", "not_a_screenshot": "kein Bildschirmfoto"},
    "en": {"caption": "Schematic illustration", "not_a_screenshot": "not a screenshot"},
}
AI_SETTING = {
    "de": "Daten zur Verbesserung generativer KI",
    "en": "Data for Generative AI Improvement",
}
SCENES = {
    "ai-desktop-menu": (
        DESKTOP,
        {
            "de": {"me": "Ich", "settings_privacy": "Einstellungen & Datenschutz"},
            "en": {"me": "Me", "settings_privacy": "Settings & Privacy"},
        },
    ),
    "ai-desktop-privacy": (
        DESKTOP,
        {
            "de": {
                "data_privacy": "Datenschutz",
                "how_linkedin_uses": "So verwendet LinkedIn Ihre Daten",
                "setting": AI_SETTING["de"],
                "on": "Ein",
            },
            "en": {
                "data_privacy": "Data privacy",
                "how_linkedin_uses": "How LinkedIn uses your data",
                "setting": AI_SETTING["en"],
                "on": "On",
            },
        },
    ),
    "ai-desktop-toggle": (
        DESKTOP,
        {
            "de": {
                "setting": AI_SETTING["de"],
                "toggle_text": "Ihre Daten zum Schulen von KI-Modellen verwenden, um Inhalte zu "
                "erstellen",
                "off": "Aus",
            },
            "en": {
                "setting": AI_SETTING["en"],
                "toggle_text": "Use my data for training content creation AI models",
                "off": "Off",
            },
        },
    ),
    "ai-app-menu": (PHONE, {"de": {"settings": "Einstellungen"}, "en": {"settings": "Settings"}}),
    "ai-app-privacy": (
        PHONE,
        {
            "de": {"data_privacy": "Datenschutz", "setting": AI_SETTING["de"]},
            "en": {"data_privacy": "Data privacy", "setting": AI_SETTING["en"]},
        },
    ),
    "ai-app-toggle": (
        PHONE,
        {
            "de": {"setting": AI_SETTING["de"], "off": "Aus"},
            "en": {"setting": AI_SETTING["en"], "off": "Off"},
        },
    ),
    "ads-overview": (
        DESKTOP,
        {
            "de": {
                "advertising_data": "Anzeigendaten",
                "ads_off": "Anzeigen, die nicht auf LinkedIn ausgespielt werden",
                "data_from_advertisers": "Daten von Dritten für Anzeigen",
                "measure": "Performance von Anzeigen messen",
            },
            "en": {
                "advertising_data": "Advertising data",
                "ads_off": "Ads off LinkedIn",
                "data_from_advertisers": "Data from advertisers for ads",
                "measure": "Measure ad success",
            },
        },
    ),
    "ads-share-toggle": (
        DESKTOP,
        {
            "de": {"share": "Daten mit verbundenen Unternehmen und Partnern teilen", "off": "Aus"},
            "en": {"share": "Share data with affiliates and partners", "off": "Off"},
        },
    ),
}


def render(scene, language, size, strings, workdir):
    """The scene as small palette PNG bytes."""
    values = {"lang": language, **COMMON[language], **strings}
    template = Template((HERE / "templates" / f"{scene}.html").read_text(encoding="utf-8"))
    page = workdir / f"{scene}-{language}.html"
    page.write_text(
        template.substitute({k: html.escape(v) for k, v in values.items()}), encoding="utf-8"
    )
    shot = workdir / f"{scene}-{language}.png"
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--hide-scrollbars",
            "--force-device-scale-factor=1", f"--window-size={size[0]},{size[1]}",
            f"--screenshot={shot}", page.as_uri(),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with Image.open(shot) as image:
        small = _trim(image.convert("RGB")).quantize(colors=32, dither=Image.Dither.NONE)
    out = workdir / f"{scene}-{language}.small.png"
    small.save(out, optimize=True)
    return out.read_bytes()


def _trim(image, margin=12):
    """The image without the empty background below the mock-up."""
    background = Image.new("RGB", image.size, image.getpixel((0, image.height - 1)))
    box = ImageChops.difference(image, background).getbbox()
    if not box:
        return image
    return image.crop((0, 0, image.width, min(image.height, box[3] + margin)))


def main():
    content_file = PACK / "content.json"
    content = content_file.read_text(encoding="utf-8")
    images = PACK / "images"
    images.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        shutil.copy(HERE / "templates" / "style.css", workdir)
        for scene, (size, languages) in SCENES.items():
            for language, strings in languages.items():
                data = render(scene, language, size, strings, workdir)
                sha = hashlib.sha256(data).hexdigest()
                (images / f"{sha}.png").write_bytes(data)
                content = _repoint(content, f"Illustration {scene} ({language})", sha, images)
                print(f"{scene} ({language}): {len(data) // 1024} KB, {sha[:12]}")
    content_file.write_text(content, encoding="utf-8")


def _repoint(content, label, sha, images):
    """content.json's text with the image labelled `label` (and its uses) renamed to `sha`."""
    marker = f'"label": "{label}"'
    line = next((line for line in content.splitlines() if marker in line), None)
    if line is None:
        sys.exit(f"content.json has no image with {marker}")
    old = line.split('"sha256": "', 1)[1].split('"', 1)[0]
    if old != sha:
        (images / f"{old}.png").unlink(missing_ok=True)
    return content.replace(old, sha)


if __name__ == "__main__":
    main()
