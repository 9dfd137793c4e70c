"""The production server as the entrypoint starts it: access log, foreign hosts, methods, and
slow clients (gevent workers), on SQLite and, when the suite runs on it, on PostgreSQL."""

import re
import socket
import threading
import time
from contextlib import ExitStack, contextmanager

import pytest

from tests.server_helpers import (
    fresh_postgres_database,
    postgres_url,
    production_environment,
    run_entrypoint,
    serving,
)

BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.engine_independent),
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not postgres_url(), reason="runs when the suite runs on PostgreSQL (DATABASE_URL)"
        ),
    ),
]


@contextmanager
def _production_server(tmp_path, backend):
    with ExitStack() as stack:
        extra = {}
        if backend == "postgresql":
            extra["DATABASE_URL"] = stack.enter_context(fresh_postgres_database())
        init = run_entrypoint(production_environment(tmp_path, **extra), "init")
        assert init.returncode == 0, init.stderr
        yield stack.enter_context(serving(tmp_path, **extra))


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    with _production_server(tmp_path_factory.mktemp(request.param), request.param) as server:
        yield server


def _slow_client(port, stop):
    """Sends a request's headers one byte every half second, and never finishes them."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        sock.sendall(b"GET /de/ HTTP/1.1\r\nHost: guides.example.org\r\n")
        while not stop.wait(0.5):
            sock.sendall(b"X")
    except OSError:
        pass
    finally:
        sock.close()


class ProductionServerTests:
    def test_health_check_on_127_0_0_1_is_answered_and_not_logged(self, server):
        response = server.get("/healthz", host="127.0.0.1")
        server.get("/de/platform-after-healthz/")

        assert response.status == 200
        assert response.text == "ok\n"
        assert server.log_lines("/de/platform-after-healthz/")
        assert not server.log_lines("/healthz", timeout=0)

    def test_access_log_keeps_neither_client_address_nor_search_words(self, server):
        response = server.get("/de/search/?q=geheimwort")

        assert response.status == 200
        lines = server.log_lines('"GET /de/search/ HTTP/1.1" 200')
        assert lines, server.output()
        assert "geheimwort" not in server.output()
        assert not re.search(r"\b127\.0\.0\.1\b", lines[-1])

    def test_a_foreign_host_gets_400_and_one_log_line(self, server):
        response = server.get("/de/", host="intruder.example")

        assert response.status == 400
        server.log_lines('"GET /de/ HTTP/1.1" 400')
        assert len(server.log_lines("intruder.example")) == 1, server.output()
        assert "Traceback" not in server.output()

    def test_options_and_trace_get_405(self, server):
        for method in ("OPTIONS", "TRACE"):
            response = server.get("/de/", method=method)

            assert response.status == 405
            assert response.getheader("Allow") == "GET, HEAD"

    def test_fifty_slow_clients_do_not_stop_other_readers(self, server):
        stop = threading.Event()
        clients = [
            threading.Thread(target=_slow_client, args=(server.port, stop), daemon=True)
            for _ in range(50)
        ]
        for client in clients:
            client.start()
        try:
            time.sleep(3)  # every worker has met slow clients by now
            latencies = []
            for _ in range(10):
                started = time.monotonic()
                response = server.get("/de/", timeout=10)
                latencies.append(time.monotonic() - started)
                assert response.status == 200
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=5)

        print(
            f"\nlatency with 50 slow clients: max {max(latencies) * 1000:.0f} ms, "
            f"median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms"
        )
        assert max(latencies) < 2
