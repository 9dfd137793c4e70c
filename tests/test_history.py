from pathlib import Path

from django.conf import settings
from django.test import TestCase

from guides.models import Source, Step
from tests.content_pack_helpers import import_content
from tests.helpers import (
    TemporaryMediaMixin,
    add_step,
    forget_kept_parts,
    make_guide,
    make_platform,
    make_screenshot,
    publish_draft,
)


def _publish_change(guide, change_note_en, edit):
    draft = guide.new_draft()
    draft.change_note_de = draft.change_note_en = change_note_en
    draft.save()
    edit(draft)
    draft.publish()
    return draft


class HistoryPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ai", steps=2)
        _publish_change(cls.guide, "Clearer step 1.", lambda d: None)
        cls.guide.new_draft()  # an open draft (v3) must stay invisible

    def test_history_lists_published_and_archived_versions_newest_first(self):
        response = self.client.get("/en/linkedin/ai/history/")
        html = response.content.decode()
        self.assertLess(html.index("Version 2"), html.index("Version 1"))
        self.assertContains(response, "Clearer step 1.")
        self.assertContains(response, "First version.")
        self.assertNotContains(response, "Version 3")

    def test_current_version_links_to_the_guide_and_old_ones_to_their_own_page(self):
        response = self.client.get("/en/linkedin/ai/history/")
        self.assertContains(response, '<a href="/en/linkedin/ai/">Version 2</a>', html=True)
        self.assertContains(response, '<a href="/en/linkedin/ai/v1/">Version 1</a>', html=True)

    def test_history_offers_a_compare_form_that_works_without_javascript(self):
        response = self.client.get("/en/linkedin/ai/history/")
        self.assertContains(response, 'action="/en/linkedin/ai/compare/" method="get"')
        self.assertContains(response, 'name="from" value="1" checked')
        self.assertContains(response, 'name="to" value="2" checked')

    def test_history_of_an_unpublished_guide_is_not_found(self):
        guide = make_guide(platform=self.guide.platform, slug="hidden", published=False)
        self.assertEqual(self.client.get(f"/en/linkedin/{guide.slug}/history/").status_code, 404)


class CompareTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.old_shot = make_screenshot(color="red")
        cls.new_shot = make_screenshot(color="blue")
        cls.guide = make_guide(slug="ai", steps=0, published=False)
        draft = cls.guide.draft
        add_step(draft, 1, instruction_en="Tap your profile picture at the top left.")
        add_step(draft, 2, device=Step.Device.DESKTOP, instruction_en="Click Me.")
        add_step(
            draft,
            3,
            instruction_en="Switch it off.",
            screenshot_en=cls.old_shot,
            screenshot_alt_en="Old switch",
        )
        draft.publish()

        def edit(new):
            steps = {s.position: s for s in new.steps.all()}
            steps[1].instruction_en = "Tap your photo at the top left."
            steps[1].save()
            steps[2].delete()
            steps[3].screenshot_en = cls.new_shot
            steps[3].screenshot_alt_en = "New switch"
            steps[3].save()
            add_step(new, 4, device=Step.Device.APP, instruction_en="Check it says Off.")

        _publish_change(cls.guide, "Reworded step 1.", edit)

    def test_changed_words_are_marked(self):
        response = self.client.get("/en/linkedin/ai/compare/?from=1&to=2")
        self.assertContains(response, "Tap your <del>profile picture</del><ins>photo</ins> at")

    def test_steps_are_matched_by_identity_per_device(self):
        response = self.client.get("/en/linkedin/ai/compare/?from=1&to=2")
        html = response.content.decode()
        app = html[html.index('id="compare-app"') : html.index('id="compare-desktop"')]
        desktop = html[html.index('id="compare-desktop"') :]
        self.assertIn("step-added", app)
        self.assertIn("Check it says Off.", app)
        self.assertNotIn("Click Me.", app)
        self.assertIn("step-removed", desktop)
        self.assertIn("<del>Click Me.</del>", desktop)
        self.assertNotIn("Check it says Off.", desktop)

    def test_an_added_step_shows_its_screenshot_without_an_empty_slot(self):
        def edit(new):
            add_step(
                new,
                5,
                instruction_en="Look at the new switch.",
                screenshot_en=self.new_shot,
                screenshot_alt_en="The new switch",
            )

        _publish_change(self.guide, "Step with a picture.", edit)
        response = self.client.get("/en/linkedin/ai/compare/?from=2&to=3")
        self.assertContains(response, "Look at the new switch.")
        self.assertContains(response, self.new_shot.file.url, count=2)  # app and desktop
        self.assertNotContains(response, "No screenshot")
        self.assertNotContains(response, "Screenshot in version")

    def test_changed_screenshots_are_shown_side_by_side(self):
        response = self.client.get("/en/linkedin/ai/compare/?from=1&to=2")
        self.assertContains(response, self.old_shot.file.url, count=2)  # app and desktop
        self.assertContains(response, self.new_shot.file.url, count=2)
        self.assertContains(response, "Screenshot in version 1")

    def test_compare_defaults_to_the_last_two_versions(self):
        response = self.client.get("/en/linkedin/ai/compare/")
        self.assertContains(response, "Changes from version 1 to 2")

    def test_compare_follows_the_reader_language(self):
        response = self.client.get("/de/linkedin/ai/compare/")
        self.assertContains(response, "Änderungen von Version 1 zu 2")
        self.assertContains(response, "Schritte in der App")

    def test_breadcrumb_leads_back_to_the_guide_by_its_title(self):
        self.guide.refresh_from_db()
        title = self.guide.published_version.title_en
        response = self.client.get("/en/linkedin/ai/compare/?from=1&to=2")
        self.assertContains(response, f'<li><a href="/en/linkedin/ai/">{title}</a></li>', html=True)

    def test_comparing_a_version_with_itself_says_so(self):
        response = self.client.get("/en/linkedin/ai/compare/?from=1&to=1")
        self.assertContains(response, "You chose version 1 twice, so there is nothing to compare.")
        self.assertContains(response, '<a href="/en/linkedin/ai/history/">')
        self.assertNotContains(response, "Changes from version")

    def test_unknown_version_is_not_found(self):
        response = self.client.get("/en/linkedin/ai/compare/?from=1&to=9")
        self.assertEqual(response.status_code, 404)

    def test_drafts_cannot_be_compared(self):
        self.guide.new_draft()
        response = self.client.get("/en/linkedin/ai/compare/?from=1&to=3")
        self.assertEqual(response.status_code, 404)

    def test_a_guide_with_one_version_has_nothing_to_compare(self):
        guide = make_guide(platform=self.guide.platform, slug="single")
        response = self.client.get("/en/linkedin/single/compare/")
        self.assertRedirects(response, "/en/linkedin/single/history/")
        self.assertEqual(guide.versions.count(), 1)


class HistoryQueryCountTests(TestCase):
    def test_history_and_compare_run_a_fixed_number_of_queries(self):
        platform = make_platform()
        for steps in (1, 6):
            guide = make_guide(platform=platform, steps=steps)
            for _ in range(3):
                publish_draft(guide)
            url = guide.get_absolute_url()
            forget_kept_parts()
            with self.assertNumQueries(3):  # guide with platform, versions, site settings
                self.client.get(url + "history/")
            forget_kept_parts()
            with self.assertNumQueries(5):  # … versions, steps and sources of both, settings
                self.client.get(url + "compare/?from=1&to=4")


class TextChangesTests(TestCase):
    def test_only_changed_paragraphs_of_long_texts_are_shown(self):
        guide = make_guide(slug="ctx", context_en="Unchanged first.\n\nOld second.\n\nSame third.")

        def edit(draft):
            draft.context_en = "Unchanged first.\n\nNew second.\n\nSame third."
            draft.save()

        _publish_change(guide, "Context.", edit)
        response = self.client.get("/en/linkedin/ctx/compare/")
        self.assertContains(response, '<p class="diff"><del>Old</del><ins>New</ins> second.</p>')
        self.assertNotContains(response, "Unchanged first.")


