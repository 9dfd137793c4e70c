"""Following an upstream: signed packs, replays refused, review or auto-publish, local work kept.

The upstream's packs are made here with export_pack, then the catalogue is emptied and the
"downstream" pulls them; the fetch itself is faked (tests/test_packs_two_instances.py runs it
for real between two servers).
"""

import tempfile
from pathlib import Path
from unittest import mock

from django.test import TestCase, override_settings
from django.urls import reverse

from guides.groups import ensure_groups
from guides.models import Guide, GuideVersion
from packs import archive, signing
from packs.models import GuidePolicy, Policy, Pull, WaitingVersion
from packs.pulling import PullRefused, pull
from watch.fetching import Response

from .admin_helpers import EnglishClient
from .content_pack_helpers import PackFolder, dump, import_content
from .helpers import TemporaryMediaMixin, make_user, publish_draft
from .packs_helpers import empty_catalogue, members, rezip, run

URL = "https://upstream.example.org/packs/latest.zip"


def _key_pair():
    pem, public = signing.new_private_key_pem()
    folder = tempfile.mkdtemp(prefix="test-keys-")
    path = Path(folder) / "key.pem"
    path.write_bytes(pem)
    return signing.load_private_key(path), public


KEY, PUBLIC = _key_pair()
OTHER_KEY, OTHER_PUBLIC = _key_pair()


@override_settings(UPSTREAM_PACK_URL=URL, UPSTREAM_PUBLIC_KEY=PUBLIC, UPSTREAM_POLICY="review")
class PullTests(TemporaryMediaMixin, TestCase):
    client_class = EnglishClient

    def setUp(self):
        # The upstream: version 1 archived, 2 published; then it publishes version 3.
        import_content(PackFolder(self).path)
        self.pack_v2 = archive.export_pack(public_only=True, key=KEY)
        publish_draft(self.guide(), title_en="Switch it off (v3)", change_note_de="Neu.")
        self.pack_v3 = archive.export_pack(public_only=True, key=KEY)
        empty_catalogue()

    def guide(self):
        return Guide.objects.get(platform__slug="example", slug="switch-off")

    def pull(self, data, **kwargs):
        answer = Response(url=URL, status=200, headers={}, body=data)
        with mock.patch("packs.pulling.fetch", return_value=answer) as fetch:
            done = pull(**kwargs)
        fetch.assert_called_once()
        return done

    def test_review_brings_a_new_upstream_version_as_a_draft(self):
        done = self.pull(self.pack_v2)

        draft = self.guide().draft
        self.assertEqual((draft.number, draft.upstream_number), (1, 2))
        self.assertIsNone(self.guide().published_version)
        self.assertEqual(self.client.get("/en/example/switch-off/").status_code, 404)
        self.assertIn("added: example/switch-off: upstream version 2 as version 1", done.summary)

    def test_translations_the_upstream_has_not_confirmed_arrive_unconfirmed(self):
        empty_catalogue()
        import_content(PackFolder(self).path)
        draft = self.guide().new_draft()  # a French title nobody confirmed
        draft.title_fr = "Désactiver le réglage"
        draft.change_note_de = "Französischer Titel."
        draft.save()
        draft.publish()
        pack = archive.export_pack(public_only=True, key=KEY)
        empty_catalogue()

        self.pull(pack)

        pulled = self.guide().draft
        self.assertEqual(pulled.title_fr, "Désactiver le réglage")
        self.assertTrue(pulled.is_outdated_in("fr"))
        self.assertFalse(pulled.is_outdated_in("en"))

    def test_auto_publishes_and_the_page_shows_it_at_once(self):
        self.assertEqual(self.client.get("/en/example/").status_code, 404)

        self.pull(self.pack_v2, policy="auto")
        self.assertNotContains(self.client.get("/en/example/switch-off/"), "(v3)")  # now cached
        self.pull(self.pack_v3, policy="auto")

        page = self.client.get("/en/example/switch-off/")
        self.assertContains(page, "Switch it off (v3)")
        history = self.client.get("/en/example/switch-off/history/")
        self.assertContains(history, "from upstream, version 3")
        self.assertContains(history, "from upstream, version 2")
        self.assertEqual(self.guide().published_version.number, 2)  # numbered here

    def test_auto_leaves_a_locally_edited_guide_to_review(self):
        self.pull(self.pack_v2, policy="auto")
        local = publish_draft(self.guide(), title_en="Our own wording")

        done = self.pull(self.pack_v3, policy="auto")

        self.assertEqual(self.guide().published_version, local)
        self.assertEqual(self.guide().draft.upstream_number, 3)
        self.assertContains(self.client.get("/en/example/switch-off/"), "Our own wording")
        self.assertIn("waiting: ", done.summary)
        self.assertIn("was edited here", done.summary)

    def test_a_local_draft_is_never_overwritten_and_the_dashboard_says_so(self):
        self.pull(self.pack_v2, policy="auto")
        draft = self.guide().new_draft()
        draft.title_en = "Work in progress"
        draft.save()

        done = self.pull(self.pack_v3, policy="auto")

        draft.refresh_from_db()
        self.assertEqual(draft.title_en, "Work in progress")
        self.assertEqual(WaitingVersion.objects.get().upstream_number, 3)
        self.assertIn("waiting: example/switch-off: upstream version 3", done.summary)
        self.client.force_login(make_user(is_superuser=True))
        dashboard = self.client.get(reverse("admin:index"))
        self.assertContains(dashboard, "Upstream versions waiting")
        self.assertContains(dashboard, "upstream version 3 waits: the guide has a local draft")

    def test_a_guide_can_be_left_out(self):
        self.pull(self.pack_v2, policy="auto")
        GuidePolicy.objects.create(guide=self.guide(), policy=Policy.IGNORE)

        done = self.pull(self.pack_v3, policy="auto")

        self.assertIsNone(self.guide().draft)
        self.assertEqual(self.guide().published_version.upstream_number, 2)
        self.assertIn("skipped: example/switch-off: not followed", done.summary)

    def test_pulling_the_same_pack_again_changes_nothing(self):
        self.pull(self.pack_v3)
        before = dump()

        done = self.pull(self.pack_v3)

        self.assertEqual(dump(), before)
        self.assertIn("upstream version 3 is here already", done.summary)

    def assert_refused(self, data, message, **kwargs):
        before = dump()
        with self.assertRaises(PullRefused) as caught:
            self.pull(data, **kwargs)
        self.assertIn(message, str(caught.exception))
        self.assertEqual(dump(), before)
        self.assertEqual(Pull.objects.first().outcome, Pull.Outcome.REFUSED)

    def test_a_replayed_older_pack_is_refused(self):
        self.pull(self.pack_v3)
        self.assert_refused(self.pack_v2, "a replayed pack is refused")

    def test_a_tampered_pack_is_refused(self):
        contents = members(self.pack_v3)
        contents["content.json"] = contents["content.json"].replace(b"(v3)", b"(v9)")
        self.assert_refused(rezip(contents), "the signature does not match")

    def test_a_pack_signed_with_another_key_is_refused(self):
        self.assert_refused(self.pack_v3, "the signature does not match", public_key=OTHER_PUBLIC)

    def test_an_unsigned_pack_is_refused(self):
        self.assert_refused(archive.export_pack(), "the pack is not signed")

    def test_the_command_prints_a_summary(self):
        answer = Response(url=URL, status=200, headers={}, body=self.pack_v3)
        with mock.patch("packs.pulling.fetch", return_value=answer):
            out, _err = run("pull_guides")
        self.assertIn("1 added, 0 waiting, 0 skipped", out)


