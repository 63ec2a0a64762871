"""The test harness itself: code under test runs in the actor's real scope, so a service
that reaches outside it fails in its own tests (and not only behind a view)."""

from __future__ import annotations

import types

import pytest
from django_scopes import ScopeError
from django_scopes.state import get_scope

from schools.models import School
from tests.scoping import acting, as_actor

pytestmark = pytest.mark.django_db


def _leaky_services() -> types.ModuleType:
    """A services module with the bug the harness must catch: it trusts an id from outside."""
    module = types.ModuleType("leaky_services")

    def school_rename(*, actor, school_id: int, name: str) -> School:
        school = School.objects.get(pk=school_id)  # no check that it is the actor's school
        school.name = name
        return school

    def school_count(*, actor) -> int:
        return School.objects.count()

    module.school_rename = school_rename
    module.school_count = school_count
    module.LIMIT = 3
    return module


def test_acting_activates_exactly_the_users_scope(world):
    with acting(world.user("board_admin")) as access:
        assert get_scope()["_enabled"] is True
        assert get_scope()["board"] == [world.board.pk]
        assert set(School.objects.values_list("name", flat=True)) == {"Alpha-Gymnasium"}
    assert access.board_ids == {world.board.pk}
    with acting(world.user("reviewer")):  # the Land's boards, read-only
        assert School.objects.count() == 2
    with acting(world.user("no_membership")):  # nothing at all
        assert School.objects.count() == 0


def test_a_service_reaching_into_another_board_fails_under_acting(world):
    services = as_actor(_leaky_services())
    with pytest.raises(School.DoesNotExist):
        services.school_rename(
            actor=world.user("board_admin"), school_id=world.other_school.pk, name="X"
        )
    # its own board's row is fine
    renamed = services.school_rename(
        actor=world.user("board_admin"), school_id=world.school.pk, name="Neu"
    )
    assert renamed.name == "Neu"
    assert services.school_count(actor=world.user("other_board_admin")) == 1
    assert services.LIMIT == 3  # non-services pass through


def test_the_same_bug_goes_unnoticed_when_called_in_the_unscoped_test_body(world):
    """Why service tests must go through acting/as_actor: unscoped, the leak 'works'."""
    leaked = _leaky_services().school_rename(
        actor=world.user("board_admin"), school_id=world.other_school.pk, name="X"
    )
    assert leaked.pk == world.other_school.pk


def test_a_service_called_without_actor_is_refused(world):
    services = as_actor(_leaky_services())
    with pytest.raises(TypeError, match="needs actor"):
        services.school_count()


def test_acting_leaves_the_test_body_unscoped_and_fail_closed_scopes_still_raise(world):
    with acting(world.user("school_staff")):
        assert School.objects.count() == 1
    assert School.objects.count() == 2  # setup/assertions: unscoped again
    from django_scopes.state import state

    token = state.set({})
    try:
        with pytest.raises(ScopeError):
            list(School.objects.all())
    finally:
        state.reset(token)
