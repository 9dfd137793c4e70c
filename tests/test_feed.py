from xml.etree import ElementTree

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from guides.models import FormerAddress, Guide
from tests.helpers import make_guide, make_platform

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", title_de="KI-Training", title_en="AI training")
        draft = cls.guide.new_draft()
        draft.change_note_de = "Schritt 2 korrigiert."
        draft.change_note_en = "Fixed step 2."
        draft.save()
        draft.publish()
        make_guide(platform=cls.guide.platform, published=False, title_de="Entwurf")
        cls.ads = make_guide(
            platform=cls.guide.platform, slug="werbung", title_de="Werbung", title_en="Ads"
        )
        cls.other = make_guide(
            platform=make_platform("Example"), slug="other", title_de="Anderes", title_en="Other"
        )

    def _entries(self, url):
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")

    def _titles(self, url):
        return [e.findtext(f"{ATOM}title") for e in self._entries(url)]

    def test_feed_has_an_entry_per_publication_newest_first(self):
        entries = self._entries("/en/feed/linkedin/ki/")
        self.assertEqual(
            [e.findtext(f"{ATOM}title") for e in entries],
            ["AI training (version 2)", "AI training (version 1)"],
        )
        self.assertEqual(entries[0].findtext(f"{ATOM}summary"), "Fixed step 2.")

    def test_site_feed_has_every_platforms_guides(self):
        self.assertEqual(len(self._entries("/en/feed/")), 4)

    def test_platform_feed_has_only_that_platforms_guides(self):
        titles = self._titles("/en/feed/linkedin/")
        self.assertEqual(len(titles), 3)
        self.assertIn("Ads (version 1)", titles)
        self.assertNotIn("Other (version 1)", titles)

    def test_guide_feed_has_only_that_guides_versions(self):
        self.assertEqual(self._titles("/en/feed/example/other/"), ["Other (version 1)"])

    def test_each_feed_has_an_id_of_its_own(self):
        ids = {
            ElementTree.fromstring(self.client.get(url).content).findtext(f"{ATOM}id")
            for url in ("/en/feed/", "/en/feed/linkedin/", "/en/feed/linkedin/ki/")
        }
        self.assertEqual(
            ids,
            {
                "http://testserver/en/",
                "http://testserver/en/feed/linkedin/",
                "http://testserver/en/feed/linkedin/ki/",
            },
        )

    def test_scoped_feeds_are_titled_with_what_they_cover(self):
        feed = ElementTree.fromstring(self.client.get("/en/feed/linkedin/ki/").content)
        self.assertEqual(feed.findtext(f"{ATOM}title"), "Opt-out Guides: AI training")
        feed = ElementTree.fromstring(self.client.get("/de/feed/linkedin/").content)
        self.assertIn("LinkedIn", feed.findtext(f"{ATOM}title"))

    def test_feed_of_an_unknown_or_unpublished_guide_is_not_found(self):
        self.assertEqual(self.client.get("/en/feed/linkedin/nope/").status_code, 404)
        self.assertEqual(self.client.get("/en/feed/nope/").status_code, 404)
        draft_only = make_guide(platform=self.guide.platform, published=False)
        self.assertEqual(self.client.get(f"/en/feed/linkedin/{draft_only.slug}/").status_code, 404)

    def test_feed_of_a_former_guide_address_moves_to_the_current_one(self):
        FormerAddress.objects.create(
            platform=self.guide.platform, guide=self.ads, platform_slug="linkedin", guide_slug="ads"
        )
        response = self.client.get("/en/feed/linkedin/ads/")
        self.assertRedirects(response, "/en/feed/linkedin/werbung/", status_code=301)

    def test_fallback_text_is_labelled_with_its_own_language(self):
        feed = ElementTree.fromstring(self.client.get("/fr/feed/linkedin/ki/").content)
        self.assertEqual(feed.get(XML_LANG), "fr")
        entry = feed.findall(f"{ATOM}entry")[0]
        self.assertEqual(entry.get(XML_LANG), "en")
        self.assertEqual(entry.findtext(f"{ATOM}title"), "AI training (version 2)")
        self.assertIsNone(entry.find(f"{ATOM}summary").get(XML_LANG))

    def test_a_guide_feeds_title_in_a_fallback_language_says_so(self):
        feed = ElementTree.fromstring(self.client.get("/fr/feed/linkedin/ki/").content)
        title = feed.find(f"{ATOM}title")
        self.assertIn("AI training", title.text)
        self.assertEqual(title.get(XML_LANG), "en")
        self.assertIsNone(feed.find(f"{ATOM}subtitle").get(XML_LANG))

    def test_a_feed_title_in_the_feeds_language_carries_no_extra_label(self):
        for url in ("/en/feed/linkedin/ki/", "/fr/feed/linkedin/", "/fr/feed/"):
            with self.subTest(url):
                feed = ElementTree.fromstring(self.client.get(url).content)
                self.assertIsNone(feed.find(f"{ATOM}title").get(XML_LANG))

    def test_a_summary_in_another_language_than_its_title_says_so(self):
        guide = make_guide(slug="nur-de", title_en="English title", summary_en="")
        feed = ElementTree.fromstring(self.client.get(f"/en/feed/linkedin/{guide.slug}/").content)
        entry = feed.find(f"{ATOM}entry")
        self.assertIsNone(entry.get(XML_LANG))
        self.assertEqual(entry.find(f"{ATOM}summary").get(XML_LANG), "de")

    def test_text_in_the_feeds_language_carries_no_extra_label(self):
        entry = self._entries("/en/feed/linkedin/ki/")[0]
        self.assertIsNone(entry.get(XML_LANG))
        self.assertIsNone(entry.find(f"{ATOM}summary").get(XML_LANG))

    def test_an_unchanged_feed_answers_304(self):
        first = self.client.get("/en/feed/linkedin/ki/")
        again = self.client.get("/en/feed/linkedin/ki/", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)
        since = self.client.get(
            "/en/feed/linkedin/ki/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )
        self.assertEqual(since.status_code, 304)

    def test_a_new_publication_changes_the_feed(self):
        first = self.client.get("/en/feed/linkedin/werbung/")
        draft = self.ads.new_draft()
        draft.change_note_de = "Neu."
        draft.save()
        draft.publish()
        again = self.client.get("/en/feed/linkedin/werbung/", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 200)
        self.assertContains(again, "Ads (version 2)")

    def test_feed_is_per_language(self):
        entries = self._entries("/de/feed/linkedin/ki/")
        self.assertEqual(entries[0].findtext(f"{ATOM}summary"), "Schritt 2 korrigiert.")
        self.assertEqual(
            entries[0].find(f"{ATOM}link").get("href"), "http://testserver/de/linkedin/ki/"
        )

    def test_entry_links_open_the_version_without_a_redirect(self):
        entries = self._entries("/de/feed/linkedin/ki/")
        current, archived = (e.find(f"{ATOM}link").get("href") for e in entries)
        self.assertEqual(current, "http://testserver/de/linkedin/ki/")
        self.assertEqual(archived, "http://testserver/de/linkedin/ki/v1/")
        for link in (current, archived):
            self.assertEqual(self.client.get(link).status_code, 200)

    def test_german_entry_titles_name_the_version(self):
        entries = self._entries("/de/feed/linkedin/ki/")
        self.assertEqual(entries[1].findtext(f"{ATOM}title"), "KI-Training (Version 1)")

    def test_entry_ids_are_absolute_addresses_on_the_request_host(self):
        entries = self._entries("/de/feed/linkedin/ki/")
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        self.assertEqual(
            ids, ["http://testserver/de/linkedin/ki/v2/", "http://testserver/de/linkedin/ki/v1/"]
        )

    @override_settings(SITE_URL="https://optout.example.org")
    def test_feed_links_use_the_configured_site_url(self):
        entries = self._entries("/en/feed/linkedin/ki/")
        link = entries[1].find(f"{ATOM}link").get("href")
        self.assertEqual(link, "https://optout.example.org/en/linkedin/ki/v1/")
        self.assertEqual(entries[1].findtext(f"{ATOM}id"), link)
        self.assertEqual(
            entries[0].findtext(f"{ATOM}id"), "https://optout.example.org/en/linkedin/ki/v2/"
        )

    def test_pages_announce_the_feed(self):
        response = self.client.get("/de/")
        self.assertContains(response, 'type="application/atom+xml" href="/de/feed/"')

    def test_guide_page_links_its_own_feed(self):
        response = self.client.get("/de/linkedin/ki/")
        self.assertContains(response, 'type="application/atom+xml" href="/de/feed/linkedin/ki/"')
        self.assertContains(response, '<a class="feed-link" href="/de/feed/linkedin/ki/"')

    def test_platform_page_links_its_own_feed(self):
        response = self.client.get("/en/linkedin/")
        self.assertContains(response, 'type="application/atom+xml" href="/en/feed/linkedin/"')
        self.assertContains(response, '<a class="feed-link" href="/en/feed/linkedin/"')


@override_settings(PAGE_CACHE=False)  # the rendering itself, as on a cache miss
class FeedQueryTests(TestCase):
    def test_a_feed_takes_the_same_queries_for_three_guides_as_for_thirty(self):
        platform = make_platform()
        counts = []
        for total in (3, 30):
            while Guide.objects.count() < total:
                make_guide(platform=platform, steps=1)
            for url in ("/de/feed/", "/de/feed/linkedin/"):
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200)
                counts.append(len(queries))
        self.assertEqual(counts[:2], counts[2:])
