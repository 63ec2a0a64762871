"""Every board-owned model of the device inventory in the isolation matrix."""

import datetime as dt

from django.urls import reverse

from core import workflow as engine
from devices import services
from devices.models import PrivacyLog
from tests.devices.factories import (
    AccessoryFactory,
    DeviceFactory,
    DeviceModelFactory,
    make_loan,
)
from tests.factories import RoomFactory, SiteFactory
from tests.isolation import READERS_DEFAULT, WRITERS_DEFAULT, IsolationCase

#: pupil data: the board's people and the school, never reviewers
PERSONAL_READERS = ("board_admin", "board_staff", "consultant", "school_staff")
SCHOOL_WRITERS = WRITERS_DEFAULT + ("school_staff",)


def _board(world, side):
    return world.board if side == "own" else world.other_board


def _school(world, side):
    return world.school if side == "own" else world.other_school


def _actor(world, side):
    return world.user("board_admin" if side == "own" else "other_board_admin")


def make_model(world, side, marker):
    return DeviceModelFactory(school_board=_board(world, side), name=f"Modell {marker}")


def make_device(world, side, marker):
    return DeviceFactory(school=_school(world, side), inventory_number=marker)


def make_accessory(world, side, marker):
    return AccessoryFactory(device=DeviceFactory(school=_school(world, side)), serial_number=marker)


def make_delivery(world, side, marker):
    return services.delivery_register(
        actor=_actor(world, side),
        board=_board(world, side),
        school=_school(world, side),
        lines=[(f"S-{marker}", "")],
        delivered_on=dt.date(2026, 9, 1),
        category="tablet",
        inventory_prefix=f"D-{side}-",
        supplier=marker,
    )


def make_status_change(world, side, marker):
    device = DeviceFactory(school=_school(world, side))
    return engine.record(
        device,
        actor=None,
        action="",
        from_status="in_stock",
        to_status="in_repair",
        reason=marker,
    )


def make_loan_case(world, side, marker):
    return make_loan(
        world,
        school=_school(world, side),
        actor=_actor(world, side),
        data={"borrower_name": f"Kind {marker}"},
    )


def make_loan_item(world, side, marker):
    return make_loan_case(world, side, marker).items.get()


def make_return(world, side, marker):
    loan = make_loan(
        world,
        school=_school(world, side),
        actor=_actor(world, side),
        data={"borrower_name": f"Kind {marker}"},
        status="handed_out",
    )
    device = loan.items.get().device
    return services.loan_return(
        actor=_actor(world, side),
        loan=loan,
        returned_on=dt.date(2026, 9, 2),
        notes=marker,
        items={device.pk: services.ReturnItem()},
    )


def make_defect(world, side, marker):
    return services.defect_report_create(
        actor=_actor(world, side),
        device=DeviceFactory(school=_school(world, side)),
        data={
            "kind": "defect",
            "description": f"Defekt {marker}",
            "police_report_reference": marker,
            "reported_on": dt.date(2026, 9, 2),
        },
    )


def make_stocktake(world, side, marker):
    site = world.site if side == "own" else SiteFactory(school=world.other_school)
    room = RoomFactory(site=site, name=f"R-{marker}")
    return services.stocktake_start(
        actor=_actor(world, side),
        school=_school(world, side),
        room=room,
        started_on=dt.date(2026, 11, 1),
    )


def make_entry(world, side, marker):
    stocktake = services.stocktake_start(actor=_actor(world, side), school=_school(world, side))
    return services.stocktake_scan(actor=_actor(world, side), stocktake=stocktake, code=marker)


def make_privacy_log(world, side, marker):
    return PrivacyLog.objects.create(
        school_board=_board(world, side), action="export", detail=marker
    )


