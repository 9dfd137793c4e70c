"""Screenshots are uploaded in the step itself, per language, with areas blacked out."""

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from guides.models import Screenshot

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import (
    TemporaryMediaMixin,
    bad_image_files,
    image_bytes,
    jpeg_with_gps,
    make_guide,
    make_screenshot,
    make_user,
)


def _upload(data, name="Bildschirmfoto.png"):
    # The browser's content type is a lie on purpose: only the content counts.
    return SimpleUploadedFile(name, data, content_type="image/png")


def _stored_pixels(screenshot):
    with screenshot.file.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        return image.convert("RGB")


class StepScreenshotTestCase(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("anna", groups=["Editor"])
        cls.draft = make_guide(published=False).versions.get()
        cls.previous = make_screenshot(color="green", label="Vorher")
        cls.step = cls.draft.steps.get(position=1)
        cls.step.screenshot_de = cls.previous
        cls.step.screenshot_alt_de = "Der alte Schalter."
        cls.step.save()

    def setUp(self):
        self.client.force_login(self.editor)

    def save(self, **changes):
        """Post the draft's change form as loaded, with `changes` to the first step's fields."""
        data = change_form_data(self.client.get(change_url(self.draft)))
        data.update({f"steps-0-{name}": value for name, value in changes.items()})
        return self.client.post(change_url(self.draft), data)

    def step_errors(self, response, index=0):
        return response.context["inline_admin_formsets"][0].formset.forms[index].errors

    def media_files(self):
        return sorted(Path(settings.MEDIA_ROOT).rglob("*.*"))


class StepScreenshotTests(StepScreenshotTestCase):
    def test_an_image_uploaded_in_the_step_becomes_its_screenshot(self):
        response = self.save(
            upload_en=_upload(image_bytes(size=(320, 200))), screenshot_alt_en="The switch."
        )
        self.assertEqual(response.status_code, 302)
        self.step.refresh_from_db()
        shot = self.step.screenshot_en
        self.assertEqual((shot.width, shot.height), (320, 200))
        self.assertEqual(self.step.screenshot_de, self.previous)

    def test_a_new_step_gets_its_screenshot_uploaded_with_it(self):
        data = change_form_data(self.client.get(change_url(self.draft)))
        data["steps-TOTAL_FORMS"] = "3"
        data.update(
            {
                "steps-2-position": "3",
                "steps-2-device": "both",
                "steps-2-instruction_de": "Neuer Schritt",
                "steps-2-version": str(self.draft.pk),
                "steps-2-upload_de": _upload(image_bytes(size=(64, 48))),
                "steps-2-screenshot_alt_de": "Der neue Schalter.",
            }
        )
        self.assertEqual(self.client.post(change_url(self.draft), data).status_code, 302)
        self.assertEqual(self.draft.steps.get(position=3).screenshot_de.width, 64)

    def test_the_change_page_does_not_query_per_step_and_language(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get(change_url(self.draft))
        screenshot_queries = [q for q in queries if 'FROM "guides_screenshot"' in q["sql"]]
        # The admin's label next to the one filled raw-id field; thumbnails come with the steps.
        self.assertEqual(len(screenshot_queries), 1)

    def test_the_step_shows_a_thumbnail_of_its_stored_screenshot(self):
        response = self.client.get(change_url(self.draft))
        self.assertContains(response, f'<img src="{self.previous.file.url}"', count=1)
        self.assertContains(response, 'name="steps-0-upload_de"')
        self.assertContains(response, 'accept="image/png,image/jpeg,image/webp"')

    def test_an_upload_without_a_description_is_refused_next_to_the_description(self):
        before = self.media_files()
        response = self.save(upload_en=_upload(image_bytes()))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.step_errors(response)["screenshot_alt_en"],
            ["Describe the screenshot for screen readers."],
        )
        self.assertEqual(self.media_files(), before)
        self.step.refresh_from_db()
        self.assertIsNone(self.step.screenshot_en)

    def test_replacing_the_screenshot_keeps_its_description_and_the_old_file(self):
        self.assertEqual(self.save(upload_de=_upload(image_bytes(color="red"))).status_code, 302)
        self.step.refresh_from_db()
        self.assertNotEqual(self.step.screenshot_de, self.previous)
        self.assertEqual(self.step.screenshot_alt_de, "Der alte Schalter.")
        self.assertTrue(Screenshot.objects.filter(pk=self.previous.pk).exists())

    def test_remove_takes_the_screenshot_off_the_step(self):
        response = self.save(**{"upload_de-clear": "on", "screenshot_alt_de": ""})
        self.assertEqual(response.status_code, 302)
        self.step.refresh_from_db()
        self.assertIsNone(self.step.screenshot_de)

    def test_remove_and_a_new_file_at_once_is_refused(self):
        response = self.save(**{"upload_de-clear": "on", "upload_de": _upload(image_bytes())})
        self.assertIn("not both", " ".join(self.step_errors(response)["upload_de"]))
        self.step.refresh_from_db()
        self.assertEqual(self.step.screenshot_de, self.previous)

    def test_a_bad_file_in_one_step_stores_nothing_from_another(self):
        data = change_form_data(self.client.get(change_url(self.draft)))
        data["steps-0-upload_de"] = _upload(image_bytes(color="red"))
        data["steps-1-upload_de"] = _upload(b"<svg/>")
        data["steps-1-screenshot_alt_de"] = "Kaputt."
        before = (Screenshot.objects.count(), self.media_files())
        response = self.client.post(change_url(self.draft), data)
        self.assertIn("not a complete PNG", " ".join(self.step_errors(response, 1)["upload_de"]))
        self.assertEqual((Screenshot.objects.count(), self.media_files()), before)
        self.step.refresh_from_db()
        self.assertEqual(self.step.screenshot_de, self.previous)

    def test_a_save_refused_for_a_colleagues_newer_revision_stores_no_upload(self):
        data = change_form_data(self.client.get(change_url(self.draft)))
        self.draft.refresh_from_db()
        self.draft.title_de = "Von Ben geändert"
        self.draft.save()
        data["steps-0-upload_de"] = _upload(image_bytes(color="red"))
        before = Screenshot.objects.count()
        response = self.client.post(change_url(self.draft), data)
        self.assertContains(response, "after you opened it")
        self.assertEqual(Screenshot.objects.count(), before)

    def test_a_published_version_offers_no_upload(self):
        version = make_guide().published_version
        response = self.client.get(change_url(version))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'type="file"')

    def test_a_translator_uploads_in_their_language_but_not_in_german(self):
        self.client.force_login(make_user(groups=["Translator"]))
        response = self.client.get(change_url(self.draft))
        self.assertContains(response, 'name="steps-0-upload_en"')
        self.assertNotContains(response, 'name="steps-0-upload_de"')
        response = self.save(
            upload_en=_upload(image_bytes(size=(50, 50))), screenshot_alt_en="The switch."
        )
        self.assertEqual(response.status_code, 302)
        self.step.refresh_from_db()
        self.assertEqual(self.step.screenshot_en.width, 50)
        self.assertEqual(self.step.screenshot_de, self.previous)


