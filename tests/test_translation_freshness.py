"""Translation freshness: complete, missing or outdated per version and language."""

from django.core.management import call_command
from django.test import override_settings

from guides.models import Guide, GuideVersion

from .admin_helpers import AdminTestCase, change_form_data, change_url
from .helpers import make_guide, make_user, publish_draft

# The reader notice of an outdated translation.
NOTICE = "has not been checked against the current German original"


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


class OutdatedTranslationNoticeTests(AdminTestCase):
    """A reader of an outdated translation is told so and led to the German original."""

    @classmethod
    def setUpTestData(cls):
        cls.publisher = make_user(groups=["Publisher"])
        cls.guide = make_guide(slug="ki-training")

    def english_page(self):
        return self.client.get("/en/linkedin/ki-training/", HTTP_ACCEPT_LANGUAGE="en")

    def outdate_the_english_summary(self):
        publish_draft(self.guide, summary_de="Eine andere Einstellung abschalten.")

    def test_fresh_content_shows_no_notice(self):
        self.assertNotContains(self.english_page(), NOTICE)

    def test_an_outdated_translation_links_to_the_german_original(self):
        self.outdate_the_english_summary()
        response = self.english_page()
        self.assertContains(response, NOTICE)
        self.assertContains(response, 'href="/de/linkedin/ki-training/"')

    def test_the_german_page_never_shows_the_notice(self):
        self.outdate_the_english_summary()
        german = self.client.get("/de/linkedin/ki-training/")
        self.assertNotContains(german, "veraltet")
        self.assertNotContains(german, NOTICE)

    @override_settings(PAGE_CACHE=True)
    def test_confirming_the_translation_removes_the_notice_on_the_next_request(self):
        self.outdate_the_english_summary()
        self.assertContains(self.english_page(), NOTICE)  # now cached
        self.assertContains(self.english_page(), NOTICE)
        published = Guide.objects.get(pk=self.guide.pk).published_version
        self.client.force_login(self.publisher)
        self.client.post(
            change_url(published),
            {"_selected_action": str(published.pk), "CHANGE_FORM-action": "confirm_translations"},
        )
        self.client.logout()
        self.assertNotContains(self.english_page(), NOTICE)

    @override_settings(PAGE_CACHE=True)
    def test_a_cached_fresh_page_gets_the_notice_once_a_stamp_is_lost(self):
        self.assertNotContains(self.english_page(), NOTICE)
        self.guide.published_version.translation_stamps.filter(field="summary").first().delete()
        self.assertContains(self.english_page(), NOTICE)


class ConfirmTranslationsActionTests(AdminTestCase):
    def test_a_translator_confirms_a_published_versions_translations(self):
        guide = make_guide()
        publish_draft(guide, summary_de="Anders.")
        published = Guide.objects.get(pk=guide.pk).published_version
        self.assertTrue(published.is_outdated_in("en"))
        self.client.force_login(make_user(groups=["Translator"]))
        page = self.client.get(change_url(published))
        self.assertContains(page, 'value="confirm_translations"')
        response = self.client.post(
            change_url(published),
            {"_selected_action": str(published.pk), "CHANGE_FORM-action": "confirm_translations"},
            follow=True,
        )
        self.assertContains(response, "Confirmed")
        self.assertFalse(GuideVersion.objects.get(pk=published.pk).is_outdated_in("en"))
