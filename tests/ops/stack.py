"""A real production stack for the smoke, fault and backup tests (PostgreSQL only).

Databases are created per test run (named <base>_ops_*) on the PostgreSQL
server of DATABASE_URL (or OPS_POSTGRES_URL) and dropped afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.ops.helpers import PYTHON, ROOT, prod_env

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def server_url() -> str | None:
    url = os.environ.get("OPS_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def require_stack():
    """Skip unless asked for (.ci/run's operations section sets PAKTWERK_OPS_STACK=1)."""
    if os.environ.get("PAKTWERK_OPS_STACK") != "1":
        pytest.skip("production-stack test: run with PAKTWERK_OPS_STACK=1 (see .ci/run)")
    if server_url() is None:
        pytest.fail("PAKTWERK_OPS_STACK=1 needs DATABASE_URL or OPS_POSTGRES_URL on PostgreSQL")


def database_url(name: str) -> str:
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(sql: str) -> str:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        rows = conn.execute(sql).fetchall() if sql.lstrip().lower().startswith("select") else []
        if not rows:
            return ""
        return "\n".join("|".join(str(c) for c in row) for row in rows)


def recreate_database(name: str) -> str:
    drop_database(name)
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def terminate_connections(name: str) -> int:
    """What a database restart does to the application: every connection dies."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return len(rows)


def query(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, timeout: int = 180) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def stack_env(db_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    return prod_env(
        DATABASE_URL=db_url,
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        BEHIND_TLS_PROXY="1",
        STATIC_COMPRESS="0",
        WORKER_HEARTBEAT_SECONDS="1",
        JOB_STALE_AFTER_SECONDS="5",
        HEALTH_WORKER_MAX_AGE_SECONDS="10",
        LOG_LEVEL="WARNING",
        **extra,
    )


class Process:
    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if self.alive:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")


def http(url: str, headers: dict | None = None, data: bytes | None = None, timeout: float = 30):
    """(status, headers, body) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_for(predicate, timeout: float, interval: float = 0.3, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
