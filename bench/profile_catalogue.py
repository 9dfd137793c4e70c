"""What the list pages and search cost with 3 and with 300 guides, and what the process holds.

Not a test: it measures and prints. Builds the demo database and the 300-guide catalogue as
`make bench` does (bench.prepare, SQLite in a temporary folder), then, for each database, in a
fresh process with production settings and PAGE_CACHE=0, sends every page through Django's
test client (after a warm-up that is not counted) and prints CPU ms per request (the best of
the rounds: CPU time, so that other work on the machine disturbs the figures less) and the
process's memory: resident now, peak resident, and with --tracemalloc the Python heap and what
still holds it (the tracing slows the requests down). Last, unless --no-server, gunicorn as in
production (bench.start, 2 workers) serves the same pages to 16 concurrent clients per database,
and the largest worker's resident memory after that is printed.

    .venv/bin/python bench/profile_catalogue.py                 # about 2 minutes
    .venv/bin/python bench/profile_catalogue.py --keep /tmp/cat # reuse the databases next time
    .venv/bin/python bench/profile_catalogue.py --profile "search KI-300"  # pyinstrument
    .venv/bin/python bench/profile_catalogue.py --tracemalloc --no-server

Needs `make compilemessages` and collected static files (`make bench` collects them).
--profile needs pyinstrument (`.venv/bin/pip install pyinstrument`, not in the locks).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import PORT, ROOT, fetch, prepare, serving, start, stop, worker_rss_mb

PAGES = {
    "home": "/de/",
    "platform": "/de/linkedin/",
    "search KI": "/de/search/?q=KI",
    "search no hit": "/de/search/?q=zzzz",
    "search prefix": "/de/search/?q=ein",  # "ein", "eine", "einstellungen", ...
    "search letter": "/de/search/?q=d",  # a fifth of all words start with it
    "guide": "/de/linkedin/ai-training/",
}
CLIENTS = 16  # as make bench's wrk: concurrent requests are what a worker's memory must hold
DATABASES = {"3": 0, "300": 300}  # label -> guides built (0: the demo content alone)


def measure(args):
    """In the child process: time each page, then report memory, as JSON on stdout."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    for path in PAGES.values():  # warm-up: templates, translations, first connection
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(25)
    if args.profile_page:
        return profile(client, PAGES[args.profile_page], args)
    figures = {}
    for label, path in PAGES.items():
        if args.pages and label not in args.pages:
            continue
        rounds = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.requests):
                client.get(path)
            rounds.append((time.process_time() - started) * 1000 / args.requests)
        figures[label] = min(rounds)
    result = {"ms": figures, **memory()}
    if args.tracemalloc:
        result["top"] = top_allocations(tracemalloc.take_snapshot())
    print(json.dumps(result))


def memory():
    import resource

    status = Path("/proc/self/status").read_text()
    rss = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"rss_mb": int(rss.split()[1]) / 1024, "peak_rss_mb": peak}
    import tracemalloc

    if tracemalloc.is_tracing():
        current, traced_peak = tracemalloc.get_traced_memory()
        result |= {"traced_mb": current / 2**20, "traced_peak_mb": traced_peak / 2**20}
    return result


def top_allocations(snapshot, limit=12):
    """Where the memory still held after the requests was allocated (innermost project frame)."""
    stats = snapshot.filter_traces([__import__("tracemalloc").Filter(True, f"{ROOT}/*")])
    return [
        f"{stat.size / 1024:8.0f} kB {stat.count:7} blocks  {stat.traceback[-1]}"
        for stat in stats.statistics("traceback")[:limit]
    ]


def profile(client, path, args):
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.requests * args.rounds):
        client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
    print(json.dumps({}))


def child(env, args, extra=()):
    command = [sys.executable, __file__, "--measure", "--requests", str(args.requests),
               "--rounds", str(args.rounds), "--pages", ",".join(args.pages), *extra]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, env=env | {"PAGE_CACHE": "0"}, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    if result.stderr.strip():
        print(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def server_rss(env, folder, args):
    """The largest gunicorn worker's RSS after 16 clients at once asked for every page."""
    paths = list(PAGES.values()) * (args.rounds * args.requests)
    with open(folder / "profile-server.log", "a") as log:
        server = start(["config.wsgi"], env | {"PAGE_CACHE": "0"}, log, PORT)
        try:
            serving(server, log)
            with ThreadPoolExecutor(max_workers=CLIENTS) as clients:
                statuses = set(clients.map(lambda path: fetch(PORT, path)[0], paths))
            if statuses != {200}:
                raise SystemExit(f"the server answered {statuses}")
            return max(worker_rss_mb(server))
        finally:
            stop(server)


def databases(folder):
    envs = {}
    for label, guides in DATABASES.items():
        env_file = folder / label / "env.json"
        if env_file.exists():
            envs[label] = json.loads(env_file.read_text())
            continue
        print(f"-> building the database with {label} guides in {folder / label}")
        envs[label] = prepare(folder, label, guides)
        env_file.write_text(json.dumps(envs[label]))
    return envs


def run(folder, args):
    envs = databases(folder)
    if args.profile:
        page, label = args.profile.rsplit("-", 1)
        child(envs[label], args, ["--profile-page", page])
        return
    results = {}
    for label, env in envs.items():
        extra = ["--tracemalloc"] if args.tracemalloc else []
        results[label] = child(env, args, extra)
        if not args.no_server:
            results[label]["worker_rss_mb"] = server_rss(env, folder, args)
    report(results, args)


def report(results, args):
    few, many = results["3"], results["300"]
    print(f"\n{'page':16} {'3 guides':>10} {'300 guides':>11} {'ratio':>6}   (CPU ms/request)")
    for label in few["ms"]:
        a, b = few["ms"][label], many["ms"][label]
        print(f"{label:16} {a:10.1f} {b:11.1f} {b / a:6.2f}")
    for name in ("rss_mb", "peak_rss_mb", "traced_mb", "traced_peak_mb", "worker_rss_mb"):
        if name in few:
            print(f"{name:16} {few[name]:10.1f} {many[name]:11.1f}")
    for label, figures in results.items():
        if "top" in figures:
            print(f"\nheld after the requests, {label} guides (tracemalloc):")
            print("\n".join(figures["top"]))
    print(f"\n{args.rounds} rounds of {args.requests} requests per page; load average "
          + " ".join(f"{n:.1f}" for n in os.getloadavg()))  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder for the databases, kept for reuse")
    parser.add_argument("--requests", type=int, default=20, help="requests per round and page")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=lambda value: value.split(",") if value else [],
                        default=[], help="only these pages, e.g. 'home,search KI'")  # fmt: skip
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--no-server", action="store_true", help="skip the gunicorn RSS run")
    parser.add_argument("--profile", choices=[f"{p}-{n}" for p in PAGES for n in DATABASES])
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-page", choices=PAGES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.keep, args)
    with tempfile.TemporaryDirectory(prefix="profile-catalogue-") as name:
        run(Path(name), args)


if __name__ == "__main__":
    main()
