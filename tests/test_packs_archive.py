"""Zipped content packs: export_guides and import_guides (docs/content-format.md)."""

import json
from pathlib import Path

from django.core.management import CommandError
from django.test import TestCase, override_settings

from guides.models import Guide, GuideVersion
from packs import archive

from .content_pack_helpers import PackFolder, dump, import_content, row_counts
from .helpers import TemporaryMediaMixin, make_user, publish_draft
from .packs_helpers import empty_catalogue, members, rezip, run, with_manifest


class ExportImportTests(TemporaryMediaMixin, TestCase):
    def setUp(self):
        import_content(PackFolder(self).path)
        self.folder = Path(self.enterContext(_TemporaryFolder()))
        self.zip = self.folder / "guides.zip"

    def test_export_then_import_into_an_empty_database_gives_the_same_bytes(self):
        run("export_guides", self.zip)
        first = self.zip.read_bytes()
        empty_catalogue()

        run("import_guides", self.zip)
        run("export_guides", self.zip)

        self.assertEqual(self.zip.read_bytes(), first)
        guide = Guide.objects.get(slug="switch-off")
        self.assertEqual(guide.published_version.number, 2)
        self.assertEqual(guide.published_version.title_en, "Switch the setting off")

    def test_importing_the_same_pack_twice_changes_nothing(self):
        run("export_guides", self.zip)
        empty_catalogue()
        run("import_guides", self.zip)
        before = dump()

        out, _err = run("import_guides", self.zip)

        self.assertEqual(dump(), before)
        self.assertIn("already there, unchanged", out)

    def test_the_pack_holds_drafts_flagged_and_every_language(self):
        guide = Guide.objects.get(slug="switch-off")
        draft = guide.new_draft()
        draft.title_en = "A draft title"
        draft.save()
        run("export_guides", self.zip)

        content = json.loads(members(self.zip.read_bytes())["content.json"])
        versions = content["platforms"][0]["guides"][0]["versions"]
        self.assertEqual([v["status"] for v in versions], ["archived", "published", "draft"])
        self.assertEqual(versions[2]["title"]["en"], "A draft title")
        self.assertEqual(set(versions[0]["title"]), {"de", "en", "fr", "it"})

    def test_the_public_pack_leaves_drafts_out(self):
        Guide.objects.get(slug="switch-off").new_draft()

        content = json.loads(members(archive.export_pack(public_only=True))["content.json"])

        versions = content["platforms"][0]["guides"][0]["versions"]
        self.assertEqual([v["status"] for v in versions], ["archived", "published"])

    def test_no_editor_names_or_addresses_are_in_a_pack(self):
        user = make_user("erika.editor", email="erika@example.org")
        publish_draft(Guide.objects.get(slug="switch-off"), by=user, title_en="New")

        data = archive.export_pack()

        for name, content in members(data).items():
            self.assertNotIn(b"erika", content, name)

    def test_upstream_provenance_survives_the_round_trip(self):
        version = GuideVersion.objects.get(number=2)
        GuideVersion.objects.filter(pk=version.pk).update(upstream_number=7)
        run("export_guides", self.zip)
        empty_catalogue()

        run("import_guides", self.zip)

        self.assertEqual(GuideVersion.objects.get(number=2).upstream_number, 7)

    def test_translations_nobody_confirmed_stay_unconfirmed_on_the_receiving_site(self):
        guide = Guide.objects.get(slug="switch-off")
        draft = guide.new_draft()  # a French title typed in, no translator confirmed it
        draft.title_fr = "Désactiver le réglage"
        draft.change_note_de = "Französischer Titel."
        draft.save()
        draft.publish()
        self.assertTrue(draft.is_outdated_in("fr"))
        run("export_guides", self.zip)
        content = json.loads(members(self.zip.read_bytes())["content.json"])
        self.assertEqual(content["unreviewed"], ["fr"])
        empty_catalogue()

        run("import_guides", self.zip)

        published = Guide.objects.get(slug="switch-off").published_version
        self.assertEqual(published.title_fr, "Désactiver le réglage")
        self.assertTrue(published.is_outdated_in("fr"))
        self.assertFalse(published.is_outdated_in("en"))

    def test_check_reports_and_writes_nothing(self):
        run("export_guides", self.zip)
        empty_catalogue()
        before = row_counts()

        out, _err = run("import_guides", self.zip, "--check")

        self.assertIn("no problems found", out)
        self.assertIn("checked 1 platform(s), 1 guide(s), 1 image(s)", out)
        self.assertEqual(row_counts(), before)

    def test_import_shows_progress_per_guide(self):
        run("export_guides", self.zip)
        empty_catalogue()

        out, _err = run("import_guides", self.zip)

        self.assertIn("[1/1] example/switch-off", out)

    def test_the_folder_form_still_loads(self):
        empty_catalogue()
        out, _err = run("import_guides", PackFolder(self).path)
        self.assertIn("created versions [1, 2]", out)


