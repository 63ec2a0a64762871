"""Runs every registered IsolationCase for every actor (see tests/isolation.py)."""

import importlib
import pkgutil
import uuid

import pytest

import tests
from tests.conftest import ACTORS
from tests.isolation import IsolationCase, fingerprint


def _collect_cases() -> list[IsolationCase]:
    cases = []
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.isolation_cases")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{info.name}.isolation_cases":
                raise
            continue
        cases.extend(module.CASES)
    return cases


CASES = _collect_cases()


def test_every_board_owned_model_is_in_the_matrix():
    from django.apps import apps

    from core.models import BoardOwnedModel

    registered = {case.name for case in CASES}
    board_owned = {
        m._meta.label
        for m in apps.get_models()
        if issubclass(m, BoardOwnedModel)
        and not m._meta.label.startswith("simple_history")
        and not m.__name__.startswith("Historical")
    }
    board_owned.add("schools.SchoolBoard")
    missing = board_owned - registered
    assert not missing, f"board-owned models missing from the isolation matrix: {missing}"


def _status(response):
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_isolation(case: IsolationCase, actor, world, client_for, api_client_for):
    own_marker = f"OWN-{uuid.uuid4().hex[:10]}"
    foreign_marker = f"FOREIGN-{uuid.uuid4().hex[:10]}"
    own = case.make(world, "own", own_marker)
    foreign = case.make(world, "other", foreign_marker)
    user = world.user(actor)
    web = client_for(user)
    api = api_client_for(user)
    anonymous = user is None
    sees_foreign = actor in ("reviewer",)  # same Land: reviewers read every board
    other_admin = actor == "other_board_admin"

    # Lists: the foreign marker never shows up for actors outside the other board.
    for url_fn, client in ((case.list_url, web), (case.api_list_url, api)):
        if url_fn is None:
            continue
        response = client.get(url_fn(own))
        if anonymous:
            assert _status(response) in (302, 401, 403), (case, actor, "list", response)
            continue
        assert _status(response) == 200, (case, actor, "list", _status(response))
        body = response.content.decode()
        if case.marker_in_list and not (sees_foreign or other_admin):
            assert foreign_marker not in body, (case, actor, "list leaks the other board")
        if case.marker_in_list and actor in case.readers and actor != "other_board_admin":
            assert own_marker in body, (case, actor, "list misses own row")

    # Reading one object: own → by role; foreign → 404 unless the actor may see it.
    read_channels = [
        ("detail", case.detail_url, web),
        ("api_detail", case.api_detail_url, api),
        ("pdf", case.pdf_url, web),
    ]
    read_channels += [(name, fn, web) for name, fn in case.extra_urls.items()]
    for channel, url_fn, client in read_channels:
        if url_fn is None:
            continue
        for obj, is_own in ((own, True), (foreign, False)):
            response = client.get(url_fn(obj))
            status = _status(response)
            if anonymous:
                assert status in (302, 401, 403), (case, actor, channel, status)
                continue
            may_read = (actor in case.readers and (is_own or sees_foreign)) or (
                other_admin and not is_own
            )
            expected = 200 if may_read else 404
            assert status == expected, (
                case,
                actor,
                channel,
                "own" if is_own else "foreign",
                status,
            )
            if not may_read:
                marker = own_marker if is_own else foreign_marker
                assert marker not in response.content.decode(errors="ignore")

    # Writing: foreign rows are never changed (404); own rows by role.
    for obj, is_own in ((own, True), (foreign, False)):
        may_read = (actor in case.readers and (is_own or sees_foreign)) or (
            other_admin and not is_own
        )
        may_write = (actor in case.writers and is_own) or (other_admin and not is_own)
        if case.edit_url is not None:
            before = fingerprint(obj)
            response = web.get(case.edit_url(obj))
            if anonymous:
                assert _status(response) == 302
            else:
                expected = 200 if may_write else (403 if may_read else 404)
                assert _status(response) == expected, (case, actor, "edit GET", _status(response))
            if case.edit_post is not None and not may_write:
                response = web.post(case.edit_url(obj), case.edit_post(obj))
                expected = 302 if anonymous else (403 if may_read else 404)
                assert _status(response) == expected, (case, actor, "edit POST", _status(response))
                assert fingerprint(obj) == before, (case, actor, "edit POST changed the row")
        if case.api_detail_url is not None and case.api_write is not None and not may_write:
            before = fingerprint(obj)
            response = api.patch(case.api_detail_url(obj), case.api_write(obj), format="json")
            if anonymous:
                assert _status(response) in (401, 403)
            else:
                expected = 403 if may_read else 404
                assert _status(response) == expected, (case, actor, "api write", _status(response))
            assert fingerprint(obj) == before, (case, actor, "api write changed the row")
