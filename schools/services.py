"""Writes in the registry: create and update boards, schools, sites and rooms."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.services import bump_version

from .models import Room, School, SchoolBoard, Site

SCHOOL_FIELDS = (
    "school_number",
    "name",
    "school_type",
    "street",
    "postal_code",
    "city",
    "pupils",
    "teachers",
    "classes",
    "counts_date",
    "head_teacher",
    "email",
    "phone",
)
SITE_FIELDS = ("name", "street", "postal_code", "city", "is_main")
ROOM_FIELDS = ("name", "kind", "building", "floor", "seats", "has_lan", "has_wlan", "has_display")
BOARD_FIELDS = (
    "name",
    "kind",
    "official_key",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "notes",
)


def _apply(obj, data: dict[str, Any], allowed: tuple[str, ...], actor, reason: str = "") -> None:
    for key in allowed:
        if key in data:
            setattr(obj, key, data[key])
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.full_clean()
    bump_version(obj)
    obj.save()


@transaction.atomic
def board_update(*, actor, board: SchoolBoard, data: dict[str, Any]) -> SchoolBoard:
    _apply(board, data, BOARD_FIELDS, actor)
    return board


@transaction.atomic
def school_create(*, actor, board: SchoolBoard, data: dict[str, Any]) -> School:
    school = School(school_board=board, land=board.land)
    _apply(school, data, SCHOOL_FIELDS, actor)
    Site(
        school=school,
        school_board=board,
        name=school.name,
        street=school.street,
        postal_code=school.postal_code,
        city=school.city,
        is_main=True,
    ).save()
    return school


@transaction.atomic
def school_update(*, actor, school: School, data: dict[str, Any]) -> School:
    _apply(school, data, SCHOOL_FIELDS, actor)
    return school


@transaction.atomic
def site_create(*, actor, school: School, data: dict[str, Any]) -> Site:
    site = Site(school=school, school_board_id=school.school_board_id)
    _apply(site, data, SITE_FIELDS, actor)
    return site


@transaction.atomic
def site_update(*, actor, site: Site, data: dict[str, Any]) -> Site:
    _apply(site, data, SITE_FIELDS, actor)
    return site


@transaction.atomic
def room_create(*, actor, site: Site, data: dict[str, Any]) -> Room:
    room = Room(site=site, school_id=site.school_id, school_board_id=site.school_board_id)
    _apply(room, data, ROOM_FIELDS, actor)
    return room


@transaction.atomic
def room_update(*, actor, room: Room, data: dict[str, Any]) -> Room:
    _apply(room, data, ROOM_FIELDS, actor)
    return room
