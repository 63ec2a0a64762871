"""Smoke and fault tests against the production stack on PostgreSQL.

gunicorn (deploy/gunicorn.conf.py) + two task workers + the scheduler, DEBUG=0.
Then the faults: a database restart (every connection terminated) and a worker
killed in the middle of a job. Run by .ci/run (PAKTWERK_OPS_STACK=1).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.ops.stack import (
    GUNICORN,
    PYTHON,
    Process,
    drop_database,
    free_port,
    http,
    manage,
    query,
    recreate_database,
    require_stack,
    stack_env,
    terminate_connections,
    wait_for,
)

pytestmark = pytest.mark.postgres

DB = "pw_ops_smoke"
HTTPS = {"X-Forwarded-Proto": "https"}

ENQUEUE = """
from django.contrib.auth import get_user_model
from core.jobs import job_start
owner = get_user_model().objects.get(username="ops")
ids = [job_start(kind="core.selftest", owner=owner, params={{"seconds": {seconds}}}).pk
       for _ in range({n})]
print(",".join(map(str, ids)))
"""


#: the smoke user is a platform admin, so the token endpoint wants a second factor
OPS_TOTP_KEY = "3132333435363738393031323334353637383930"


def _ops_code() -> str:
    import base64

    import pyotp

    return pyotp.TOTP(base64.b32encode(bytes.fromhex(OPS_TOTP_KEY)).decode()).now()


class Stack:
    def __init__(self, tmp_path):
        self.db_url = recreate_database(DB)
        self.env = stack_env(self.db_url, tmp_path)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.tmp = tmp_path
        self.procs: dict[str, Process] = {}

    def prepare(self):
        manage(self.env, "migrate", "--noinput")
        manage(self.env, "collectstatic", "--noinput")
        manage(
            self.env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            "from django_otp.plugins.otp_totp.models import TOTPDevice; "
            "u = get_user_model().objects.create_superuser('ops', 'ops@example.org', "
            "'Ops-Smoke-123'); "
            f"TOTPDevice.objects.create(user=u, name='ops', key='{OPS_TOTP_KEY}', confirmed=True)",
        )

    def start(self):
        web_env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"}
        self.procs["web"] = Process(
            "web", [GUNICORN, "-c", "deploy/gunicorn.conf.py", "config.wsgi"], web_env, self.tmp
        )
        for i in (1, 2):
            self.start_worker(i)
        self.procs["scheduler"] = Process(
            "scheduler", [PYTHON, "manage.py", "scheduler", "--tick", "2"], self.env, self.tmp
        )
        wait_for(lambda: self.health()[0] == 200, 60, what="a healthy stack")

    def start_worker(self, i: int):
        argv = [PYTHON, "manage.py", "worker", "--queue-name", "*", "--interval", "0.2"]
        argv += ["--no-startup-delay", "--worker-id", f"smoke-{i}", "--no-reload"]
        self.procs[f"worker-{i}"] = Process(f"worker-{i}", argv, self.env, self.tmp)

    def stop(self):
        for proc in self.procs.values():
            proc.stop()

    def health(self):
        try:
            status, _headers, body = http(self.base + "/healthz/")
        except OSError:  # not listening yet
            return 0, {}
        return status, json.loads(body)

    def enqueue(self, n: int, seconds: float = 0.2) -> list[int]:
        out = manage(self.env, "shell", "-c", ENQUEUE.format(n=n, seconds=seconds))
        return [int(x) for x in out.strip().splitlines()[-1].split(",")]

    def jobs(self, ids):
        rows = query(
            self.db_url,
            "SELECT id, status, worker_id, attempts, result_file, error FROM core_job "
            "WHERE id = ANY(%s) ORDER BY id",
            (ids,),
        )
        return {r[0]: r[1:] for r in rows}

    def wait_jobs(self, ids, timeout=60):
        def done():
            jobs = self.jobs(ids)
            return jobs if all(j[0] in ("succeeded", "failed") for j in jobs.values()) else None

        return wait_for(done, timeout, what=f"jobs {ids}")

    def logs(self) -> str:
        return "\n".join(f"--- {n}\n{p.output()[-3000:]}" for n, p in self.procs.items())


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_stack()
    s = Stack(tmp_path_factory.mktemp("stack"))
    try:
        s.prepare()
        s.start()
        yield s
    finally:
        s.stop()
        drop_database(DB)


def test_health_pages_api_and_no_raw_media(stack):
    status, body = stack.health()
    assert status == 200 and body["checks"]["worker"] == "ok", body
    # production: plain HTTP pages redirect to HTTPS, the health endpoint does not
    assert http(stack.base + "/anmelden/")[0] == 301
    status, _h, page = http(stack.base + "/anmelden/", HTTPS)
    assert status == 200 and b"<form" in page
    status, _h, css = http(stack.base + "/static/css/paktwerk.css", HTTPS)
    assert status in (200, 404)  # served by WhiteNoise when the file exists
    status, _h, token = http(
        stack.base + "/api/v1/auth/token/",
        {**HTTPS, "Content-Type": "application/json"},
        json.dumps({"username": "ops", "password": "Ops-Smoke-123", "otp": _ops_code()}).encode(),
    )
    assert status == 200, token
    auth = {**HTTPS, "Authorization": "Token " + json.loads(token)["token"]}
    status, _h, schools = http(stack.base + "/api/v1/schools/", auth)
    assert status == 200 and "results" in json.loads(schools)
    assert http(stack.base + "/media/jobs/x.pdf", HTTPS)[0] in (302, 404)
    assert http(stack.base + "/metrics", HTTPS)[0] == 404


def test_two_workers_share_the_jobs(stack):
    ids = stack.enqueue(8, seconds=0.5)
    jobs = stack.wait_jobs(ids)
    assert all(j[0] == "succeeded" and j[3] for j in jobs.values()), (jobs, stack.logs())
    assert {j[1] for j in jobs.values()} == {"smoke-1", "smoke-2"}, jobs
    assert all((stack.tmp / "media" / j[3]).read_bytes().endswith(b"ok\n") for j in jobs.values())


def test_the_scheduler_runs_its_table(stack):
    def runs():
        rows = query(stack.db_url, "SELECT DISTINCT name, outcome FROM core_scheduledrun")
        return rows if len({r[0] for r in rows}) >= 6 else None

    rows = wait_for(runs, 30, what="scheduled runs")
    assert {outcome for _name, outcome in rows} == {"ok"}, rows
    status = manage(stack.env, "scheduler_status", "--fail-on-error")
    assert "anonymise_loans" in status and "smoke-1" in status


def test_database_restart_costs_no_error_and_no_worker(stack):
    running = stack.enqueue(1, seconds=3)
    wait_for(lambda: stack.jobs(running)[running[0]][0] == "running", 20, what="job running")
    assert terminate_connections(DB) >= 3  # web, workers, scheduler all lose their connection
    # every web worker answers normally on its next request (connection health checks)
    statuses = [stack.health()[0] for _ in range(6)]
    assert statuses == [200] * 6, (statuses, stack.logs())
    status, _h, _page = http(stack.base + "/anmelden/", HTTPS)
    assert status == 200
    assert stack.procs["worker-1"].alive and stack.procs["worker-2"].alive, stack.logs()
    # the interrupted job is given back and finishes; new jobs run as before
    after = stack.enqueue(2)
    jobs = stack.wait_jobs(running + after, timeout=60)
    assert all(j[0] == "succeeded" for j in jobs.values()), (jobs, stack.logs())


def test_killed_worker_job_is_detected_and_retried(stack):
    (job_id,) = stack.enqueue(1, seconds=4)
    worker = wait_for(
        lambda: (j := stack.jobs([job_id])[job_id])[0] == "running" and j[1], 20, what="running"
    )
    victim = stack.procs["worker-" + worker.rsplit("-", 1)[1]]
    victim.kill()
    time.sleep(6.5)  # heartbeat older than JOB_STALE_AFTER_SECONDS=5
    out = manage(stack.env, "scheduler", "--once", "--job", "fail_stale_jobs", "--force")
    assert "1 job(s) started again" in out, out
    (status, new_worker, attempts, _file, _error) = stack.wait_jobs([job_id])[job_id]
    assert status == "succeeded" and new_worker != worker and attempts == 2
    stack.start_worker(int(worker.rsplit("-", 1)[1]))
    assert stack.health()[0] == 200
