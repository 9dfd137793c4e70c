"""The LinkedIn demo pack (guides/demo): loads cleanly, complete in German and English."""

import hashlib
import json
import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from guides.models import Guide, GuideVersion, Platform, Screenshot, Source, Step

from .content_pack_helpers import dump, import_content, row_counts
from .helpers import TemporaryMediaMixin

DEMO = Path(settings.BASE_DIR) / "guides" / "demo"
# Reader-facing texts that every version has in both languages.
VERSION_TEXTS = ("title", "summary", "context", "check_text", "change_note")
# Step texts that may be empty, but then in both languages.
PAIRED_STEP_TEXTS = ("menu_path", "target_value", "screenshot_alt")
# Everything a reader can see, in either language (needs_confirmation is shown on the guide page).
READER_VERSION_TEXTS = (*VERSION_TEXTS, "needs_confirmation")
READER_STEP_TEXTS = ("instruction", *PAIRED_STEP_TEXTS)


def demo_json():
    return json.loads((DEMO / "content.json").read_text(encoding="utf-8"))


class DemoContentTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output, cls.errors = import_content(DEMO)

    def versions(self):
        return GuideVersion.objects.select_related("guide").prefetch_related("steps", "sources")

    def test_demo_loads_without_problems(self):
        self.assertEqual(self.errors, "")
        self.assertEqual(
            set(Guide.objects.values_list("slug", flat=True)),
            {"ai-training", "advertising-data", "microsoft-ad-sharing"},
        )
        self.assertEqual(Guide.objects.published().count(), 3)

    def test_demo_loads_twice_without_change(self):
        counts, before = row_counts(), dump()

        out, err = import_content(DEMO)

        self.assertEqual(row_counts(), counts)
        self.assertEqual(dump(), before)
        self.assertEqual(out.count("unchanged"), 3)
        self.assertEqual(err, "")

    def test_ai_training_guide_has_a_history_of_two_published_versions(self):
        guide = Guide.objects.get(slug="ai-training")
        v1, v2 = guide.versions.order_by("number")

        self.assertEqual((v1.status, v2.status), ("archived", "published"))
        self.assertEqual(guide.published_version, v2)
        self.assertEqual(set(v1.steps.values_list("device", flat=True)), {"desktop"})
        self.assertEqual(set(v2.steps.values_list("device", flat=True)), {"desktop", "app"})
        self.assertNotIn("rückwirkend", v1.context_de)
        self.assertIn("nicht rückwirkend", v2.context_de)
        self.assertIn("does not work backwards", v2.context_en)
        self.assertIn("App", v2.change_note_de)
        # The desktop steps are the same steps in both versions, so they can be compared.
        desktop_keys = set(v1.steps.values_list("key", flat=True))
        self.assertLessEqual(desktop_keys, set(v2.steps.values_list("key", flat=True)))

    def test_every_guide_has_steps_for_each_device_it_claims(self):
        expected = {
            ("ai-training", 1): {"desktop"},
            ("ai-training", 2): {"desktop", "app"},
            ("advertising-data", 1): {"desktop"},
            ("microsoft-ad-sharing", 1): {"desktop"},
        }
        for version in self.versions():
            steps = list(version.steps.all())
            devices = {step.device for step in steps}
            self.assertEqual(devices, expected[(version.guide.slug, version.number)])
            for device in devices:
                with self.subTest(version=str(version), device=device):
                    path = [s for s in steps if s.device in (device, Step.Device.BOTH)]
                    switches = [s for s in path if s.target_value_de and s.target_value_en]
                    self.assertTrue(switches, "each path reaches a switch")

    def test_german_and_english_are_complete(self):
        for version in self.versions():
            for name in VERSION_TEXTS:
                with self.subTest(version=str(version), field=name):
                    self.assertTrue(getattr(version, f"{name}_de"))
                    self.assertTrue(getattr(version, f"{name}_en"))
            self.assertEqual(
                bool(version.needs_confirmation_de), bool(version.needs_confirmation_en)
            )
            for step in version.steps.all():
                with self.subTest(version=str(version), step=step.position):
                    self.assertTrue(step.instruction_de and step.instruction_en)
                    for name in PAIRED_STEP_TEXTS:
                        self.assertEqual(
                            bool(getattr(step, f"{name}_de")), bool(getattr(step, f"{name}_en"))
                        )
                    self.assertEqual(bool(step.screenshot_de), bool(step.screenshot_en))

    def test_every_illustrated_step_has_a_description_in_each_language(self):
        illustrated = Step.objects.exclude(screenshot_de=None)
        self.assertGreaterEqual(illustrated.count(), 8)
        for step in illustrated:
            for code in ("de", "en"):
                alt = getattr(step, f"screenshot_alt_{code}")
                caption = {"de": "Schematische Darstellung", "en": "Schematic illustration"}
                self.assertTrue(alt.startswith(caption[code]), alt)
                self.assertGreater(len(alt), 60, "a real description, not a label")

    def test_german_addresses_readers_as_sie_throughout(self):
        informal = re.compile(r"\b(du|dich|dir|dein\w*)\b", re.IGNORECASE)
        texts = [getattr(v, f"{n}_de") or "" for v in self.versions() for n in VERSION_TEXTS]
        texts += [s.instruction_de for s in Step.objects.all()]
        for text in texts:
            self.assertIsNone(informal.search(text), text)

    def test_every_deep_link_and_source_is_https(self):
        for version in self.versions():
            self.assertTrue(version.deep_link.startswith("https://"), version.deep_link)
            self.assertTrue(version.sources.exists(), f"{version} names its sources")
            for source in version.sources.all():
                self.assertTrue(source.url.startswith("https://"), source.url)
        for platform in Platform.objects.all():
            self.assertTrue(platform.website.startswith("https://"))

    def test_dates_are_the_sources_dates_from_the_file(self):
        dates = {
            (v.guide.slug, v.number): (v.published_at.date().isoformat(), v.verified_on.isoformat())
            for v in GuideVersion.objects.select_related("guide")
        }
        self.assertEqual(dates[("ai-training", 1)], ("2025-09-18", "2025-09-18"))
        self.assertEqual(dates[("ai-training", 2)], ("2025-10-29", "2025-10-29"))
        self.assertEqual(dates[("microsoft-ad-sharing", 1)], ("2025-10-29", "2025-10-29"))
        self.assertTrue(GuideVersion.objects.get(guide__slug="ai-training", number=2).is_stale())

    def test_unconfirmed_facts_are_flagged(self):
        ads = Guide.objects.get(slug="advertising-data").published_version
        self.assertTrue(ads.steps.last().needs_confirmation)
        self.assertIn("nicht bei LinkedIn bestätigt", ads.needs_confirmation_de)
        self.assertIn("not confirmed with LinkedIn", ads.needs_confirmation_en)
        ai = Guide.objects.get(slug="ai-training").published_version
        self.assertIn("iOS und Android", ai.needs_confirmation_de)
        self.assertTrue(ai.steps.filter(device="app", needs_confirmation=True).exists())

    def test_no_text_readers_see_addresses_editors(self):
        editors = re.compile(r"redaktion|editor", re.IGNORECASE)
        texts = [
            getattr(v, f"{name}_{code}") or ""
            for v in self.versions()
            for name in READER_VERSION_TEXTS
            for code in ("de", "en")
        ]
        texts += [
            getattr(s, f"{name}_{code}") or ""
            for s in Step.objects.all()
            for name in READER_STEP_TEXTS
            for code in ("de", "en")
        ]
        texts += Source.objects.values_list("title", flat=True)
        self.assertGreater(len(texts), 100)
        for text in texts:
            self.assertIsNone(editors.search(text), text)

    def test_source_titles_are_a_publication_and_a_date_in_no_language(self):
        # One title serves every language, so it may hold no description in one of them.
        neutral = re.compile(r"[\w .-]+(, \d{4}-\d{2}-\d{2})?")
        for title in Source.objects.values_list("title", flat=True):
            self.assertIsNotNone(neutral.fullmatch(title), title)
        titles = set(Source.objects.values_list("title", flat=True))
        self.assertLessEqual({"watson.ch, 2025-10-29", "heise online"}, titles)

    def test_the_ads_guides_last_step_leaves_the_choice_to_readers(self):
        steps = list(Guide.objects.get(slug="advertising-data").published_version.steps.all())
        decide, confirmed = steps[-1], steps[1:-1]

        self.assertTrue(decide.needs_confirmation)
        self.assertFalse(decide.target_value_de or decide.target_value_en, "no value to set")
        self.assertIn("entscheiden Sie", decide.instruction_de)
        self.assertEqual(len(confirmed), 3)
        for step in confirmed:
            self.assertEqual(step.target_value_en, "Off")
            for code in ("de", "en"):
                label = step.menu_items(code)[-1]
                self.assertNotIn(label.lower(), getattr(decide, f"instruction_{code}").lower())
        # The unverified list calls "Data from advertisers for ads" "data from others for ads".
        self.assertNotIn("data from others", decide.instruction_en)

    def test_what_only_the_press_reports_is_attributed_in_every_version(self):
        for version in GuideVersion.objects.filter(guide__slug="ai-training"):
            with self.subTest(version=version.number):
                self.assertIn("Laut Presseberichten hatte die irische", version.context_de)
                self.assertIn("According to press reports, the Irish", version.context_en)

    def test_microsoft_guide_says_who_is_affected_before_anything_else(self):
        version = Guide.objects.get(slug="microsoft-ad-sharing").published_version

        self.assertTrue(version.summary_de.startswith("Nur außerhalb der EU"))
        self.assertTrue(version.summary_en.startswith("Only outside the EU"))
        self.assertTrue(version.context_en.startswith("Who is affected?"))
        self.assertFalse(
            Guide.objects.get(slug="microsoft-ad-sharing").regions.filter(code="eu-eea").exists()
        )

    def test_research_guide_is_left_out_and_the_notes_say_why(self):
        self.assertFalse(Guide.objects.filter(topic=Guide.Topic.RESEARCH).exists())
        self.assertIn("No research guide", " ".join(demo_json()["notes"]))