@override_settings(UPSTREAM_PACK_URL=URL, UPSTREAM_PUBLIC_KEY=PUBLIC)
class PullButtonTests(TemporaryMediaMixin, TestCase):
    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        ensure_groups()

    def test_a_publisher_pulls_from_the_admin(self):
        self.client.force_login(make_user(groups=["Publisher"]))
        answer = Response(url=URL, status=503, headers={}, body=b"")
        with mock.patch("packs.pulling.fetch", return_value=answer):
            response = self.client.post(reverse("admin:packs_pull_now"), follow=True)
        self.assertContains(response, "Nothing changed: https://upstream.example.org")
        self.assertContains(response, "Pull from upstream now")

    def test_an_editor_may_not_pull(self):
        self.client.force_login(make_user(groups=["Editor"]))
        response = self.client.post(reverse("admin:packs_pull_now"))
        self.assertEqual(response.status_code, 403)


class OfferedPackTests(TemporaryMediaMixin, TestCase):
    def test_without_a_key_no_pack_is_offered(self):
        self.assertEqual(self.client.get("/packs/latest.zip").status_code, 404)

    def test_the_offered_pack_is_signed_and_holds_only_public_versions(self):
        import_content(PackFolder(self).path)
        Guide.objects.get().new_draft()
        pem = Path(tempfile.mkdtemp(prefix="test-keys-")) / "key.pem"
        run("generate_pack_keys", pem)
        public = signing.public_key_text(signing.load_private_key(pem))

        with override_settings(PACK_SIGNING_KEY_FILE=str(pem)):
            response = self.client.get("/packs/latest.zip")

        self.assertEqual(response["Content-Type"], "application/zip")
        key = signing.load_public_key(public)
        with archive.opened(response.content, "pack", public_key=key) as (pack, manifest):
            versions = pack["platforms"][0]["guides"][0]["versions"]
        self.assertEqual([v["status"] for v in versions], ["archived", "published"])
        self.assertEqual(manifest["serial"], "2025-10-29T11:00:00+00:00")
        self.assertEqual(GuideVersion.objects.filter(status="draft").count(), 1)


class OfferedPackCacheTests(TemporaryMediaMixin, TestCase):
    def test_a_publish_shows_in_the_next_pack(self):
        import_content(PackFolder(self).path)
        pem = Path(tempfile.mkdtemp(prefix="test-keys-")) / "key.pem"
        run("generate_pack_keys", pem)
        with override_settings(PACK_SIGNING_KEY_FILE=str(pem)):
            first = self.client.get("/packs/latest.zip").content
            self.assertEqual(self.client.get("/packs/latest.zip").content, first)
            publish_draft(Guide.objects.get(), title_en="Newly published")
            second = self.client.get("/packs/latest.zip").content
        self.assertIn(b"Newly published", members(second)["content.json"])
