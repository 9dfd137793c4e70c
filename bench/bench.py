"""`make bench`: reader pages of the production server side by side with a static file.

Not a test: it measures and prints, and fails only when the server does not start. Two SQLite
databases under one temporary folder: the demo content (plus a second version of the AI guide,
so that compare has something to compare) and a generated catalogue of 300 guides. The server
starts as stress.py starts it (gunicorn with config/gunicorn.conf.py, production settings,
WEB_CONCURRENCY workers, default 2) on 127.0.0.1:BENCH_PORT (default 8104), in three set-ups
one after the other: demo with the page cache, demo with PAGE_CACHE=0, catalogue with
PAGE_CACHE=0. The guide page's HTML, saved as a file, is served meanwhile by WhiteNoise under the
same gunicorn settings on BENCH_STATIC_PORT (default 8114).

wrk runs BENCH_SECONDS (default 10) at 16 and at 64 connections against each page, the set-ups
alternating, BENCH_ROUNDS (default 3) rounds; the best round counts. Prints requests/s, p50/p99,
errors, ratio to the static file, queries per page, gzip weight and the workers' RSS after load,
and writes the figures to BENCH_JSON (default bench-results.json in the working directory).
About 15 minutes; `--quick` is a smoke run of about 4 minutes (one round, 2 s, 16 connections,
30 guides in the catalogue).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stress import BIN, ROOT, _gunicorn_config, manage, server_environment, wait_until_serving

PORT = int(os.environ.get("BENCH_PORT") or 8104)
STATIC_PORT = int(os.environ.get("BENCH_STATIC_PORT") or 8114)
WORKERS = os.environ.get("WEB_CONCURRENCY") or "2"
GUIDE = "/de/linkedin/ai-training/"
STATIC_PAGE = "/ai-training.html"

# Set-up name -> (database, page cache on, pages as (label, path)).
SETUPS = {
    "demo, cached": (
        "demo",
        True,
        [
            ("home", "/de/"),
            ("guide cached", GUIDE),
            ("history", GUIDE + "history/"),
            ("compare", GUIDE + "compare/"),
            ("search", "/de/search/?q=KI"),
            ("feed", "/de/feed/"),
        ],
    ),
    "demo, uncached": (
        "demo",
        False,
        [
            ("guide uncached", GUIDE),
            ("home uncached", "/de/"),
            ("platform uncached", "/de/linkedin/"),
        ],
    ),
    "catalogue, uncached": (
        "catalogue",
        False,
        [
            ("home uncached", "/de/"),
            ("platform uncached", "/de/linkedin/"),
            ("search", "/de/search/?q=KI"),
        ],
    ),
}

# A second version of the AI guide, so that compare shows a comparison, not a redirect.
_SECOND_VERSION = """
from guides.models import Guide
guide = Guide.objects.get(platform__slug="linkedin", slug="ai-training")
draft = guide.new_draft()
draft.change_note_de = "Benchmark: zweite Fassung."
draft.title_de = draft.title_de + " (2)"
draft.save()
draft.publish()
"""

# Copies of the AI guide's published version into `count` new guides on the same platform.
_CATALOGUE = """
from django.db import transaction
from guides.models import GuideVersion, Guide, Source, Step, _copyable_fields
source = Guide.objects.get(platform__slug="linkedin", slug="ai-training").published_version
version_fields = _copyable_fields(GuideVersion, GuideVersion.NOT_COPIED)
step_fields = _copyable_fields(Step, {{"version"}})
source_fields = _copyable_fields(Source, {{"version"}})
steps, sources = list(source.steps.all()), list(source.sources.all())
with transaction.atomic():
    for n in range(Guide.objects.count(), {count}):
        platform = source.guide.platform
        guide = Guide.objects.create(platform=platform, slug=f"bench-{{n}}", position=n)
        draft = guide.new_draft()
        for name in version_fields:
            setattr(draft, name, getattr(source, name))
        draft.title_de = f"{{source.title_de}} ({{n}})"
        draft.save()
        Step.objects.bulk_create(
            Step(version=draft, **{{f: getattr(s, f) for f in step_fields}}) for s in steps
        )
        Source.objects.bulk_create(
            Source(version=draft, **{{f: getattr(s, f) for f in source_fields}}) for s in sources
        )
        draft.refresh_from_db()
        draft.publish()