CASES = [
    IsolationCase(
        name="devices.DeviceModel",
        make=make_model,
        list_url=lambda o: reverse("devices:model-list"),
        detail_url=lambda o: reverse("devices:model-detail", args=[o.pk]),
        edit_url=lambda o: reverse("devices:model-update", args=[o.pk]),
        edit_post=lambda o: {"manufacturer": "X", "name": "changed", "category": "tablet"},
        api_list_url=lambda o: reverse("device-model-list"),
        api_detail_url=lambda o: reverse("device-model-detail", args=[o.pk]),
        api_write=lambda o: {"name": "changed"},
        readers=READERS_DEFAULT,
    ),
    IsolationCase(
        name="devices.Device",
        make=make_device,
        list_url=lambda o: reverse("devices:device-list"),
        detail_url=lambda o: reverse("devices:device-detail", args=[o.pk]),
        edit_url=lambda o: reverse("devices:device-update", args=[o.pk]),
        edit_post=lambda o: {
            "inventory_number": "changed",
            "category": "tablet",
            "school": o.school_id,
        },
        api_list_url=lambda o: reverse("device-list"),
        api_detail_url=lambda o: reverse("device-detail", args=[o.pk]),
        api_write=lambda o: {"notes": "changed"},
        pdf_url=lambda o: reverse("devices:device-label", args=[o.pk]),
        bulk_posts=lambda own, foreign: [
            (
                "web",
                reverse("devices:device-bulk"),
                {"action": "retire", "ids": [own.pk, foreign.pk], "confirm": "1", "reason": "x"},
            ),
            (
                "api",
                reverse("device-bulk"),
                {"action": "move", "ids": [own.pk, foreign.pk], "school": foreign.school_id},
            ),
        ],
        extra_urls={"status_log": lambda o: reverse("device-status-log", args=[o.pk])},
    ),
    IsolationCase(
        name="devices.Accessory",
        make=make_accessory,
        detail_url=lambda o: reverse("devices:device-detail", args=[o.device_id]),
        edit_url=lambda o: reverse("devices:accessory-update", args=[o.pk]),
        edit_post=lambda o: {"kind": "pen", "serial_number": "changed"},
        api_list_url=lambda o: reverse("accessory-list"),
        api_detail_url=lambda o: reverse("accessory-detail", args=[o.pk]),
        api_write=lambda o: {"serial_number": "changed"},
    ),
    IsolationCase(
        name="devices.Delivery",
        make=make_delivery,
        list_url=lambda o: reverse("devices:delivery-list"),
        detail_url=lambda o: reverse("devices:delivery-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("devices:delivery-protocol", args=[o.pk]),
        extra_urls={"labels": lambda o: reverse("devices:delivery-labels", args=[o.pk])},
    ),
    IsolationCase(
        name="core.StatusChange (device)",
        make=make_status_change,
        detail_url=lambda o: reverse("devices:device-detail", args=[o.object_id]),
    ),
    IsolationCase(
        name="devices.Loan",
        make=make_loan_case,
        list_url=lambda o: reverse("devices:loan-list"),
        detail_url=lambda o: reverse("devices:loan-detail", args=[o.pk]),
        edit_url=lambda o: reverse("devices:loan-update", args=[o.pk]),
        edit_post=lambda o: {
            "guardian_name": "changed",
            "guardian_contact": "x",
            "school_class": "7b",
            "due_rule": "fixed",
            "due_date": "2027-07-09",
        },
        api_list_url=lambda o: reverse("loan-list"),
        api_detail_url=lambda o: reverse("loan-detail", args=[o.pk]),
        api_write=lambda o: {"notes": "changed"},
        pdf_url=lambda o: reverse("devices:loan-contract", args=[o.pk]),
        readers=PERSONAL_READERS,
        writers=SCHOOL_WRITERS,
    ),
    IsolationCase(
        name="devices.LoanItem",
        make=make_loan_item,
        detail_url=lambda o: reverse("devices:loan-detail", args=[o.loan_id]),
        readers=PERSONAL_READERS,
        writers=SCHOOL_WRITERS,
    ),
    IsolationCase(
        name="devices.LoanReturn",
        make=make_return,
        detail_url=lambda o: reverse("devices:return-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("return-list"),
        api_detail_url=lambda o: reverse("return-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("devices:return-protocol", args=[o.pk]),
        readers=PERSONAL_READERS,
        writers=SCHOOL_WRITERS,
    ),
    IsolationCase(
        name="devices.DefectReport",
        make=make_defect,
        list_url=lambda o: reverse("devices:defect-list"),
        detail_url=lambda o: reverse("devices:defect-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("defect-report-list"),
        api_detail_url=lambda o: reverse("defect-report-detail", args=[o.pk]),
        writers=SCHOOL_WRITERS,
    ),
    IsolationCase(
        name="devices.Stocktake",
        make=make_stocktake,
        list_url=lambda o: reverse("devices:stocktake-list"),
        detail_url=lambda o: reverse("devices:stocktake-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("stocktake-list"),
        api_detail_url=lambda o: reverse("stocktake-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("devices:stocktake-report", args=[o.pk]),
        extra_urls={"csv": lambda o: reverse("devices:stocktake-csv", args=[o.pk])},
        writers=SCHOOL_WRITERS,
    ),
    IsolationCase(
        name="devices.StocktakeEntry",
        make=make_entry,
        detail_url=lambda o: reverse("devices:stocktake-detail", args=[o.stocktake_id]),
        writers=SCHOOL_WRITERS,
    ),
    # Only board admins reach the privacy page (tests/devices/test_views.py covers it).
    IsolationCase(name="devices.PrivacyLog", make=make_privacy_log),
]
