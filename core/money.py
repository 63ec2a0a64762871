"""Money: Decimal only, rounded half-up to the cent (formatting: core.formatting)."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: object) -> Decimal:
    """Convert a value (Decimal, int, str) to Decimal; floats are refused on purpose."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("Money must not be a float")
    if value is None or value == "":
        return ZERO
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc


def round_money(value: object) -> Decimal:
    """Round half-up to the cent."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def floor_money(value: object) -> Decimal:
    """Round down to the cent (towards zero): grants, caps and payouts.

    The state never pays more than the rate allows: 90 % of 100,000.01 is 90,000.00,
    and 20 % of 310,500.03 is 62,100.00 (DOMAIN.md §3).
    """
    return to_decimal(value).quantize(CENT, rounding=ROUND_DOWN)


def __getattr__(name: str):
    """`core.money.format_money`/`parse_money` moved to core.formatting (the one path)."""
    if name in ("format_money", "parse_money"):
        from core import formatting

        return getattr(formatting, name)
    raise AttributeError(name)
