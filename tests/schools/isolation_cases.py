from django.urls import reverse

from tests.factories import RoomFactory, SchoolFactory, SiteFactory
from tests.isolation import IsolationCase


def _board(world, side):
    return world.board if side == "own" else world.other_board


def _school(world, side):
    return world.school if side == "own" else world.other_school


def make_board(world, side, marker):
    board = _board(world, side)
    board.city = marker
    board.save()
    return board


def make_school(world, side, marker):
    # the own school must be the school staff's school, so school staff can read it
    school = _school(world, side)
    school.name = f"Schule {marker}"
    school.save()
    return school


def make_extra_school(world, side, marker):
    return SchoolFactory(school_board=_board(world, side), name=f"Schule {marker}")


def make_site(world, side, marker):
    return SiteFactory(school=_school(world, side), name=f"Standort {marker}", is_main=False)


def make_room(world, side, marker):
    site = world.site if side == "own" else SiteFactory(school=world.other_school)
    return RoomFactory(site=site, name=f"R-{marker}")


CASES = [
    IsolationCase(
        name="schools.SchoolBoard",
        make=make_board,
        list_url=lambda o: reverse("schools:board-list"),
        detail_url=lambda o: reverse("schools:board-detail", args=[o.pk]),
        edit_url=lambda o: reverse("schools:board-update", args=[o.pk]),
        edit_post=lambda o: {"name": o.name, "kind": o.kind, "city": "changed"},
        api_list_url=lambda o: reverse("board-list"),
        api_detail_url=lambda o: reverse("board-detail", args=[o.pk]),
        api_write=lambda o: {"city": "changed"},
        writers=("board_admin", "board_staff"),
    ),
    IsolationCase(
        name="schools.School",
        make=make_school,
        list_url=lambda o: reverse("schools:school-list"),
        detail_url=lambda o: reverse("schools:school-detail", args=[o.pk]),
        edit_url=lambda o: reverse("schools:school-update", args=[o.pk]),
        edit_post=lambda o: {
            "school_number": o.school_number,
            "name": "changed",
            "school_type": o.school_type,
            "pupils": 1,
            "teachers": 1,
            "classes": 1,
        },
        api_list_url=lambda o: reverse("school-list"),
        api_detail_url=lambda o: reverse("school-detail", args=[o.pk]),
        api_write=lambda o: {"name": "changed"},
        pdf_url=lambda o: reverse("schools:school-sheet", args=[o.pk]),
    ),
    IsolationCase(
        name="schools.Site",
        make=make_site,
        detail_url=lambda o: reverse("schools:site-detail", args=[o.pk]),
        edit_url=lambda o: reverse("schools:site-update", args=[o.pk]),
        edit_post=lambda o: {"name": "changed"},
        api_list_url=lambda o: reverse("site-list"),
        api_detail_url=lambda o: reverse("site-detail", args=[o.pk]),
        api_write=lambda o: {"name": "changed"},
    ),
    IsolationCase(
        name="schools.Room",
        make=make_room,
        list_url=lambda o: reverse("schools:room-list"),
        detail_url=lambda o: reverse("schools:room-detail", args=[o.pk]),
        edit_url=lambda o: reverse("schools:room-update", args=[o.pk]),
        edit_post=lambda o: {"name": "changed", "kind": o.kind},
        api_list_url=lambda o: reverse("room-list"),
        api_detail_url=lambda o: reverse("room-detail", args=[o.pk]),
        api_write=lambda o: {"name": "changed"},
        writers=("board_admin", "board_staff", "consultant", "school_staff"),
    ),
]
