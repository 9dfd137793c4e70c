"""Links readers follow (settings link, sources, platform website) are http or https only."""

from django.core.exceptions import ValidationError

from guides.models import Platform, Source

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import make_guide, make_user

REFUSED = (
    "javascript:alert(1)",
    "JavaScript://example.com/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.com/file",
    "file:///etc/passwd",
)


class LinkTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.guide = make_guide(published=False)

    def test_the_settings_link_and_sources_refuse_other_schemes(self):
        self.client.force_login(self.editor)
        draft = self.guide.draft
        data = change_form_data(self.client.get(change_url(draft)))
        for url in REFUSED:
            with self.subTest(url):
                response = self.client.post(
                    change_url(draft), {**data, "deep_link": url, "sources-0-url": url}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("deep_link", response.context["adminform"].form.errors)
                self.assertIn("url", response.context["inline_admin_formsets"][1].formset.errors[0])
        draft.refresh_from_db()
        self.assertEqual(draft.deep_link, "https://www.example.com/settings")

    def test_the_message_for_an_ftp_link_names_the_schemes_allowed(self):
        self.client.force_login(self.editor)
        draft = self.guide.draft
        data = change_form_data(self.client.get(change_url(draft)))
        response = self.client.post(change_url(draft), {**data, "deep_link": REFUSED[3]})
        self.assertContains(response, "Enter a web address that starts with https:// or http://.")

    def test_model_validation_refuses_them_too(self):
        source = Source(version=self.guide.draft, url="ftp://example.com/file")
        platform = Platform(name="Example", slug="example", website="ftp://example.com/")
        for obj, field in ((source, "url"), (platform, "website")):
            with self.subTest(field), self.assertRaises(ValidationError) as refused:
                obj.full_clean()
            self.assertIn(field, refused.exception.message_dict)

    def test_http_and_https_links_are_accepted(self):
        for url in ("http://example.com/a", "https://www.linkedin.com/mypreferences/d/"):
            Source(version=self.guide.draft, url=url).full_clean()
