"""The admin index tells an editor what needs them today; each row links to where to fix it."""

from datetime import timedelta

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guides.groups import ensure_groups
from guides.models import GuideVersion
from reports.models import Report
from tests.admin_helpers import AdminTestCase
from tests.helpers import make_guide, make_user
from watch.models import LinkCheck, PageChange, WatchedPage


def section(response, title):
    """The HTML of one dashboard section, found by its heading."""
    html = response.content.decode()
    start = html.index(f"<h3>{title}</h3>")
    return html[start : html.index("</div>", start)]


def _verify(guide, days_ago):
    guide.published_version.mark_verified(on=timezone.localdate() - timedelta(days=days_ago))


class DashboardTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_groups()
        cls.editor = make_user(groups=["Editor"])

    def setUp(self):
        self.client.force_login(self.editor)

    def dashboard(self):
        response = self.client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 200)
        return response

    def test_lists_a_stale_guide_with_a_link_to_its_version(self):
        stale = make_guide(title_en="Stale guide")
        _verify(stale, days_ago=200)
        fresh = make_guide(title_en="Fresh guide")
        _verify(fresh, days_ago=1)
        response = self.dashboard()
        due = section(response, "Guides due for checking")
        url = reverse("admin:guides_guideversion_change", args=[stale.published_version.pk])
        self.assertIn(f'href="{url}"', due)
        self.assertIn("Stale guide", due)
        self.assertNotIn("Fresh guide", due)

    def test_lists_a_guide_due_within_two_weeks(self):
        guide = make_guide(title_en="Almost due")
        _verify(guide, days_ago=85)
        self.assertIn("due soon", section(self.dashboard(), "Guides due for checking"))

    def test_lists_open_drafts(self):
        guide = make_guide()
        draft = guide.new_draft(by=self.editor)
        url = reverse("admin:guides_guideversion_change", args=[draft.pk])
        response = self.dashboard()
        self.assertContains(response, "Drafts in progress")
        self.assertContains(response, f'href="{url}"')

    def test_lists_a_changed_source_and_a_broken_link(self):
        guide = make_guide(title_en="Watched guide")
        _verify(guide, days_ago=1)
        page = WatchedPage.objects.create(url="https://example.com/article")
        change = PageChange.objects.create(page=page, guide=guide, previous_text="a", text="b")
        check = LinkCheck.objects.create(
            url="https://www.example.com/settings", status=LinkCheck.Status.BROKEN, http_status=404
        )
        response = self.dashboard()
        self.assertContains(response, reverse("admin:watch_pagechange_change", args=[change.pk]))
        self.assertContains(response, reverse("admin:watch_linkcheck_change", args=[check.pk]))
        self.assertContains(response, "HTTP 404")

    def test_an_acknowledged_change_leaves_the_dashboard(self):
        guide = make_guide()
        page = WatchedPage.objects.create(url="https://example.com/article")
        change = PageChange.objects.create(page=page, guide=guide, previous_text="a", text="b")
        PageChange.objects.filter(pk=change.pk).clear(PageChange.Cleared.ACKNOWLEDGED)
        self.assertNotContains(
            self.dashboard(), reverse("admin:watch_pagechange_change", args=[change.pk])
        )

    def test_counts_open_reader_reports_per_guide_with_a_link_to_them(self):
        guide = make_guide(slug="ki-daten")
        for text in ("Der Schalter fehlt", "Anderes Menü"):
            Report.objects.create(
                guide=guide, version=guide.published_version, language="de", device="app", text=text
            )
        reports = section(self.dashboard(), "Reader reports")
        self.assertIn("2 open reports", reports)
        self.assertIn(f"?guide__id__exact={guide.pk}&amp;status__exact=open", reports)

    def test_a_dismissed_report_leaves_the_dashboard(self):
        guide = make_guide()
        report = Report.objects.create(
            guide=guide, version=guide.published_version, language="de", device="app", text="x"
        )
        report.dismiss(by=self.editor)
        self.assertIn("Nothing to do.", section(self.dashboard(), "Reader reports"))

    def test_lists_missing_translations(self):
        make_guide(title_en="", title_de="Nur Deutsch")
        self.assertIn(
            "English: missing", section(self.dashboard(), "Missing or outdated translations")
        )

    def test_lists_a_translation_outdated_by_a_german_change(self):
        guide = make_guide(published=False, title_en="Old English title")
        draft = guide.draft
        draft.confirm_translations()
        draft.title_de = "Neuer deutscher Titel"
        draft.save()
        draft.publish()
        translations = section(self.dashboard(), "Missing or outdated translations")
        self.assertIn("English: outdated", translations)
        url = reverse("admin:guides_guideversion_change", args=[draft.pk])
        self.assertIn(f'href="{url}"', translations)

    def test_says_nothing_to_do_when_all_is_well(self):
        self.assertContains(self.dashboard(), "Nothing to do.", count=9)

    @override_settings(STALE_AFTER_DAYS=90)
    def test_due_soon_is_the_same_rule_as_the_version_list_and_the_model(self):
        # Due within DUE_SOON_DAYS (14) from today: checked 76 days ago or longer.
        due = make_guide(title_en="Checked 76 days ago")
        _verify(due, days_ago=76)
        not_yet = make_guide(title_en="Checked 75 days ago")
        _verify(not_yet, days_ago=75)
        stale = make_guide(title_en="Checked 91 days ago")
        _verify(stale, days_ago=91)
        listed = section(self.dashboard(), "Guides due for checking")
        self.assertIn("Checked 76 days ago", listed)
        self.assertNotIn("Checked 75 days ago", listed)
        self.assertIn("stale: last checked", listed)
        for guide, soon in ((due, True), (not_yet, False), (stale, True)):
            version = GuideVersion.objects.get(pk=guide.published_version_id)
            self.assertEqual(version.is_due_soon(), soon)
        # The version list's "due for a check" filter: stale only, by the same model rule.
        changelist = reverse("admin:guides_guideversion_changelist")
        filtered = self.client.get(changelist, {"stale": "yes"})
        self.assertContains(filtered, "Checked 91 days ago")
        self.assertNotContains(filtered, "Checked 76 days ago")

    def test_a_row_opens_a_draft_of_its_guide_in_one_click(self):
        guide = make_guide(title_en="Moved menu")
        _verify(guide, days_ago=200)
        version = guide.published_version
        listed = section(self.dashboard(), "Guides due for checking")
        self.assertIn('value="new_draft"', listed)
        response = self.client.post(
            reverse("admin:guides_guideversion_change", args=[version.pk]),
            {"_selected_action": str(version.pk), "CHANGE_FORM-action": "new_draft"},
        )
        draft = guide.versions.get(status=GuideVersion.Status.DRAFT)
        self.assertRedirects(response, reverse("admin:guides_guideversion_change", args=[draft.pk]))

    def test_shows_the_model_list_below(self):
        self.assertContains(self.dashboard(), 'id="content-main"')

    def test_long_sections_are_cut_with_a_count(self):
        for _ in range(12):
            _verify(make_guide(), days_ago=200)
        self.assertIn("and 2 more", section(self.dashboard(), "Guides due for checking"))

    def test_speaks_german_to_a_german_editor(self):
        response = self.client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="de")
        self.assertContains(response, "Was heute ansteht")


