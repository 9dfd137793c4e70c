"""A platform's or guide's old address keeps working (301) after its slug changes."""

from django.test import TestCase
from django.urls import reverse

from guides.models import FormerAddress, Guide, Platform

from .admin_helpers import change_form_data, change_url
from .helpers import make_guide, make_platform, make_user, publish_draft


class FormerAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.platform = make_platform()
        cls.guide = make_guide(platform=cls.platform, slug="ki-training")
        publish_draft(cls.guide)  # two versions: history, compare and v1 exist

    def rename_platform(self, slug):
        platform = Platform.objects.get(pk=self.platform.pk)
        platform.slug = slug
        platform.save()

    def rename_guide(self, slug):
        guide = Guide.objects.get(pk=self.guide.pk)
        guide.slug = slug
        guide.save()

    def test_every_page_of_a_renamed_guide_redirects_permanently_in_every_language(self):
        self.rename_guide("ai-training")
        for language in ("de", "en", "fr", "it"):
            for old, new in (
                ("", ""),
                ("history/", "history/"),
                ("compare/?from=1&to=2", "compare/?from=1&to=2"),
                ("v1/", "v1/"),
            ):
                with self.subTest(language=language, page=old):
                    response = self.client.get(f"/{language}/linkedin/ki-training/{old}")
                    self.assertRedirects(
                        response,
                        f"/{language}/linkedin/ai-training/{new}",
                        status_code=301,
                        fetch_redirect_response=False,
                    )

    def test_a_renamed_platform_redirects_its_page_and_its_guides(self):
        self.rename_platform("linked-in")
        response = self.client.get("/en/linkedin/")
        self.assertRedirects(response, "/en/linked-in/", status_code=301)
        response = self.client.get("/de/linkedin/ki-training/history/")
        self.assertRedirects(response, "/de/linked-in/ki-training/history/", status_code=301)

    def test_renaming_platform_and_guide_one_after_the_other_still_reaches_the_guide(self):
        self.rename_platform("linked-in")
        self.rename_guide("ai-training")
        response = self.client.get("/en/linkedin/ki-training/")
        self.assertRedirects(response, "/en/linked-in/ai-training/", status_code=301)

    def test_a_new_platform_that_takes_the_former_slug_wins(self):
        self.rename_platform("linked-in")
        make_platform(name="Other", slug="linkedin")
        self.assertEqual(self.client.get("/en/linkedin/").status_code, 200)
        self.assertFalse(FormerAddress.objects.filter(platform_slug="linkedin").exists())

    def test_an_unknown_address_is_still_not_found(self):
        self.rename_guide("ai-training")
        self.assertEqual(self.client.get("/en/linkedin/nothing-here/").status_code, 404)
        self.assertEqual(self.client.get("/en/nowhere/").status_code, 404)

    def test_changing_the_slug_in_the_admin_records_the_old_address(self):
        self.client.force_login(make_user(is_superuser=True))
        data = change_form_data(self.client.get(change_url(self.guide)))
        data["slug"] = "ai-training"
        self.client.post(change_url(self.guide), data)
        response = self.client.get(reverse("guides:guide", args=["linkedin", "ki-training"]))
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].endswith("/linkedin/ai-training/"))
