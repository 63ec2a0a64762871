"""Load benchmark against the production server: gunicorn (deploy/gunicorn.conf.py), DEBUG=0.

Locust runs headless on loopback only, bounded in time, against the device list page
and the API device list at 1, 8 and 32 concurrent users (closed loop, no think time),
and prints p50/p95/p99, requests per second and failures per case.

Usage (an empty PostgreSQL database):
  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pw_ops_bench \
    .venv/bin/python bench/load_http.py
Options (environment): BENCH_DEVICES (50000), BENCH_BOARDS (10; a board admin sees
DEVICES/BOARDS devices), BENCH_REUSE=1 (reuse the generated data), BENCH_SECONDS
per case (20), BENCH_USERS ("1,8,32"), GUNICORN_WORKERS (default of the config: 2×CPU+1).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
os.environ.setdefault("BENCH_DEVICES", "50000")
os.environ.setdefault("BENCH_BOARDS", "10")
SECONDS = int(os.environ.get("BENCH_SECONDS", 20))
USERS = [int(u) for u in os.environ.get("BENCH_USERS", "1,8,32").split(",")]
sys.path.insert(0, str(HERE))

import devices_list  # noqa: E402  (sets up Django on BENCH_DATABASE_URL, DEBUG=0)
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from core.models import ApiToken  # noqa: E402
from core.tokens import token_issue  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, static_root: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ["SECRET_KEY"],  # the session was signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",
        "STATIC_ROOT": static_root,
        "STATIC_COMPRESS": "0",
        "LOG_LEVEL": "ERROR",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "",
        "HEALTH_REQUIRE_WORKER": "0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "-c", "deploy/gunicorn.conf.py", "config.wsgi"], cwd=ROOT, env=env
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def warm_up(host: str, path: str, headers: dict, n: int = 20) -> None:
    """Every gunicorn worker answers a few requests first (imports, template cache)."""
    for _ in range(n):
        request = urllib.request.Request(host + path, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 200, response.status


def run_case(host: str, path: str, headers: dict, users: int, out: Path) -> dict:
    prefix = out / f"{path.strip('/').replace('/', '_')}_{users}"
    env = {**os.environ, "BENCH_PATH": path, "BENCH_HEADERS": json.dumps(headers)}
    locust = str(Path(sys.executable).parent / "locust")
    subprocess.run(
        [
            locust,
            "-f",
            str(HERE / "_locustfile.py"),
            "--headless",
            "--only-summary",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{SECONDS}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--loglevel",
            "ERROR",
        ],  # fmt: skip
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    if not int(row["Request Count"]):
        raise SystemExit(f"no request finished in {SECONDS} s ({path}, {users} users)")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "rps": float(row["Requests/s"]),
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_REUSE"):  # the database of an earlier run
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="bench")
        ApiToken.objects.filter(user=user).delete()
    else:
        user, _board, _school = devices_list.generate()
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    token = token_issue(user=user, name="bench")[1]  # the API's own tokens (core.ApiToken)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, tmp)
        try:
            base = {"X-Forwarded-Proto": "https"}
            cases = [
                ("device list page", "/geraete/", {**base, "Cookie": f"sessionid={session}"}),
                (
                    "API device list",
                    "/api/v1/devices/",
                    {**base, "Authorization": f"Token {token}"},
                ),
            ]
            print("| case | users | requests | failures | p50 ms | p95 ms | p99 ms | req/s |")
            print("|---|---|---|---|---|---|---|---|")
            for name, path, headers in cases:
                warm_up(host, path, headers)
                for users in USERS:
                    r = run_case(host, path, headers, users, Path(tmp))
                    print(
                        f"| {name} | {users} | {r['requests']} | {r['failures']} | {r['p50']:.0f}"
                        f" | {r['p95']:.0f} | {r['p99']:.0f} | {r['rps']:.1f} |",
                        flush=True,
                    )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