class StepRedactionTests(StepScreenshotTestCase):
    def test_boxes_are_black_in_the_stored_image_and_the_rest_is_unchanged(self):
        boxes = [[10, 10, 30, 20], [60, 40, 100, 80]]
        response = self.save(
            upload_de=_upload(image_bytes(size=(100, 80), color="white")),
            redactions_de=json.dumps(boxes),
        )
        self.assertEqual(response.status_code, 302)
        self.step.refresh_from_db()
        pixels = _stored_pixels(self.step.screenshot_de)
        for left, top, right, bottom in boxes:
            self.assertEqual(pixels.getpixel((left, top)), (0, 0, 0))
            self.assertEqual(pixels.getpixel((right - 1, bottom - 1)), (0, 0, 0))
        for outside in ((9, 10), (30, 15), (59, 79), (0, 0), (50, 30)):
            self.assertEqual(pixels.getpixel(outside), (255, 255, 255))

    def test_boxes_are_in_pixels_of_the_upright_image(self):
        # 60 × 40 with "turn 90°": upright it is 40 wide and 60 high.
        response = self.save(
            upload_de=_upload(jpeg_with_gps(size=(60, 40), color="white"), "foto.jpg"),
            redactions_de=json.dumps([[0, 40, 40, 60]]),
        )
        self.assertEqual(response.status_code, 302)
        self.step.refresh_from_db()
        pixels = _stored_pixels(self.step.screenshot_de)
        self.assertEqual(pixels.size, (40, 60))
        self.assertLess(max(pixels.getpixel((20, 55))), 30)
        self.assertGreater(min(pixels.getpixel((20, 20))), 225)

    def test_unreadable_boxes_are_refused_and_nothing_is_stored(self):
        for boxes in ("nicht json", '{"a": 1}', "[[1, 2, 3]]", '[["1", 2, 3, 4]]', "[[-1,0,5,5]]"):
            with self.subTest(boxes):
                before = Screenshot.objects.count()
                response = self.save(
                    upload_de=_upload(image_bytes(color="red")), redactions_de=boxes
                )
                self.assertIn(
                    "could not be read", " ".join(self.step_errors(response)["upload_de"])
                )
                self.assertEqual(Screenshot.objects.count(), before)

    def test_the_screenshot_add_form_blacks_out_boxes_too(self):
        response = self.client.post(
            "/admin/guides/screenshot/add/",
            {
                "upload": _upload(image_bytes(size=(100, 80), color="white")),
                "redactions": "[[0, 0, 50, 80]]",
                "kind": "screenshot",
            },
        )
        self.assertEqual(response.status_code, 302)
        pixels = _stored_pixels(Screenshot.objects.get(width=100))
        self.assertEqual(pixels.getpixel((49, 40)), (0, 0, 0))
        self.assertEqual(pixels.getpixel((50, 40)), (255, 255, 255))


class StepBadFileCorpusTests(StepScreenshotTestCase):
    def test_every_bad_file_is_refused_on_the_steps_field_and_changes_nothing(self):
        corpus = bad_image_files()
        self.assertGreaterEqual(len(corpus), 20)
        for label, name, data, message in corpus:
            with self.subTest(label):
                before = (Screenshot.objects.count(), self.media_files())
                response = self.save(
                    upload_de=_upload(data, name),
                    instruction_de="Neu getippt",
                    screenshot_alt_de="Neu beschrieben",
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, " ".join(self.step_errors(response)["upload_de"]))
                self.assertContains(response, "Neu getippt")
                self.assertContains(response, "Neu beschrieben")
                self.assertEqual((Screenshot.objects.count(), self.media_files()), before)
                self.step.refresh_from_db()
                self.assertEqual(self.step.screenshot_de, self.previous)
                self.assertEqual(self.step.instruction_de, "Schritt 1")
