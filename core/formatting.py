"""Display formats used by pages and documents alike: dd.mm.yyyy and 1.234,56 €."""

import datetime as dt

from django.utils import timezone

from core.money import format_money

__all__ = ["format_date", "format_datetime", "format_money", "format_number"]


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d.%m.%Y")
    return value.strftime("%d.%m.%Y")


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d.%m.%Y %H:%M")


def format_number(value: int | None) -> str:
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")
