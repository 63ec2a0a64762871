"""Cross-cutting guarantees: login everywhere, health, CSP, throttling, jobs, money."""

from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.formatting import format_money, parse_money
from core.money import round_money

PUBLIC = {
    "login",
    "healthz",
    "set_language",
    "api-token",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # the invitation link: the invited person may not have an account yet (consent first)
    "invitation-accept",
}


def _iter_patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _iter_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


@pytest.mark.django_db
def test_every_page_requires_login(client):
    """Anonymous GETs to every route: redirect to login, 401/403 from the API, or 404."""
    import re

    checked = 0
    for route, pattern in _iter_patterns(get_resolver().url_patterns):
        if pattern.name in PUBLIC or route.startswith("admin/") or route.startswith("^static"):
            continue
        url = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route).replace("^", "").replace("$", "")
        url = url.replace("\\.(?P<format>[a-z0-9]+)/?", "").replace("\\", "")
        if "(?P" in url:
            continue
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404, 405), (url, response.status_code)
        if response.status_code == 302:
            assert "/anmelden/" in response["Location"], url
        checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json()["checks"]["database"] == "ok"


# The database-down case runs against a real unreachable database in
# tests/ops/test_health.py (production settings, plain HTTP, session cookie).


@pytest.mark.django_db
def test_csp_has_no_external_origins(world, client_for):
    response = client_for(world.user("board_admin")).get("/schulen/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    body = response.content.decode()
    assert "https://" not in body and "http://" not in body.replace("http://testserver", "")


@pytest.mark.django_db
def test_login_throttling_locks_after_five_failures(world, client):
    user = world.user("board_admin")
    for _ in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pw-Secret-123"}
    )
    assert response.status_code in (403, 429) or "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_right_password_works(world, client):
    user = world.user("board_admin")
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pw-Secret-123"}
    )
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_background_job_progress_and_result(world, client_for, run_jobs):
    from core.jobs import job_start, register_job
    from core.models import Job

    @register_job("test.count")
    def count(job, progress, *, n):
        from schools.models import School

        progress.set_total(n)
        for _ in range(n):
            progress.advance()
        progress.attach_file("result.txt", f"{School.objects.count()} schools".encode())
        return {"url": "/schulen/"}

    user = world.user("board_admin")
    with run_jobs():
        job = job_start(kind="test.count", owner=user, board=world.board, params={"n": 3})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.percent == 100
    client = client_for(user)
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "100 %" in page and "hx-get" not in page
    result = client.get(reverse("core:job-result", args=[job.pk]))
    # the job ran inside the board's scope: it sees one school of board A only
    assert b"".join(result.streaming_content) == b"1 schools"
    other = client_for(world.user("other_board_admin"))
    assert other.get(reverse("core:job-detail", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_running_job_page_polls(world, client_for):
    from core.models import Job

    user = world.user("board_admin")
    job = Job.objects.create(
        kind="x", owner=user, progress_total=10, progress_done=4, status=Job.Status.RUNNING
    )
    page = client_for(user).get(reverse("core:job-status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="40"' in page


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0.005", Decimal("0.01")),
        ("0.004", Decimal("0.00")),
        ("2.675", Decimal("2.68")),
        ("-0.005", Decimal("-0.01")),
        ("1111111.105", Decimal("1111111.11")),
    ],
)
def test_round_money_half_up(value, expected):
    assert round_money(value) == expected


def test_format_and_parse_money():
    assert format_money(Decimal("1234.5")) == "1.234,50 €"
    assert format_money(Decimal("-0.5")) == "-0,50 €"
    assert format_money(Decimal("1111111.11")) == "1.111.111,11 €"
    assert parse_money("1.234,56 €") == Decimal("1234.56")
    assert parse_money("1234.56") == Decimal("1234.56")
    with pytest.raises(TypeError):
        round_money(0.1)
    with pytest.raises(ValueError):
        parse_money("abc")


def test_production_settings_refuse_to_start_without_secret_key():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DEBUG"] = "0"
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "from django.conf import settings; settings.SECRET_KEY"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=root
    )
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
