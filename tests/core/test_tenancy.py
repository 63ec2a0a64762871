import pytest
from django_scopes import ScopeError, scope, scopes_disabled
from django_scopes.state import state

from core.tenancy import access_for, board_scope
from schools.models import Room, School, SchoolBoard, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def unscoped_state():
    """Leave the test-wide scopes_disabled() to see the real, fail-closed behaviour."""
    token = state.set({})
    yield
    state.reset(token)


@pytest.mark.parametrize("model", [SchoolBoard, School, Site, Room])
def test_query_outside_a_scope_raises(world, unscoped_state, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


def test_scope_admits_only_the_named_boards(world, unscoped_state):
    with board_scope([world.board.pk]):
        names = set(School.objects.values_list("name", flat=True))
    assert names == {"Alpha-Gymnasium"}
    with scope(board=[]):
        assert School.objects.count() == 0


def test_access_per_role(world):
    a = access_for(world.user("board_admin"))
    assert a.board_ids == {world.board.pk} and a.edit_board_ids == {world.board.pk}
    r = access_for(world.user("reviewer"))
    assert r.board_ids == {world.board.pk, world.other_board.pk}
    assert not r.edit_board_ids and r.is_reviewer
    s = access_for(world.user("school_staff"))
    assert s.school_ids == {world.school.pk} and not s.full_board_ids
    c = access_for(world.user("consultant"))
    assert c.edit_board_ids == {world.board.pk}
    n = access_for(world.user("no_membership"))
    assert not n.board_ids


def test_school_staff_sees_only_their_school(world):
    from tests.factories import SchoolFactory

    SchoolFactory(school_board=world.board, name="Zweite Schule")
    access = access_for(world.user("school_staff"))
    with scopes_disabled():
        visible = set(access.restrict(School.objects.all()).values_list("name", flat=True))
    assert visible == {"Alpha-Gymnasium"}


def test_consultant_with_two_boards_switches_context(world, client_for):
    from schools.choices import Role
    from schools.models import Membership

    user = world.user("consultant")
    Membership.objects.create(user=user, role=Role.CONSULTANT, school_board=world.other_board)
    client = client_for(user)
    body = client.get("/schulen/").content.decode()
    assert "Alpha-Gymnasium" in body and "Beta-Grundschule" in body
    response = client.post("/kontext/", {"board": world.other_board.pk, "next": "/schulen/neu/"})
    assert response.status_code == 302
    response = client.post(
        "/schulen/neu/",
        {
            "school_number": "33333",
            "name": "Neue Beta-Schule",
            "school_type": "grundschule",
            "pupils": 100,
            "teachers": 8,
            "classes": 4,
        },
    )
    assert response.status_code == 302
    assert School.objects.get(school_number="33333").school_board == world.other_board


def test_switching_to_a_foreign_board_is_404(world, client_for):
    client = client_for(world.user("board_admin"))
    response = client.post("/kontext/", {"board": world.other_board.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("model", [School, Site, Room])
def test_building_a_query_outside_a_scope_is_lazy_but_evaluating_raises(
    world, unscoped_state, model
):
    qs = model.objects.all()  # allowed: model forms build querysets at import time
    for evaluate in (list, len, lambda q: q.count(), lambda q: q.first(), bool):
        with pytest.raises(ScopeError):
            evaluate(qs)
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1)
