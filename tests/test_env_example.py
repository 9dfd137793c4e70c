""".env.example at the top of the repository: every variable, production values, deploy-ready."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".env.example"


def _variables():
    """The active (uncommented) NAME=value lines of .env.example."""
    pairs = {}
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


class EnvExampleTests:
    def test_lists_every_variable_the_settings_read(self):
        settings = (ROOT / "config" / "settings.py").read_text()
        read = set(re.findall(r'env_(?:str|bool|int|list|origins)\("([A-Z0-9_]+)"', settings))
        listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", EXAMPLE.read_text(), re.MULTILINE))

        assert read, "no variables found in config/settings.py"
        assert read - listed == set()

    def test_passes_the_deployment_checklist_as_it_is(self):
        env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **_variables()}
        # The example's paths are the container's; this machine has no /app.
        env["DATA_DIR"] = str(ROOT / "data")
        env["MEDIA_ROOT"] = str(ROOT / "media")

        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert _variables()["DJANGO_DEBUG"] == "0"

    def test_secrets_are_placeholders(self):
        assert "change-me" in _variables()["SECRET_KEY"]
