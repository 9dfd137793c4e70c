"""Milliseconds per request of reader pages rendered without the page cache; not a test.

Builds the demo content in a temporary folder as bench.py does, then, in production settings
with PAGE_CACHE=0, sends each page REQUESTS times (default 200) through Django's test client
after a few warm-up requests, and prints the mean wall time per request. The figure includes
Django's whole request handling (middleware, view, template) but no server or network, so it
shows what the rendering costs without wrk and gunicorn competing for the cores.

    .venv/bin/python bench/profile_page.py                  # guide, home, platform, search
    .venv/bin/python bench/profile_page.py --profile guide  # and pyinstrument's tree of one page

--profile needs pyinstrument, which is not in the locks: `.venv/bin/pip install pyinstrument`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stress import ROOT, manage, server_environment

PAGES = {
    "guide": "/de/linkedin/ai-training/",
    "home": "/de/",
    "platform": "/de/linkedin/",
    "search": "/de/search/?q=KI",  # never cached: rendered per request in production too
}
WARM_UP = 5
ROUNDS = 3


def measure(pages, requests, profile):
    """Run inside the prepared environment: ms/request of each page, as a JSON object."""
    import django

    django.setup()
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    figures = {}
    for name, path in pages.items():
        for _ in range(WARM_UP):
            assert client.get(path).status_code == 200, path
        batches = []
        for _ in range(ROUNDS):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(requests):
                client.get(path)
            batches.append((time.perf_counter() - wall, time.process_time() - cpu))
        # The best round: on a shared machine the others only add time.
        figures[name] = [
            min(w for w, _ in batches) * 1000 / requests,
            min(c for _, c in batches) * 1000 / requests,
        ]
    if profile:
        from pyinstrument import Profiler

        with Profiler(interval=0.0002) as profiler:
            for _ in range(requests):
                client.get(pages[profile])
        print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
    print(json.dumps(figures))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", choices=PAGES, help="print pyinstrument's tree of this page")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(PAGES, args.requests, args.profile)
    with tempfile.TemporaryDirectory(prefix="profile-page-") as folder:
        folder = Path(folder)
        env = server_environment(f"sqlite:///{folder / 'db.sqlite3'}", folder)
        env |= {"DJANGO_DEBUG": "0", "PAGE_CACHE": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "migrate", "--noinput")
        manage(env, "import_content", "guides/demo")
        command = [sys.executable, __file__, "--measure", "--requests", str(args.requests)]
        if args.profile:
            command += ["--profile", args.profile]
        result = subprocess.run(
            command, cwd=ROOT, env=env | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True
        )
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            raise SystemExit("measuring failed")
        figures = json.loads(result.stdout.splitlines()[-1])
    print(f"PAGE_CACHE=0, best of {ROUNDS} rounds of {args.requests} requests, ms/request")
    print(f"{'page':10} {'path':28} {'wall':>6} {'CPU':>6}")
    for name, (wall, cpu) in figures.items():
        print(f"{name:10} {PAGES[name]:28} {wall:6.2f} {cpu:6.2f}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
