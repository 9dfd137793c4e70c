"""Watch and link checks fetch what editors typed: public addresses only, also after redirects."""

import tempfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase, override_settings

from watch import fetching
from watch.fetching import FetchError, Refused, fetch, is_public_address

from .watch_helpers import LocalSite, Page, make_certificate

real_rule = fetching.is_public_address


@override_settings(FETCH_ALLOW_PRIVATE=False)
class SafeFetchingTests(SimpleTestCase):
    def test_internal_addresses_are_refused(self):
        for url in (
            "http://localhost/",
            "http://127.0.0.1/",
            "http://10.0.0.1/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[2002:7f00:1::]/",
            "http://2130706433/",
        ):
            with self.subTest(url=url), self.assertRaises(Refused):
                fetch(url)

    def test_only_http_and_https_are_fetched(self):
        for url in ("file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "x"):
            with self.subTest(url=url), self.assertRaises(Refused):
                fetch(url)

    def test_a_name_is_refused_when_any_of_its_addresses_is_internal(self):
        answers = [
            (2, 1, 6, "", ("93.184.215.14", 80)),
            (2, 1, 6, "", ("127.0.0.1", 80)),
        ]
        with mock.patch("socket.getaddrinfo", return_value=answers):
            with self.assertRaisesMessage(Refused, "127.0.0.1"):
                fetch("http://mixed.example/")

    def test_public_addresses_are_public(self):
        for address in ("93.184.215.14", "2606:4700::1111", "8.8.8.8"):
            self.assertTrue(is_public_address(address), address)
        for address in ("172.16.0.1", "224.0.0.1", "240.0.0.1", "::", "64:ff9b::a00:1"):
            self.assertFalse(is_public_address(address), address)

    def test_a_redirect_to_an_internal_address_is_refused(self):
        """The rule stays on; only the test server's own address is let through, so the
        redirect's target must be refused by the check each hop gets."""
        only_the_test_server = lambda address: address == "127.0.0.1" or real_rule(address)  # noqa: E731
        with (
            LocalSite() as site,
            mock.patch.object(fetching, "is_public_address", only_the_test_server),
        ):
            site.pages["/moved"] = Page(302, headers={"Location": "http://10.0.0.1/admin"})
            with self.assertRaisesMessage(Refused, "10.0.0.1"):
                fetch(site.url("/moved"))
            self.assertEqual(site.requests, [("GET", "/moved")])

    def test_the_test_server_itself_is_refused_without_the_setting(self):
        with LocalSite() as site:
            site.pages["/"] = Page(body=b"hi")
            with self.assertRaises(Refused):
                fetch(site.url("/"))
            self.assertEqual(site.requests, [])


@override_settings(FETCH_ALLOW_PRIVATE=True)
class FetchLimitsTests(SimpleTestCase):
    def test_a_page_larger_than_the_limit_is_not_read(self):
        with LocalSite() as site:
            site.pages["/big"] = Page(body=b"x" * (3 * 1024 * 1024))
            with self.assertRaisesMessage(FetchError, "larger than"):
                fetch(site.url("/big"))

    def test_a_server_that_does_not_answer_in_time_is_given_up(self):
        import urllib3

        with LocalSite() as site:
            site.pages["/slow"] = Page(body=b"late", delay=2)
            with mock.patch("watch.fetching.TIMEOUT", urllib3.Timeout(connect=1, read=0.3)):
                with self.assertRaisesMessage(FetchError, "timeout"):
                    fetch(site.url("/slow"))

    def test_the_request_names_the_project_and_the_host(self):
        with LocalSite() as site:
            site.pages["/"] = Page(body=b"hi")
            response = fetch(site.url("/"))
        self.assertEqual(response.body, b"hi")
        self.assertIn("OptOutGuides", site.headers[0]["User-Agent"])
        self.assertEqual(site.headers[0]["Host"], f"127.0.0.1:{site.port}")

    def test_too_many_redirects_are_given_up(self):
        with LocalSite() as site:
            site.pages["/loop"] = Page(302, headers={"Location": "/loop"})
            with self.assertRaisesMessage(FetchError, "redirects"):
                fetch(site.url("/loop"))


def _resolve_everything_to_the_test_server(host, port, *args, **kwargs):
    return [(2, 1, 6, "", ("127.0.0.1", port))]


@override_settings(FETCH_ALLOW_PRIVATE=True)
class TlsFetchingTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        directory = tempfile.TemporaryDirectory()
        cls.addClassCleanup(directory.cleanup)
        cls.certificate = make_certificate(Path(directory.name), "guides.test")

    def setUp(self):
        self.site = LocalSite(certificate=self.certificate).__enter__()
        self.addCleanup(self.site.__exit__)
        self.site.pages["/"] = Page(body=b"secure")
        resolving = mock.patch("socket.getaddrinfo", _resolve_everything_to_the_test_server)
        resolving.start()
        self.addCleanup(resolving.stop)

    def test_https_checks_the_certificate_for_the_name_not_the_address(self):
        with mock.patch("watch.fetching.CA_CERTS", self.certificate[0]):
            response = fetch(self.site.url("/", host="guides.test"))
        self.assertEqual(response.body, b"secure")
        self.assertEqual(self.site.server_names, ["guides.test"])
        self.assertEqual(self.site.headers[0]["Host"], f"guides.test:{self.site.port}")

    def test_a_certificate_for_another_name_is_refused(self):
        with mock.patch("watch.fetching.CA_CERTS", self.certificate[0]):
            with self.assertRaisesMessage(FetchError, "other.test"):
                fetch(self.site.url("/", host="other.test"))

    def test_an_untrusted_certificate_is_refused(self):
        with self.assertRaisesMessage(FetchError, "certificate verify failed"):
            fetch(self.site.url("/", host="guides.test"))
