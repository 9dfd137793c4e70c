"""The production server's settings that a test can hold: config/gunicorn.conf.py."""

import gc
import runpy
from pathlib import Path

import pytest
from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"


@pytest.fixture
def gunicorn_config(monkeypatch):
    from gunicorn.workers import ggevent

    # The hook replaces the server class in the worker process; here only for this test.
    monkeypatch.setattr(ggevent, "StreamServer", ggevent.StreamServer)
    return runpy.run_path(str(CONFIG))


def test_what_a_worker_loaded_at_start_is_left_out_of_full_garbage_collections(
    gunicorn_config,
):
    gc.unfreeze()
    try:
        gunicorn_config["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_worker_takes_a_burst_of_new_connections_in_one_turn(gunicorn_config):
    from gunicorn.workers import ggevent

    gunicorn_config["post_worker_init"](None)
    server = ggevent.StreamServer(("127.0.0.1", 0), handle=lambda *args: None)
    server.max_accept = 1  # what gunicorn sets when it runs several workers
    server.start()
    try:
        assert server.max_accept == gunicorn_config["ACCEPT_PER_TURN"] > 1
    finally:
        server.stop()
