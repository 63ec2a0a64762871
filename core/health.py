"""The health endpoint: database, storage, task worker heartbeat, pending migrations.

It answers JSON in every case — 200 when healthy, 503 otherwise — and runs
before sessions, authentication and the HTTPS redirect (HealthCheckMiddleware),
so a probe with a session cookie or over plain HTTP on the internal network
gets the real answer, never a redirect or an HTML error page.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone

logger = logging.getLogger("paktwerk.health")

_migrations_cache: dict[str, tuple[float, str]] = {}


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_migrations() -> str:
    """'ok' or 'pending'; cached briefly because loading the graph costs ~100 ms."""
    now = time.monotonic()
    cached = _migrations_cache.get("state")
    if cached and now - cached[0] < settings.HEALTH_MIGRATIONS_CACHE_SECONDS:
        return cached[1]
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    state = "pending" if plan else "ok"
    _migrations_cache["state"] = (now, state)
    return state


def check_storage() -> str:
    """Write, read back and delete a small probe file in the media storage."""
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as f:
            if f.read() != b"ok":
                return "unreadable"
    finally:
        default_storage.delete(name)
    return "ok"


def check_worker() -> str:
    """'ok' when a task worker was seen recently, 'stale' or 'none' otherwise."""
    from core.models import WorkerHeartbeat

    latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if latest is None:
        return "none"
    max_age = timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE_SECONDS)
    return "ok" if timezone.now() - latest <= max_age else "stale"


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "storage": check_storage,
    "worker": check_worker,
}


def health_report() -> tuple[bool, dict]:
    report: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name != "database" and report.get("database") not in (None, "ok"):
            report[name] = "unknown"  # without a database these cannot be answered
            continue
        try:
            report[name] = check()
        except Exception as exc:  # a probe reports, it never raises
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            report[name] = "error"
    required = ["database", "migrations", "storage"]
    if settings.HEALTH_REQUIRE_WORKER:
        required.append("worker")
    healthy = all(report[name] == "ok" for name in required)
    return healthy, report


def health_response() -> JsonResponse:
    healthy, report = health_report()
    response = JsonResponse(
        {"status": "ok" if healthy else "error", "checks": report}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    # An unhealthy probe is reported by the monitoring, not as an error mail per probe.
    response._has_been_logged = True
    return response
