"""Known vulnerabilities in the pinned dependencies: pip-audit over requirements*.txt.

Run by `make audit` and CI. pip-audit reads the lock files as they are (--no-deps
--disable-pip: nothing is installed) and asks PyPI about each pin
(https://pypi.org/pypi/<name>/<version>/json, whose `vulnerabilities` are the advisories of
that release). Where PyPI cannot answer for a pin (a package index mirror serves only the
project's page, https://pypi.org/pypi/<name>/json), the project's page audits a pin that is the
latest release: its `vulnerabilities` are that release's. An older pin is then NOT audited.

- A known vulnerability fails (exit 1), with the advisory and the versions that fix it.
- Nothing audited at all (no answer from PyPI) fails too, with a message saying so, unless
  AUDIT_OFFLINE_OK=1 is set: then it only warns. "No advisory service" is not "no
  vulnerabilities".
- Some pins not audited: a WARNING names them, and the step passes.
"""

import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILES = ("requirements.txt", "requirements-dev.txt")
PROJECT_URL = "https://pypi.org/pypi/{name}/json"
# What pip-audit prints when it cannot talk to the advisory service at all.
OFFLINE_SIGNS = (
    "ConnectionError",
    "Connection refused",
    "Max retries",
    "timed out",
    "ServiceError",
)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def main():
    pins = read_pins(ROOT / name for name in LOCK_FILES)
    returncode, report, output = run_pip_audit()
    projects = {}
    if report is not None or offline(output):
        projects = fetch_projects(not_audited_by(report, pins))
    offline_ok = os.environ.get("AUDIT_OFFLINE_OK") == "1"
    status, lines = decide(pins, returncode, report, output, projects, offline_ok=offline_ok)
    print("\n".join(lines))
    return status


def read_pins(paths):
    """{canonical name: version} of every `name==version` line of the lock files."""
    return {
        canonical(name): version
        for path in paths
        for name, version in PIN.findall(path.read_text())
    }


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def run_pip_audit():
    """(exit status, the JSON report or None, what it printed)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("pip-audit")),
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                "pypi",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                report.name,
                *(arg for lock in LOCK_FILES for arg in ("-r", lock)),
            ],  # fmt: skip
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        text = Path(report.name).read_text()
    return (
        result.returncode,
        (json.loads(text) if text.strip() else None),
        result.stdout + result.stderr,
    )


def offline(output):
    return any(sign in output for sign in OFFLINE_SIGNS)


def not_audited_by(report, pins):
    """Names pip-audit did not audit: those it skipped, or all when it wrote no report."""
    if report is None:
        return sorted(pins)
    return [canonical(d["name"]) for d in report["dependencies"] if "skip_reason" in d]


def fetch_projects(names):
    """{name: PyPI's project page as JSON, or None when it did not answer}."""
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return dict(zip(names, pool.map(_fetch_project, names), strict=True))


def _fetch_project(name):
    try:
        with urllib.request.urlopen(PROJECT_URL.format(name=name), timeout=30) as response:
            return json.load(response)
    except (OSError, ValueError):  # URLError and HTTPError are OSErrors
        return None


def decide(pins, returncode, report, output, projects, offline_ok=False):
    """(exit status, lines to print) from pip-audit's report (None when it wrote none), what it
    printed, and PyPI's project pages of the pins it did not audit."""
    if report is None and not offline(output):
        return 1, [output.strip(), f"pip-audit failed (exit {returncode}) without a report."]
    audited = {}  # name: [(id, fixed in, description)]
    for dependency in report["dependencies"] if report else []:
        if "skip_reason" not in dependency:
            audited[canonical(dependency["name"])] = [
                (v["id"], v.get("fix_versions") or [], v.get("description", ""))
                for v in dependency.get("vulns", [])
            ]
    by_pip_audit = len(audited)
    not_audited = {}  # name: why
    for name in not_audited_by(report, pins):
        vulns, why = _from_project_page(projects.get(name), pins.get(name))
        if why:
            not_audited[name] = why
        else:
            audited[name] = vulns
    return _verdict(audited, by_pip_audit, not_audited, offline_ok)


def _from_project_page(project, version):
    """(advisories, None) when the project page speaks of `version`, else ([], why not)."""
    if project is None:
        return [], "no answer from PyPI"
    latest = project["info"]["version"]
    if version is None or _normalized(latest) != _normalized(version):
        return [], f"{version} pinned, PyPI only answered for the latest release, {latest}"
    return [
        (v["id"], v.get("fixed_in") or [], v.get("summary") or v.get("details") or "")
        for v in project.get("vulnerabilities") or []
        if not v.get("withdrawn")
    ], None


def _normalized(version):
    try:
        from packaging.version import Version

        return Version(version)
    except Exception:  # no packaging, or not a PEP 440 version
        return version


def _verdict(audited, by_pip_audit, not_audited, offline_ok):
    lines = []
    found = {name: vulns for name, vulns in sorted(audited.items()) if vulns}
    for name, vulns in found.items():
        for vuln_id, fixes, description in vulns:
            lines.append(f"VULNERABLE {name}: {vuln_id}")
            fixed = ", ".join(fixes) or "no fixed version yet"
            lines.append(f"  fixed in: {fixed}; {' '.join(description.split())[:300]}")
    total = len(audited) + len(not_audited)
    if not_audited:
        lines.append(f"WARNING: {len(not_audited)} of {total} pinned packages were NOT audited:")
        lines += [f"  {name}: {why}" for name, why in sorted(not_audited.items())]
    if audited:
        lines.append(
            f"pip-audit: {len(audited)} of {total} pinned packages audited ({by_pip_audit} by "
            f"pip-audit, {len(audited) - by_pip_audit} from PyPI's page of their latest release)."
        )
    if found:
        lines.append(
            f"pip-audit: {len(found)} package(s) with known vulnerabilities: upgrade them."
        )
        return 1, lines
    if not audited:
        lines.append(
            "pip-audit: NOTHING was audited: PyPI's vulnerability data "
            "(pypi.org/pypi/<name>/<version>/json, pypi.org/pypi/<name>/json) could not be reached."
        )
        if offline_ok:
            lines.append("AUDIT_OFFLINE_OK=1 is set: passing all the same.")
            return 0, lines
        lines.append(
            "Audit where pypi.org is reachable, or set AUDIT_OFFLINE_OK=1 to pass offline."
        )
        return 1, lines
    lines.append("pip-audit: no known vulnerabilities in the audited packages.")
    return 0, lines


if __name__ == "__main__":
    sys.exit(main())
