"""A guide whose archived, published and draft versions show different screenshots, and a
screenshot stored the way it was before uploads were cleaned."""

import hashlib

from django.core.files.base import ContentFile

from guides.models import Screenshot, Step

from .helpers import add_step, make_guide, make_screenshot


def guide_with_three_versions():
    """(guide, {status: screenshot}): the archived version shows one in Italian, the published
    one another in French, the draft a third in English; no version shows the others'."""
    shots = {
        "archived": make_screenshot(color="red", size=(600, 400)),
        "published": make_screenshot(color="green", size=(600, 400)),
        "draft": make_screenshot(color="blue", size=(600, 400)),
    }
    guide = make_guide(steps=0, published=False)
    add_step(guide.draft, screenshot_it=shots["archived"], screenshot_alt_it="Il menu")
    guide.draft.publish()
    for position, (status, code) in enumerate((("published", "fr"), ("draft", "en")), start=2):
        guide.refresh_from_db()
        draft = guide.new_draft()
        Step.objects.filter(version=draft).update(
            screenshot_it=None, screenshot_alt_it="", screenshot_fr=None, screenshot_alt_fr=""
        )
        fields = {f"screenshot_{code}": shots[status], f"screenshot_alt_{code}": "Menu"}
        add_step(draft, position=position, **fields)
        draft.change_note_de = "Neuer Schritt."
        draft.save()
        if status == "published":
            draft.publish()
    guide.refresh_from_db()
    return guide, shots


def stored_before_cleaning(data, **fields):
    """A Screenshot row holding `data` byte for byte, as uploads were stored before."""
    from io import BytesIO

    from PIL import Image

    digest = hashlib.sha256(data).hexdigest()
    with Image.open(BytesIO(data)) as image:
        width, height = image.size
        extension = Screenshot.FORMATS[image.format]
    screenshot = Screenshot(sha256=digest, width=width, height=height, **fields)
    name = f"screenshots/{digest[:2]}/{digest}.{extension}"
    screenshot.file.save(name, ContentFile(data), save=False)
    screenshot.save()
    return screenshot
