"""watch_sources notices when a guide's source or settings page changed since it was verified."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.models import Source
from watch.models import PageChange, WatchedPage

from .admin_helpers import AdminTestCase, action_data
from .helpers import make_guide, make_user, publish_draft
from .watch_helpers import LocalSite, Page


def watch_sources():
    out = StringIO()
    call_command("watch_sources", stdout=out)
    return out.getvalue()


@override_settings(FETCH_ALLOW_PRIVATE=True)
class SourceWatchTests(AdminTestCase):
    def setUp(self):
        self.site = LocalSite().__enter__()
        self.addCleanup(self.site.__exit__)
        self.guide = make_guide(deep_link=self.site.url("/settings"))
        version = self.guide.published_version
        Source.objects.filter(version=version).update(url=self.site.url("/help"))
        self.site.html("/settings", "<h1>Data privacy</h1><p>Turn it off.</p>")
        self.site.html("/help", "<p>Go to  Settings › Data privacy.</p>")
        self.editor = make_user(groups=["Editor"])

    def change_help_page(self):
        self.site.html("/help", "<p>Go to Settings › Privacy.</p><p>New menu.</p>")

    def test_the_first_fetch_is_the_baseline_not_a_change(self):
        output = watch_sources()
        self.assertIn(f"baseline  {self.site.url('/help')}", output)
        self.assertIn("Checked 2: changed 0, failed 0, refused 0; not watched 0.", output)
        page = WatchedPage.objects.get(url=self.site.url("/help"))
        self.assertEqual(page.text, "Go to Settings › Data privacy.")
        self.assertFalse(WatchedPage.objects.changed().exists())

    def test_only_the_main_text_counts(self):
        watch_sources()
        page = WatchedPage.objects.get(url=self.site.url("/settings"))
        self.assertEqual(page.text, "Data privacy\nTurn it off.")
        self.site.pages["/settings"].body = self.site.pages["/settings"].body.replace(
            b"LinkedIn Help", b"LinkedIn Hilfe"
        )
        self.assertIn("changed 0", watch_sources())

    def test_an_unchanged_page_is_no_change(self):
        watch_sources()
        output = watch_sources()
        self.assertIn(f"unchanged {self.site.url('/help')}", output)
        self.assertFalse(PageChange.objects.exists())

    def test_a_changed_page_flags_the_guide_with_a_diff_in_the_admin(self):
        watch_sources()
        self.change_help_page()
        output = watch_sources()
        self.assertIn(f"changed   {self.site.url('/help')}", output)
        self.assertIn("changed 1", output)
        change = PageChange.objects.open().get()
        self.assertEqual(change.guide, self.guide)
        self.assertEqual(change.previous_text, "Go to Settings › Data privacy.")
        self.assertEqual(list(WatchedPage.objects.changed()), [change.page])

        self.client.force_login(self.editor)
        listing = self.client.get(reverse("admin:watch_pagechange_changelist") + "?state=open")
        self.assertContains(listing, self.site.url("/help"))
        page = self.client.get(reverse("admin:watch_pagechange_change", args=[change.pk]))
        removed = '<span class="diff-removed">-Go to Settings › Data privacy.</span>'
        self.assertContains(page, removed)
        self.assertContains(page, "+Go to Settings › Privacy.")
        self.assertContains(page, "+New menu.")

    def test_the_diff_is_shown_escaped(self):
        watch_sources()
        self.site.html("/help", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
        watch_sources()
        self.client.force_login(self.editor)
        change = PageChange.objects.get()
        page = self.client.get(reverse("admin:watch_pagechange_change", args=[change.pk]))
        self.assertContains(page, "+&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(page, "<script>alert(1)")

    def test_verifying_the_guide_clears_the_flag(self):
        watch_sources()
        self.change_help_page()
        watch_sources()
        self.guide.published_version.mark_verified(by=self.editor)
        self.assertFalse(PageChange.objects.open().exists())
        self.assertFalse(WatchedPage.objects.changed().exists())
        self.assertEqual(PageChange.objects.get().cleared_how, PageChange.Cleared.VERIFIED)

    def test_publishing_a_new_version_clears_the_flag(self):
        watch_sources()
        self.change_help_page()
        watch_sources()
        publish_draft(self.guide)
        self.assertFalse(PageChange.objects.open().exists())

    def test_an_editor_can_acknowledge_a_change(self):
        watch_sources()
        self.change_help_page()
        watch_sources()
        change = PageChange.objects.get()
        self.client.force_login(self.editor)
        page = reverse("admin:watch_pagechange_change", args=[change.pk])
        self.client.post(page, action_data(change, "acknowledge"))
        change.refresh_from_db()
        self.assertEqual(change.cleared_how, PageChange.Cleared.ACKNOWLEDGED)
        self.assertEqual(change.cleared_by, self.editor)

    def test_a_translator_sees_changes_but_cannot_acknowledge_them(self):
        watch_sources()
        self.change_help_page()
        watch_sources()
        change = PageChange.objects.get()
        self.client.force_login(make_user(groups=["Translator"]))
        url = reverse("admin:watch_pagechange_changelist")
        self.assertContains(self.client.get(url), self.site.url("/help"))
        data = {"action": "acknowledge", "_selected_action": [change.pk]}
        self.client.post(url, data)
        self.assertTrue(PageChange.objects.open().exists())
        self.client.force_login(self.editor)  # the same request by an editor does it
        self.client.post(url, data)
        self.assertFalse(PageChange.objects.open().exists())

    def test_an_editor_can_switch_watching_off(self):
        watch_sources()
        page = WatchedPage.objects.get(url=self.site.url("/help"))
        self.client.force_login(self.editor)
        changelist = reverse("admin:watch_watchedpage_changelist")
        pages = list(WatchedPage.objects.all())
        data = {"form-TOTAL_FORMS": len(pages), "form-INITIAL_FORMS": len(pages), "_save": "Save"}
        for index, each in enumerate(pages):
            data[f"form-{index}-id"] = each.pk
            if each != page:
                data[f"form-{index}-watching"] = "on"
        self.assertEqual(self.client.post(changelist, data).status_code, 302)
        self.change_help_page()
        self.site.requests.clear()
        output = watch_sources()
        self.assertIn(f"off       {self.site.url('/help')}", output)
        self.assertNotIn(("GET", "/help"), self.site.requests)
        self.assertFalse(PageChange.objects.exists())

    def test_a_url_shared_by_two_guides_is_fetched_once_and_flags_both(self):
        other = make_guide(deep_link=self.site.url("/settings"))
        watch_sources()
        self.site.html("/settings", "<p>Moved.</p>")
        self.site.requests.clear()
        watch_sources()
        self.assertEqual(self.site.requests.count(("GET", "/settings")), 1)
        flagged = set(PageChange.objects.open().values_list("guide", flat=True))
        self.assertEqual(flagged, {self.guide.pk, other.pk})

    def test_failures_are_counted_and_keep_the_stored_text(self):
        watch_sources()
        self.site.pages["/help"] = Page(500, b"oops")
        output = watch_sources()
        self.assertIn(f"failed    {self.site.url('/help')}: HTTP 500", output)
        self.assertIn("failed 1", output)
        page = WatchedPage.objects.get(url=self.site.url("/help"))
        self.assertEqual(page.text, "Go to Settings › Data privacy.")
        self.assertEqual(page.problem, "HTTP 500")

    def test_an_oversized_page_fails(self):
        self.site.pages["/help"] = Page(body=b"<p>x</p>" * 400_000)
        self.assertIn("larger than", watch_sources())

    @override_settings(FETCH_ALLOW_PRIVATE=False)
    def test_a_private_address_is_refused_without_the_setting(self):
        output = watch_sources()
        self.assertIn("refused 2", output)
        self.assertEqual(self.site.requests, [])

    def test_the_list_of_changes_takes_as_many_queries_for_many_changes_as_for_one(self):
        watch_sources()
        self.change_help_page()
        watch_sources()
        self.client.force_login(self.editor)
        url = reverse("admin:watch_pagechange_changelist")
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        for _n in range(3):
            make_guide(deep_link=self.site.url("/settings"))
        self.site.html("/settings", "<p>Moved again.</p>")
        watch_sources()
        self.assertEqual(PageChange.objects.count(), 5)
        with CaptureQueriesContext(connection) as five:
            self.assertContains(self.client.get(url), "Moved again", count=0)
        self.assertEqual(len(five), len(one))
