"""docs/privacy.md shows the same template that readers see on the privacy page."""

from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from branding import privacy

DOCS = Path(settings.BASE_DIR) / "docs"


class PrivacyTemplateDocsTests(SimpleTestCase):
    def test_the_docs_carry_the_shipped_template_word_for_word(self):
        text = (DOCS / "privacy.md").read_text()
        english = text[text.index("## English\n") : text.index("## Deutsch\n")]
        german = text[text.index("## Deutsch\n") :]
        self.assertIn(privacy.template("en"), english)
        self.assertIn(privacy.template("de"), german)

    def test_the_template_says_what_is_not_stored(self):
        english = privacy.template("en")
        self.assertIn("sets no cookies for readers", english)
        self.assertIn("does not write readers' IP addresses into its logs", english)
        self.assertIn("We store no IP address and set no cookie", english)
        self.assertIn("without their metadata", english)

    def test_its_placeholders_are_clearly_marked_and_found(self):
        self.assertIn("[Name of the organisation]", privacy.placeholders())
        self.assertIn("[Name der Organisation]", privacy.placeholders())
        self.assertGreater(len(privacy.placeholders()), 10)
