"""Two real processes opening, editing and publishing drafts of one guide at the same time.

Each process runs Django against a file database (SQLite) or the test database (PostgreSQL),
like two gunicorn workers or an editor and an import in a shell.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from guides.models import Guide, GuideVersion
from tests.helpers import make_guide

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 10

# new_draft + edit + publish until it has published ROUNDS times; a conflict (the draft was
# changed or published by the other process in between) is an error it retries after.
_PUBLISHER = """
import json, os, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from guides.models import Guide, VersionLocked

worker, rounds = sys.argv[1], int(sys.argv[2])
guide = Guide.objects.get(slug="race")
published, conflicts = [], []
print("ready", flush=True)
sys.stdin.readline()
for attempt in range(50 * rounds):
    if len(published) == rounds:
        break
    title = f"{worker}-{attempt}"
    try:
        draft = guide.new_draft()
        draft.title_de = title
        draft.change_note_de = f"Von {title}."
        time.sleep(0.005)  # an editor's pause widens the window the other process writes in
        draft.save()
        time.sleep(0.005)
        draft.publish()
    except VersionLocked as error:
        conflicts.append(type(error).__name__)
        continue
    published.append([draft.number, title])
print(json.dumps({"published": published, "conflicts": conflicts}))
"""


def _database_url(tmp_path):
    """A database both processes and this test can reach, with the guide's tables in it."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        _manage(url, "migrate", "-v0")
        return url
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def _environment(url):
    return {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "DJANGO_DEBUG": "1", "DATABASE_URL": url}


def _manage(url, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(url),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


_SETUP = """
from tests.helpers import make_guide
make_guide(slug="race", title_de="Erste Fassung")
"""

_STATE = """
import json
from guides.models import GuideVersion
print(json.dumps([
    [v.number, v.status, v.title_de] for v in GuideVersion.objects.order_by("number")
]))
"""


@pytest.mark.django_db(transaction=True)
class ConcurrentPublishingTests:
    def test_two_processes_publish_every_version_once_with_its_own_content(self, tmp_path):
        url = _database_url(tmp_path)
        _manage(url, "shell", "-c", _SETUP)
        publishers = [
            subprocess.Popen(
                [sys.executable, "-c", _PUBLISHER, worker, str(ROUNDS)],
                cwd=ROOT,
                env=_environment(url),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for worker in ("a", "b")
        ]
        for publisher in publishers:  # both set up, then both start at once
            assert publisher.stdout.readline().strip() == "ready", publisher.stderr.read()
        for publisher in publishers:
            publisher.stdin.write("go\n")
            publisher.stdin.flush()
        outputs = [publisher.communicate(timeout=240) for publisher in publishers]
        for stdout, stderr in outputs:
            assert stdout.strip(), stderr[-30000:]
        results = [json.loads(stdout.splitlines()[-1]) for stdout, _stderr in outputs]
        versions = json.loads(_manage(url, "shell", "-c", _STATE).splitlines()[-1])

        published = [entry for result in results for entry in result["published"]]
        numbers = sorted(number for number, _title in published)
        # Every process got all its publishes done: 1 (the first version) + 2 × ROUNDS.
        assert [len(result["published"]) for result in results] == [ROUNDS, ROUNDS]
        assert [number for number, _status, _title in versions] == list(range(1, 2 * ROUNDS + 2))
        assert numbers == list(range(2, 2 * ROUNDS + 2)), "no number published twice"
        stored = {number: title for number, _status, title in versions}
        for number, title in published:
            assert stored[number] == title, f"version {number} does not hold what was published"
        statuses = [status for _number, status, _title in versions]
        assert statuses == ["archived"] * 2 * ROUNDS + ["published"]
        for result in results:
            assert set(result["conflicts"]) <= {"VersionConflict"}


class PublishConflictTests:
    @pytest.fixture(autouse=True)
    def english(self):
        with translation.override("en"):
            yield

    @pytest.mark.django_db
    def test_saving_some_fields_of_a_draft_keeps_it_publishable(self):
        draft = make_guide().new_draft()
        draft.change_note_de = "Neu."
        draft.save(update_fields=["change_note_de"])

        draft.publish()

        assert GuideVersion.objects.get(pk=draft.pk).status == "published"

    @pytest.mark.django_db
    def test_publishing_a_draft_someone_else_published_is_an_error(self):
        guide = make_guide()
        mine, theirs = guide.new_draft(), guide.new_draft()
        for draft in (mine, theirs):
            draft.change_note_de = "Neu."
        theirs.save()
        theirs.publish()

        with pytest.raises(Exception, match="already published") as error:
            mine.publish()

        assert error.type.__name__ == "VersionConflict"
        assert Guide.objects.get().published_version == theirs

    @pytest.mark.django_db
    def test_publishing_a_draft_someone_else_changed_since_is_an_error(self):
        guide = make_guide()
        mine, theirs = guide.new_draft(), guide.new_draft()
        theirs.change_note_de = "Ihre Änderung."
        theirs.save()

        with pytest.raises(Exception, match="changed") as error:
            mine.publish()

        assert error.type.__name__ == "VersionConflict"
        assert GuideVersion.objects.get(pk=mine.pk).status == "draft"

    @pytest.mark.django_db
    def test_saving_a_draft_someone_else_saved_since_is_an_error(self):
        guide = make_guide()
        mine, theirs = guide.new_draft(), guide.new_draft()
        theirs.title_de = "Ihr Titel"
        theirs.save()
        mine.title_de = "Mein Titel"

        with pytest.raises(Exception, match="changed") as error:
            mine.save()

        assert error.type.__name__ == "VersionConflict"
        assert GuideVersion.objects.get(pk=mine.pk).title_de == "Ihr Titel"