class VersionChangesTests(TestCase):
    """Compare shows every change a reader could care about, not only steps and texts."""

    def _compare(self, edit, **fields):
        guide = make_guide(slug="changes", **fields)
        _publish_change(guide, "Changed.", edit)
        return self.client.get("/en/linkedin/changes/compare/")

    def test_added_removed_and_retitled_sources_are_listed(self):
        def edit(draft):
            draft.sources.filter(url="https://example.com/article").update(title="Example, 2025")
            Source.objects.create(version=draft, url="https://example.org/new", title="New one")

        response = self._compare(edit)
        html = response.content.decode()
        sources = html[html.index('id="sources-heading"') : html.index('id="compare-')]
        self.assertIn("Added", sources)
        self.assertIn('<a href="https://example.org/new" rel="noopener noreferrer">New', sources)
        self.assertIn("Example<ins>, 2025</ins>", sources)

        def remove(draft):
            draft.sources.all().delete()

        guide = make_guide(slug="fewer")
        _publish_change(guide, "No sources.", remove)
        response = self.client.get("/en/linkedin/fewer/compare/")
        self.assertContains(response, "<del>Example</del>")
        self.assertContains(response, "Removed")

    def test_unchanged_sources_are_not_listed(self):
        response = self._compare(lambda draft: None)
        self.assertNotContains(response, 'id="sources-heading"')

    def test_not_yet_confirmed_note_time_needed_and_settings_link_are_compared(self):
        def edit(draft):
            draft.needs_confirmation_en = "The app menus may differ."
            draft.minutes = 5
            draft.deep_link = "https://www.example.com/settings/ai"
            draft.save()

        response = self._compare(edit, minutes=2)
        self.assertContains(response, "<dt>Not yet confirmed</dt>", html=True)
        self.assertContains(response, "<ins>The app menus may differ.</ins>")
        self.assertContains(response, "<dt>Takes</dt>", html=True)
        self.assertContains(response, "about <del>2</del><ins>5</ins> minutes")
        self.assertContains(response, "<dt>Settings link</dt>", html=True)
        self.assertContains(response, "https://www.example.com/settings<ins>/ai</ins>")

    def test_a_step_that_is_now_confirmed_counts_as_changed(self):
        def edit(draft):
            draft.steps.update(needs_confirmation=False)

        guide = make_guide(slug="confirmed", steps=0, published=False)
        add_step(guide.draft, 1, needs_confirmation=True)
        guide.draft.publish()
        _publish_change(guide, "Confirmed.", edit)
        response = self.client.get("/en/linkedin/confirmed/compare/")
        self.assertContains(response, "step-changed")
        self.assertContains(
            response, "<del>Not yet confirmed: this step may look different for you.</del>"
        )


class DemoCompareTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        import_content(Path(settings.BASE_DIR) / "guides" / "demo")

    def test_ai_guide_v1_to_v2_shows_the_added_sources_and_the_app_note(self):
        response = self.client.get("/en/linkedin/ai-training/compare/?from=1&to=2")
        html = response.content.decode()
        sources = html[html.index('id="sources-heading"') : html.index('id="compare-')]
        # v2 added the two press reports and LinkedIn's own help page on the setting.
        self.assertEqual(sources.count("badge-added"), 3)
        self.assertIn("linkedin.com/help/linkedin/answer/a6278444", sources)
        self.assertIn("watson.ch", sources)
        self.assertIn("netzpolitik.org", sources)
        self.assertContains(response, "<dt>Not yet confirmed</dt>", html=True)
        self.assertContains(response, "<ins>App: it is not confirmed that the menus")
        self.assertNotContains(response, "No screenshot")
