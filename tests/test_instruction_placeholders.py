"""Instructions name labels by placeholders, so they quote the labels of the reader's app."""

import importlib

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import translation

from guides.models import CannotPublish, Guide, Step, TranslationState
from tests.admin_helpers import AdminTestCase, change_form_data, change_url
from tests.content_pack_helpers import PackFolder, dump, import_content
from tests.helpers import (
    TemporaryMediaMixin,
    add_step,
    make_guide,
    make_screenshot,
    make_user,
    publish_draft,
)
from tests.test_demo_content import DEMO


def _page(guide, language="de"):
    return f"/{language}/{guide.platform.slug}/{guide.slug}/"


class PlaceholderPageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(steps=0, published=False)
        add_step(
            cls.guide.draft,
            instruction_de="Tippen Sie auf {1}, dann auf {2}. Stellen Sie ihn auf {target}.",
            instruction_en="Tap {1}, then {2}. Set it to {target}.",
            screenshot_de=make_screenshot(color="red", kind="illustration"),
            screenshot_alt_de="Schematische Darstellung des Menüs",
            screenshot_en=make_screenshot(color="blue", kind="illustration"),
            screenshot_alt_en="Schematic illustration of the menu",
        )
        cls.guide.draft.publish()

    def test_instruction_quotes_the_labels_of_the_page_language(self):
        response = self.client.get(_page(self.guide))
        self.assertContains(
            response, "Tippen Sie auf „Einstellungen“, dann auf „Datenschutz“. "
            "Stellen Sie ihn auf „Aus“."
        )  # fmt: skip
        self.assertNotContains(response, "{1}")

    def test_labels_choice_makes_the_instruction_quote_the_app_labels(self):
        response = self.client.get(_page(self.guide) + "?labels=en")
        self.assertContains(
            response,
            'Tippen Sie auf „<span lang="en">Settings</span>“, dann auf '
            '„<span lang="en">Data privacy</span>“. '
            'Stellen Sie ihn auf „<span lang="en">Off</span>“.',
        )
        self.assertNotContains(response, "„Einstellungen“")
        self.assertNotContains(response, "die Anleitungstexte nennen die Beschriftungen weiterhin")

    def test_english_page_with_german_labels_quotes_german_labels_in_english_quotes(self):
        response = self.client.get(_page(self.guide, "en") + "?labels=de")
        self.assertContains(response, 'Tap “<span lang="de">Einstellungen</span>”')

    def test_caption_names_the_language_of_the_labels_in_the_illustration(self):
        response = self.client.get(_page(self.guide))
        self.assertContains(response, "<figcaption>Schematische Darstellung</figcaption>")
        response = self.client.get(_page(self.guide) + "?labels=en")
        self.assertContains(
            response, "<figcaption>Schematische Darstellung (Beschriftungen: Englisch)</figcaption>"
        )

    def test_french_page_falls_back_to_english_text_and_labels(self):
        response = self.client.get(_page(self.guide, "fr"))
        self.assertContains(response, '<p class="instruction" lang="en">Tap “Settings”')

    def test_compare_shows_the_rendered_labels(self):
        publish_draft(self.guide)
        response = self.client.get(f"{_page(self.guide)}compare/?from=1&to=2")
        self.assertContains(response, "„Einstellungen“")
        self.assertNotContains(response, "{target}")


class PlaceholderValidationTests(TestCase):
    def setUp(self):
        translation.activate("en")  # the messages editors of an English admin read
        self.addCleanup(translation.deactivate)

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(steps=0, published=False)

    def test_placeholder_beyond_the_menu_path_is_a_clear_error(self):
        step = add_step(self.guide.draft, instruction_de="Tippen Sie auf {3}.")
        with self.assertRaises(ValidationError) as caught:
            step.full_clean()
        self.assertEqual(
            caught.exception.message_dict["instruction_de"],
            ["{3} stands for label 3 of the menu path, but the menu path (German) has 2 labels."],
        )

    def test_target_placeholder_needs_a_value_in_every_labels_language(self):
        step = add_step(
            self.guide.draft,
            instruction_en="Set it to {target}.",
            target_value_de="",
            target_value_en="",
        )
        with self.assertRaises(ValidationError) as caught:
            step.full_clean()
        self.assertIn("{target} stands for the value to set", str(caught.exception))
        self.assertIn("instruction_en", caught.exception.message_dict)

    def test_shorter_translated_menu_path_is_an_error_for_that_language(self):
        step = add_step(
            self.guide.draft,
            instruction_de="Tippen Sie auf {2}.",
            menu_path_en="Settings",
        )
        with self.assertRaises(ValidationError) as caught:
            step.full_clean()
        self.assertIn("menu path (English) has 1 labels", str(caught.exception))

    def test_draft_with_a_broken_placeholder_cannot_be_published(self):
        add_step(self.guide.draft, instruction_de="Tippen Sie auf {7}.")
        with self.assertRaises(CannotPublish) as caught:
            self.guide.draft.publish()
        self.assertIn("Step 1: {7} stands for label 7", str(caught.exception))

    def test_doubled_braces_are_text(self):
        step = add_step(self.guide.draft, instruction_de="Geben Sie {{1}} ein, dann {1}.")
        step.full_clean()
        self.assertEqual(
            step.rendered_instruction("de"), "Geben Sie {1} ein, dann „Einstellungen“."
        )


