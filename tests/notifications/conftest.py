"""Fixtures of the notification tests: a real local SMTP server (aiosmtpd), e-mail
addresses for the world's users, and the funding fixtures."""

from __future__ import annotations

import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.funding.conftest import budget, draft, programme, reviewer2, today  # noqa: F401


class Recorder:
    """An SMTP handler that keeps every message and refuses addresses starting with 'bounce'."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("bounce"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """A local SMTP server the test starts and stops (to simulate an outage)."""

    def __init__(self, port: int):
        self.port = port
        self.recorder = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.recorder.messages


@pytest.fixture
def smtp(settings):
    """Django sends over SMTP to a local server on a free port (started)."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailed(world):
    """Every actor of the world gets an e-mail address <username>@example.org."""
    for name in (
        "board_admin",
        "board_staff",
        "school_staff",
        "consultant",
        "reviewer",
        "other_board_admin",
    ):
        user = world.user(name)
        user.email = f"{user.username}@example.org"
        user.save()
    return world


@pytest.fixture
def approver(world, reviewer2):  # noqa: F811
    """The Landesverwaltungsamt's reviewer (authority approval), with an address."""
    reviewer2.email = "approver@example.org"
    reviewer2.save()
    return reviewer2
