"""/healthz: 200 while the database answers, for a container's health check on 127.0.0.1."""

from django.test import TestCase, override_settings


class HealthzTests(TestCase):
    def test_answers_ok_as_plain_text_when_the_database_answers(self):
        response = self.client.get("/healthz")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain")
        self.assertEqual(response.content, b"ok\n")

    @override_settings(ALLOWED_HOSTS=["guides.example.org"], SECURE_SSL_REDIRECT=True)
    def test_answers_a_container_health_check_on_plain_http_to_127_0_0_1(self):
        response = self.client.get("/healthz", headers={"host": "127.0.0.1:8000"})

        self.assertEqual(response.status_code, 200)

    @override_settings(ALLOWED_HOSTS=["guides.example.org"], SECURE_SSL_REDIRECT=True)
    def test_other_pages_still_refuse_a_foreign_host(self):
        response = self.client.get("/de/", headers={"host": "127.0.0.1:8000"})

        self.assertEqual(response.status_code, 400)

    def test_carries_the_security_headers(self):
        response = self.client.get("/healthz")

        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
