"""funding.rules: every rule at, just below and just above its thresholds (pure, no DB)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from funding import rules
from funding.choices import OwnShareConvention

ST = rules.RuleParams()
SH = rules.RuleParams(
    funding_rate=D("1") / D("1.15"),
    own_share_convention=OwnShareConvention.SURCHARGE_ON_FUNDING,
    own_share_rate=D("0.15"),
)


def line(ref="1", school=1, category="wlan", q="1", price="100.00", vat="19", **kw):
    return rules.LineData(
        ref=ref,
        school_id=school,
        category=category,
        description=kw.pop("description", "Gerät"),
        quantity=D(q),
        unit_price_net=D(price),
        vat_rate=D(vat),
        **kw,
    )


SCHOOLS = {
    1: rules.SchoolData(1, "Gymnasium A", has_network=True),
    2: rules.SchoolData(2, "Sekundarschule B", has_network=True),
    3: rules.SchoolData(3, "BbS C", is_vocational=True, has_network=True),
}


def codes(findings):
    return [f.code for f in findings]


# --- money ------------------------------------------------------------------
def test_line_amounts_round_half_up_at_the_line():
    a = rules.line_amounts(D("3"), D("0.335"), D("19"))  # 1.005 net → 1.01
    assert a.net == D("1.01")
    assert a.gross == D("1.20")  # 1.01 × 1.19 = 1.2019
    b = rules.line_amounts(D("1"), D("0.42"), D("19"))  # 0.4998 → 0.50 (half-up)
    assert b.gross == D("0.50")
    assert rules.line_amounts(D("10"), D("300"), D("19")).gross == D("3570.00")


def test_own_share_is_f_over_9_worked_example():
    # the grant is rounded down (DOMAIN §3): 90 % of 1,111,111.11 is 999,999.999 -> .99
    funding, own = rules.funding_split(D("1111111.11"), ST)
    assert funding == D("999999.99")
    assert own == D("111111.12")
    assert own >= funding / 9
    funding, own = rules.funding_split(D("1111111.12"), ST)
    assert (funding, own) == (D("1000000.00"), D("111111.12"))
    assert rules.max_eligible_for_budget(D("1000000"), ST) == D("1111111.11")
    # DOMAIN §3's worked examples
    assert rules.funding_split(D("100000.01"), ST) == (D("90000.00"), D("10000.01"))


def test_funding_and_own_share_always_add_up():
    for g in ("0.01", "0.05", "1.11", "999.99", "123456.78"):
        f, e = rules.funding_split(D(g), ST)
        assert f + e == D(g)
        f, e = rules.funding_split(D(g), SH)
        assert f + e == D(g)


def test_surcharge_convention_worked_example():
    assert rules.max_eligible_for_budget(D("270000"), SH) == D("310500.00")
    funding, own = rules.funding_split(D("310500.00"), SH)
    assert funding == D("270000.00")
    assert own == D("40500.00")


# --- mobile cap ----------------------------------------------------------------
def _sh_cap_lines(mobile_gross: str, per_school_split=False):
    """Total 310,500 (SH example): mobile as given, the rest network; VAT 0 for clarity."""
    mobile = D(mobile_gross)
    if per_school_split:
        lines = [
            line("1", 1, "mobile", "1", str(mobile / 2), vat="0"),
            line("2", 2, "mobile", "1", str(mobile / 2), vat="0"),
        ]
    else:
        lines = [line("1", 1, "mobile", "1", str(mobile), vat="0")]
    lines.append(line("9", 1, "lan", "1", str(D("310500") - mobile), vat="0"))
    return lines


@pytest.mark.parametrize("mobile,ok", [("62099.99", True), ("62100.00", True), ("62100.01", False)])
def test_mobile_cap_percent_branch_at_threshold(mobile, ok):
    lines = _sh_cap_lines(mobile)
    cap = rules.mobile_cap(lines, SCHOOLS, ST)
    assert cap.general_total == D("310500.00")
    assert cap.cap_total == D("62100.00")
    assert cap.within_percent is ok
    assert cap.ok is ok  # one school > 25,000, so only branch (a) can save it


@pytest.mark.parametrize(
    "per_school,ok", [("24999.99", True), ("25000.00", True), ("25000.01", False)]
)
def test_mobile_cap_per_school_branch(per_school, ok):
    # 100 % mobile: branch (a) fails; branch (b) decides per school
    lines = [
        line("1", 1, "mobile", "1", per_school, vat="0"),
        line("2", 2, "mobile", "1", "1000", vat="0"),
    ]
    cap = rules.mobile_cap(lines, SCHOOLS, ST)
    assert not cap.within_percent
    assert cap.within_per_school is ok


def test_mobile_cap_unused_amount_does_not_move_between_schools():
    # school 1 at 30,000, school 2 at 0 mobile: 2 × 25,000 would cover 30,000 but may not
    lines = [
        line("1", 1, "mobile", "1", "30000", vat="0"),
        line("2", 2, "lan", "1", "10000", vat="0"),
    ]
    assert not rules.mobile_cap(lines, SCHOOLS, ST).ok


def test_mobile_cap_vocational_schools_exempt():
    lines = [line("1", 3, "mobile", "1", "500000", vat="0")]
    cap = rules.mobile_cap(lines, SCHOOLS, ST)
    assert cap.mobile_total == 0 and cap.general_total == 0


# --- precondition, smartphones, accompanying --------------------------------------
def test_network_precondition():
    offline = {1: rules.SchoolData(1, "Grundschule ohne Netz", has_network=False)}
    mobile = line("1", 1, "mobile")
    assert codes(rules.check_network_precondition([mobile], offline, ST)) == ["FR-NETZ"]
    # the same application builds WLAN: fine
    assert rules.check_network_precondition([mobile, line("2", 1, "wlan")], offline, ST) == []
    # the school already has a network: fine
    assert rules.check_network_precondition([mobile], SCHOOLS, ST) == []
    # the Land does not require it
    relaxed = rules.RuleParams(require_network_for_mobile=False)
    assert rules.check_network_precondition([mobile], offline, relaxed) == []


@pytest.mark.parametrize("text", ["Smartphone Galaxy", "Apple iPhone 15", "Diensthandy"])
def test_no_smartphones(text):
    assert codes(rules.check_excluded_items([line(description=text, category="mobile")], ST)) == [
        "FR-SMARTPHONE"
    ]


def test_excluded_terms_and_ordinary_tablets():
    p = rules.RuleParams(excluded_terms=("Wartungsvertrag",))
    assert codes(rules.check_excluded_items([line(description="Wartungsvertrag 3 Jahre")], p)) == [
        "FR-AUSGESCHLOSSEN"
    ]
    assert rules.check_excluded_items([line(description="Tablet 10 Zoll")], p) == []


def test_accompanying_only_with_investment():
    alone = [line("1", 1, "accompanying", description="Installation")]
    assert codes(rules.check_accompanying(alone)) == ["FR-BEGLEIT"]
    assert rules.check_accompanying(alone + [line("2", 1, "display")]) == []
    other_school = rules.check_accompanying(alone + [line("2", 2, "display")])
    assert codes(other_school) == ["FR-BEGLEIT-SCHULE"]
    assert other_school[0].severity == rules.WARNING


def test_categories_of_the_programme():
    admin_only = rules.RuleParams(eligible_categories=frozenset({"admin_staff"}))
    assert codes(rules.check_categories([line(category="wlan")], admin_only)) == ["FR-KATEGORIE"]
    assert rules.check_categories([line(category="wlan")], ST) == []
    assert codes(rules.check_categories([line(category="regional")], ST)) == ["FR-KATEGORIE"]


# --- deadline and periods --------------------------------------------------------
DEADLINE = rules.RuleParams(
    application_opens=dt.date(2019, 10, 1), application_deadline=dt.date(2021, 12, 31)
)


@pytest.mark.parametrize(
    "day,ok",
    [
        (dt.date(2021, 12, 30), True),
        (dt.date(2021, 12, 31), True),
        (dt.date(2022, 1, 1), False),
        (dt.date(2019, 9, 30), False),
        (dt.date(2019, 10, 1), True),
    ],
)
def test_deadline(day, ok):
    findings = rules.check_deadline(day, DEADLINE)
    assert (findings == []) is ok
    if not ok:
        assert findings[0].code == "FR-FRIST" and findings[0].is_error


def test_deadline_message_names_the_date():
    assert "31.12.2021" in rules.check_deadline(dt.date(2022, 1, 1), DEADLINE)[0].message


def test_periods():
    p = rules.RuleParams(eligible_from=dt.date(2019, 5, 17), eligible_until=dt.date(2025, 12, 31))
    assert (
        rules.check_periods(
            [line(planned_start=dt.date(2019, 5, 17), planned_end=dt.date(2025, 12, 31))], p
        )
        == []
    )
    assert codes(rules.check_periods([line(planned_start=dt.date(2019, 5, 16))], p)) == [
        "FR-ZEITRAUM"
    ]
    assert codes(rules.check_periods([line(planned_end=dt.date(2026, 1, 1))], p)) == ["FR-ZEITRAUM"]
    assert codes(
        rules.check_periods(
            [line(planned_start=dt.date(2024, 2, 1), planned_end=dt.date(2024, 1, 1))], p
        )
    ) == ["FR-ZEITRAUM"]


# --- procurement -------------------------------------------------------------------
def _proc(route, net, **kw):
    ln = line(q="1", price=net, procurement_route=route, **kw)
    return codes(
        rules.check_procurement(
            [ln], ST, {"1": rules.line_amounts(ln.quantity, ln.unit_price_net, ln.vat_rate)}
        )
    )


def test_procurement_thresholds():
    assert _proc("direct", "9999.99") == []
    assert _proc("direct", "10000.00") == []
    assert _proc("direct", "10000.01") == ["FR-VERGABE"]
    assert _proc("restricted", "39999.99") == []
    assert _proc("restricted", "40000.00") == ["FR-VERGABE-LAND"]
    assert _proc("negotiated", "220999.99") == ["FR-VERGABE-LAND"]
    assert _proc("negotiated", "221000.00") == ["FR-VERGABE"]
    assert _proc("open", "500000") == []
    assert _proc("framework", "100") == ["FR-VERGABE-RV"]
    assert _proc("framework", "100", has_catalogue_item=True) == []


# --- line values, schools, justification, budget -------------------------------------
def test_bad_line_values():
    assert codes(rules.check_line_values([line(q="0")])) == ["FR-MENGE"]
    assert codes(rules.check_line_values([line(q="-1")])) == ["FR-MENGE"]
    assert codes(rules.check_line_values([line(price="-0.01")])) == ["FR-PREIS"]
    assert codes(rules.check_line_values([line(price="1.005")])) == ["FR-CENT"]
    assert rules.check_line_values([line(q="0.01", price="0.00")]) == []


def test_line_of_another_board():
    assert codes(rules.check_schools([line(school=99)], frozenset({1, 2}))) == ["FR-SCHULE"]
    assert rules.check_schools([line(school=1)], frozenset({1, 2})) == []


def test_justification_warning():
    assert codes(rules.check_justification([line(justification="")])) == ["FR-BEDARF"]
    assert rules.check_justification([line(justification="", has_need=True)]) == []
    assert rules.check_justification([line(justification="Weil …")]) == []


@pytest.mark.parametrize(
    "funding,available,ok",
    [("100.00", "100.00", True), ("100.00", "100.01", True), ("100.01", "100.00", False)],
)
def test_budget(funding, available, ok):
    assert (rules.check_budget(D(funding), D(available)) == []) is ok


# --- the whole application -----------------------------------------------------------
def _app(lines, **kw):
    defaults = {
        "params": ST,
        "lines": tuple(lines),
        "schools": SCHOOLS,
        "board_school_ids": frozenset(SCHOOLS),
        "budget_available": D("1000000"),
        "submission_date": dt.date(2026, 11, 24),
        "planned_start": dt.date(2026, 1, 1),
        "planned_end": dt.date(2026, 12, 31),
    }
    defaults.update(kw)
    return rules.ApplicationData(**defaults)


def test_check_application_totals_and_budget_left():
    result = rules.check_application(
        _app(
            [
                line("1", 1, "wlan", "10", "300.00", justification="x"),
                line(
                    "2",
                    2,
                    "mobile",
                    "30",
                    "336.13",
                    justification="x",
                    procurement_route="restricted",
                ),
            ]
        )
    )
    t = result.totals
    assert t.eligible == D("3570.00") + D("11999.84")  # 30 × 336.13 = 10,083.90 × 1.19
    assert t.funding + t.own_share == t.eligible
    assert t.per_school == {1: D("3570.00"), 2: D("11999.84")}
    assert t.budget_left == D("1000000") - t.funding
    assert result.ok, result.findings


def test_incomplete_application_cannot_pass():
    incomplete = {1: rules.SchoolData(1, "A", has_network=True, tpek=False)}
    result = rules.check_application(
        _app([line(justification="x")], schools=incomplete, declarations=False)
    )
    assert not result.ok
    (finding,) = [f for f in result.errors if f.code == "FR-VOLLSTAENDIG"]
    assert "TPEK" in finding.message and "Erklärungen" in finding.message
    assert dict(result.checklist)["Kosten- und Zeitplan mit mindestens einer Position"]


def test_empty_application_incomplete():
    result = rules.check_application(_app([]))
    assert "FR-VOLLSTAENDIG" in codes(result.errors)


# --- proof of use ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "actual,expected",
    [
        ("1200.00", ["FR-TOLERANZ-AUSGLEICH"]),  # exactly +20 %: allowed if offset
        ("1200.01", ["FR-TOLERANZ"]),  # just above the tolerance
        ("1000.00", []),
        ("1199.99", ["FR-TOLERANZ-AUSGLEICH"]),
    ],
)
def test_plan_tolerance_per_line_offset(actual, expected):
    lines = [
        rules.ActualLine("1", D("1000.00"), D(actual)),
        rules.ActualLine(
            "2", D("1000.00"), D("2000.00") - D(actual) if D(actual) <= 2000 else D("0")
        ),
    ]
    assert codes(rules.check_plan_tolerance(lines, ST)) == expected


def test_plan_total_is_binding():
    lines = [
        rules.ActualLine("1", D("1000.00"), D("1100.00")),
        rules.ActualLine("2", D("1000.00"), D("900.01")),
    ]
    assert codes(rules.check_plan_tolerance(lines, ST)) == ["FR-TOLERANZ-AUSGLEICH", "FR-GESAMT"]


@pytest.mark.parametrize(
    "price,needs_number", [("799.99", False), ("800.00", False), ("800.01", True)]
)
def test_inventory_threshold(price, needs_number):
    item = rules.InventoryItem("S1", D(price), "")
    assert bool(rules.check_inventory([item], ST)) is needs_number
    assert rules.check_inventory([rules.InventoryItem("S1", D(price), "INV-1")], ST) == []
