""".ci/audit.py (`make audit`): what it decides from pip-audit's report and PyPI's answers."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.engine_independent

_spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

PINS = {"django": "6.1.3", "asgiref": "3.13.0"}
CLEAN = {"dependencies": [{"name": n, "version": v, "vulns": []} for n, v in PINS.items()]}
# What pip-audit reports where pypi.org/pypi/<name>/<version>/json answers 404 (a mirror).
SKIPPED = {
    "dependencies": [
        {"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
        for n in PINS
    ]
}
OFFLINE = (
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): "
    "Max retries exceeded with url: /pypi/django/6.1.3/json"
)
ADVISORY = {
    "id": "PYSEC-2026-1",
    "aliases": ["CVE-2026-0001"],
    "summary": "SQL injection in QuerySet.\nDetails follow.",
    "fixed_in": ["6.1.4"],
    "withdrawn": None,
}


def _project(version, vulnerabilities=()):
    return {"info": {"version": version}, "vulnerabilities": list(vulnerabilities)}


def _decide(report, projects=None, output="", returncode=0, offline_ok=False):
    return audit.decide(PINS, returncode, report, output, projects or {}, offline_ok=offline_ok)


class AuditTests:
    def test_a_clean_report_passes(self):
        status, lines = _decide(CLEAN)
        assert status == 0
        assert "2 of 2 pinned packages audited (2 by pip-audit" in "\n".join(lines)

    def test_a_vulnerability_pip_audit_found_fails_with_its_fix(self):
        report = {
            "dependencies": [
                {
                    "name": "Django",
                    "version": "6.1.3",
                    "vulns": [
                        {"id": "PYSEC-2026-1", "fix_versions": ["6.1.4"], "description": "Bad."}
                    ],
                },
                {"name": "asgiref", "version": "3.13.0", "vulns": []},
            ]
        }
        status, lines = _decide(report, returncode=1)
        assert status == 1
        assert "VULNERABLE django: PYSEC-2026-1" in lines
        assert "  fixed in: 6.1.4; Bad." in lines

    def test_pins_skipped_by_pip_audit_are_audited_from_the_latest_releases_page(self):
        projects = {"django": _project("6.1.3", [ADVISORY]), "asgiref": _project("3.13.0")}
        status, lines = _decide(SKIPPED, projects)
        assert status == 1
        assert "VULNERABLE django: PYSEC-2026-1" in lines
        assert "  fixed in: 6.1.4; SQL injection in QuerySet. Details follow." in lines

    def test_a_withdrawn_advisory_does_not_fail(self):
        withdrawn = {**ADVISORY, "withdrawn": "2026-11-01T00:00:00Z"}
        projects = {"django": _project("6.1.3", [withdrawn]), "asgiref": _project("3.13.0")}
        status, _lines = _decide(SKIPPED, projects)
        assert status == 0

    def test_a_pin_older_than_the_latest_release_is_named_as_not_audited(self):
        projects = {"django": _project("6.1.4", [ADVISORY]), "asgiref": _project("3.13.0")}
        status, lines = _decide(SKIPPED, projects)
        text = "\n".join(lines)
        assert status == 0
        assert "WARNING: 1 of 2 pinned packages were NOT audited:" in text
        assert "django: 6.1.3 pinned, PyPI only answered for the latest release, 6.1.4" in text
        assert "VULNERABLE" not in text

    def test_nothing_audited_fails_with_a_clear_message(self):
        status, lines = _decide(None, {"django": None, "asgiref": None}, output=OFFLINE)
        text = "\n".join(lines)
        assert status == 1
        assert "NOTHING was audited" in text
        assert "AUDIT_OFFLINE_OK=1" in text

    def test_nothing_audited_passes_with_a_warning_when_offline_is_allowed(self):
        status, lines = _decide(SKIPPED, {}, offline_ok=True)
        assert status == 0
        assert "NOTHING was audited" in "\n".join(lines)

    def test_unreachable_pip_audit_still_audits_from_the_project_pages(self):
        projects = {"django": _project("6.1.3"), "asgiref": _project("3.13.0")}
        status, lines = _decide(None, projects, output=OFFLINE, returncode=1)
        assert status == 0
        assert "2 of 2 pinned packages audited (0 by pip-audit, 2 from" in "\n".join(lines)

    def test_pip_audit_failing_for_another_reason_fails_with_its_output(self):
        output = "ERROR: requirements.txt: invalid requirement"
        status, lines = _decide(None, output=output, returncode=1)
        assert status == 1
        assert lines == [output, "pip-audit failed (exit 1) without a report."]

    def test_the_pins_are_read_from_both_lock_files(self):
        pins = audit.read_pins(ROOT / name for name in audit.LOCK_FILES)
        assert "django" in pins  # requirements.txt
        assert "pip-audit" in pins  # requirements-dev.txt
