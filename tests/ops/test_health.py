"""/healthz/: JSON always, 200 healthy / 503 unhealthy, before the HTTPS redirect."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import WorkerHeartbeat
from tests.ops.helpers import prod_env, run_python

PROBE = """
import django, json
django.setup()
from django.test import Client
c = Client()
c.cookies["sessionid"] = "a-session-cookie-from-the-browser"
r = c.get("/healthz/")
print(json.dumps({"status": r.status_code, "type": r["Content-Type"], "body": r.content.decode()}))
"""


def _probe(**env):
    result = run_python(PROBE, prod_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_database_down_answers_json_503_over_plain_http_with_a_session_cookie(tmp_path):
    answer = _probe(DATABASE_URL="postgres://nobody@127.0.0.1:1/none", MEDIA_ROOT=str(tmp_path))
    assert answer["status"] == 503  # not a 301 to HTTPS, not an HTML 500
    assert answer["type"] == "application/json"
    body = json.loads(answer["body"])
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error"
    assert body["checks"]["worker"] == "unknown"


def test_pending_migrations_and_no_worker_make_production_unhealthy(tmp_path):
    # a fresh, unmigrated SQLite database: the database answers, the schema does not match
    db = tmp_path / "empty.sqlite3"
    answer = _probe(DATABASE_URL=f"sqlite:///{db}", MEDIA_ROOT=str(tmp_path / "media"))
    assert answer["status"] == 503
    checks = json.loads(answer["body"])["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"] == "pending"
    assert checks["storage"] == "ok"
    assert checks["worker"] == "error"  # no heartbeat table yet


@pytest.mark.django_db
def test_healthy_answers_200_with_every_check(client, settings):
    settings.HEALTH_REQUIRE_WORKER = False
    response = client.get("/healthz/", secure=False)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok", "worker": "none"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "expected_status", "worker"),
    [(0, 200, "ok"), (119, 200, "ok"), (121, 503, "stale")],
)
def test_worker_heartbeat_at_below_and_above_the_limit(
    client, settings, age, expected_status, worker
):
    settings.HEALTH_REQUIRE_WORKER = True
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 120
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=timezone.now() - timedelta(seconds=age))
    response = client.get("/healthz/")
    assert response.status_code == expected_status
    assert response.json()["checks"]["worker"] == worker


@pytest.mark.django_db
def test_required_worker_missing_is_503(client, settings):
    settings.HEALTH_REQUIRE_WORKER = True
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "none"


@pytest.mark.django_db
def test_storage_probe_leaves_nothing_behind(client, settings):
    settings.HEALTH_REQUIRE_WORKER = False
    client.get("/healthz/")
    probe_dir = settings.MEDIA_ROOT / "healthz"
    assert not probe_dir.exists() or not any(probe_dir.iterdir())
