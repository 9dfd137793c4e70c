"""The home and platform pages stay small and fast however many guides there are."""

from django.test import TestCase, override_settings

from guides.models import Guide
from tests.helpers import forget_kept_parts, make_guide, make_platform, published_copies

# Five platforms of 200 guides: 1,000 guides in all.
PLATFORMS = 5
GUIDES_PER_PLATFORM = 200
MAX_PAGE_BYTES = 60_000


class ThousandGuidesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.platforms = [make_platform(f"Plattform {n}", slug=f"p{n}") for n in range(PLATFORMS)]
        for platform in cls.platforms:
            first = make_guide(platform=platform, title_de=f"Erste Anleitung für {platform}")
            published_copies(first, GUIDES_PER_PLATFORM - 1)
        ads = make_guide(platform=cls.platforms[0], title_de="Werbung abschalten")
        Guide.objects.filter(pk=ads.pk).update(topic=Guide.Topic.ADVERTISING)

    def test_the_home_page_stays_small(self):
        response = self.client.get("/de/")
        self.assertLess(len(response.content), MAX_PAGE_BYTES)
        self.assertEqual(response.content.count(b'<article class="card">'), PLATFORMS * 6)
        self.assertContains(response, "Alle 201 Anleitungen für Plattform 0")
        self.assertContains(response, 'href="/de/p4/"')

    def test_a_platform_page_shows_one_page_of_guides_with_links_to_the_next(self):
        response = self.client.get("/de/p0/")
        self.assertLess(len(response.content), MAX_PAGE_BYTES)
        self.assertEqual(response.content.count(b'<article class="card">'), 24)
        self.assertContains(response, 'rel="next" href="?page=2"')
        self.assertNotContains(response, 'rel="prev"')
        self.assertContains(response, "Seite 1 von 9")
        last = self.client.get("/de/p0/?page=9")
        self.assertContains(last, 'rel="prev" href="?page=8"')
        self.assertNotContains(last, 'rel="next"')
        self.assertEqual(last.content.count(b'<article class="card">'), 201 - 8 * 24)

    def test_guides_are_grouped_by_topic(self):
        response = self.client.get("/de/p0/")
        self.assertContains(response, "<h2>Werbung</h2>")
        content = response.content.decode()
        self.assertLess(content.index("<h2>Werbung</h2>"), content.index("<h2>Sonstiges</h2>"))
        self.assertLess(content.index("Werbung abschalten"), content.index("<h2>Sonstiges</h2>"))

    def test_each_cached_page_shows_its_own_guides(self):
        first = self.client.get("/de/p0/?page=1").content
        second = self.client.get("/de/p0/?page=2").content
        self.assertNotEqual(first, second)
        self.assertEqual(self.client.get("/de/p0/?page=2").content, second)

    def test_a_page_that_does_not_exist_is_not_found(self):
        for page in ("10", "0", "zwei"):
            with self.subTest(page):
                self.assertEqual(self.client.get(f"/de/p0/?page={page}").status_code, 404)
        self.assertEqual(self.client.get("/de/?page=2").status_code, 404)

    @override_settings(PAGE_CACHE=False)
    def test_the_pages_take_as_many_queries_as_with_a_few_guides(self):
        for url in ("/de/", "/de/p0/", "/de/p0/?page=5"):
            forget_kept_parts()
            with self.subTest(url), self.assertNumQueries(5):
                self.client.get(url)


class ManyPlatformsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for n in range(12):
            make_guide(platform=make_platform(f"Plattform {n:02}", slug=f"p{n}"))

    def test_the_home_page_shows_ten_platforms_at_a_time(self):
        first = self.client.get("/de/")
        self.assertContains(first, "Plattform 09")
        self.assertNotContains(first, "Plattform 10")
        self.assertContains(first, 'rel="next" href="?page=2"')
        second = self.client.get("/de/?page=2")
        self.assertContains(second, "Plattform 11")
        self.assertNotContains(second, "Plattform 09")
        self.assertContains(second, 'rel="prev" href="?page=1"')
