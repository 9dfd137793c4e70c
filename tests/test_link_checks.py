"""check_links tells editors which settings links and sources still lead somewhere."""

from io import StringIO
from unittest import mock

import urllib3
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from guides.models import Source
from watch.models import LinkCheck

from .admin_helpers import AdminTestCase
from .helpers import make_guide, make_user
from .watch_helpers import LocalSite, Page


def check_links():
    out = StringIO()
    call_command("check_links", stdout=out)
    return out.getvalue()


@override_settings(FETCH_ALLOW_PRIVATE=True)
class LinkCheckTests(AdminTestCase):
    def setUp(self):
        self.site = LocalSite().__enter__()
        self.addCleanup(self.site.__exit__)
        self.guide = make_guide(deep_link=self.site.url("/settings"))
        self.source = Source.objects.get(version=self.guide.published_version)
        Source.objects.filter(pk=self.source.pk).update(url=self.site.url("/help"))
        self.site.pages["/settings"] = Page(body=b"ok")
        self.site.pages["/help"] = Page(body=b"ok")

    def result(self, path):
        return LinkCheck.objects.get(url=self.site.url(path))

    def test_working_links_are_ok_and_checked_with_head(self):
        output = check_links()
        self.assertEqual(self.result("/settings").status, LinkCheck.Status.OK)
        self.assertEqual(self.result("/settings").http_status, 200)
        self.assertIn(f"[1/2] ok         200 {self.site.url('/help')}", output)
        self.assertEqual(set(self.site.requests), {("HEAD", "/settings"), ("HEAD", "/help")})
        self.assertRegex(output, r"ok\s+2\n")
        self.assertRegex(output, r"total\s+2\n")

    def test_a_missing_page_is_broken(self):
        del self.site.pages["/help"]
        output = check_links()
        self.assertEqual(self.result("/help").status, LinkCheck.Status.BROKEN)
        self.assertEqual(self.result("/help").http_status, 404)
        self.assertRegex(output, r"broken\s+1\n")
        self.assertEqual(list(LinkCheck.objects.broken()), [self.result("/help")])

    def test_a_redirect_is_followed_and_its_target_reported(self):
        self.site.pages["/help"] = Page(301, headers={"Location": "/help/new"})
        self.site.pages["/help/new"] = Page(body=b"ok")
        output = check_links()
        result = self.result("/help")
        self.assertEqual(result.status, LinkCheck.Status.REDIRECTED)
        self.assertEqual(result.final_url, self.site.url("/help/new"))
        self.assertIn(f"-> {self.site.url('/help/new')}", output)

    def test_a_sign_in_wall_needs_sign_in_and_is_not_broken(self):
        self.site.pages["/settings"] = Page(999)
        self.site.pages["/help"] = Page(302, headers={"Location": "/uas/login?session=x"})
        self.site.pages["/uas/login?session=x"] = Page(body=b"sign in")
        check_links()
        self.assertEqual(self.result("/settings").status, LinkCheck.Status.SIGN_IN)
        self.assertEqual(self.result("/settings").http_status, 999)
        self.assertEqual(self.result("/help").status, LinkCheck.Status.SIGN_IN)
        self.assertFalse(LinkCheck.objects.broken().exists())

    def test_401_needs_sign_in(self):
        self.site.pages["/settings"] = Page(401)
        check_links()
        self.assertEqual(self.result("/settings").status, LinkCheck.Status.SIGN_IN)

    def test_a_refused_head_is_retried_with_get(self):
        self.site.pages["/settings"] = Page(body=b"ok", head_status=405)
        check_links()
        self.assertEqual(self.result("/settings").status, LinkCheck.Status.OK)
        self.assertIn(("GET", "/settings"), self.site.requests)

    def test_a_link_that_times_out_is_an_error(self):
        self.site.pages["/settings"] = Page(body=b"late", delay=1.5)
        with mock.patch("watch.fetching.TIMEOUT", urllib3.Timeout(connect=1, read=0.3)):
            check_links()
        result = self.result("/settings")
        self.assertEqual(result.status, LinkCheck.Status.ERROR)
        self.assertIn("timeout", result.message)

    @override_settings(FETCH_ALLOW_PRIVATE=False)
    def test_a_private_address_is_refused_without_the_setting(self):
        output = check_links()
        self.assertEqual(self.result("/settings").status, LinkCheck.Status.REFUSED)
        self.assertRegex(output, r"refused\s+2\n")
        self.assertEqual(self.site.requests, [])

    def test_a_link_shared_by_two_guides_is_checked_once(self):
        make_guide(deep_link=self.site.url("/settings"))
        check_links()
        self.assertEqual(self.site.requests.count(("HEAD", "/settings")), 1)

    def test_drafts_are_not_checked(self):
        draft = self.guide.new_draft()
        draft.deep_link = self.site.url("/draft-only")
        draft.save()
        check_links()
        self.assertFalse(LinkCheck.objects.filter(url=self.site.url("/draft-only")).exists())

    def test_editors_see_the_results_in_the_admin_filtered_by_result(self):
        del self.site.pages["/help"]
        check_links()
        self.client.force_login(make_user(groups=["Editor"]))
        url = reverse("admin:watch_linkcheck_changelist")
        listing = self.client.get(url, {"status__exact": "broken"})
        self.assertContains(listing, self.site.url("/help"))
        self.assertNotContains(listing, self.site.url("/settings"))
        detail = self.client.get(
            reverse("admin:watch_linkcheck_change", args=[self.result("/help").pk])
        )
        self.assertContains(detail, str(self.guide))
