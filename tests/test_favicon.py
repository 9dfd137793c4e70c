from django.test import TestCase


class FaviconTests(TestCase):
    def test_favicon_ico_redirects_to_the_site_icon(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 302)
        self.assertRegex(response["Location"], r"^/static/img/icon\.[0-9a-f]+\.svg$")
        icon = self.client.get(response["Location"])
        self.assertEqual(icon.status_code, 200)
        self.assertEqual(icon["Content-Type"], "image/svg+xml")

    def test_favicon_sets_no_cookie(self):
        self.assertEqual(self.client.get("/favicon.ico").cookies, {})
