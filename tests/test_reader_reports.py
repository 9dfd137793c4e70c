from datetime import timedelta
from io import StringIO

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import Report
from tests.helpers import forget_kept_parts, make_guide, make_user

HOST = "http://testserver"


def _old_stamp(seconds=60):
    """A form stamp signed `seconds` ago, as if the reader had read the form for that long."""
    from unittest import mock

    from reports.forms import form_stamp

    with mock.patch("time.time", return_value=timezone.now().timestamp() - seconds):
        return form_stamp()


class ReportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide()
        cls.url = f"/de/{cls.guide.platform.slug}/{cls.guide.slug}/report/"
        cls.step = cls.guide.published_version.steps.first()

    def setUp(self):
        cache.clear()

    def _send(self, url=None, origin=HOST, address="10.0.0.1", **fields):
        data = {
            "device": "ios",
            "app_version": "4.1",
            "text": "Ich sehe Datenschutz nicht.",
            "website": "",
            "stamp": _old_stamp(),
            **fields,
        }
        headers = {"Origin": origin} if origin else {}
        return self.client.post(url or self.url, data, headers=headers, REMOTE_ADDR=address)

    def test_guide_page_links_each_step_and_the_whole_guide_to_the_report_page(self):
        response = self.client.get(self.guide.get_absolute_url())
        self.assertContains(response, f"{self.url}?step={self.step.key}")
        self.assertContains(response, f'href="{self.url}"')

    def test_form_page_sets_no_cookie(self):
        response = self.client.get(self.url, {"step": self.step.key})
        self.assertContains(response, "Schritt 1")
        self.assertNotIn("Set-Cookie", response.headers)

    def test_a_report_is_stored_without_cookie_or_address(self):
        response = self._send(url=f"{self.url}?step={self.step.key}")
        self.assertContains(response, "Danke")
        self.assertNotIn("Set-Cookie", response.headers)
        report = Report.objects.get()
        self.assertEqual(
            (report.guide, report.version, report.step_key, report.language, report.device),
            (self.guide, self.guide.published_version, self.step.key, "de", "ios"),
        )
        self.assertNotIn("10.0.0.1", str(vars(report)))

    def test_whole_guide_report_has_no_step(self):
        self._send()
        self.assertIsNone(Report.objects.get().step_key)

    def test_foreign_origin_is_refused(self):
        self.assertEqual(self._send(origin="https://evil.example").status_code, 403)
        self.assertFalse(Report.objects.exists())

    def test_referer_is_the_fallback_for_a_missing_origin(self):
        data = {"device": "ios", "text": "Anders.", "stamp": _old_stamp()}
        response = self.client.post(self.url, data, headers={"Referer": f"{HOST}{self.url}"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._send(origin=None).status_code, 403)

    def test_filled_honeypot_is_refused(self):
        self.assertEqual(self._send(website="http://spam").status_code, 400)
        self.assertFalse(Report.objects.exists())

    def test_too_fast_and_expired_forms_are_refused_and_keep_the_text(self):
        for stamp in (_old_stamp(0), _old_stamp(7 * 3600)):
            response = self._send(stamp=stamp, text="Mein Text")
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "Mein Text", status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_too_long_text_gets_a_message_and_is_kept(self):
        response = self._send(text="x" * 1001)
        self.assertContains(response, "x" * 1001, status_code=400)
        self.assertContains(response, "höchstens 1000 Zeichen", status_code=400)
        self.assertContains(response, 'id="id_text_error"', status_code=400)
        described = 'aria-describedby="id_text_helptext id_text_error"'
        self.assertContains(response, described, status_code=400)

    def test_unknown_step_is_not_found(self):
        url = f"{self.url}?step=00000000-0000-0000-0000-000000000000"
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_unpublished_guide_has_no_report_page(self):
        draft = make_guide(published=False)
        url = f"/de/{draft.platform.slug}/{draft.slug}/report/"
        self.assertEqual(self.client.get(url).status_code, 404)

    @override_settings(REPORTS_PER_ADDRESS_PER_HOUR=2)
    def test_one_address_is_limited_per_guide_but_others_are_not(self):
        for _ in range(2):
            self.assertEqual(self._send().status_code, 200)
        self.assertEqual(self._send().status_code, 429)
        self.assertEqual(self._send(address="10.0.0.2").status_code, 200)
        other = make_guide(platform=self.guide.platform)
        other_url = f"/de/{other.platform.slug}/{other.slug}/report/"
        self.assertEqual(self._send(url=other_url).status_code, 200)

    @override_settings(REPORTS_PER_GUIDE_PER_DAY=3)
    def test_a_guide_takes_at_most_its_daily_cap(self):
        for n in range(3):
            self.assertEqual(self._send(address=f"10.0.1.{n}").status_code, 200)
        self.assertEqual(self._send(address="10.0.2.1").status_code, 429)
        self.assertEqual(Report.objects.count(), 3)


class ReportExpiryTests(TestCase):
    @override_settings(REPORTS_KEEP_DAYS=30)
    def test_prune_deletes_reports_older_than_the_kept_days(self):
        guide = make_guide()
        old, new = (
            Report.objects.create(
                guide=guide, version=guide.published_version, language="de", device="ios", text=t
            )
            for t in ("alt", "neu")
        )
        Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
        out = StringIO()
        call_command("prune_reports", stdout=out)
        self.assertEqual(list(Report.objects.all()), [new])
        self.assertIn("Deleted 1", out.getvalue())


class ReportAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide()
        cls.step = cls.guide.published_version.steps.first()
        cls.report = Report.objects.create(
            guide=cls.guide,
            version=cls.guide.published_version,
            step_key=cls.step.key,
            language="de",
            device="ios",
            text="Menü heißt jetzt anders",
        )
        cls.admin = make_user(is_superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_changelist_filtered_by_guide_and_status_shows_the_step(self):
        url = f"/admin/reports/report/?guide__id__exact={self.guide.pk}&status__exact=open"
        response = self.client.get(url)
        self.assertContains(response, "Menü heißt jetzt anders")
        self.assertContains(response, "Einstellungen › Datenschutz")
        self.assertEqual(Report.objects.open().count(), 1)

    def test_changelist_runs_no_query_per_report(self):
        def count_queries():
            forget_kept_parts()  # the site settings, kept once read
            with CaptureQueriesContext(connection) as queries:
                self.client.get("/admin/reports/report/")
            return len(queries)

        one = count_queries()
        for n in range(3):
            Report.objects.create(
                guide=self.guide,
                version=self.guide.published_version,
                step_key=self.step.key,
                language="en",
                device="desktop",
                text=f"Anders {n}",
            )
        self.assertEqual(count_queries(), one)

    def test_mark_resolved_asks_for_the_version_then_links_it(self):
        data = {"action": "mark_resolved", "_selected_action": [self.report.pk]}
        page = self.client.post("/admin/reports/report/", data)
        self.assertContains(page, "selected")
        response = self.client.post(
            "/admin/reports/report/",
            {**data, "apply": "1", "version": self.guide.published_version_id},
        )
        self.assertEqual(response.status_code, 302)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Report.Status.RESOLVED)
        self.assertEqual(self.report.resolved_by_version, self.guide.published_version)
        self.assertEqual(self.report.handled_by, self.admin)
        self.assertEqual(Report.objects.open().count(), 0)

    def test_dismiss(self):
        data = {"action": "dismiss", "_selected_action": [self.report.pk]}
        self.client.post("/admin/reports/report/", data)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Report.Status.DISMISSED)


class ReportPermissionTests(TestCase):
    def test_editors_handle_reports_translators_read_them_publishers_may_delete(self):
        def codenames(group):
            return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))

        self.assertTrue({"view_report", "change_report"} <= codenames("Editor"))
        self.assertNotIn("delete_report", codenames("Editor"))
        self.assertIn("view_report", codenames("Translator"))
        self.assertNotIn("change_report", codenames("Translator"))
        self.assertIn("delete_report", codenames("Publisher"))
