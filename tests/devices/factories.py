"""Factories and helpers for the device inventory tests."""

import datetime as dt
from decimal import Decimal

import factory

from devices import services
from devices.choices import DeviceCategory, DeviceStatus
from devices.models import Accessory, Device, DeviceModel
from tests.factories import SchoolFactory


class DeviceModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeviceModel

    school_board = factory.SubFactory("tests.factories.SchoolBoardFactory")
    manufacturer = "Apple"
    name = factory.Sequence(lambda n: f"iPad 10. Gen. ({n})")
    category = DeviceCategory.TABLET
    default_price_net = Decimal("336.13")
    default_price_gross = Decimal("400.00")


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    school = factory.SubFactory(SchoolFactory)
    school_board = factory.LazyAttribute(lambda o: o.school.school_board)
    inventory_number = factory.Sequence(lambda n: f"INV-{n:06d}")
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    category = DeviceCategory.TABLET
    status = DeviceStatus.IN_STOCK
    price_net = Decimal("336.13")
    # 400.00 by default, never below the net price (the database refuses gross < net)
    price_gross = factory.LazyAttribute(
        lambda o: Decimal("400.00") if o.price_net is None else max(Decimal("400.00"), o.price_net)
    )
    purchase_date = dt.date(2025, 8, 1)


class AccessoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accessory

    device = factory.SubFactory(DeviceFactory)
    school_board = factory.LazyAttribute(lambda o: o.device.school_board)
    kind = "charger"
    serial_number = factory.Sequence(lambda n: f"CH{n:06d}")


PUPIL = {
    "borrower_kind": "pupil",
    "borrower_name": "Mia Musterkind",
    "school_class": "7b",
    "borrower_is_minor": True,
    "guardian_name": "Maria Musterkind",
    "guardian_contact": "0391 123456",
    "school_year": "2026/27",
    "start_date": dt.date(2026, 9, 1),
    "due_rule": "fixed",
    "due_date": dt.date(2027, 7, 9),
    "condition_at_handover": "good",
    "existing_damage": "Kratzer am Displayrand",
}


def make_loan(
    world, *, actor=None, devices=None, data=None, accessories=(), school=None, status="prepared"
):
    """A loan in world.school (or `school`) advanced to `status`."""
    school = school or world.school
    actor = actor or world.user("board_admin")
    devices = devices or [DeviceFactory(school=school)]
    loan = services.loan_create(
        actor=actor,
        school=school,
        devices=devices,
        data={**PUPIL, **(data or {})},
        accessories=list(accessories),
    )
    if status in ("signed", "handed_out"):
        loan = services.loan_sign(
            actor=actor,
            loan=loan,
            borrower_signed=True,
            guardian_signed=True,
            signed_on=dt.date(2026, 9, 1),
        )
    if status == "handed_out":
        loan = services.loan_hand_out(actor=actor, loan=loan, on=dt.date(2026, 9, 1))
    return loan