class DemoImageTests(TestCase):
    def test_images_referenced_exist_and_match_their_hashes(self):
        pack = demo_json()
        listed = {image["sha256"] for image in pack["images"]}
        for image in pack["images"]:
            with self.subTest(image=image["label"]):
                data = (DEMO / image["file"]).read_bytes()
                self.assertEqual(hashlib.sha256(data).hexdigest(), image["sha256"])
                self.assertEqual(image["kind"], Screenshot.Kind.ILLUSTRATION)
                self.assertTrue(data.startswith(b"\x89PNG"))
                self.assertLess(len(data), 60_000, "illustrations stay small")
        used = {
            sha
            for platform in pack["platforms"]
            for guide in platform["guides"]
            for version in guide["versions"]
            for step in version["steps"]
            for sha in step.get("screenshot", {}).values()
        }
        self.assertEqual(used, listed, "every image is used and every used image is listed")
        self.assertEqual(
            sorted(path.name for path in (DEMO / "images").iterdir()),
            sorted(f"{sha}.png" for sha in listed),
            "no stray files in images/",
        )

    def test_production_start_does_not_load_the_demo(self):
        entrypoint = Path(settings.BASE_DIR) / "config" / "docker-entrypoint.sh"
        commands = [
            line for line in entrypoint.read_text().splitlines() if not line.startswith("#")
        ]
        self.assertNotIn("import_content", "\n".join(commands))
        makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
        self.assertIn("import_content guides/demo", makefile)


