"""Property-based bad input (Hypothesis): parsers round-trip, random files never crash the
importer and never write anything."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.spreadsheets import (
    FORMULA_PREFIXES,
    SpreadsheetRefused,
    csv_cell,
    escape_formula,
    read_table,
    unescape_formula,
    write_csv,
)
from core.tenancy import board_scope
from devices.models import Device
from imports import services
from imports.parsing import CellError, parse_date, parse_decimal

EXAMPLES = 150
money = st.decimals(
    min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@settings(max_examples=EXAMPLES)
@given(money)
def test_money_round_trips_through_the_csv_format(value):
    assert parse_decimal(csv_cell(value)) == value
    german = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert parse_decimal(german) == value
    assert parse_decimal(float(value)) == value


@settings(max_examples=EXAMPLES)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_round_trip(value):
    assert parse_date(csv_cell(value)) == value
    assert parse_date(value.isoformat()) == value


@settings(max_examples=EXAMPLES)
@given(st.text(max_size=40))
def test_escaped_text_never_starts_a_formula_and_unescapes(value):
    escaped = escape_formula(value)
    assert not escaped or escaped[0] not in FORMULA_PREFIXES
    if not (value[:1] == "'" and value[1:2] in FORMULA_PREFIXES):
        assert unescape_formula(escaped) == value


@settings(max_examples=EXAMPLES)
@given(st.text(max_size=30))
def test_parsers_raise_only_cell_errors(value):
    for parser in (parse_date, parse_decimal):
        try:
            parser(value)
        except CellError as exc:
            assert exc.message


@settings(max_examples=EXAMPLES)
@given(st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused(data):
    try:
        read_table("zufall.csv", data)
    except SpreadsheetRefused as exc:
        assert exc.message


cells = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["31.02.2022", "-5", "=1+1", "Tablet", "12345", "", "1.234,56", "\n", ";", '"']
    ),
)


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.lists(cells, min_size=1, max_size=8), min_size=1, max_size=6))
def test_random_device_files_never_crash_and_never_partially_write(world, rows):
    headers = [
        "Inventarnummer",
        "Kategorie",
        "Schulnummer",
        "Raum",
        "Status",
        "Anschaffungsdatum",
        "Anschaffungspreis",
        "Bemerkung",
    ]
    data = write_csv(headers, rows)
    before = Device.objects.count()
    with board_scope([world.board.pk]):
        try:
            run, plan = services.import_file(
                actor=world.user("consultant"),
                board=world.board,
                kind="devices",
                name="zufall.csv",
                data=data,
            )
        except SpreadsheetRefused:
            assert Device.objects.count() == before
            return
    if plan is not None:  # rejected: nothing written
        assert Device.objects.count() == before
        assert all(m.startswith(("Zeile", "Die ")) for m in plan.error_messages())
    else:
        assert Device.objects.count() - before == run.rows_new
