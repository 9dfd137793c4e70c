"""Stored texts have no invisible control characters and LF line endings; output never fails."""

from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.test import TestCase

from guides.models import GuideVersion, Platform, Source, Step

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import make_guide, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


def _as_browser_sends(data):
    """Form data with the CRLF line endings browsers send for text areas."""
    return {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in data.items()
    }


class StoredTextAdminTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.guide = make_guide(context_de="Erster Absatz.\n\nZweiter Absatz.\nZeile drei.")

    def setUp(self):
        self.client.force_login(self.editor)
        self.draft = self.guide.new_draft(by=self.editor)

    def test_a_title_with_control_characters_is_refused_naming_the_field(self):
        data = change_form_data(self.client.get(change_url(self.draft)))
        data["title_en"] = "Switch\x0b it\x01 off"
        response = self.client.post(change_url(self.draft), data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors
        self.assertIn("title_en", errors)
        self.assertIn("Title [en] contains the invisible control character U+000B", str(errors))
        self.draft.refresh_from_db()
        self.assertNotIn("\x0b", self.draft.title_en)

    def test_control_characters_in_a_step_are_refused_too(self):
        data = change_form_data(self.client.get(change_url(self.draft)))
        data["steps-0-instruction_fr"] = "Cliquez\x7f ici"
        response = self.client.post(change_url(self.draft), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "U+007F")
        self.assertEqual(self.draft.steps.filter(instruction_fr__contains="\x7f").count(), 0)

    def test_saving_an_unchanged_draft_from_a_browser_keeps_its_line_endings(self):
        data = _as_browser_sends(change_form_data(self.client.get(change_url(self.draft))))
        self.assertIn("\r\n", data["context_de"])
        response = self.client.post(change_url(self.draft), data)
        self.assertRedirects(response, change_url(self.draft))
        self.draft.refresh_from_db()
        published = self.guide.published_version
        self.assertEqual(self.draft.context_de, published.context_de)

    def test_tabs_and_line_breaks_are_kept(self):
        data = change_form_data(self.client.get(change_url(self.draft)))
        data["check_text_de"] = "Spalte\tWert\r\nZweite Zeile\rDritte"
        self.assertRedirects(self.client.post(change_url(self.draft), data), change_url(self.draft))
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.check_text_de, "Spalte\tWert\nZweite Zeile\nDritte")


class StoredTextModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(published=False)

    def test_full_clean_refuses_every_kind_of_invisible_character(self):
        draft = self.guide.draft
        for character in ("\x00", "\x01", "\x0b", "\x1f", "\x7f", "\x85", "\x9f", "\ufffe",
                          "\uffff", "\U0010ffff", "\ud800", "\ufdd0"):  # fmt: skip
            with self.subTest(hex(ord(character))):
                draft.summary_it = f"Un{character}testo"
                with self.assertRaises(ValidationError) as refused:
                    draft.full_clean()
                self.assertEqual(list(refused.exception.message_dict), ["summary_it"])

    def test_full_clean_accepts_ordinary_text_in_any_script(self):
        draft = self.guide.draft
        draft.summary_it = "Tab\tà è ‹›„“ 中文 العربية 🙂 \u00a0\u200b"
        draft.full_clean()

    def test_every_text_field_of_every_model_follows_the_rule(self):
        step = self.guide.draft.steps.first()
        step.menu_path_en = "Settings\x1b › Privacy"
        source = Source(version=self.guide.draft, url="https://example.com", title="A\x02")
        platform = Platform(name="X\x03", slug="x")
        for obj, field in ((step, "menu_path_en"), (source, "title"), (platform, "name")):
            with self.subTest(field), self.assertRaises(ValidationError) as refused:
                obj.full_clean()
            self.assertIn(field, refused.exception.message_dict)

    def test_saving_from_a_shell_normalises_line_endings(self):
        draft = self.guide.draft
        draft.context_en = "One\r\nTwo\rThree"
        draft.save()
        step = draft.steps.first()
        step.instruction_de = "Eins\r\nZwei"
        step.save()
        draft.refresh_from_db()
        self.assertEqual(draft.context_en, "One\nTwo\nThree")
        self.assertEqual(Step.objects.get(pk=step.pk).instruction_de, "Eins\nZwei")


class BadStoredTextOutputTests(TestCase):
    """Text stored before the rule existed (written here with .update(), past validation)."""

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", title_de="KI", title_en="AI", title_fr="IA")
        GuideVersion.objects.filter(pk=cls.guide.published_version_id).update(
            title_de="KI\x0b-Training\x01",
            title_en="AI\x0b training\x01",
            title_fr="IA\x0c",
            summary_de="Kurz\x1b gesagt.",
            summary_en="In\x1b short.",
            summary_fr="En bref\x02.",  # PostgreSQL cannot store NUL at all
        )

    def test_the_feeds_still_render_without_the_control_characters(self):
        for language, title in (("de", "KI-Training"), ("en", "AI training"), ("fr", "IA")):
            with self.subTest(language):
                response = self.client.get(f"/{language}/feed/")
                self.assertEqual(response.status_code, 200)
                entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
                self.assertTrue(entry.findtext(f"{ATOM}title").startswith(title))

    def test_reader_pages_still_render(self):
        paths = (
            "/de/", "/en/linkedin/", "/fr/linkedin/ki/", "/de/linkedin/ki/history/",
            "/de/search/?q=KI", "/en/search/?q=short",
        )  # fmt: skip
        for path in paths:
            with self.subTest(path):
                self.assertEqual(self.client.get(path).status_code, 200)


class FeedSummaryTests(TestCase):
    def test_summaries_are_plain_text_so_markup_shows_as_typed(self):
        guide = make_guide(slug="ads")
        draft = guide.new_draft()
        draft.change_note_de = "Schritt 2 korrigiert."
        draft.change_note_en = 'Step 2 <b>fixed</b> <a href="https://evil.example">here</a>.'
        draft.save()
        draft.publish()
        response = self.client.get("/en/feed/")
        summary = ElementTree.fromstring(response.content).find(f"{ATOM}entry/{ATOM}summary")
        self.assertEqual(summary.get("type"), "text")
        self.assertEqual(summary.text, draft.change_note_en)
