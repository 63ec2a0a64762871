"""Home page key figures: scoped per role, constant query count."""

import pytest
from django.urls import reverse

from core.dashboard import dashboard_cards
from core.tenancy import access_for
from tests.factories import SchoolFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def labels_and_values(user):
    return {c.label: c.value for c in dashboard_cards(access_for(user))}


def test_cards_count_only_own_board(world):
    SchoolFactory(school_board=world.other_board)
    cards = labels_and_values(world.user("board_admin"))
    assert cards["Schulen"] == "1"
    reviewer_cards = labels_and_values(world.user("reviewer"))
    assert reviewer_cards["Schulen"] == "3"
    assert "Zu prüfende Anträge" in reviewer_cards
    # reviewers see concepts only of schools in submitted applications: none here
    assert reviewer_cards["Beschlossene Medienbildungskonzepte"] == "0 / 0"


def test_no_cards_without_role(world):
    assert dashboard_cards(access_for(world.user("no_membership"))) == []


def test_home_query_count_does_not_grow(world, client_for):
    client = client_for(world.user("board_admin"))

    def add_rows(n):
        for _ in range(n):
            SchoolFactory(school_board=world.board)

    assert_constant_queries(lambda: client.get(reverse("home")), add_rows)
