"""Browser tests: Playwright (Python) driving Debian's chromium, with axe scans.

Without chromium these tests skip with a clear message — unless
PAKTWERK_REQUIRE_BROWSER=1 (set by CI), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM") or shutil.which("chromium") or ""
REQUIRE_BROWSER = os.environ.get("PAKTWERK_REQUIRE_BROWSER") == "1"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop; Django must allow ORM use in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM or not Path(CHROMIUM).exists():
        message = (
            "chromium not found: browser tests skipped. Install Debian's chromium "
            "(apt-get install chromium) or set PLAYWRIGHT_CHROMIUM."
        )
        if REQUIRE_BROWSER:
            pytest.fail(message + " (PAKTWERK_REQUIRE_BROWSER=1 forbids skipping)")
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)  # loaded CI machines: wait, don't race
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for(user) -> a Playwright page logged in as `user` (None: anonymous)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.twofactor import verified_device_id

    contexts = []

    def make(user=None, *, lang="de", javascript=True):
        context = browser.new_context(
            locale=lang, viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
        )
        contexts.append(context)
        if user is not None:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            device_id = verified_device_id(user)  # admins and reviewers: second factor passed
            if device_id:
                session[DEVICE_ID_SESSION_KEY] = device_id
            session.save()
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session.session_key,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page) -> list:
    """Run axe-core (WCAG 2.1 A + AA) on the current page; return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
            for n in v["nodes"][:3]
        )
        for v in violations
    ]
    assert not violations, (
        "axe found WCAG 2.1 AA violations on " + page.url + ":\n" + "\n".join(summary)
    )


def screenshot(page, name: str) -> None:
    """Save a screenshot for the user guide (docs/guide/img/<name>.png).

    Only with PAKTWERK_SCREENSHOTS=1 (`make screenshots`), so that a test run does not
    change tracked files.
    """
    if os.environ.get("PAKTWERK_SCREENSHOTS") != "1":
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=False)
