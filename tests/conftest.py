"""Shared fixtures: a two-board world with a user per role, clients, scopes, jobs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from schools.choices import Role
from tests.factories import (
    LandFactory,
    RoomFactory,
    SchoolBoardFactory,
    SchoolFactory,
    SiteFactory,
    UserFactory,
    user_with_role,
)
from tests.scoping import acting as _acting

if not getattr(settings, "PAKTWERK_TEST_SETTINGS", False):
    raise pytest.UsageError(
        f"Tests need config.settings_test, not {settings.SETTINGS_MODULE} "
        "(unset DJANGO_SETTINGS_MODULE or pass --ds=config.settings_test)."
    )
from tests.twofactor import verify_client


@pytest.fixture(autouse=True)
def _setup_and_assertions_unscoped():
    """Setup and assertions run unscoped; the code under test never does.

    Requests scope themselves (middleware, API base view); service calls run
    inside the actor's real scope through `acting(user)` / `as_actor(module)`
    (tests/scoping.py), so a service that misses a scope fails in its tests.
    The fail-closed managers are tested in tests/core/test_tenancy.py.
    """
    with scopes_disabled():
        yield


@pytest.fixture
def acting():
    """acting(user) -> context manager running its body in the user's real tenancy scope."""
    return _acting


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    """Two boards (A, B) in one Land, one school each with site and room, a user per actor."""

    land: object
    board: object
    other_board: object
    school: object
    other_school: object
    site: object
    room: object
    other_room: object
    users: dict

    def user(self, actor: str):
        return self.users[actor]


ACTORS = (
    "board_admin",
    "board_staff",
    "school_staff",
    "consultant",
    "reviewer",
    "other_board_admin",
    "no_membership",
    "anonymous",
)


@pytest.fixture(autouse=True)
def _project_language():
    """Each test starts (and ends) in the project's language.

    A request through the test client leaves the language LocaleMiddleware chose active in
    the thread (an `Accept-Language: en` request made the next test's services English).
    """
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """API rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db) -> World:
    land = LandFactory()
    board = SchoolBoardFactory(land=land, name="Landkreis Alpha")
    other_board = SchoolBoardFactory(land=land, name="Stadt Beta")
    school = SchoolFactory(school_board=board, name="Alpha-Gymnasium")
    other_school = SchoolFactory(school_board=other_board, name="Beta-Grundschule")
    site = SiteFactory(school=school)
    other_site = SiteFactory(school=other_school)
    room = RoomFactory(site=site)
    other_room = RoomFactory(site=other_site)
    users = {
        "board_admin": user_with_role(Role.BOARD_ADMIN, board, "alpha_admin"),
        "board_staff": user_with_role(Role.BOARD_STAFF, board, "alpha_staff"),
        "school_staff": user_with_role(Role.SCHOOL_STAFF, school, "alpha_school"),
        "consultant": user_with_role(Role.CONSULTANT, board, "alpha_consultant"),
        "reviewer": user_with_role(Role.REVIEWER, land, "land_reviewer", authority="content_check"),
        "other_board_admin": user_with_role(Role.BOARD_ADMIN, other_board, "beta_admin"),
        "no_membership": UserFactory(username="nobody"),
        "anonymous": None,
    }
    return World(land, board, other_board, school, other_school, site, room, other_room, users)


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        verify_client(client, user)  # admins and reviewers have passed their second factor
    return client


def _api_client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def client_for():
    """client_for(user) -> a logged-in Django test client (None: anonymous)."""
    return _client_for


@pytest.fixture
def api_client_for():
    """api_client_for(user) -> an authenticated DRF APIClient (None: anonymous)."""
    return _api_client_for


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run background jobs enqueued on commit (ImmediateBackend in tests)."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner
