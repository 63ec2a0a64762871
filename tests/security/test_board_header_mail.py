"""The board header must name one of the user's boards; production refuses console mail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from schools.models import Site

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_own_board_header_is_accepted(world, api_client_for):
    client = api_client_for(world.user("board_admin"))
    response = client.get(reverse("school-list"), HTTP_X_PAKTWERK_BOARD=str(world.board.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_board_header_is_403_and_writes_nothing(world, api_client_for, method):
    client = api_client_for(world.user("board_admin"))
    before = Site.objects.count()
    url = reverse("site-list")
    header = {"HTTP_X_PAKTWERK_BOARD": str(world.other_board.pk)}
    if method == "post":
        payload = {"school": world.school.pk, "name": "Außenstelle Nord"}
        response = client.post(url, payload, format="json", **header)
    else:
        response = client.get(url, **header)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Site.objects.count() == before


@pytest.mark.parametrize(
    ("value", "status"),
    [("abc", 400), ("1.5", 400), ("99999999999999999999999", 403), ("-1", 403)],
)
def test_malformed_or_unknown_board_header(world, api_client_for, value, status):
    client = api_client_for(world.user("board_admin"))
    response = client.get(reverse("school-list"), HTTP_X_PAKTWERK_BOARD=value)
    assert response.status_code == status
    assert response.json()["status"] == status


def _settings_load(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEBUG", "PYTEST"))}
    env.update({"SECRET_KEY": "x" * 50, "DEBUG": "0", **env_extra})
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_default_console_mail():
    result = _settings_load({})
    assert result.returncode != 0 and "EMAIL_BACKEND is not set" in result.stderr


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.mail.backends.console.EmailBackend",
    ],
)
def test_production_accepts_an_explicit_mail_backend(backend):
    assert _settings_load({"EMAIL_BACKEND": backend}).returncode == 0


def test_development_keeps_console_mail():
    assert _settings_load({"DEBUG": "1"}).returncode == 0
