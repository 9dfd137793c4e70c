"""Admin search finds guides, versions and regions by their text in every site language."""

from django.conf import settings
from django.urls import reverse

from tests.admin_helpers import AdminTestCase
from tests.helpers import make_guide, make_region, make_user


class AdminSearchTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.titles = {code: f"Titel-{code}-xyz" for code, _name in settings.LANGUAGES}
        cls.guide = make_guide(**{f"title_{code}": t for code, t in cls.titles.items()})
        cls.region = make_region(code="ch")
        for code, _name in settings.LANGUAGES:
            setattr(cls.region, f"name_{code}", f"Region-{code}-xyz")
        cls.region.save()

    def setUp(self):
        self.client.force_login(make_user(is_superuser=True))

    def search(self, model, term):
        return self.client.get(reverse(f"admin:guides_{model}_changelist"), {"q": term})

    def test_versions_and_guides_are_found_by_their_title_in_every_language(self):
        for code, title in self.titles.items():
            with self.subTest(code):
                self.assertContains(self.search("guideversion", title), "1 guide version")
                self.assertContains(self.search("guide", title), "\n1 guide\n")

    def test_regions_are_found_by_their_name_in_every_language(self):
        for code, _name in settings.LANGUAGES:
            with self.subTest(code):
                self.assertContains(self.search("region", f"Region-{code}-xyz"), "\n1 region\n")
