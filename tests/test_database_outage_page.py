"""The 503 page for a database outage, also when the outage strikes outside a view."""

from unittest import mock

from django.db import OperationalError
from django.test import TestCase
from django.utils import translation


class DatabaseOutagePageTests(TestCase):
    def setUp(self):
        self.client.raise_request_exception = False
        # Failing before LocaleMiddleware, the page comes in the language already active.
        self.enterContext(translation.override("en"))

    def _with_outage_in_a_middleware(self):
        # Any middleware that reads the database before the view, e.g. sessions.
        return mock.patch(
            "config.middleware.LazySessionMiddleware.process_request",
            side_effect=OperationalError("connection refused"),
        )

    def test_outage_before_the_view_gets_the_503_page(self):
        with self._with_outage_in_a_middleware():
            response = self.client.get("/en/")

        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertContains(response, "Back in a few minutes", status_code=503)

    def test_other_errors_still_get_the_500_page(self):
        with mock.patch(
            "config.middleware.LazySessionMiddleware.process_request",
            side_effect=RuntimeError("a bug"),
        ):
            response = self.client.get("/en/")

        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Something went wrong", status_code=500)
