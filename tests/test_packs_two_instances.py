"""An upstream and a downstream instance on 127.0.0.1, each a real gunicorn with its own database.

The upstream offers its signed pack at /packs/latest.zip; the downstream's pull_guides fetches
it through watch.fetching, as cron would run it. A third small server hands out doctored packs.
"""

import copy
import hashlib
import http.client
import http.server
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from .content_pack_helpers import small_pack
from .helpers import image_bytes
from .server_helpers import free_port

ROOT = Path(__file__).resolve().parent.parent

# Each instance has an SQLite file of its own, whatever database the suite runs on.
pytestmark = pytest.mark.engine_independent


def _environment(folder, **extra):
    folder.mkdir()
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "SECRET_KEY": "two-instances-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        **extra,
    }


def _manage(env, *args, check=True, **extra):
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=120, check=check,
    )  # fmt: skip


def _write_pack(folder, versions):
    """A pack folder with the small pack's guide, holding `versions` (list of dicts)."""
    image = image_bytes()
    sha = hashlib.sha256(image).hexdigest()
    data = small_pack(sha)
    data["platforms"][0]["guides"][0]["versions"] = versions(data)
    (folder / "images").mkdir(parents=True)
    (folder / "images" / f"{sha}.png").write_bytes(image)
    (folder / "content.json").write_text(json.dumps(data))
    return folder


def _with_version_3(data):
    v1, v2 = data["platforms"][0]["guides"][0]["versions"]
    v3 = copy.deepcopy(v2)
    v3.update(
        number=3,
        based_on=2,
        published_at="2026-11-20T09:00:00+01:00",
        verified_on="2026-11-20",
        title={"de": "Einstellung abschalten (v3)", "en": "Switch the setting off (v3)"},
        change_note={"de": "Neuer Menüpunkt.", "en": "New menu item."},
    )
    return [v1, {**v2, "status": "archived"}, v3]


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def _serve(env, port):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn on {port} exited: {server.stderr.read()}")
        try:
            _get(port, "/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn on {port} did not start")


class _Doctored(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def _versions(database):
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT number, status, upstream_number, title_en FROM guides_guideversion "
            "ORDER BY number"
        ).fetchall()


def _tampered(pack):
    source = zipfile.ZipFile(io.BytesIO(pack))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.json":
                data = data.replace(b"(v3)", b"(v9)")
            target.writestr(info, data)
    return out.getvalue()


@pytest.fixture
def instances(tmp_path):
    up = _environment(tmp_path / "up")
    keys = _manage(up, "generate_pack_keys", tmp_path / "up" / "key.pem").stdout
    public = keys.split("UPSTREAM_PUBLIC_KEY=")[1].strip()
    up["PACK_SIGNING_KEY_FILE"] = str(tmp_path / "up" / "key.pem")
    up_port, down_port, fake_port = free_port(), free_port(), free_port()
    down = _environment(
        tmp_path / "down",
        UPSTREAM_PACK_URL=f"http://127.0.0.1:{up_port}/packs/latest.zip",
        UPSTREAM_PUBLIC_KEY=public,
        FETCH_ALLOW_PRIVATE="1",
    )
    for env in (up, down):
        _manage(env, "migrate", "--noinput", "-v0")
    _manage(up, "import_guides", _write_pack(tmp_path / "pack-v2", _versions_of))
    fake = http.server.ThreadingHTTPServer(("127.0.0.1", fake_port), _Doctored)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    servers = [_serve(up, up_port), _serve(down, down_port)]
    try:
        yield {"up": up, "down": down, "ports": (up_port, down_port, fake_port), "tmp": tmp_path}
    finally:
        fake.shutdown()
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def _versions_of(data):
    return data["platforms"][0]["guides"][0]["versions"]


def test_downstream_follows_the_upstream_and_refuses_bad_packs(instances):
    up, down = instances["up"], instances["down"]
    up_port, down_port, fake_port = instances["ports"]
    database = Path(down["DATA_DIR"]) / "db.sqlite3"
    page = "/en/example/switch-off/"
    assert _get(down_port, page).status == 404

    # Auto-publish: the upstream's version 2 is live downstream on the next request.
    pulled = _manage(down, "pull_guides", UPSTREAM_POLICY="auto")
    assert "1 added, 0 waiting, 0 skipped" in pulled.stdout
    assert b"Switch the setting off" in _get(down_port, page).body
    assert _versions(database) == [(1, "published", 2, "Switch the setting off")]
    old_pack = _get(up_port, "/packs/latest.zip").body

    # The upstream publishes version 3; with review it arrives downstream as a draft.
    _manage(up, "import_guides", _write_pack(instances["tmp"] / "pack-v3", _with_version_3))
    assert b"(v3)" in _get(up_port, "/en/example/switch-off/").body
    pulled = _manage(down, "pull_guides", UPSTREAM_POLICY="review")
    assert "upstream version 3 as version 2, a draft for review" in pulled.stdout
    assert b"(v3)" not in _get(down_port, page).body
    after_pull = _versions(database)
    assert after_pull[1] == (2, "draft", 3, "Switch the setting off (v3)")

    # A tampered pack, another key and a replayed older pack change nothing.
    fake_url = f"http://127.0.0.1:{fake_port}/packs/latest.zip"
    _Doctored.body = _tampered(_get(up_port, "/packs/latest.zip").body)
    refused = _manage(down, "pull_guides", check=False, UPSTREAM_PACK_URL=fake_url)
    assert refused.returncode == 1 and "does not match its SHA-256" in refused.stderr
    other_key = _manage(up, "generate_pack_keys", instances["tmp"] / "other.pem").stdout
    other_public = other_key.split("UPSTREAM_PUBLIC_KEY=")[1].strip()
    refused = _manage(down, "pull_guides", check=False, UPSTREAM_PUBLIC_KEY=other_public)
    assert refused.returncode == 1 and "signature does not match" in refused.stderr
    _Doctored.body = old_pack
    refused = _manage(down, "pull_guides", check=False, UPSTREAM_PACK_URL=fake_url)
    assert refused.returncode == 1 and "a replayed pack is refused" in refused.stderr
    assert _versions(database) == after_pull
    assert b"Switch the setting off" in _get(down_port, page).body
