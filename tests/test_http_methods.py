"""Reader pages answer GET and HEAD; every other method gets 405, whatever the page."""

from django.test import TestCase

from tests.helpers import make_guide, make_platform, make_user

OTHER_METHODS = ("OPTIONS", "TRACE", "POST", "PUT", "PATCH", "DELETE")


class HttpMethodsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        platform = make_platform(name="LinkedIn")
        make_guide(platform=platform, slug="ki-training")
        cls.pages = [
            "/",
            "/favicon.ico",
            "/de/",
            "/en/search/?q=ki",
            "/de/feed/",
            "/de/linkedin/",
            "/de/linkedin/ki-training/",
            "/de/linkedin/ki-training/history/",
            "/de/linkedin/ki-training/compare/",
            "/de/linkedin/ki-training/v1/",
        ]

    def _send(self, method, path):
        return self.client.generic(method, path, headers={"accept-language": "de"})

    def test_reader_pages_answer_get_and_head(self):
        for path in self.pages:
            for method in ("GET", "HEAD"):
                with self.subTest(method=method, path=path):
                    self.assertIn(self._send(method, path).status_code, (200, 301, 302))

    def test_other_methods_get_405_and_learn_which_are_allowed(self):
        for path in self.pages:
            for method in OTHER_METHODS:
                with self.subTest(method=method, path=path):
                    response = self._send(method, path)
                    self.assertEqual(response.status_code, 405)
                    self.assertEqual(response["Allow"], "GET, HEAD")

    def test_unknown_addresses_stay_404_for_any_method(self):
        for method in ("GET", "OPTIONS", "POST"):
            with self.subTest(method=method):
                self.assertEqual(self._send(method, "/de/nowhere/at/all/").status_code, 404)

    def test_health_check_answers_get_and_head_only(self):
        self.assertEqual(self._send("HEAD", "/healthz").status_code, 200)
        self.assertEqual(self._send("POST", "/healthz").status_code, 405)

    def test_admin_still_takes_form_posts(self):
        make_user(username="editor", is_superuser=True)

        response = self.client.post(
            "/admin/login/?next=/admin/", {"username": "editor", "password": "pw"}
        )

        self.assertRedirects(response, "/admin/")
