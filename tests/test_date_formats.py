import datetime

from django.test import TestCase

from tests.helpers import make_guide


class DateFormatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki")
        cls.guide.published_version.mark_verified(on=datetime.date(2025, 10, 29))

    def test_english_pages_write_dates_the_way_the_texts_do(self):
        response = self.client.get("/en/linkedin/ki/")
        self.assertContains(response, ">29 October 2025</time>")

    def test_german_pages_keep_the_german_date_format(self):
        response = self.client.get("/de/linkedin/ki/")
        self.assertContains(response, ">29. Oktober 2025</time>")

    def test_french_pages_keep_the_french_date_format(self):
        response = self.client.get("/fr/linkedin/ki/")
        self.assertContains(response, ">29 octobre 2025</time>")
