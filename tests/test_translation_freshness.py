"""Translation freshness: complete, missing or outdated per version and language."""

from django.core.management import call_command

from guides.models import Guide, GuideVersion

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import make_guide, make_user


def draft_guide():
    guide = make_guide(published=False, steps=1)
    draft = guide.draft
    draft.confirm_translations()
    return GuideVersion.objects.get(pk=draft.pk)


class TranslationFreshnessTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])

    def test_a_confirmed_english_translation_is_complete_and_an_empty_french_one_missing(self):
        status = draft_guide().translation_status()
        self.assertEqual(status, {"en": "complete", "fr": "missing", "it": "missing"})

    def test_changing_the_german_text_makes_the_translation_outdated(self):
        draft = draft_guide()
        draft.summary_de = "Eine andere Einstellung abschalten."
        draft.save()
        self.assertEqual(draft.translation_status()["en"], "outdated")
        gaps = draft.translation_gaps()["en"]
        self.assertEqual([(gap.field, gap.state) for gap in gaps], [("summary", "outdated")])

    def test_a_new_draft_carries_the_confirmations(self):
        guide = make_guide(steps=1, published=False)
        guide.draft.confirm_translations()
        guide.draft.publish()
        draft = Guide.objects.get(pk=guide.pk).new_draft()
        self.assertEqual(draft.translation_status()["en"], "complete")

    def post(self, draft, **changes):
        self.client.force_login(self.editor)
        data = change_form_data(self.client.get(change_url(draft)))
        data.update(changes)
        response = self.client.post(change_url(draft), data)
        self.assertEqual(response.status_code, 302)
        return GuideVersion.objects.get(pk=draft.pk)

    def test_saving_a_german_change_in_the_admin_makes_the_translation_outdated(self):
        draft = self.post(draft_guide(), summary_de="Etwas anderes.")
        self.assertEqual(draft.translation_status()["en"], "outdated")

    def test_the_minor_change_tick_keeps_translations_valid(self):
        draft = self.post(
            draft_guide(), summary_de="Eine Einstellung abschalten!", minor_change="on"
        )
        self.assertEqual(draft.translation_status()["en"], "complete")

    def test_saving_a_new_translation_confirms_it(self):
        draft = draft_guide()
        draft.summary_de = "Etwas anderes."
        draft.save()
        draft = self.post(draft, summary_en="Something else.")
        self.assertEqual(draft.translation_status()["en"], "complete")

    def test_the_change_page_and_the_list_show_the_status(self):
        draft = draft_guide()
        draft.summary_de = "Etwas anderes."
        draft.save()
        self.client.force_login(self.editor)
        page = self.client.get(change_url(draft))
        self.assertContains(page, "<strong>en</strong> outdated: summary", html=False)
        self.assertContains(page, "<strong>fr</strong> missing", html=False)
        listing = self.client.get("/admin/guides/guideversion/")
        self.assertContains(listing, "en: outdated")

    def test_the_demo_content_is_complete_or_missing_never_outdated(self):
        call_command("import_content", "guides/demo", verbosity=0)
        versions = GuideVersion.objects.all()
        self.assertTrue(versions)
        for version in versions:
            self.assertNotIn("outdated", version.translation_status().values())
