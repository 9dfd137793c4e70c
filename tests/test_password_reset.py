"""Password reset by e-mail: offered on the admin login only when an SMTP server is configured."""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import User
from django.core import mail
from django.test import TestCase, override_settings
from django.urls import clear_url_caches

from tests.admin_helpers import EnglishClient

ROOT = Path(__file__).resolve().parent.parent
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
FORGOTTEN = "Forgotten your login credentials?"


def _reload_urls():
    import config.urls

    clear_url_caches()
    importlib.reload(config.urls)


class _UrlsForMailers(TestCase):
    """The URLs are built at startup from the settings, so each class reloads them."""

    mailers = {}
    client_class = EnglishClient

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._mailers = override_settings(
            MAILERS=cls.mailers, PASSWORD_RESET_BY_EMAIL="default" in cls.mailers
        )
        cls._mailers.enable()
        _reload_urls()

    @classmethod
    def tearDownClass(cls):
        cls._mailers.disable()
        _reload_urls()
        super().tearDownClass()


class PasswordResetWithoutEmailTests(_UrlsForMailers):
    mailers = {}

    def test_login_page_offers_no_reset_link(self):
        response = self.client.get("/admin/login/")

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, FORGOTTEN)

    def test_reset_page_does_not_exist(self):
        response = self.client.get("/admin/password_reset/", follow=True)

        self.assertNotContains(response, 'name="email"')


class PasswordResetTests(_UrlsForMailers):
    mailers = LOCMEM

    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_user(
            "editor", email="editor@example.org", password="old-password", is_staff=True
        )

    def test_login_page_links_to_the_reset_form(self):
        response = self.client.get("/admin/login/")

        self.assertContains(response, FORGOTTEN)
        self.assertContains(response, 'href="/admin/password_reset/"')

    def test_reset_link_by_email_sets_a_new_password(self):
        response = self.client.post("/admin/password_reset/", {"email": "editor@example.org"})
        self.assertRedirects(response, "/admin/password_reset/done/")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["editor@example.org"])
        link = re.search(r"http://testserver(/reset/\S+/)", mail.outbox[0].body).group(1)

        form = self.client.get(link, follow=True)
        self.assertContains(form, "new_password1")
        done = self.client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
            follow=True,
        )

        self.assertContains(done, "Your password has been set.")
        self.editor.refresh_from_db()
        self.assertTrue(self.editor.check_password("a-new-long-passphrase"))

    def test_unknown_address_gets_no_mail_and_the_same_answer(self):
        response = self.client.post("/admin/password_reset/", {"email": "nobody@example.org"})

        self.assertRedirects(response, "/admin/password_reset/done/")
        self.assertEqual(mail.outbox, [])


def test_smtp_server_comes_from_the_environment():
    script = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "from django.conf import settings; print(json.dumps(settings.MAILERS))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "1"}
    smtp = {
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_HOST_USER": "guides",
        "EMAIL_HOST_PASSWORD": "secret",
        "DEFAULT_FROM_EMAIL": "guides@example.org",
    }

    def mailers(**env):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
        )
        return json.loads(result.stdout)

    assert mailers()["default"]["OPTIONS"]["host"] == "localhost"
    options = mailers(**smtp)["default"]["OPTIONS"]
    assert options["host"] == "smtp.example.org"
    assert (options["port"], options["use_tls"], options["use_ssl"]) == (587, True, False)
    assert (options["username"], options["password"]) == ("guides", "secret")
    assert mailers(**smtp, EMAIL_PORT="465")["default"]["OPTIONS"]["use_ssl"] is True
