"""Runs every registered IsolationCase for every actor (see tests/isolation.py)."""

import importlib
import pkgutil
import uuid
from dataclasses import dataclass

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


@dataclass
class Run:
    """One isolation case for one actor: the rows, markers and clients under test."""

    case: IsolationCase
    actor: str
    own: object
    foreign: object
    own_marker: str
    foreign_marker: str
    web: object
    api: object
    anonymous: bool

    @property
    def sees_foreign(self) -> bool:
        return self.actor in ("reviewer",)  # same Land: reviewers read every board

    @property
    def other_admin(self) -> bool:
        return self.actor == "other_board_admin"

    def may_read(self, is_own: bool) -> bool:
        return (self.actor in self.case.readers and (is_own or self.sees_foreign)) or (
            self.other_admin and not is_own
        )

    def may_write(self, is_own: bool) -> bool:
        return (self.actor in self.case.writers and is_own) or (self.other_admin and not is_own)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_isolation(case: IsolationCase, actor, world, client_for, api_client_for):
    own_marker = f"OWN-{uuid.uuid4().hex[:10]}"
    foreign_marker = f"FOREIGN-{uuid.uuid4().hex[:10]}"
    own = case.make(world, "own", own_marker)
    foreign = case.make(world, "other", foreign_marker)
    user = world.user(actor)
    run = Run(
        case,
        actor,
        own,
        foreign,
        own_marker,
        foreign_marker,
        client_for(user),
        api_client_for(user),
        anonymous=user is None,
    )
    _check_lists(run)
    _check_reads(run)
    for obj, is_own in ((own, True), (foreign, False)):
        _check_edit(run, obj, is_own)
        _check_api_write(run, obj, is_own)
    _check_bulk(run)


def _check_lists(run: Run) -> None:
    """Lists: the foreign marker never shows up for actors outside the other board."""
    case, actor = run.case, run.actor
    for url_fn, client in ((case.list_url, run.web), (case.api_list_url, run.api)):
        if url_fn is None:
            continue
        response = client.get(url_fn(run.own))
        if run.anonymous:
            assert _status(response) in (302, 401, 403), (case, actor, "list", response)
            continue
        assert _status(response) == 200, (case, actor, "list", _status(response))
        body = response.content.decode()
        if case.marker_in_list and not (run.sees_foreign or run.other_admin):
            assert run.foreign_marker not in body, (case, actor, "list leaks the other board")
        if case.marker_in_list and actor in case.readers and actor != "other_board_admin":
            assert run.own_marker in body, (case, actor, "list misses own row")
        if case.marker_in_list and actor == "cooperative_staff" and actor not in case.readers:
            # the cooperative sees its members' orders, deliveries and invoices — nothing else
            assert run.own_marker not in body, (case, actor, "list shows a member's row")


def _check_reads(run: Run) -> None:
    """Reading one object: own → by role; foreign → 404 unless the actor may see it."""
    case, actor = run.case, run.actor
    read_channels = [
        ("detail", case.detail_url, run.web),
        ("api_detail", case.api_detail_url, run.api),
        ("pdf", case.pdf_url, run.web),
    ]
    read_channels += [(name, fn, run.web) for name, fn in case.extra_urls.items()]
    for channel, url_fn, client in read_channels:
        if url_fn is None:
            continue
        for obj, is_own in ((run.own, True), (run.foreign, False)):
            response = client.get(url_fn(obj))
            status = _status(response)
            if run.anonymous:
                assert status in (302, 401, 403), (case, actor, channel, status)
                continue
            may_read = run.may_read(is_own)
            expected = 200 if may_read else 404
            assert status == expected, (
                case,
                actor,
                channel,
                "own" if is_own else "foreign",
                status,
            )
            if not may_read:
                marker = run.own_marker if is_own else run.foreign_marker
                assert marker not in response.content.decode(errors="ignore")


def _check_edit(run: Run, obj, is_own: bool) -> None:
    """Writing through the UI: foreign rows are never changed (404); own rows by role."""
    case, actor = run.case, run.actor
    if case.edit_url is None:
        return
    may_read, may_write = run.may_read(is_own), run.may_write(is_own)
    before = fingerprint(obj)
    response = run.web.get(case.edit_url(obj))
    if run.anonymous:
        assert _status(response) == 302
    else:
        expected = 200 if may_write else (403 if may_read else 404)
        assert _status(response) == expected, (case, actor, "edit GET", _status(response))
    if case.edit_post is not None and not may_write:
        response = run.web.post(case.edit_url(obj), case.edit_post(obj))
        expected = 302 if run.anonymous else (403 if may_read else 404)
        assert _status(response) == expected, (case, actor, "edit POST", _status(response))
        assert fingerprint(obj) == before, (case, actor, "edit POST changed the row")


def _check_bulk(run: Run) -> None:
    """A bulk selection with another board's ids changes nothing of that board's rows."""
    case, actor = run.case, run.actor
    if case.bulk_posts is None:
        return
    before = {True: fingerprint(run.own), False: fingerprint(run.foreign)}
    for channel, url, data in case.bulk_posts(run.own, run.foreign):
        if channel == "api":
            response = run.api.post(url, data, format="json")
        else:
            response = run.web.post(url, data)
        assert _status(response) < 500, (case, actor, "bulk", channel, _status(response))
    for obj, is_own in ((run.own, True), (run.foreign, False)):
        if not run.may_write(is_own):
            assert fingerprint(obj) == before[is_own], (case, actor, "bulk changed the row")


def _check_api_write(run: Run, obj, is_own: bool) -> None:
    """Writing through the API: refused without changing the row unless the actor may."""
    case, actor = run.case, run.actor
    if case.api_detail_url is None or case.api_write is None or run.may_write(is_own):
        return
    before = fingerprint(obj)
    response = run.api.patch(case.api_detail_url(obj), case.api_write(obj), format="json")
    if run.anonymous:
        assert _status(response) in (401, 403)
    else:
        expected = 403 if run.may_read(is_own) else 404
        assert _status(response) == expected, (case, actor, "api write", _status(response))
    assert fingerprint(obj) == before, (case, actor, "api write changed the row")