class DashboardQueryTests(AdminTestCase):
    def queries_with(self, guides):
        for _ in range(guides):
            guide = make_guide()
            _verify(guide, days_ago=200)
            guide.new_draft()
        self.client.force_login(make_user(is_superuser=True))
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
        return len(queries)

    def test_query_count_does_not_grow_with_the_catalogue(self):
        few = self.queries_with(3)
        GuideVersion.objects.all().delete()
        self.assertEqual(self.queries_with(27), few)


class DashboardTranslationTests(AdminTestCase):
    """The translation gaps of every published guide are worked out once, not on every visit."""

    def setUp(self):
        self.client.force_login(make_user(is_superuser=True))

    def visit(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 200)
        return section(response, "Missing or outdated translations"), queries

    def test_a_second_visit_reads_no_steps_however_many_guides(self):
        counts = []
        for guides in (3, 30):
            GuideVersion.objects.all().delete()
            for _ in range(guides):
                make_guide(title_en="")
            first, _queries = self.visit()
            self.assertIn("English: missing", first)
            again, queries = self.visit()
            self.assertEqual(again, first)
            self.assertFalse([q for q in queries if "guides_step" in q["sql"]])
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    def test_a_new_translation_shows_on_the_next_visit(self):
        guide = make_guide(title_en="")
        self.assertIn("English: missing", self.visit()[0])
        draft = guide.new_draft()
        draft.title_en = "Now in English"
        draft.change_note_de = "Übersetzt."
        draft.change_note_en = "Translated."
        draft.save()
        draft.confirm_translations()
        draft.publish()
        self.assertNotIn("English: missing", self.visit()[0])

    def test_a_confirmed_translation_leaves_the_list_on_the_next_visit(self):
        draft = make_guide(published=False, title_en="Old English title").draft
        draft.confirm_translations()
        draft.title_de = "Neuer deutscher Titel"
        draft.save()
        draft.publish()
        self.assertIn("English: outdated", self.visit()[0])
        GuideVersion.objects.get(pk=draft.pk).confirm_translations(languages=["en"])
        self.assertNotIn("English: outdated", self.visit()[0])