class PlaceholderAdminTests(AdminTestCase):
    def test_admin_shows_the_placeholder_error_on_the_instruction(self):
        guide = make_guide(steps=1, published=False)
        self.client.force_login(make_user(is_superuser=True))
        url = change_url(guide.draft)
        data = change_form_data(self.client.get(url))
        field = next(name for name in data if name.endswith("-0-instruction_de"))
        data[field] = "Tippen Sie auf {5}."

        response = self.client.post(url, data)

        self.assertContains(response, "{5} stands for label 5 of the menu path")
        self.assertEqual(guide.draft.steps.get().instruction_de, "Schritt 1")


class ConversionTests(TestCase):
    """The data migration turns exactly quoted labels into placeholders, and braces into text."""

    def convert(self, text, language="de", **fields):
        migration = importlib.import_module("guides.migrations.0012_instruction_placeholders")
        step = Step(
            menu_path_de="Einstellungen › Datenschutz",
            menu_path_en="Settings › Data privacy",
            target_value_de="Aus",
            target_value_en="Off",
            **fields,
        )
        return migration.with_placeholders(text, step, language)

    def test_exact_quotes_become_placeholders(self):
        self.assertEqual(
            self.convert("Tippen Sie auf „Datenschutz“ und stellen Sie „Aus“ ein."),
            "Tippen Sie auf {2} und stellen Sie {target} ein.",
        )
        self.assertEqual(self.convert("Tap “Settings”.", "en"), "Tap {1}.")

    def test_other_quotes_and_braces_stay_text(self):
        self.assertEqual(
            self.convert('Tippen Sie auf "Datenschutz" {x}.'), 'Tippen Sie auf "Datenschutz" {{x}}.'
        )

    def test_label_missing_in_another_language_is_left_quoted(self):
        self.assertEqual(
            self.convert("Tippen Sie auf „Datenschutz“.", menu_path_fr="Paramètres"),
            "Tippen Sie auf „Datenschutz“.",
        )


class ContentPackFormatTests(TemporaryMediaMixin, TestCase):
    """Format version 2 packs carry placeholders; version 1 packs read as they always did."""

    def setUp(self):
        self.pack = PackFolder(self)
        self.step = self.pack.version_2["steps"][0]
        self.guide_page = "/de/example/switch-off/"

    def load(self, version, instruction):
        self.pack.data["version"] = version
        self.step["instruction"] = {"de": instruction}
        self.pack.write()
        out, err = import_content(self.pack.path)
        self.assertEqual(err, "")

    def test_version_1_pack_keeps_braces_as_text(self):
        self.load(1, "Tippen Sie auf {1} und „Datenschutz“.")
        response = self.client.get(self.guide_page)
        self.assertContains(response, "Tippen Sie auf {1} und „Datenschutz“.")

    def test_version_1_pack_loads_twice_without_change(self):
        self.load(1, "Tippen Sie auf {1}.")
        before = dump()
        out, err = import_content(self.pack.path)
        self.assertEqual((err, dump()), ("", before))

    def test_version_2_pack_names_labels_by_placeholder(self):
        self.load(2, "Tippen Sie auf {1}.")
        response = self.client.get(self.guide_page + "?labels=en")
        self.assertContains(response, 'Tippen Sie auf „<span lang="en">')

    def test_version_2_pack_with_a_broken_placeholder_is_refused(self):
        self.pack.data["version"] = 2
        self.step["instruction"] = {"de": "Tippen Sie auf {9}."}
        self.pack.write()
        with self.assertRaises(CommandError) as caught:
            import_content(self.pack.path)
        self.assertIn("{9}", str(caught.exception))


class FrenchAndItalianDemoTests(TemporaryMediaMixin, TestCase):
    """French and Italian readers get the demo guides in their language, and the labels only
    where a source confirms LinkedIn's wording (French AI training on the desktop)."""

    @classmethod
    def setUpTestData(cls):
        import_content(DEMO)

    def test_french_ai_guide_quotes_the_french_labels_from_the_press(self):
        response = self.client.get("/fr/linkedin/ai-training/")
        self.assertContains(response, "Désactiver l’entraînement de l’IA avec vos données")
        self.assertContains(
            response,
            "Cliquez-y sur «\u00a0Données pour l&#x27;amélioration de l&#x27;IA générative\u00a0»",
        )
        self.assertNotContains(response, "could not be confirmed in")

    def test_italian_guide_quotes_english_labels_and_says_why(self):
        response = self.client.get("/it/linkedin/ai-training/")
        self.assertContains(response, "Disattivare l’addestramento dell’IA con i tuoi dati")
        self.assertContains(
            response, 'Lì fai clic su «<span lang="en">Data for Generative AI Improvement</span>»'
        )
        self.assertContains(
            response, "I nomi dei menu di questa guida non sono stati confermati in italiano"
        )
        self.assertNotContains(response, "Dati per il miglioramento dell’IA generativa</")

    def test_french_ads_guide_shows_english_labels_and_says_so(self):
        response = self.client.get("/fr/linkedin/microsoft-ad-sharing/")
        self.assertContains(response, "Arrêter le partage de vos données avec Microsoft")
        self.assertContains(response, "n’ont pas pu être confirmés en français")
        self.assertContains(response, '<span lang="en">Data sharing</span>')

    def test_machine_assisted_translations_wait_for_review_in_the_admin(self):
        version = Guide.objects.get(slug="ai-training").published_version
        gaps = version.translation_gaps()
        self.assertEqual(version.translation_status()["en"], TranslationState.COMPLETE)
        for code in ("fr", "it"):
            states = {gap.field: gap.state for gap in gaps[code] if gap.step is None}
            self.assertEqual(states["title"], TranslationState.OUTDATED)
