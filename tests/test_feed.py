from xml.etree import ElementTree

from django.test import TestCase, override_settings

from tests.helpers import make_guide

ATOM = "{http://www.w3.org/2005/Atom}"


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

    def _entries(self, url):
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")

    def test_feed_has_an_entry_per_publication_newest_first(self):
        entries = self._entries("/en/feed/")
        self.assertEqual(
            [e.findtext(f"{ATOM}title") for e in entries],
            ["AI training (version 2)", "AI training (version 1)"],
        )
        self.assertEqual(entries[0].findtext(f"{ATOM}summary"), "Fixed step 2.")

    def test_feed_is_per_language(self):
        entries = self._entries("/de/feed/")
        self.assertEqual(entries[0].findtext(f"{ATOM}summary"), "Schritt 2 korrigiert.")
        self.assertEqual(
            entries[0].find(f"{ATOM}link").get("href"), "http://testserver/de/linkedin/ki/v2/"
        )

    def test_german_entry_titles_name_the_version(self):
        entries = self._entries("/de/feed/")
        self.assertEqual(entries[1].findtext(f"{ATOM}title"), "KI-Training (Version 1)")

    def test_entry_ids_are_absolute_addresses_on_the_request_host(self):
        entries = self._entries("/de/feed/")
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        self.assertEqual(
            ids, ["http://testserver/de/linkedin/ki/v2/", "http://testserver/de/linkedin/ki/v1/"]
        )

    @override_settings(SITE_URL="https://optout.example.org")
    def test_feed_links_use_the_configured_site_url(self):
        entries = self._entries("/en/feed/")
        link = entries[1].find(f"{ATOM}link").get("href")
        self.assertEqual(link, "https://optout.example.org/en/linkedin/ki/v1/")
        self.assertEqual(entries[1].findtext(f"{ATOM}id"), link)

    def test_pages_announce_the_feed(self):
        response = self.client.get("/de/")
        self.assertContains(response, 'type="application/atom+xml" href="/de/feed/"')
