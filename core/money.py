"""Money: Decimal only, rounded half-up to the cent, formatted the German way."""

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


def format_money(value: object, *, currency: bool = True) -> str:
    """1234.5 -> '1.234,50 €'."""
    if value is None or value == "":
        return ""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    text = f"{sign}{grouped},{frac}"
    return f"{text} €" if currency else text


def parse_money(text: str) -> Decimal:
    """Parse '1.234,56', '1234,56', '1234.56' or '1.234,56 €' to Decimal (not rounded)."""
    cleaned = str(text).replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned:
        raise ValueError("empty amount")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {text!r}") from exc
