"""`make stress`: the production server under reader load while an editor publishes.

For SQLite (a file database), then PostgreSQL (a database created for the run and dropped after):
start gunicorn as the container does (production settings, DEBUG off, WEB_CONCURRENCY workers,
default 2) on 127.0.0.1, load the demo content, run wrk with 64 connections over the reader pages
(home, guide, history, feed) for STRESS_SECONDS (default 60) and meanwhile publish 20 versions
through the admin, as an editor would: log in, "New draft", change and save the form, "Publish",
then read the guide page. Prints, per database:

    responses >= 500, "database is locked" in the server log, version numbers contiguous,
    each publish visible on the next read, requests/s and p99 latency.

Exits 1 when any of the first four is not 0 / yes, or fewer than 20 publishes were done.
Loopback only; everything stops by itself.
Variables: STRESS_SECONDS, STRESS_PORT (default 8400), WEB_CONCURRENCY, DATABASE_URL (a
postgres:// URL whose server to use; default postgres://postgres@127.0.0.1:5432/postgres).
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("STRESS_SECONDS") or 60)
PORT = int(os.environ.get("STRESS_PORT") or 8400)
WORKERS = os.environ.get("WEB_CONCURRENCY") or "2"
CONNECTIONS = 64
PUBLISHES = 20
EDITOR, PASSWORD = "stress-editor", secrets.token_urlsafe(16)

_GUIDE_INFO = """
import json
from guides.models import Guide
guides = Guide.objects.published().select_related("platform")
guide = guides.order_by("-published_version__number", "slug").first()
print(json.dumps({"version": guide.published_version_id, "path": guide.get_absolute_url(),
                  "platform": guide.platform.slug, "slug": guide.slug}))
"""
_NUMBERS = """
import json
from guides.models import Guide
guide = Guide.objects.get(platform__slug={platform!r}, slug={slug!r})
print(json.dumps(sorted(guide.versions.values_list("number", flat=True))))
"""
_CREATE_EDITOR = """
from django.contrib.auth.models import User
User.objects.create_superuser({name!r}, "stress@example.org", {password!r})
"""


class StepFailed(Exception):
    """One step of the editor's work did not do what the admin should have done."""


class Browser:
    """A minimal browser for the admin: cookies (Secure ones too, since this is loopback) and
    forms. http.cookiejar would withhold the production settings' Secure cookies over HTTP."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.server_errors = 0

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Accept-Language": "en",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError as error:
            raise StepFailed(f"{method} {path}: {error}") from None
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.status >= 500:
            self.server_errors += 1
        return response.status, response.getheader("Location", ""), text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, fields)


class _FormFields(HTMLParser):
    """What a browser would submit from the form with the given id (no file inputs)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        name = attrs.get("name") or ""
        if not self.inside or "__prefix__" in name:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = [name, None, None]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select[1] = value if self.select[1] is None else self.select[1]
            if "selected" in attrs:
                self.select[2] = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            # Browsers drop the newline that Django writes right after <textarea>.
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, first, chosen = self.select
            if chosen is not None or first is not None:
                self.fields.append((name, chosen if chosen is not None else first))
            self.select = None


def form_fields(page, form_id):
    parser = _FormFields(form_id)
    parser.feed(page)
    return parser.fields


def _csrf(page):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise StepFailed("no CSRF token on the page")
    return match.group(1)


def _expect_redirect(status, location, page, what):
    if status != 302:
        errors = re.findall(r'class="(?:errornote|errorlist[^"]*)"[^>]*>\s*(?:<li>)?([^<]+)', page)
        raise StepFailed(f"{what}: answered {status} instead of a redirect: {errors[:3]}")
    return location


def log_in(browser):
    status, _, page = browser.get("/admin/login/")
    fields = {"csrfmiddlewaretoken": _csrf(page), "username": EDITOR, "password": PASSWORD}
    _expect_redirect(*browser.post("/admin/login/?next=/admin/", fields), "log in")


