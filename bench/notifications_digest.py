"""Daily digest benchmark: 5,000 users with 50,000 pending notifications (issue 15).

Usage:
  python bench/notifications_digest.py                  # SQLite (temporary file database)
  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/paktwerk_notifybench \
      python bench/notifications_digest.py
  BENCH_USERS=1000 BENCH_NOTIFICATIONS=10000 python bench/notifications_digest.py

Generates users and digest-waiting notifications with bulk INSERTs, starts a local SMTP
server (aiosmtpd's Sink, in its own process) that accepts and discards messages, and
runs `send_digests()` — the scheduled job's function — once: every user gets one real
SMTP e-mail (text + HTML).
Prints the wall time, the peak resident memory (ru_maxrss) after each run, the mails
sent (each accepted by the server with 250), and a second run's figures (idempotent:
nothing is sent again).
Baseline in the same run: the same digest for a tenth of the users, to show that time
grows linearly and peak memory stays flat (work in chunks of 500 users).
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
USERS = int(os.environ.get("BENCH_USERS", 5_000))
NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", 50_000))
DB_URL = os.environ.get("BENCH_DATABASE_URL") or (
    f"sqlite:///{tempfile.gettempdir()}/paktwerk-notifybench-{os.getpid()}.sqlite3"
)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["DEBUG"] = "0"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate(users: int, notifications: int, prefix: str) -> None:
    from django.contrib.auth import get_user_model

    from notifications.models import Notification

    User = get_user_model()  # noqa: N806
    created = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org") for i in range(users)],
        batch_size=2000,
    )
    ids = [u.pk for u in created] or list(
        User.objects.filter(username__startswith=prefix).values_list("pk", flat=True)
    )
    kinds = ["changes_requested", "decided", "paid", "loan_overdue", "defect_reported"]
    rows = (
        Notification(
            recipient_id=ids[i % len(ids)],
            kind=kinds[i % len(kinds)],
            params={"object": f"FA-2026-{i:05d}", "date": "2026-12-24", "outcome": "approved"},
            url=f"/foerderung/antraege/{i}/",
            dedupe_key=f"{prefix}:{i}",
            mail_state="digest",
        )
        for i in range(notifications)
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            Notification.objects.bulk_create(batch)
            batch = []
    if batch:
        Notification.objects.bulk_create(batch)


def measure(label: str) -> tuple[float, float, tuple[int, int]]:
    from notifications.mail import send_digests

    t0 = time.perf_counter()
    result = send_digests()
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB, never falls
    print(
        f"{label}: {seconds:.1f} s, peak RSS so far {peak:.0f} MiB, "
        f"{result[0]} mails, {result[1]} items"
    )
    return seconds, peak, result


def start_smtp(port: int) -> subprocess.Popen:
    """A discarding SMTP server in its own process (as a real mail server would be)."""
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("SMTP server did not start")


def main() -> None:
    call_command("migrate", verbosity=0)
    port = free_port()
    server = start_smtp(port)
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
    try:
        print(f"database: {settings.DATABASES['default']['ENGINE']}")
        t0 = time.perf_counter()
        generate(USERS // 10, NOTIFICATIONS // 10, "base")
        print(f"baseline data ({USERS // 10} users) in {time.perf_counter() - t0:.1f} s")
        base = measure(f"baseline digest, {USERS // 10} users / {NOTIFICATIONS // 10}")
        t0 = time.perf_counter()
        generate(USERS, NOTIFICATIONS, "user")
        print(
            f"data ({USERS} users, {NOTIFICATIONS} notifications) in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        full = measure(f"digest, {USERS} users / {NOTIFICATIONS} notifications")
        again = measure("second run (idempotent)")
        print(
            f"time ratio full/baseline: {full[0] / base[0]:.1f} (data ratio 10); "
            f"peak RSS after baseline {base[1]:.0f} MiB, after the full run {full[1]:.0f} MiB"
        )
        assert full[2][0] == USERS and again[2] == (0, 0)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