class DemoContentAgainstLinkedInsHelpTests(TemporaryMediaMixin, TestCase):
    """The guides say what LinkedIn's own help pages say (shared/CONTENT-SOURCES.md, section 7)."""

    @classmethod
    def setUpTestData(cls):
        cls.output, cls.errors = import_content(DEMO)

    def published(self, slug):
        return Guide.objects.get(slug=slug).published_version

    def test_sharing_setting_has_linkedins_own_name(self):
        version = self.published("microsoft-ad-sharing")
        step = version.steps.get(position=2)
        self.assertEqual(step.menu_items("en")[-1], "Data sharing")
        self.assertIn("“Data sharing”", version.check_text_en)
        self.assertIn("„Data sharing“", step.instruction_de)
        self.assertIn("Data sharing", version.needs_confirmation_de)

    def test_ads_off_linkedin_switches_data_sharing_off_too(self):
        for slug in ("advertising-data", "microsoft-ad-sharing"):
            with self.subTest(slug):
                steps = self.published(slug).steps.all()
                english = " ".join(step.rendered_instruction("en") for step in steps)
                german = " ".join(step.rendered_instruction("de") for step in steps)
                self.assertIn("Data sharing", english)
                self.assertRegex(german, r"Weitergabe .*(ausgeschaltet|aus )")

    def test_ad_settings_say_changes_can_take_24_hours(self):
        for slug in ("advertising-data", "microsoft-ad-sharing"):
            with self.subTest(slug):
                version = self.published(slug)
                self.assertIn("24 Stunden", version.check_text_de)
                self.assertIn("24 hours", version.check_text_en)

    def test_ai_opt_out_does_not_cover_personalisation_or_security_models(self):
        version = self.published("ai-training")
        self.assertIn("personalisieren", version.context_de)
        self.assertIn("Sicherheit", version.context_de)
        self.assertIn("personalise", version.context_en)
        self.assertIn("security", version.context_en)

    def test_linkedin_sources_are_exact_help_pages(self):
        urls = set(Source.objects.values_list("url", flat=True))
        self.assertNotIn("https://www.linkedin.com/help/linkedin", urls)
        help_pages = {url for url in urls if url.startswith("https://www.linkedin.com/help/")}
        self.assertEqual(
            help_pages,
            {
                "https://www.linkedin.com/help/linkedin/answer/a6278444",
                "https://www.linkedin.com/help/linkedin/answer/a1397243",
                "https://www.linkedin.com/help/linkedin/answer/92055",
                "https://www.linkedin.com/help/lms/answer/62931",
            },
        )

    def test_steps_name_their_labels_by_placeholder(self):
        for step in Step.objects.filter(version__guide__slug="ai-training", version__number=2):
            with self.subTest(step.position):
                self.assertTrue(Step.placeholders(step.instruction_de), step.instruction_de)
                self.assertNotIn("{", step.rendered_instruction("de", labels="en"))
