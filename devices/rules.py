"""Row rules of the inventory, each written once, as pure functions over plain values.

Every place that checks one of these rules calls the function here: `Model.clean()`,
forms and serializers (through `full_clean`), the services, the workflow and both import
engines (the column-wise engine calls them per row on plain lists). Each returns the
user-facing message, or None when the values are fine, so callers attach it to the field
they show. Where the database can enforce a rule it does too (`Meta.constraints`).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import DeviceStatus


def room_required_error(status: str, room) -> str | None:
    """A device in use needs a room (`room` is a Room, a room id, or None/"" for none)."""
    if status == DeviceStatus.IN_USE and (room is None or room == ""):
        return _("A device in use needs a room.")
    return None


def price_order_error(price_net: Decimal | None, price_gross: Decimal | None) -> str | None:
    """The gross price cannot be lower than the net price (blank prices are not compared)."""
    if price_net is not None and price_gross is not None and price_gross < price_net:
        return _("The gross price cannot be lower than the net price.")
    return None
