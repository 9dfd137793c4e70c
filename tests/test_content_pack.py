"""Content packs (docs/content-format.md): loading, idempotency, conflicts and bad input."""

import datetime
import hashlib
import json
from unittest import mock

from django.core.management import CommandError
from django.test import TestCase

from guides.images import clean_image
from guides.models import Guide, GuideVersion, Screenshot, Step

from .content_pack_helpers import (
    STEP_KEYS,
    PackFolder,
    dump,
    import_content,
    row_counts,
)
from .helpers import TemporaryMediaMixin, image_bytes


class ContentPackLoadingTests(TemporaryMediaMixin, TestCase):
    def setUp(self):
        self.pack = PackFolder(self)

    def test_loads_versions_as_an_editors_publishing_would_leave_them(self):
        out, err = import_content(self.pack.path)

        guide = Guide.objects.get(platform__slug="example", slug="switch-off")
        v1, v2 = guide.versions.order_by("number")
        self.assertEqual((v1.status, v2.status), ("archived", "published"))
        self.assertEqual(guide.published_version, v2)
        self.assertEqual(v2.based_on, v1)
        self.assertEqual(v2.published_at.isoformat(), "2025-10-29T11:00:00+00:00")
        self.assertEqual(v2.verified_on, datetime.date(2025, 10, 29))
        self.assertEqual(list(guide.regions.values_list("code", flat=True)), ["eu-eea"])
        self.assertIn("example/switch-off: created versions [1, 2]", out)
        self.assertEqual(err, "")

    def test_keeps_step_keys_positions_and_screenshots_per_language(self):
        import_content(self.pack.path)

        v2 = GuideVersion.objects.get(number=2)
        steps = list(v2.steps.all())
        self.assertEqual([str(s.key) for s in steps], list(STEP_KEYS))
        self.assertEqual([s.position for s in steps], [1, 2])
        self.assertEqual(steps[0].menu_items("en"), ["Me", "Settings"])
        self.assertEqual(steps[0].screenshot_de.source_sha256, self.pack.image_sha)
        self.assertIsNone(steps[0].screenshot_en)
        self.assertEqual(steps[0].screenshot_de.kind, Screenshot.Kind.ILLUSTRATION)
        self.assertEqual(steps[0].screenshot_de.file.read(), clean_image(self.pack.image)[0])
        self.assertEqual(Screenshot.objects.count(), 1)  # shared by both versions

    def test_empty_translations_fall_back_to_german(self):
        import_content(self.pack.path)

        step = Step.objects.filter(version__number=2).first()
        self.assertIsNone(step.instruction_fr)
        self.assertEqual(step.screenshot_alt_en or "", "")

    def test_loading_twice_changes_nothing(self):
        import_content(self.pack.path)
        counts, before = row_counts(), dump()

        out, err = import_content(self.pack.path)

        self.assertEqual(row_counts(), counts)
        self.assertEqual(dump(), before)
        self.assertIn("example/switch-off: versions [1, 2] already there, unchanged", out)
        self.assertEqual(err, "")

    def test_a_changed_published_version_is_not_overwritten_and_is_reported(self):
        import_content(self.pack.path)
        before = dump()
        self.pack.version_2["title"]["en"] = "A different title"
        self.pack.write()

        out, err = import_content(self.pack.path)

        self.assertEqual(dump(), before)
        self.assertIn("Not loaded: example/switch-off: version 2 on the site differs", err)
        self.assertIn("not overwritten", err)
        self.assertEqual(GuideVersion.objects.get(number=2).title_en, "Switch the setting off")

    def test_an_editors_newer_version_stays_published(self):
        import_content(self.pack.path)
        guide = Guide.objects.get()
        draft = guide.new_draft()
        draft.title_de = "Neue Fassung"
        draft.change_note_de = "Neu gefasst."
        draft.save()
        draft.publish()

        out, err = import_content(self.pack.path)

        guide.refresh_from_db()
        self.assertEqual(guide.published_version.number, 3)
        self.assertEqual(GuideVersion.objects.get(number=2).status, "archived")
        self.assertIn("unchanged", out)
        self.assertEqual(err, "")

    def test_verifying_a_loaded_version_is_not_a_change(self):
        import_content(self.pack.path)
        GuideVersion.objects.get(number=2).mark_verified(on=datetime.date(2026, 1, 5))

        out, err = import_content(self.pack.path)

        self.assertEqual(err, "")
        self.assertEqual(GuideVersion.objects.get(number=2).verified_on, datetime.date(2026, 1, 5))

    def test_a_new_version_in_the_pack_is_published_on_top_of_the_old_one(self):
        versions = self.pack.data["platforms"][0]["guides"][0]["versions"]
        newest = versions.pop()
        versions[0]["status"] = "published"
        self.pack.write()
        import_content(self.pack.path)
        versions[0]["status"] = "archived"
        versions.append(newest)
        self.pack.write()

        import_content(self.pack.path)

        guide = Guide.objects.get()
        self.assertEqual(guide.published_version.number, 2)
        self.assertEqual(GuideVersion.objects.get(number=1).status, "archived")

    def test_a_draft_on_the_site_is_not_replaced_by_the_packs_version(self):
        versions = self.pack.data["platforms"][0]["guides"][0]["versions"]
        newest = versions.pop()
        versions[0]["status"] = "published"
        self.pack.write()
        import_content(self.pack.path)
        Guide.objects.get().new_draft()
        versions[0]["status"] = "archived"
        versions.append(newest)
        self.pack.write()

        out, err = import_content(self.pack.path)

        self.assertIn("version 2 on the site differs from the pack's", err)
        self.assertEqual(GuideVersion.objects.get(number=2).status, "draft")

    def test_existing_platform_and_guide_settings_are_left_alone(self):
        import_content(self.pack.path)
        Guide.objects.update(topic="other")

        import_content(self.pack.path)

        self.assertEqual(Guide.objects.get().topic, "other")

    def test_check_option_writes_nothing(self):
        out, err = import_content(self.pack.path, "--check")

        self.assertIn("no problems found", out)
        self.assertEqual(sum(row_counts().values()), 0)

    def test_the_json_file_itself_may_be_given(self):
        import_content(self.pack.path / "content.json")

        self.assertEqual(GuideVersion.objects.count(), 2)


