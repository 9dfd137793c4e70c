"""The site's own words are translated: German and English completely, French and Italian
for everything a reader sees."""

import re
import shutil
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
READER_SOURCES = (
    "templates/", "guides/diff.py", "guides/feeds.py", "config/settings.py", "reports/forms.py",
)  # fmt: skip
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _entries(language, locale=LOCALE):
    """(references, msgid, [msgstr, …]) of the non-obsolete entries of the language's catalogue."""
    text = (locale / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        references, fields, current = [], {}, None
        for line in block.splitlines():
            if line.startswith("#:"):
                references += line[2:].split()
            elif line.startswith(("msgid", "msgstr")):
                current, _, rest = line.partition(" ")
                fields[current] = _STRING.findall(rest)
            elif line.startswith('"') and current:
                fields[current] += _STRING.findall(line)
        msgid = "".join(fields.get("msgid", []))
        if msgid:
            strings = ["".join(v) for k, v in fields.items() if k.startswith("msgstr")]
            yield references, msgid, strings


def _untranslated(language, reader_only=False):
    missing = []
    for references, msgid, strings in _entries(language):
        shown_to_readers = any(
            ref.startswith(READER_SOURCES) and not ref.startswith("templates/admin/")
            for ref in references
        )
        if reader_only and not shown_to_readers:
            continue
        if not all(strings):
            missing.append(msgid)
    return missing


@pytest.mark.parametrize("language", ["de", "en"])
def test_german_and_english_catalogues_are_complete(language):
    assert _untranslated(language) == []


@pytest.mark.parametrize("language", ["fr", "it"])
def test_french_and_italian_cover_every_reader_page(language):
    assert _untranslated(language, reader_only=True) == []


def test_the_check_sees_untranslated_entries():
    assert _untranslated("fr")  # the editors' model texts are not translated into French


def test_the_catalogues_hold_every_string_of_the_source_and_keep_their_translations(
    tmp_path, monkeypatch, settings
):
    """What `make messages` would write: no string of the code or templates is missing from
    the German and English catalogues, and none of their translations is dropped (Django
    admin words the project translates itself are listed in config/django_words.py)."""
    from django.core.management import call_command

    # makemessages writes beside the sources it reads: on a copy, so the real catalogues stay.
    skipped = (".git", ".venv", "node_modules", "staticfiles", "media", "data", ".ci")
    project = tmp_path / "project"
    shutil.copytree(LOCALE.parent, project, ignore=shutil.ignore_patterns(*skipped))
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(project)
    call_command("makemessages", locale=["de", "en"], no_obsolete=True, verbosity=0)
    for language in ("de", "en"):
        committed = {msgid for _refs, msgid, _strings in _entries(language)}
        regenerated = {msgid for _refs, msgid, _strings in _entries(language, project / "locale")}
        assert sorted(regenerated - committed) == [], f"missing from the {language} catalogue"
        assert sorted(committed - regenerated) == [], f"no longer in the source ({language})"