class _TemporaryFolder:
    def __enter__(self):
        import tempfile

        self.folder = tempfile.TemporaryDirectory(prefix="test-zip-")
        return self.folder.__enter__()

    def __exit__(self, *exc):
        return self.folder.__exit__(*exc)


class BadArchiveTests(TemporaryMediaMixin, TestCase):
    """Each bad archive: one line that says what is wrong, and nothing changed."""

    def setUp(self):
        import_content(PackFolder(self).path)
        self.good = archive.export_pack()
        self.contents = members(self.good)
        self.image = next(name for name in self.contents if name.startswith("images/"))
        self.path = Path(self.enterContext(_TemporaryFolder())) / "pack.zip"
        empty_catalogue()

    def assert_refused(self, data, message):
        self.path.write_bytes(data)
        before = dump()
        with self.assertRaises(CommandError) as caught:
            run("import_guides", self.path)
        error = str(caught.exception)
        self.assertIn("nothing changed), 1 problem(s)", error)
        self.assertIn(message, error)
        self.assertEqual(dump(), before)
        self.assertEqual(row_counts()["Guide"], 0)
        return error

    def test_not_a_zip(self):
        self.assert_refused(b"just some text", "not a zip archive")

    def test_a_wrong_format_version(self):
        self.assert_refused(rezip(with_manifest(self.good, version=2)), "format version 2")

    def test_a_missing_image(self):
        contents = dict(self.contents)
        del contents[self.image]
        self.assert_refused(rezip(contents, fix_manifest=False), f"{self.image} is missing")

    def test_a_missing_manifest(self):
        contents = dict(self.contents)
        del contents["manifest.json"]
        self.assert_refused(rezip(contents), "manifest.json is missing")

    def test_a_member_that_climbs_out_of_the_pack(self):
        self.assert_refused(rezip({**self.contents, "../evil.txt": b"x"}), "leads outside")

    def test_an_absolute_member(self):
        self.assert_refused(rezip({**self.contents, "/etc/evil": b"x"}), "leads outside")

    def test_a_symbolic_link(self):
        contents = {**self.contents, self.image: b"/etc/passwd"}
        self.assert_refused(rezip(contents, symlinks={self.image}), "symbolic link")

    def test_a_member_the_format_does_not_have(self):
        self.assert_refused(rezip({**self.contents, "run.sh": b"x"}), "not a member a pack")

    def test_a_zip_bomb(self):
        bomb = {**self.contents, "content.json": b" " * 5_000_000}
        data = rezip(bomb)
        self.assertLess(len(data), 200_000)  # it is small until unpacked
        with override_settings(CONTENT_PACK_MAX_BYTES=1_000_000):
            self.assert_refused(data, "more than the 1000000 allowed")

    def test_an_archive_larger_than_allowed(self):
        with override_settings(CONTENT_PACK_ZIP_MAX_BYTES=1000):
            self.assert_refused(self.good, "CONTENT_PACK_ZIP_MAX_BYTES")

    def test_broken_json(self):
        contents = {**self.contents, "content.json": b'{"format": '}
        self.assert_refused(rezip(contents), "not valid JSON")

    def test_an_unknown_language_in_the_manifest(self):
        data = rezip(with_manifest(self.good, languages=["de", "tlh"]))
        self.assert_refused(data, "unknown languages ['tlh']")

    def test_an_unknown_language_in_the_content(self):
        content = json.loads(self.contents["content.json"])
        content["platforms"][0]["guides"][0]["versions"][0]["title"]["tlh"] = "Qapla'"
        data = rezip({**self.contents, "content.json": json.dumps(content).encode()})
        self.assert_refused(data, "title.tlh: unknown language")

    def test_a_member_changed_after_the_manifest_was_written(self):
        contents = {**self.contents, "content.json": self.contents["content.json"] + b" "}
        self.assert_refused(rezip(contents, fix_manifest=False), "does not match its SHA-256")

    def test_the_content_checks_still_apply(self):
        content = json.loads(self.contents["content.json"])
        content["platforms"][0]["guides"][0]["versions"][1]["title"]["de"] = ""
        data = rezip({**self.contents, "content.json": json.dumps(content).encode()})
        error = self.assert_refused(data, "every version needs a German title")
        self.assertIn(
            f"{self.path}/content.json, platform example", error
        )  # not a temporary folder