class ContentPackBadInputTests(TemporaryMediaMixin, TestCase):
    """Each bad pack gives a message that says where the problem is, and loads nothing."""

    def setUp(self):
        self.pack = PackFolder(self)

    def assertRefused(self, *expected):
        with self.assertRaises(CommandError) as caught:
            import_content(self.pack.path)
        message = str(caught.exception)
        self.assertIn("was not loaded (nothing changed)", message)
        for text in expected:
            self.assertIn(text, message)
        self.assertEqual(sum(row_counts().values()), 0, "nothing may be loaded")
        return message

    def test_malformed_json(self):
        self.pack.write(text='{"format": "opt-out-guides/content-pack",\n  "version": 1,,}')

        self.assertRefused("content.json, line 2 column 16: not valid JSON")

    def test_unknown_format_version(self):
        self.pack.data["version"] = 3
        self.pack.write()

        self.assertRefused(
            "version: format version 3 is not supported (this site reads versions 1, 2)"
        )

    def test_not_a_content_pack(self):
        self.pack.data["format"] = "something-else"
        self.pack.write()

        self.assertRefused("format: must be 'opt-out-guides/content-pack'")

    def test_missing_german_title(self):
        del self.pack.version_2["title"]["de"]
        self.pack.write()

        self.assertRefused(
            "platform example, guide switch-off, version 2, title.de: is missing: "
            "every version needs a German title"
        )

    def test_unknown_region(self):
        self.pack.data["platforms"][0]["guides"][0]["regions"] = ["eu-eea", "atlantis"]
        self.pack.write()

        self.assertRefused("guide switch-off, regions: unknown region 'atlantis' (not in the pack)")

    def test_missing_image_file(self):
        (self.pack.path / "images" / f"{self.pack.image_sha}.png").unlink()

        self.assertRefused(f"image {self.pack.image_sha}, file:", "does not exist")

    def test_image_whose_bytes_do_not_match_its_hash(self):
        image = self.pack.path / "images" / f"{self.pack.image_sha}.png"
        image.write_bytes(image_bytes(color="blue"))
        actual = hashlib.sha256(image.read_bytes()).hexdigest()

        self.assertRefused(f"has SHA-256 {actual}, not the {self.pack.image_sha} its name says")

    def test_image_that_is_not_a_png_jpeg_or_webp(self):
        gif = image_bytes("GIF", size=(4, 4))
        sha = hashlib.sha256(gif).hexdigest()
        (self.pack.path / "images" / f"{sha}.png").write_bytes(gif)
        self.pack.data["images"].append({"sha256": sha, "file": f"images/{sha}.png"})
        self.pack.write()

        self.assertRefused(f"image {sha}, file:", "is not a complete PNG, JPEG or WebP image")

    def test_image_name_outside_the_images_folder(self):
        self.pack.data["images"][0]["sha256"] = "../../secret"
        self.pack.data["images"][0]["file"] = "images/../../secret.png"
        self.pack.write()

        self.assertRefused("image ../../secret, sha256: must be 64 lowercase hexadecimal digits")

    def test_step_pointing_to_an_unlisted_image(self):
        self.pack.version_2["steps"][0]["screenshot"] = {"en": "ab" * 32}
        self.pack.write()

        self.assertRefused(
            f"version 2, step 1 ({STEP_KEYS[0]}), screenshot.en: image {'ab' * 32} is not listed"
        )

    def test_screenshot_without_description(self):
        self.pack.version_2["steps"][0]["screenshot_alt"] = {}
        self.pack.write()

        self.assertRefused("step 1 (" + STEP_KEYS[0] + "), screenshot_alt.de: describe")

    def test_plain_http_deep_link(self):
        self.pack.version_2["deep_link"] = "http://example.com/settings"
        self.pack.write()

        self.assertRefused("version 2, deep_link: 'http://example.com/settings' is not an https://")

    def test_plain_http_source(self):
        self.pack.version_2["sources"][0]["url"] = "http://example.com/article"
        self.pack.write()

        self.assertRefused("version 2, source 1, url: 'http://example.com/article' is not an https")

    def test_two_published_versions(self):
        self.pack.data["platforms"][0]["guides"][0]["versions"][0]["status"] = "published"
        self.pack.write()

        self.assertRefused("guide switch-off: only one version may be published, not [1, 2]")

    def test_published_version_without_dates(self):
        del self.pack.version_2["published_at"]
        self.pack.version_2["verified_on"] = "29.10.2025"
        self.pack.write()

        self.assertRefused(
            "version 2, published_at: is missing: a published version needs it",
            "version 2, verified_on: '29.10.2025' is not a date like 2025-10-29",
        )

    def test_misspelt_field(self):
        self.pack.version_2["titel"] = {"de": "Tippfehler"}
        self.pack.write()

        self.assertRefused("version 2, titel: is not a field of the pack format")

    def test_unknown_language_and_overlong_text(self):
        step = self.pack.version_2["steps"][0]
        step["menu_path"]["es"] = "Yo › Configuración"
        step["target_value"] = {"de": "x" * 101}
        self.pack.write()

        self.assertRefused(
            "step 1 (" + STEP_KEYS[0] + "), menu_path.es: unknown language",
            "target_value.de: Ensure this value has at most 100 characters (it has 101).",
        )

    def test_every_problem_is_listed_at_once(self):
        del self.pack.version_2["title"]["de"]
        self.pack.version_2["deep_link"] = "http://example.com"
        self.pack.write()

        message = self.assertRefused("2 problem(s)")
        self.assertIn("title.de", message)
        self.assertIn("deep_link", message)

    def test_a_failure_while_writing_rolls_everything_back(self):
        with mock.patch.object(Screenshot, "store", side_effect=OSError("disk full")):
            with self.assertRaises(OSError):
                import_content(self.pack.path)

        self.assertEqual(sum(row_counts().values()), 0)


def _paths(data, path=()):
    """Every position in a JSON document, as a tuple of keys and indexes."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        yield (*path, key)
        if isinstance(value, dict | list):
            yield from _paths(value, (*path, key))


class ContentPackRobustnessTests(TemporaryMediaMixin, TestCase):
    def test_a_value_of_the_wrong_type_anywhere_gives_a_message_not_a_crash(self):
        pack = PackFolder(self)
        original = json.dumps(pack.data)
        for path in _paths(pack.data):
            for wrong in (None, 7, "x", [], {"de": 1}, True):
                data = json.loads(original)
                parent = data
                for key in path[:-1]:
                    parent = parent[key]
                parent[path[-1]] = wrong
                pack.write(data)
                with self.subTest(path=path, value=wrong):
                    try:
                        import_content(pack.path, "--check")
                    except CommandError as error:
                        self.assertIn("was not loaded", str(error))
        self.assertEqual(sum(row_counts().values()), 0)