print(Guide.objects.published().count())
"""

# Queries per page as a cache miss renders it, in the server's own settings.
_QUERIES = """
import json
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
counts = {{}}
with override_settings(PAGE_CACHE=False):
    client = Client(SERVER_NAME="127.0.0.1")
    for path in {paths!r}:
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts[path] = len(queries) if status == 200 else f"status {{status}}"
print(json.dumps(counts))
"""


def prepare(folder, name, guides):
    """A database with the demo content (and for the catalogue, `guides` guides in all)."""
    data = folder / name
    data.mkdir()
    env = server_environment(f"sqlite:///{data / 'db.sqlite3'}", data)
    with open(data / "setup.log", "w") as log:
        manage(env, "migrate", "--noinput", log=log)
        manage(env, "import_content", "guides/demo", log=log)
        manage(env, "shell", "--no-imports", "-c", _SECOND_VERSION, log=log)
        if guides:
            count = manage(env, "shell", "--no-imports", "-c", _CATALOGUE.format(count=guides))
            print(f"   {name}: {count.strip()} published guides")
    return env


def start(command, env, log, port):
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), *command, *_gunicorn_config(),
         "--bind", f"127.0.0.1:{port}", "--workers", WORKERS],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return server


def serving(server, log):
    """Waits for the server; on a failed start shows the end of its log."""
    try:
        # Generous: the machine may be busy with other work (the figures note the load).
        wait_until_serving(server, PORT, deadline=180)
    except SystemExit:
        log.flush()
        print("".join(Path(log.name).read_text(errors="replace").splitlines(True)[-20:]))
        stop(server)
        raise


def stop(server):
    server.terminate()
    server.wait(timeout=30)


def fetch(port, path, gzip=False):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def worker_rss_mb(server):
    """Resident memory of each of the master's worker processes, in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port, path, connections, seconds):
    result = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s",
         "--timeout", "5s", "--latency", f"http://127.0.0.1:{port}{path}"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    out = result.stdout
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)),
        "errors": sum(int(n) for n in socket.groups()) if socket else 0,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def static_copy(folder, envs):
    """The guide page's HTML as the cached server sends it, in a folder for WhiteNoise."""
    root = folder / "static-page"
    root.mkdir()
    with open(folder / "demo" / "static-copy.log", "w") as log:
        server = start(["config.wsgi"], envs["demo"], log, PORT)
        try:
            serving(server, log)
            status, body = fetch(PORT, GUIDE)
        finally:
            stop(server)
    if status != 200:
        raise SystemExit(f"{GUIDE} answered {status}")
    (root / STATIC_PAGE.lstrip("/")).write_bytes(body)
    return root


def measure_setup(name, envs, folder, rounds_result, seconds, concurrencies):
    database, cached, pages = SETUPS[name]
    env = envs[database] | {"PAGE_CACHE": "1" if cached else "0"}
    with open(folder / database / "server.log", "a") as log:
        server = start(["config.wsgi"], env, log, PORT)
        try:
            serving(server, log)
            for _label, path in pages:
                # Not measured: fills the page cache and each worker's template cache.
                wrk(PORT, path, 4, 1)
            for label, path in pages:
                for connections in concurrencies:
                    figures = wrk(PORT, path, connections, seconds)
                    rounds_result.setdefault((name, label, connections), []).append(figures)
            return max(worker_rss_mb(server))
        finally:
            stop(server)


def measure_static(static_server, rounds_result, seconds, concurrencies):
    for connections in concurrencies:
        figures = wrk(STATIC_PORT, STATIC_PAGE, connections, seconds)
        rounds_result.setdefault(("static file", "guide as a file", connections), []).append(
            figures
        )


def page_facts(envs):
    """Queries per page (as a cache miss renders it) and the gzip weight of each page."""
    facts = {}
    for name, (database, _cached, pages) in SETUPS.items():
        paths = [path for _label, path in pages]
        script = _QUERIES.format(paths=paths)
        counts = json.loads(manage(envs[database], "shell", "--no-imports", "-c", script))
        for label, path in pages:
            facts[(name, label)] = {"path": path, "queries": counts[path]}
    return facts


def weights(envs, folder, facts):
    """Each page's size, plain and gzipped, from a server with the page cache (which gzips)."""
    for database, env in envs.items():
        with open(folder / database / "weights.log", "w") as log:
            server = start(["config.wsgi"], env | {"PAGE_CACHE": "1"}, log, PORT)
            try:
                serving(server, log)
                for (name, _label), fact in facts.items():
                    if SETUPS[name][0] == database:
                        _status, plain = fetch(PORT, fact["path"])
                        _status, packed = fetch(PORT, fact["path"], gzip=True)
                        fact["bytes"], fact["gzip_bytes"] = len(plain), len(packed)
            finally:
                stop(server)


