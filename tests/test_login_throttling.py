"""Admin logins are throttled by django-axes: per user name and address, for a while."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import time_machine
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from tests.admin_helpers import EnglishClient

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/?next=/admin/"


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=datetime.timedelta(minutes=10))
class LoginThrottlingTests(TestCase):
    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_user("editor", password="right-password", is_staff=True)

    def login(self, password, username="editor", address="203.0.113.7", **headers):
        return self.client.post(
            LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
        )

    def fail_login(self, times, **kwargs):
        for _ in range(times):
            self.login("wrong", **kwargs)

    def test_correct_password_logs_in_below_the_limit(self):
        self.fail_login(2)

        self.assertRedirects(self.login("right-password"), "/admin/", fetch_redirect_response=False)

    def test_login_is_refused_after_the_configured_number_of_failures(self):
        self.fail_login(3)

        response = self.login("right-password")

        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed logins", status_code=429)
        self.assertContains(response, "3 times in a row", status_code=429)
        self.assertContains(response, "Try again in 10 minutes", status_code=429)
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_lock_ends_after_the_configured_minutes(self):
        self.fail_login(3)

        with time_machine.travel(datetime.timedelta(minutes=9)):
            self.assertEqual(self.login("right-password").status_code, 429)
        with time_machine.travel(datetime.timedelta(minutes=21)):
            self.assertEqual(self.login("right-password").status_code, 302)

    def test_lock_is_per_user_name_and_address(self):
        User.objects.create_user("colleague", password="her-password", is_staff=True)
        self.fail_login(3)

        # The same user from elsewhere, and a colleague behind the same office address.
        self.assertEqual(self.login("right-password", address="198.51.100.1").status_code, 302)
        self.client.logout()
        self.assertEqual(self.login("her-password", username="colleague").status_code, 302)

    def test_locked_page_speaks_the_browsers_language(self):
        self.fail_login(3)

        response = self.login("right-password", HTTP_ACCEPT_LANGUAGE="de")

        self.assertContains(response, "Zu viele fehlgeschlagene Anmeldungen", status_code=429)

    def test_administrator_can_unlock_in_the_admin(self):
        self.fail_login(3)
        admin = User.objects.create_superuser("boss", password="boss-password")
        attempt = AccessAttempt.objects.get(username="editor")
        boss = EnglishClient()
        boss.force_login(admin)

        changelist = reverse("admin:axes_accessattempt_changelist")
        self.assertContains(boss.get(changelist), "editor")
        boss.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
        )

        self.assertEqual(self.login("right-password").status_code, 302)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_the_forwarded_address_counts(self):
        proxy = "10.0.0.2"
        self.fail_login(3, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.50")

        locked = self.login("right-password", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.50")
        # A forged entry on the left does not help: the proxy appended the real address.
        forged = self.login(
            "right-password", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 192.0.2.50"
        )
        other = self.login("right-password", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.51")

        self.assertEqual((locked.status_code, forged.status_code), (429, 429))
        self.assertEqual(other.status_code, 302)


@override_settings(LOGIN_RECORDS_DAYS=30)
class LoginRecordsTests(TestCase):
    def test_records_older_than_the_retention_are_deleted(self):
        with time_machine.travel(datetime.timedelta(days=-31)):
            AccessLog.objects.create(username="old", ip_address="192.0.2.1", user_agent="x")
            AccessAttempt.objects.create(
                username="old", ip_address="192.0.2.1", user_agent="x", failures_since_start=1
            )
        with time_machine.travel(datetime.timedelta(days=-29)):
            AccessLog.objects.create(username="recent", ip_address="192.0.2.1", user_agent="x")
        out = StringIO()

        call_command("prune_login_records", stdout=out)

        self.assertEqual(list(AccessLog.objects.values_list("username", flat=True)), ["recent"])
        self.assertFalse(AccessAttempt.objects.exists())
        self.assertIn("Deleted 2 login records older than 30 days", out.getvalue())


def test_limits_come_from_the_environment():
    script = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "from django.conf import settings; print(json.dumps([settings.AXES_FAILURE_LIMIT,"
        " settings.AXES_COOLOFF_TIME.total_seconds(), settings.LOGIN_RECORDS_DAYS,"
        " settings.TRUSTED_PROXY_COUNT]))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_DEBUG": "1",
        "LOGIN_FAILURE_LIMIT": "7",
        "LOGIN_COOLOFF_MINUTES": "45",
        "LOGIN_RECORDS_DAYS": "14",
        "TRUSTED_PROXY_COUNT": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert json.loads(result.stdout) == [7, 45 * 60, 14, 1], result.stderr
