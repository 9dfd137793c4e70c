"""Reader pages cost the same number of queries however big the catalogue or the guide."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from guides.models import Guide
from tests.helpers import forget_kept_parts, make_guide, make_platform, published_copies


@override_settings(PAGE_CACHE=False)  # the rendering itself, as on a cache miss
class GuidePageQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        platform = make_platform()
        make_guide(platform=platform, slug="two", steps=2)
        make_guide(platform=platform, slug="fifty", steps=50)

    def test_a_guide_with_fifty_steps_takes_as_many_queries_as_one_with_two(self):
        for url in ("/de/linkedin/two/", "/de/linkedin/fifty/"):
            forget_kept_parts()
            with self.subTest(url=url), self.assertNumQueries(5):
                self.client.get(url)

    def test_a_guide_read_again_takes_no_query(self):
        self.client.get("/de/linkedin/fifty/")
        with self.assertNumQueries(0):
            self.assertContains(self.client.get("/de/linkedin/fifty/"), 'class="step"', count=50)

    def test_after_an_edit_elsewhere_the_steps_and_sources_are_not_read_again(self):
        self.client.get("/de/linkedin/fifty/")
        make_platform(name="Other")
        # guide with platform and version, regions, site settings
        with self.assertNumQueries(3):
            self.assertContains(self.client.get("/de/linkedin/fifty/"), 'class="step"', count=50)

    def test_steps_and_sources_are_loaded_without_joining_guides_or_platforms(self):
        # Ordering a version's steps once joined version, guide and platform (the models'
        # orderings chained), a cost that grew with the catalogue.
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/de/linkedin/fifty/")
        for table in ("guides_step", "guides_source"):
            [sql] = [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}"')]
            for joined in ("guides_guideversion", "guides_guide", "guides_platform"):
                with self.subTest(table=table, joined=joined):
                    self.assertNotIn(f'JOIN "{joined}"', sql)


@override_settings(PAGE_CACHE=False)
class CatalogueQueryTests(TestCase):
    # (first read, read again): read again, no page reads the site settings, the lists are kept
    # until the next write, search only ranks (its cards are kept) and the guide page reads
    # nothing at all.
    PAGES = {
        "/de/": (5, 0),
        "/de/linkedin/": (5, 0),
        "/de/search/?q=Anleitung": (3, 1),
        "/de/linkedin/guide-0/": (5, 0),
        "/de/linkedin/guide-0/history/": (3, 2),
    }

    @classmethod
    def setUpTestData(cls):
        cls.platform = make_platform()
        for n in range(3):
            make_guide(platform=cls.platform, slug=f"guide-{n}", steps=1)

    def _assert_counts(self):
        for url, (count, _again) in self.PAGES.items():
            forget_kept_parts()
            with self.subTest(url=url), self.assertNumQueries(count):
                self.assertEqual(self.client.get(url).status_code, 200)
        for url, (_count, again) in self.PAGES.items():
            self.client.get(url)
            with self.subTest(url=url, again=True), self.assertNumQueries(again):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_lists_and_search_take_a_fixed_number_of_queries_with_three_guides(self):
        self._assert_counts()

    def test_lists_and_search_take_the_same_number_of_queries_with_three_hundred_guides(self):
        published_copies(Guide.objects.get(slug="guide-1"), 297)
        call_command("rebuild_search_index", stdout=StringIO())  # the copies are found too
        self._assert_counts()
