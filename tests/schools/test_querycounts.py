import pytest
from django.urls import reverse

from tests.factories import RoomFactory, SchoolFactory, SiteFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "schools:school-list",
        "schools:board-list",
        "schools:room-list",
        "school-list",
        "board-list",
        "room-list",
        "site-list",
    ],
)
def test_list_query_count_does_not_grow(url_name, world, client_for, api_client_for):
    user = world.user("board_admin")
    client = api_client_for(user) if ":" not in url_name else client_for(user)
    url = reverse(url_name)

    def add_rows(n):
        for _ in range(n):
            school = SchoolFactory(school_board=world.board)
            RoomFactory(site=SiteFactory(school=school))

    assert_constant_queries(lambda: client.get(url), add_rows)


def test_school_detail_and_sheet_query_count_constant(world, client_for):
    client = client_for(world.user("board_admin"))

    def add_rows(n):
        for _ in range(n):
            RoomFactory(site=world.site)

    assert_constant_queries(
        lambda: client.get(reverse("schools:school-detail", args=[world.school.pk])), add_rows
    )
