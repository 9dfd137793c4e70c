"""The production start, run for real outside Docker: config/docker-entrypoint.sh in a clean
environment, gunicorn on a port of its own, and PostgreSQL databases and TCP proxies for it."""

import collections
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "config" / "docker-entrypoint.sh"
SECRET_KEY = "entrypoint-test-key-" + "x" * 40
# The site's name for itself in these tests; the health check comes as 127.0.0.1.
SITE_HOST = "guides.example.org"
# This project's ports on a shared machine (the tests pick free ones among them); two suites side
# by side (.ci/run) each take a hundred of their own.
_FIRST_PORT = int(os.environ.get("TEST_PORTS_FROM") or 8300)
PORTS = range(_FIRST_PORT, _FIRST_PORT + 100)
# The Redis database that the servers started by tests share; two suites side by side (.ci/run)
# each set a database of their own.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/6")


# The ports handed out last in this process: a port stays free until its server binds it, so two
# calls in a row could otherwise return the same one.
_handed_out = collections.deque(maxlen=32)


def free_port():
    for port in random.sample(PORTS, len(PORTS)):
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            _handed_out.append(port)
            return port
    pytest.fail(f"no free port in {PORTS}")


def postgres_url():
    """The PostgreSQL server the suite runs on, or None when it runs on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def environment(tmp_path, **extra):
    """A clean environment, like a container's: nothing from the test run leaks in
    (pytest-env sets SECRET_KEY, a developer may have DJANGO_DEBUG or DATABASE_URL set)."""
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LISTEN_ADDRESS": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        **extra,
    }


def production_environment(tmp_path, **extra):
    return environment(tmp_path, SECRET_KEY=SECRET_KEY, ALLOWED_HOSTS=SITE_HOST, **extra)


def run_entrypoint(env, *args, timeout=120):
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def request(port, path, method="GET", host=SITE_HOST, timeout=10, **headers):
    """One request; the proxy header stands for a TLS proxy in front, as in production."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            method, path, headers={"Host": host, "X-Forwarded-Proto": "https", **headers}
        )
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        return response
    finally:
        connection.close()


class Server:
    """gunicorn started through the entrypoint; its output (access and error log) in `log`."""

    def __init__(self, process, port, log):
        self.process, self.port, self.log = process, port, log

    def get(self, path, **kwargs):
        return request(self.port, path, **kwargs)

    def output(self):
        return self.log.read_text(errors="replace")

    def log_lines(self, containing, timeout=5):
        """Lines of the log with `containing`, once there is one (workers log as they answer)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.output().splitlines() if containing in line]
            if lines or time.monotonic() > deadline:
                return lines
            time.sleep(0.1)


def _wait_until_serving(server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"entrypoint exited with {server.process.returncode}:\n{server.output()}")
        try:
            return server.get("/healthz", host="127.0.0.1", timeout=5)
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"gunicorn did not answer within {timeout} s:\n{server.output()}")


@contextmanager
def serving(tmp_path, **extra):
    """Start the entrypoint (migrate, then gunicorn) and stop it afterwards."""
    port = free_port()
    defaults = {"SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": SITE_HOST, "BEHIND_TLS_PROXY": "1"}
    env = environment(tmp_path, **{**defaults, "PORT": str(port), **extra})
    log = tmp_path / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ENTRYPOINT)],
            env=env,
            cwd=tmp_path,  # the script finds the project by its own path
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _with_database(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextmanager
def fresh_postgres_database():
    """An empty database of its own on the suite's PostgreSQL server, dropped afterwards."""
    server_url = postgres_url()
    name = f"server_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_with_database(server_url, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(_with_database(server_url, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TcpProxy:
    """Forwards 127.0.0.1:port to a TCP server until `cut()`, which closes every connection
    and refuses new ones (a database host gone away); `restore()` forwards again."""

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._sockets = []
        self._listener = None
        self._lock = threading.Lock()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        with self._lock:
            _close(self._listener)  # shutdown() wakes the thread blocked in accept()
            for sock in self._sockets:
                _close(sock)
            self._sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _close(target)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
