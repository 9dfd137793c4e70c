"""Sessions and messages are made only when something uses them (config/middleware.py), and
behave as Django's own otherwise."""

from django.conf import settings
from django.test import TestCase

from .helpers import make_guide, make_user


class SessionAndMessageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_guide()
        cls.user = make_user(username="editor")

    def test_a_reader_page_sets_no_cookie_and_does_not_vary_on_cookies(self):
        response = self.client.get("/de/linkedin/ki/")
        self.assertEqual(response.cookies, {})
        self.assertNotIn("Cookie", response.get("Vary", ""))

    def test_a_login_starts_a_session_the_next_request_knows(self):
        response = self.client.post(
            "/admin/login/", {"username": "editor", "password": "pw", "next": "/admin/"}
        )
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertIn(settings.SESSION_COOKIE_NAME, response.cookies)
        self.assertContains(self.client.get("/admin/"), "editor")

    def test_a_session_cookie_of_no_session_is_deleted(self):
        self.client.cookies[settings.SESSION_COOKIE_NAME] = "x"
        response = self.client.get("/de/")
        self.assertEqual(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"], 0)

    def test_a_message_shows_on_the_page_after_the_action(self):
        self.client.force_login(make_user(is_superuser=True))
        response = self.client.post(
            "/admin/auth/user/",
            {"action": "delete_selected", "index": "0"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(response, "Items must be selected in order to perform actions")
