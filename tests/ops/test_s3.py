"""Media on S3-compatible storage (django-storages) against a local S3 server (moto).

The server runs as a separate process on loopback, started by the test; the
application is configured only through the documented environment variables.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.ops.helpers import ROOT, prod_env, run_python
from tests.ops.stack import free_port

SCRIPT = """
import json
import boto3, django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from core.health import check_storage
endpoint = settings.STORAGES["default"]["OPTIONS"]["endpoint_url"]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="eu-central-1")
s3.create_bucket(Bucket="paktwerk-media",
                 CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
name = default_storage.save("jobs/2026/12/paket.pdf", ContentFile(b"%PDF-1.7 s3"))
second = default_storage.save("jobs/2026/12/paket.pdf", ContentFile(b"%PDF-1.7 other"))
keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="paktwerk-media")["Contents"])
read = default_storage.open(name).read().decode()
acl = s3.get_object_acl(Bucket="paktwerk-media", Key=keys[0])["Grants"]
health = check_storage()
default_storage.delete(name)
print(json.dumps({"backend": type(default_storage._wrapped).__name__, "name": name,
                  "second": second, "keys": keys, "read": read, "health": health,
                  "public": any("AllUsers" in str(g) for g in acl),
                  "exists_after_delete": default_storage.exists(name)}))
"""


@pytest.fixture
def s3_server():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("moto server did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_media_on_s3_save_read_health_and_private(s3_server, tmp_path):
    env = prod_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        MEDIA_STORAGE="s3",
        S3_BUCKET="paktwerk-media",
        S3_ENDPOINT_URL=s3_server,
        S3_REGION="eu-central-1",
        S3_ACCESS_KEY="test",
        S3_SECRET_KEY="test",
        S3_PREFIX="media",
    )
    result = run_python(SCRIPT, env, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["backend"] == "S3Storage"
    assert out["read"] == "%PDF-1.7 s3"
    assert out["second"] != out["name"]  # never overwrites
    assert out["keys"] == sorted(["media/" + out["name"], "media/" + out["second"]])
    assert out["health"] == "ok"
    assert out["public"] is False
    assert out["exists_after_delete"] is False


def test_an_unknown_media_storage_refuses_to_start(tmp_path):
    result = run_python(
        "import django; django.setup()",
        prod_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", MEDIA_STORAGE="ftp"),
    )
    assert result.returncode != 0 and "MEDIA_STORAGE must be" in result.stderr