def best(runs):
    """The round with the most requests/s (the one least disturbed by the machine's other load)."""
    return max(runs, key=lambda figures: figures["rps"])


def report(results, facts, rss, concurrencies, args, path):
    static = {c: best(results[("static file", "guide as a file", c)])["rps"] for c in concurrencies}
    rows = []
    for (name, label, connections), runs in results.items():
        figures = best(runs)
        fact = facts.get((name, label), {})
        rows.append({
            "setup": name, "page": label, "path": fact.get("path", STATIC_PAGE),
            "connections": connections, **figures,
            "ratio_to_static": figures["rps"] / static[connections],
            "rounds_rps": [round(run["rps"], 1) for run in runs],
            "queries": fact.get("queries"), "bytes": fact.get("bytes"),
            "gzip_bytes": fact.get("gzip_bytes"),
        })  # fmt: skip
    header = f"{'set-up':20} {'page':18} {'conn':>4} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} "
    header += f"{'p99 ms':>7} {'err':>4} {'queries':>7} {'gzip kB':>7}"
    print("\n" + header)
    for row in rows:
        weight = f"{row['gzip_bytes'] / 1024:.1f}" if row["gzip_bytes"] else "-"
        if row["rps"] == 0:
            print(f"{row['setup']:20} {row['page']:18} {row['connections']:>4} "
                  f"no request finished within {args.seconds} s")  # fmt: skip
            continue
        print(
            f"{row['setup']:20} {row['page']:18} {row['connections']:>4} {row['rps']:>8.0f} "
            f"{row['ratio_to_static']:>6.3f} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} "
            f"{row['errors'] + row['non_2xx_3xx']:>4} {row['queries'] or '-':>7} {weight:>7}"
        )
    print("\nworker RSS after load (largest worker, MB): "
          + ", ".join(f"{name} {mb:.0f}" for name, mb in rss.items()))  # fmt: skip
    summary = {
        "command": "make bench" + (" BENCH_ARGS=--quick" if args.quick else ""),
        "workers": int(WORKERS), "seconds": args.seconds, "rounds": args.rounds,
        "catalogue_guides": args.guides, "load_average_before": args.load_before,
        "worker_rss_mb": rss, "rows": rows,
    }  # fmt: skip
    path.write_text(json.dumps(summary, indent=2))
    print(f"figures written to {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round, 2 s, c16, 30 guides")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install the Debian package wrk (make bench does)")
    args.rounds = 1 if args.quick else int(os.environ.get("BENCH_ROUNDS") or 3)
    args.seconds = 2 if args.quick else int(os.environ.get("BENCH_SECONDS") or 10)
    args.guides = 30 if args.quick else 300
    args.load_before = os.getloadavg()
    concurrencies = (16,) if args.quick else (16, 64)
    output = Path(os.environ.get("BENCH_JSON") or "bench-results.json").resolve()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        folder = Path(name)
        print("-> preparing the demo database and a catalogue of", args.guides, "guides")
        envs = {
            "demo": prepare(folder, "demo", 0),
            "catalogue": prepare(folder, "catalogue", args.guides),
        }
        facts = page_facts(envs)
        weights(envs, folder, facts)
        static_env = {**envs["demo"], "BENCH_STATIC_ROOT": str(static_copy(folder, envs))}
        with open(folder / "static.log", "w") as log:
            static_server = start(["bench.static_app"], static_env, log, STATIC_PORT)
            try:
                _wait_for_static(static_server)
                results, rss = {}, {}
                for round_number in range(1, args.rounds + 1):
                    print(f"-> round {round_number} of {args.rounds}")
                    measure_static(static_server, results, args.seconds, concurrencies)
                    for setup in SETUPS:
                        mb = measure_setup(
                            setup, envs, folder, results, args.seconds, concurrencies
                        )
                        rss[setup] = max(rss.get(setup, 0), mb)
                rss["static file"] = max(worker_rss_mb(static_server))
            finally:
                stop(static_server)
        report(results, facts, rss, concurrencies, args, output)
    print(f"total {time.monotonic() - started:.0f} s; load average before: "
          + " ".join(f"{n:.1f}" for n in args.load_before))  # fmt: skip


def _wait_for_static(server, deadline=30):
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if server.poll() is not None:
            raise SystemExit("the static file server stopped at start")
        try:
            if fetch(STATIC_PORT, STATIC_PAGE)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the static file server did not answer on 127.0.0.1:{STATIC_PORT}")


if __name__ == "__main__":
    main()
