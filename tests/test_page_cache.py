"""Whole reader pages are cached, and never wrong: every change shows on the next request."""

import datetime
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock, skipUnless

import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from branding.models import SiteSettings
from config import wsgi
from guides import caching
from guides.models import Guide, GuideVersion, Step
from reports.models import Report
from tests.helpers import WSGIServer, make_guide, make_user, publish_draft, published_copies

GUIDE = "/de/linkedin/ki-training/"


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki-training", title_de="Alter Titel")

    def test_a_publish_shows_on_the_next_request(self):
        self.assertContains(self.client.get(GUIDE), "Alter Titel")
        publish_draft(self.guide, title_de="Neuer Titel")
        response = self.client.get(GUIDE)
        self.assertContains(response, "Neuer Titel")
        self.assertNotContains(response, "Alter Titel")

    def test_a_step_checked_on_the_published_version_shows_at_once(self):
        self.assertNotContains(self.client.get(GUIDE), "in der App geprüft am")
        step = self.guide.published_version.steps.first()
        step.mark_verified(device="app", on=datetime.date(2026, 11, 30))
        self.assertContains(self.client.get(GUIDE), "in der App geprüft am")

    def test_a_branding_change_shows_at_once(self):
        self.client.get("/de/")
        SiteSettings.objects.create(pk=SiteSettings.SINGLE_PK, name="Betriebsrat Beispiel")
        self.assertContains(self.client.get("/de/"), "Betriebsrat Beispiel")

    def test_a_preview_is_never_served_to_an_anonymous_reader(self):
        draft = self.guide.new_draft()
        draft.title_de = "Geheimer Entwurf"
        draft.save()
        editor = make_user(is_superuser=True)
        self.client.force_login(editor)
        self.assertContains(self.client.get(f"/de/preview/{draft.pk}/"), "Geheimer Entwurf")
        self.client.logout()
        self.assertNotContains(self.client.get(GUIDE), "Geheimer Entwurf")
        self.assertNotEqual(self.client.get(f"/de/preview/{draft.pk}/").status_code, 200)

    def test_a_logged_in_editor_never_gets_a_cached_page(self):
        self.client.get(GUIDE)
        self.client.force_login(make_user())
        response = self.client.get(GUIDE)
        self.assertNotIn("ETag", response)
        self.assertNotIn("public", response.get("Cache-Control", ""))

    def test_the_stale_notice_appears_the_day_the_guide_becomes_stale(self):
        verified = self.guide.published_version.verified_on
        last_fresh_day = verified + datetime.timedelta(days=settings.STALE_AFTER_DAYS)
        noon = datetime.time(12, tzinfo=timezone.get_current_timezone())
        with time_machine.travel(datetime.datetime.combine(last_fresh_day, noon), tick=False):
            self.assertNotContains(self.client.get(GUIDE), "Tage nicht geprüft")
            self.assertNotContains(self.client.get(GUIDE), "Tage nicht geprüft")
        next_day = last_fresh_day + datetime.timedelta(days=1)
        with time_machine.travel(datetime.datetime.combine(next_day, noon), tick=False):
            self.assertContains(self.client.get(GUIDE), "Tage nicht geprüft")

    def test_a_page_the_reader_has_is_answered_with_304(self):
        first = self.client.get(GUIDE)
        again = self.client.get(GUIDE, headers={"if-none-match": first["ETag"]})
        self.assertEqual(again.status_code, 304)
        since = self.client.get(GUIDE, headers={"if-modified-since": first["Last-Modified"]})
        self.assertEqual(since.status_code, 304)

    def test_a_changed_page_is_sent_whole_to_a_conditional_request(self):
        first = self.client.get(GUIDE)
        publish_draft(self.guide, title_de="Neuer Titel")
        again = self.client.get(GUIDE, headers={"if-none-match": first["ETag"]})
        self.assertContains(again, "Neuer Titel")

    def test_reader_pages_may_be_kept_briefly_by_a_proxy(self):
        for url in ("/de/", "/de/linkedin/", GUIDE, f"{GUIDE}history/", "/de/feed/"):
            with self.subTest(url=url):
                self.assertIn("public, max-age=", self.client.get(url)["Cache-Control"])

    def test_a_reader_page_is_sent_compressed_to_a_browser_that_accepts_it(self):
        response = self.client.get(GUIDE, headers={"accept-encoding": "gzip, br"})
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertIn("Alter Titel", gzip.decompress(response.content).decode())
        self.assertNotIn("Content-Encoding", self.client.get(GUIDE))

    def test_admin_pages_are_not_compressed(self):
        self.client.force_login(make_user(is_superuser=True))
        response = self.client.get("/admin/", headers={"accept-encoding": "gzip"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Content-Encoding", response)

    def test_search_is_not_cached(self):
        self.assertNotIn("ETag", self.client.get("/de/search/?q=Titel"))


class WritesWithoutSignalsTests(TestCase):
    """update(), bulk_create() and raw SQL send no model signals; the page is fresh all the
    same, because the database connection itself replaces the content token."""

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki-training", title_de="Alter Titel")
        cls.version = cls.guide.published_version

    def test_a_title_changed_with_update_shows_on_the_next_request(self):
        self.assertContains(self.client.get(GUIDE), "Alter Titel")
        GuideVersion.objects.filter(guide=self.guide).update(title_de="Neuer Titel")
        self.assertContains(self.client.get(GUIDE), "Neuer Titel")

    def test_a_step_added_with_bulk_create_shows_on_the_next_request(self):
        self.assertNotContains(self.client.get(GUIDE), "Neuer Schritt")
        Step.objects.bulk_create(
            [Step(version=self.version, position=9, instruction_de="Neuer Schritt")]
        )
        self.assertContains(self.client.get(GUIDE), "Neuer Schritt")

    def test_a_platform_renamed_in_raw_sql_shows_on_the_next_request(self):
        self.assertContains(self.client.get("/de/"), "LinkedIn")
        table = self.guide.platform._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET name = %s", ["Umbenannt"])
        self.assertContains(self.client.get("/de/"), "Umbenannt")

    def test_writes_readers_never_see_keep_the_cached_pages(self):
        self.client.get(GUIDE)
        Report.objects.create(
            guide=self.guide, version=self.version, language="de", device="ios", text="Alt"
        )
        Report.objects.update(text="Neu")
        SessionStore().save()
        Client().force_login(make_user())  # a new editor account, and a login
        with self.assertNumQueries(0):  # answered from the cache
            self.assertContains(self.client.get(GUIDE), "Alter Titel")


class WritesInTransactionsTests(TransactionTestCase):
    """A transaction's writes replace the token again when it commits: another worker may have
    rendered the old rows under the token replaced by the first write. Real commits here."""

    def setUp(self):
        self.guide = make_guide(slug="ki-training", title_de="Alter Titel")

    def _change_title_in_a_transaction(self, title):
        with transaction.atomic():
            GuideVersion.objects.filter(guide=self.guide).update(title_de=title)
            Guide.objects.filter(pk=self.guide.pk).update(position=2)
            return caching.CONTENT_TOKEN.current()

    def test_the_token_is_replaced_again_when_the_transaction_commits(self):
        during = self._change_title_in_a_transaction("Neuer Titel")
        self.assertNotEqual(caching.CONTENT_TOKEN.current(), during)
        self.assertContains(self.client.get(GUIDE), "Neuer Titel")

    def test_a_transaction_adds_one_replacement_on_commit_whatever_its_writes(self):
        token = caching.CONTENT_TOKEN
        with mock.patch.object(token, "replace_now", wraps=token.replace_now) as replace:
            self._change_title_in_a_transaction("Neuer Titel")
        self.assertEqual(replace.call_count, 2 + 1)  # after each write, and at the commit

    def test_a_transaction_after_a_rolled_back_one_still_replaces_it_on_commit(self):
        with self.assertRaises(RuntimeError), transaction.atomic():
            GuideVersion.objects.filter(guide=self.guide).update(title_de="Verworfen")
            raise RuntimeError("rolled back")
        during = self._change_title_in_a_transaction("Neuer Titel")
        self.assertNotEqual(caching.CONTENT_TOKEN.current(), during)


class DeployTests(TestCase):
    """A deploy with new templates or code must not serve pages the old code rendered."""

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki-training", title_de="Alter Titel")

    def test_a_new_build_renders_the_page_afresh(self):
        with mock.patch.object(caching, "build_id", return_value="old-build"):
            self.client.get(GUIDE)
        # The old build's page is cached; a row changed behind the content token's back.
        version = self.guide.published_version
        with mock.patch.object(caching.CONTENT_TOKEN, "replace"):
            type(version).objects.filter(pk=version.pk).update(title_de="Neu gerendert")
        with mock.patch.object(caching, "build_id", return_value="old-build"):
            self.assertContains(self.client.get(GUIDE), "Alter Titel")
        with mock.patch.object(caching, "build_id", return_value="new-build"):
            self.assertContains(self.client.get(GUIDE), "Neu gerendert")

    def test_the_build_id_follows_the_templates(self):
        with tempfile.TemporaryDirectory() as root:
            template = Path(root, "templates", "page.html")
            template.parent.mkdir()
            template.write_text("<p>v1</p>")
            with override_settings(BASE_DIR=Path(root), STATIC_ROOT=Path(root, "staticfiles")):
                caching.build_id.cache_clear()
                first = caching.build_id()
                caching.build_id.cache_clear()
                self.assertEqual(caching.build_id(), first)
                template.write_text("<p>v2</p>")
                caching.build_id.cache_clear()
                self.assertNotEqual(caching.build_id(), first)
            caching.build_id.cache_clear()

    def test_the_build_id_ignores_what_ci_runs_write_in_the_clone(self):
        with tempfile.TemporaryDirectory() as root:
            Path(root, "templates").mkdir()
            Path(root, "templates", "page.html").write_text("<p>v1</p>")
            runs = Path(root, ".ci", "runs", "sqlite", "tmp")
            runs.mkdir(parents=True)
            with override_settings(BASE_DIR=Path(root), STATIC_ROOT=Path(root, "staticfiles")):
                caching.build_id.cache_clear()
                first = caching.build_id()
                (runs / "written-by-a-test.json").write_text("{}")
                caching.build_id.cache_clear()
                self.assertEqual(caching.build_id(), first)
            caching.build_id.cache_clear()


class EarlyAnswerTests(TestCase):
    """A repeat request is answered by the WSGI layer, before Django builds a request.

    Django's test client skips the WSGI application, so these requests go through
    config.wsgi.application as gunicorn sends them.
    """

    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki-training", title_de="Alter Titel")

    def setUp(self):
        self.server = WSGIServer(wsgi.application)

    def test_a_repeat_request_is_answered_before_django_runs(self):
        first = self.server.get(GUIDE)
        django_runs = mock.patch.object(
            wsgi.application, "application", side_effect=AssertionError("Django ran")
        )
        with django_runs, self.assertNumQueries(0):
            again = self.server.get(GUIDE)
        self.assertEqual(again.status, "200 OK")
        self.assertEqual(again.body, first.body)
        self.assertIn("Alter Titel", again.text)
        for header in (
            "Content-Type",
            "Content-Language",
            "Content-Security-Policy",
            "X-Frame-Options",
            "Referrer-Policy",
            "ETag",
            "Last-Modified",
            "Cache-Control",
        ):
            self.assertEqual(again.headers.get(header), first.headers.get(header), header)

    def test_another_worker_answers_from_the_shared_cache(self):
        self.server.get(GUIDE)
        other_worker = WSGIServer(caching.EarlyAnswer(wsgi.django_application))
        with mock.patch.object(other_worker.application, "application", side_effect=AssertionError):
            self.assertIn("Alter Titel", other_worker.get(GUIDE).text)

    def test_a_publish_shows_on_the_next_request_in_every_worker(self):
        other_worker = WSGIServer(caching.EarlyAnswer(wsgi.django_application))
        for server in (self.server, other_worker, self.server, other_worker):
            server.get(GUIDE)
        publish_draft(self.guide, title_de="Neuer Titel")
        for server in (self.server, other_worker):
            page = server.get(GUIDE).text
            self.assertIn("Neuer Titel", page)
            self.assertNotIn("Alter Titel", page)

    def test_languages_and_hosts_are_kept_apart(self):
        with override_settings(ALLOWED_HOSTS=["testserver", "guides.example.org"]):
            for _ in range(2):
                german = self.server.get(GUIDE)
                english = self.server.get("/en/linkedin/ki-training/")
                other_host = self.server.get(GUIDE, HTTP_HOST="guides.example.org")
                self.assertEqual(german.headers["Content-Language"], "de")
                self.assertEqual(english.headers["Content-Language"], "en")
                self.assertIn("http://testserver/de/linkedin/ki-training/", german.text)
                self.assertIn("http://guides.example.org/de/linkedin/ki-training/", other_host.text)

    def test_the_stale_notice_is_not_held_back_by_an_early_answer(self):
        verified = self.guide.published_version.verified_on
        last_fresh_day = verified + datetime.timedelta(days=settings.STALE_AFTER_DAYS)
        noon = datetime.time(12, tzinfo=timezone.get_current_timezone())
        with time_machine.travel(datetime.datetime.combine(last_fresh_day, noon), tick=False):
            self.server.get(GUIDE)
            self.assertNotIn("Tage nicht geprüft", self.server.get(GUIDE).text)
        next_day = last_fresh_day + datetime.timedelta(days=1)
        with time_machine.travel(datetime.datetime.combine(next_day, noon), tick=False):
            self.assertIn("Tage nicht geprüft", self.server.get(GUIDE).text)

    def test_a_host_django_refuses_is_never_answered_from_the_cache(self):
        self.server.get(GUIDE)
        self.assertEqual(self.server.get(GUIDE, HTTP_HOST="evil.example").status[:3], "400")

    def test_an_address_without_language_follows_the_browsers_language(self):
        for _ in range(2):
            german = self.server.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="de")
            english = self.server.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")
            self.assertEqual(german.headers["Content-Language"], "de")
            self.assertEqual(english.headers["Content-Language"], "en")

    def test_a_signed_in_editor_is_never_answered_early(self):
        self.server.get(GUIDE)
        self.client.force_login(make_user())
        session = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
        page = self.server.get(GUIDE, HTTP_COOKIE=cookie)
        self.assertEqual(page.status, "200 OK")
        self.assertNotIn("ETag", page.headers)

    def test_an_early_answer_is_compressed_when_the_browser_accepts_it(self):
        plain = self.server.get(GUIDE)
        zipped = self.server.get(GUIDE, HTTP_ACCEPT_ENCODING="gzip, br")
        self.assertEqual(zipped.headers["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(zipped.body), plain.body)
        self.assertEqual(int(zipped.headers["Content-Length"]), len(zipped.body))
        self.assertNotIn("Content-Encoding", self.server.get(GUIDE).headers)

    def test_an_early_answer_tells_a_browser_that_has_the_page_so(self):
        first = self.server.get(GUIDE)
        etag = self.server.get(GUIDE, HTTP_IF_NONE_MATCH=first.headers["ETag"])
        since = self.server.get(GUIDE, HTTP_IF_MODIFIED_SINCE=first.headers["Last-Modified"])
        self.assertEqual((etag.status, etag.body), ("304 Not Modified", b""))
        self.assertEqual((since.status, since.body), ("304 Not Modified", b""))
        self.assertEqual(etag.headers["ETag"], first.headers["ETag"])
        other = self.server.get(GUIDE, HTTP_IF_NONE_MATCH='"something-else"')
        self.assertEqual(other.body, first.body)

    def test_a_head_request_gets_the_headers_only(self):
        first = self.server.get(GUIDE)
        head = self.server.get(GUIDE, REQUEST_METHOD="HEAD")
        self.assertEqual((head.status, head.body), ("200 OK", b""))
        self.assertEqual(head.headers["Content-Length"], str(len(first.body)))

    @override_settings(EMBED_FRAME_ANCESTORS=["https://intranet.example.org"])
    def test_an_early_answer_keeps_the_embeds_framing_rules(self):
        embed = "/de/linkedin/ki-training/embed/"
        first = self.server.get(embed)
        again = self.server.get(embed)
        self.assertIn("https://intranet.example.org", again.headers["Content-Security-Policy"])
        self.assertNotIn("X-Frame-Options", again.headers)
        self.assertEqual(
            again.headers["Content-Security-Policy"], first.headers["Content-Security-Policy"]
        )

    @override_settings(PAGE_CACHE_MEMORY_BYTES=100_000)
    def test_a_worker_keeps_no_more_pages_in_memory_than_configured(self):
        server = WSGIServer(caching.EarlyAnswer(wsgi.django_application))
        for guide in published_copies(self.guide, 6):
            server.get(f"/de/linkedin/{guide.slug}/")
        kept = server.application.kept
        self.assertLessEqual(kept.bytes, 100_000)
        self.assertGreater(len(kept.pages), 0)


IN_MEMORY = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}


class ContentTokenTests(TestCase):
    """The token every worker process reads before answering from its memory."""

    def setUp(self):
        self.server = WSGIServer(wsgi.application)
        make_guide(slug="ki-training", title_de="Alter Titel")

    def test_a_write_in_another_process_retires_the_pages_this_one_keeps(self):
        self.server.get(GUIDE)
        before = caching.CONTENT_TOKEN.current()
        replace_in_another_process = (
            "import django\n"
            "from django.conf import settings\n"
            f"settings.configure(CACHES={settings.CACHES!r}, DATABASES={IN_MEMORY!r})\n"
            "django.setup()\n"
            "from guides import caching\n"
            "caching.content_changed()\n"
        )
        subprocess.run(
            [sys.executable, "-c", replace_in_another_process], check=True, cwd=settings.BASE_DIR
        )
        self.assertNotEqual(caching.CONTENT_TOKEN.current(), before)
        django = mock.patch.object(
            wsgi.application, "application", wraps=wsgi.application.application
        )
        with django as django_ran:
            self.assertIn("Alter Titel", self.server.get(GUIDE).text)
        django_ran.assert_called_once()

    @skipUnless(
        settings.CACHES["pages"]["BACKEND"] == caching.FILE_BASED_CACHE, "the token is in Redis"
    )
    def test_a_deleted_token_file_is_made_again_with_another_token(self):
        before = caching.CONTENT_TOKEN.current()
        (Path(settings.CACHES["pages"]["LOCATION"]) / "content-token.token").unlink()
        after = caching.CONTENT_TOKEN.current()
        self.assertNotEqual(after, before)
        caching.content_changed()
        self.assertNotEqual(caching.CONTENT_TOKEN.current(), after)

    def test_the_date_in_the_key_changes_at_local_midnight(self):
        zone = timezone.get_current_timezone()
        day = datetime.date(2026, 12, 3)
        evening = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)
        for moment, expected in (
            (evening, "2026-12-03"),
            (evening + datetime.timedelta(seconds=2), "2026-12-04"),
            (evening, "2026-12-03"),  # a clock set back
        ):
            with time_machine.travel(moment, tick=False):
                self.assertEqual(caching.TODAY.iso(), expected)