def publish_one(browser, version_pk, title, note):
    """New draft from the version, change title and note, save, publish. Returns the draft's pk."""
    change = f"/admin/guides/guideversion/{version_pk}/change/"
    _status, _, page = browser.get(change)
    action = {"csrfmiddlewaretoken": _csrf(page), "_selected_action": version_pk}
    response = browser.post(change, {**action, "CHANGE_FORM-action": "new_draft"})
    location = _expect_redirect(*response, "new draft")
    match = re.search(r"/guideversion/(\d+)/change/", location)
    if not match:
        raise StepFailed(f"new draft: redirected to {location}, not to a draft")
    draft = match.group(1)
    draft_url = f"/admin/guides/guideversion/{draft}/change/"
    _status, _, page = browser.get(draft_url)
    changes = {"title_de": title, "change_note_de": note}
    fields = [(k, changes.get(k, v)) for k, v in form_fields(page, "guideversion_form")]
    _expect_redirect(*browser.post(draft_url, [*fields, ("_continue", "1")]), "saving the draft")
    _status, _, page = browser.get(draft_url)
    action = {"csrfmiddlewaretoken": _csrf(page), "_selected_action": draft}
    response = browser.post(draft_url, {**action, "CHANGE_FORM-action": "publish"})
    location = _expect_redirect(*response, "publish")
    _status, _, page = browser.get(location)
    if '<li class="success">' not in page:
        errors = re.findall(r'<li class="error">([^<]+)', page)
        raise StepFailed(f"publish: no success message: {errors[:2]}")
    return draft


def run_editor(port, guide, run):
    """Publish PUBLISHES versions spread over the run; returns what happened."""
    browser = Browser(port)
    result = {"published": 0, "visible": 0, "failures": [], "seconds": 0.0}
    start = time.monotonic()
    interval = SECONDS / PUBLISHES
    try:
        log_in(browser)
    except StepFailed as error:
        result["failures"].append(str(error))
        return result, browser.server_errors
    version = guide["version"]
    deadline = start + 3 * SECONDS + 300
    for n in range(1, PUBLISHES + 1):
        if time.monotonic() > deadline:
            result["failures"].append(f"gave up after {n - 1} publishes: out of time")
            break
        time.sleep(max(0.0, start + (n - 1) * interval - time.monotonic()))
        title = f"Lasttest {run}, Fassung {n}"
        try:
            version = publish_one(browser, version, title, f"Lasttest: Fassung {n}.")
        except StepFailed as error:
            result["failures"].append(f"publish {n}: {error}")
            continue
        result["published"] += 1
        status, _, page = browser.get(guide["path"])
        if status == 200 and title in page:
            result["visible"] += 1
    result["seconds"] = time.monotonic() - start
    return result, browser.server_errors


def manage(env, *args, log=None):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if log:
        log.write(result.stdout + result.stderr)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stderr.strip()}")
    return result.stdout


def server_environment(database_url, folder):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DATABASE_URL")}
    return env | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Loopback speaks plain HTTP; everything else is production's default.
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DATA_DIR": str(folder),
        "MEDIA_ROOT": str(folder / "media"),
        "LANG": "C.UTF-8",
    }


def _gunicorn_config():
    """The project's gunicorn configuration file, as the container's start uses it."""
    for path in (ROOT / "gunicorn.conf.py", ROOT / "config" / "gunicorn.conf.py"):
        if path.exists():
            return ["--config", str(path)]
    return []


def wait_until_serving(server, port, deadline=60):
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/de/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port} within {deadline} s")


def stress(name, database_url, folder):
    """One run against one database; prints the figures and returns True when all hold."""
    env = server_environment(database_url, folder)
    log_path = folder / "server.log"
    with open(log_path, "w") as log:
        manage(env, "migrate", "--noinput", log=log)
        manage(env, "import_content", "guides/demo", log=log)
        manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            _CREATE_EDITOR.format(name=EDITOR, password=PASSWORD),
        )
        guide = json.loads(manage(env, "shell", "--no-imports", "-c", _GUIDE_INFO))
        before = json.loads(manage(env, "shell", "--no-imports", "-c", _NUMBERS.format(**guide)))
        # The container's command (config/docker-entrypoint.sh), bound to loopback.
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", *_gunicorn_config(),
             "--bind", f"127.0.0.1:{PORT}", "--workers", WORKERS],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_serving(server, PORT)
            load, editor, server_errors = _under_load(guide, name)
        finally:
            server.terminate()
            server.wait(timeout=30)
    after = json.loads(manage(env, "shell", "--no-imports", "-c", _NUMBERS.format(**guide)))
    locked = log_path.read_text(errors="replace").count("database is locked")
    return _report(name, load, editor, server_errors, locked, before, after)


