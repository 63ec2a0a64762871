"""The inventory's row rules, written once (devices/rules.py), and their database half."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from devices.choices import DeviceStatus
from devices.models import Device, DeviceModel
from devices.rules import price_order_error, room_required_error
from tests.devices.factories import DeviceFactory, DeviceModelFactory

GROSS_BELOW_NET = "The gross price cannot be lower than the net price."
NEEDS_ROOM = "A device in use needs a room."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("net", "gross", "refused"),
    [
        (Decimal("100.00"), Decimal("99.99"), True),  # below
        (Decimal("100.00"), Decimal("100.00"), False),  # at
        (Decimal("100.00"), Decimal("100.01"), False),  # above
        (None, Decimal("1.00"), False),
        (Decimal("1.00"), None, False),
        (None, None, False),
    ],
)
def test_price_order_rule_at_below_and_above(net, gross, refused):
    assert price_order_error(net, gross) == (GROSS_BELOW_NET if refused else None)


@pytest.mark.parametrize(
    ("status", "room", "refused"),
    [
        (DeviceStatus.IN_USE, None, True),
        (DeviceStatus.IN_USE, "", True),
        ("in_use", None, True),
        (DeviceStatus.IN_USE, 7, False),
        (DeviceStatus.IN_STOCK, None, False),
        (DeviceStatus.ON_LOAN, None, False),
    ],
)
def test_room_rule(status, room, refused):
    assert room_required_error(status, room) == (NEEDS_ROOM if refused else None)


@pytest.mark.django_db
def test_model_clean_uses_the_rule_and_the_database_enforces_it_too(world):
    device = DeviceFactory(school=world.school, price_net=Decimal("100.00"))
    device.price_gross = Decimal("99.99")
    with pytest.raises(ValidationError) as exc:
        device.full_clean()
    assert exc.value.message_dict["price_gross"] == [GROSS_BELOW_NET]
    # past clean(): the CheckConstraint refuses the row, nothing changes
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.filter(pk=device.pk).update(price_gross=Decimal("99.99"))
    device.refresh_from_db()
    assert device.price_gross != Decimal("99.99")
    Device.objects.filter(pk=device.pk).update(price_gross=Decimal("100.00"))  # at: fine


@pytest.mark.django_db
def test_device_model_prices_are_constrained(world):
    model = DeviceModelFactory(school_board=world.board)
    model.default_price_gross = model.default_price_net - Decimal("0.01")
    with pytest.raises(ValidationError) as exc:
        model.full_clean()
    assert exc.value.message_dict["default_price_gross"] == [GROSS_BELOW_NET]
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceModel.objects.filter(pk=model.pk).update(default_price_gross=Decimal("0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceModel.objects.filter(pk=model.pk).update(
            default_price_net=Decimal("-1"), default_price_gross=Decimal("-1")
        )
    DeviceModel.objects.filter(pk=model.pk).update(
        default_price_net=Decimal("0"), default_price_gross=Decimal("0")
    )


@pytest.mark.django_db
def test_negative_device_price_is_a_clear_form_error_and_refused_by_the_database(world):
    device = DeviceFactory(school=world.school, price_net=None, price_gross=None)
    device.price_gross = Decimal("-0.01")
    with pytest.raises(ValidationError) as exc:
        device.full_clean()
    assert "price_gross" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.filter(pk=device.pk).update(price_gross=Decimal("-0.01"))
