"""JSON logs with request id and user id (never pupil data); metrics are not public."""

import json
import logging

import pytest
from django.urls import reverse

from core.observability import JsonFormatter, RequestContextFilter


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.addFilter(RequestContextFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def collected():
    handler = Collect()
    logger = logging.getLogger("paktwerk.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


def _log_view(request):
    from django.http import HttpResponse

    logging.getLogger("paktwerk.test").info("device list viewed")
    return HttpResponse("ok")


@pytest.mark.django_db
def test_a_log_line_carries_request_and_user_id_but_no_pupil_data(
    world, client_for, collected, settings
):
    user = world.user("board_admin")
    client = client_for(user)
    settings.ROOT_URLCONF = "tests.ops.urls_log"
    response = client.post(
        "/log/?borrower=Maria+Musterkind",
        {"borrower_name": "Maria Musterkind"},
        HTTP_X_REQUEST_ID="req-12345678",
    )
    assert response["X-Request-ID"] == "req-12345678"
    (line,) = collected.lines
    data = json.loads(line)
    assert data["message"] == "device list viewed"
    assert data["request_id"] == "req-12345678"
    assert data["user_id"] == str(user.pk)
    assert data["level"] == "INFO" and data["time"]
    assert "Musterkind" not in line and user.username not in line


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["", "short", "x" * 65, "bad id with spaces", "a\nb-injected"])
def test_a_malformed_request_id_is_replaced(client, incoming):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=incoming)
    assert len(response["X-Request-ID"]) == 32 and response["X-Request-ID"] != incoming


@pytest.mark.django_db
def test_metrics_are_404_without_token_or_allowed_ip(client, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert wrong.status_code == 404
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    assert ok.status_code == 200 and b"django_http_requests" in ok.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("allowed", "status"),
    [(["127.0.0.1"], 200), (["10.0.0.0/8"], 404), (["127.0.0.0/8"], 200), ([], 404)],
)
def test_metrics_ip_allow_list(client, settings, allowed, status):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = allowed
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == status


@pytest.mark.django_db
def test_an_empty_token_setting_never_matches(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