def _under_load(guide, name):
    paths = [
        "/de/", guide["path"], guide["path"] + "history/", "/de/feed/", "/en/", "/en/feed/",
        guide["path"].replace("/de/", "/en/", 1),
    ]  # fmt: skip
    # The readers' load lasts at least SECONDS and until the editor is done (wrk reports as
    # usual on SIGINT); its own --duration bounds it if anything hangs.
    started = time.monotonic()
    wrk = subprocess.Popen(
        ["wrk", "--threads", "2", "--connections", str(CONNECTIONS),
         "--duration", f"{4 * SECONDS + 600}s", "--timeout", "10s",
         "--script", str(ROOT / "bench" / "stress.lua"), f"http://127.0.0.1:{PORT}"],
        env=os.environ | {"STRESS_PATHS": " ".join(paths)},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        editor, server_errors = run_editor(PORT, guide, name)
        time.sleep(max(0.0, started + SECONDS - time.monotonic()))
    finally:
        wrk.send_signal(signal.SIGINT)
        output, _ = wrk.communicate(timeout=60)
    match = re.search(r"^STRESS (.*)$", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk did not report:\n{output}")
    load = {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", match.group(1))}
    return load, editor, server_errors


def _report(name, load, editor, editor_errors, locked, before, after):
    server_errors = int(load["server_errors"]) + editor_errors
    new = after[len(before) :]
    contiguous = after == list(range(1, len(after) + 1)) and len(new) == editor["published"]
    visible = editor["visible"] == editor["published"] > 0
    all_published = editor["published"] == PUBLISHES
    rate = load["requests"] / load["seconds"]
    yes = {True: "yes", False: "NO"}
    print(
        f"\n== {name}: {load['seconds']:.0f} s of wrk, {CONNECTIONS} connections, "
        f"{WORKERS} gunicorn workers"
    )
    print(f"responses >= 500:                 {server_errors} "
          f"(readers {int(load['server_errors'])}, editor {editor_errors})")  # fmt: skip
    print(f'"database is locked" in the log:  {locked}')
    print(f"version numbers contiguous:       {yes[contiguous]} "
          f"({before[-1] if before else 0} -> {after[-1] if after else 0}, "
          f"{editor['published']} of {PUBLISHES} published)")  # fmt: skip
    print(f"each publish visible next read:   {yes[visible]} "
          f"({editor['visible']} of {editor['published']})")  # fmt: skip
    print(f"readers: {rate:.1f} requests/s, p99 {load['p99_ms']:.0f} ms, "
          f"{int(load['non_2xx_3xx'])} non-2xx/3xx, "
          f"{int(load['socket_errors'])} socket errors")  # fmt: skip
    print(f"editor: {editor['published']} of {PUBLISHES} publishes done "
          f"({yes[all_published]}), in {editor['seconds']:.0f} s under load")  # fmt: skip
    for failure in editor["failures"]:
        print(f"  editor: {failure}")
    return server_errors == 0 and locked == 0 and contiguous and visible and all_published


def postgres_server():
    """(URL of the maintenance database, None) or (None, why PostgreSQL is not available)."""
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None, f"{parts.hostname} is not on loopback"
    try:
        import psycopg

        psycopg.connect(parts._replace(path="/postgres").geturl(), connect_timeout=5).close()
    except Exception as error:  # any failure to connect means: skip, say why
        return None, str(error).strip().splitlines()[0]
    return parts._replace(path="/postgres").geturl(), None


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install the Debian package wrk (make stress does)")
    results = []
    with tempfile.TemporaryDirectory(prefix="stress-") as folder:
        sqlite_folder = Path(folder) / "sqlite"
        sqlite_folder.mkdir()
        url = f"sqlite:///{sqlite_folder / 'db.sqlite3'}"
        results.append(stress("SQLite (file database)", url, sqlite_folder))
        maintenance, why_not = postgres_server()
        if maintenance is None:
            print(f"\n== PostgreSQL: SKIPPED, not available ({why_not})")
        else:
            results.append(_stress_postgres(maintenance, Path(folder) / "postgres"))
    sys.exit(0 if all(results) else 1)


def _stress_postgres(maintenance, folder):
    import psycopg

    name = f"stress_guides_{os.getpid()}"
    folder.mkdir()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlsplit(maintenance)._replace(path=f"/{name}").geturl()
        return stress(f"PostgreSQL (database {name})", url, folder)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
