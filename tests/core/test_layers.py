"""core knows no domain app: the organisation is registered with core's tenancy, and
without that registration nothing is visible (fail-closed)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import tenancy
from schools.access import access_for_member
from schools.models import School, SchoolBoard


def test_schools_registers_the_directory_at_start_up():
    directory = tenancy.directory()
    assert directory.access_for is access_for_member
    assert directory.board_model is SchoolBoard
    assert directory.school_model is School


@pytest.mark.django_db
def test_without_a_directory_an_authenticated_user_gets_an_error_not_access(world, monkeypatch):
    monkeypatch.setattr(tenancy, "_directory", None)
    with pytest.raises(ImproperlyConfigured):
        tenancy.access_for(world.user("board_admin"))
    assert tenancy.access_for(None) is tenancy.ANONYMOUS


@pytest.mark.django_db
def test_access_through_core_is_the_registered_one(world):
    user = world.user("board_admin")
    assert tenancy.access_for(user) == access_for_member(user)
    assert world.board.pk in tenancy.access_for(user).admin_board_ids
