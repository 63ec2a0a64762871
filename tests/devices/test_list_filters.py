"""The device list's room filter offers only the chosen school's rooms."""

import pytest
from django.urls import reverse

from tests.factories import RoomFactory, SchoolFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_room_choices_follow_the_school(world, client_for):
    other_school = SchoolFactory(school_board=world.board, name="Zweitschule")
    foreign_room = RoomFactory(site=SiteFactory(school=other_school), name="Z-999")
    client = client_for(world.user("board_admin"))
    url = reverse("devices:device-list")
    form = client.get(url).context["filter"].form
    assert list(form.fields["room"].queryset) == []
    form = client.get(url, {"school": world.school.pk}).context["filter"].form
    rooms = list(form.fields["room"].queryset)
    assert world.room in rooms and foreign_room not in rooms


def test_room_filter_still_filters(world, client_for):
    from tests.devices.factories import DeviceFactory

    in_room = DeviceFactory(school=world.school, room=world.room, inventory_number="IN-ROOM")
    DeviceFactory(school=world.school, room=None, inventory_number="NO-ROOM")
    client = client_for(world.user("board_admin"))
    response = client.get(
        reverse("devices:device-list"), {"school": world.school.pk, "room": world.room.pk}
    )
    body = response.content.decode()
    assert in_room.inventory_number in body and "NO-ROOM" not in body
