"""A local S3-compatible server for the object-storage tests: moto's emulator, in its own process.

No real object storage can be reached from CI, so the S3 path is tested against this emulator.
"""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    # A port of this test run's own: two suites side by side must not share one emulator.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


S3_PORT = _free_port()
S3_ENDPOINT = f"http://127.0.0.1:{S3_PORT}"
S3_KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


@pytest.fixture(scope="session")
def s3_server():
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(S3_PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", S3_PORT), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("the S3 emulator (moto) did not start")
            time.sleep(0.2)
    yield S3_ENDPOINT
    server.terminate()
    server.wait(timeout=10)


def s3_client():
    return boto3.client(
        "s3",
        endpoint_url=S3_ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["access_key"],
        aws_secret_access_key=S3_KEYS["secret_key"],
    )


def new_bucket():
    name = f"media-{uuid.uuid4().hex[:12]}"
    s3_client().create_bucket(Bucket=name)
    return name


def s3_storages(bucket):
    """STORAGES exactly as config/settings.py builds them from the S3_* variables."""
    script = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "from django.conf import settings; print(json.dumps(settings.STORAGES))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_DEBUG": "1",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": S3_ENDPOINT,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": S3_KEYS["access_key"],
        "S3_SECRET_ACCESS_KEY": S3_KEYS["secret_key"],
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def bucket_keys(bucket):
    listing = s3_client().list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", ()))
