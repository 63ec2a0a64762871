"""Property tests for the money rules (DOMAIN §3): grants and caps never favour the board."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from funding import rules
from funding.choices import OwnShareConvention

CENTS = st.integers(min_value=0, max_value=10**11)  # up to 1 bn EUR in cents
RATES = st.sampled_from(["0.90", "0.80", "0.75", "0.50", "0.65", "0.95"])
SURCHARGES = st.sampled_from(["0.15", "0.10", "0.25", "0.333"])


def percent(rate: str) -> rules.RuleParams:
    return rules.RuleParams(funding_rate=D(rate), own_share_rate=1 - D(rate))


def surcharge(s: str) -> rules.RuleParams:
    return rules.RuleParams(
        own_share_convention=OwnShareConvention.SURCHARGE_ON_FUNDING,
        own_share_rate=D(s),
        funding_rate=1 / (1 + D(s)),
    )


@settings(max_examples=400, deadline=None)
@given(cents=CENTS, rate=RATES)
def test_percent_of_total_own_share_never_below_its_rate(cents, rate):
    total = D(cents) / 100
    params = percent(rate)
    grant, own = rules.funding_split(total, params)
    s = 1 - D(rate)  # own-share rate of the total
    assert grant + own == total
    assert grant >= 0 and own >= 0
    assert own >= grant * s / (1 - s)  # E ≥ F·s/(1−s), e.g. F/9 at 90 %
    assert grant == grant.quantize(D("0.01"))
    # rounding down costs the state at most one cent
    assert D(rate) * total - grant < D("0.01")


@settings(max_examples=400, deadline=None)
@given(cents=CENTS, s=SURCHARGES)
def test_surcharge_convention_own_share_never_below_its_rate(cents, s):
    total = D(cents) / 100
    grant, own = rules.funding_split(total, surcharge(s))
    assert grant + own == total
    assert own >= grant * D(s)  # G ≥ F × (1 + s)


@settings(max_examples=300, deadline=None)
@given(cents=CENTS, rate=RATES, paid_cents=st.integers(min_value=0, max_value=10**11))
def test_payout_never_exceeds_the_approved_grant(cents, rate, paid_cents):
    total = D(cents) / 100
    params = percent(rate)
    approved, _own = rules.funding_split(total, params)
    already = min(D(paid_cents) / 100, approved)
    payout = rules.funding_for_amount(total, params, approved=approved, already_paid=already)
    assert 0 <= payout <= approved - already


@settings(max_examples=300, deadline=None)
@given(cents=CENTS, s=SURCHARGES)
def test_surcharge_full_invoice_pays_exactly_the_grant(cents, s):
    """Schleswig-Holstein: full invoices pay the approved amount, never more, never refused."""
    total = D(cents) / 100
    params = surcharge(s)
    approved, _own = rules.funding_split(total, params)
    assert rules.funding_for_amount(total, params, approved=approved) == approved


@settings(max_examples=300, deadline=None)
@given(cents=CENTS)
def test_mobile_cap_is_rounded_down(cents):
    total = D(cents) / 100
    params = rules.RuleParams()
    line = rules.LineData(
        ref="1",
        school_id=1,
        category="display",
        description="x",
        quantity=D("1"),
        unit_price_net=total,
        vat_rate=D("0"),
    )
    schools = {1: rules.SchoolData(id=1, name="S", is_vocational=False)}
    cap = rules.mobile_cap([line], schools, params)
    assert cap.cap_total <= total * D("0.20")
    assert total * D("0.20") - cap.cap_total < D("0.01")


def test_worked_examples_of_domain_section_3():
    st_params = percent("0.90")
    assert rules.funding_split(D("100000.01"), st_params) == (D("90000.00"), D("10000.01"))
    line = rules.LineData(
        ref="1",
        school_id=1,
        category="display",
        description="x",
        quantity=D("1"),
        unit_price_net=D("310500.03"),
        vat_rate=D("0"),
    )
    schools = {1: rules.SchoolData(id=1, name="S", is_vocational=False)}
    assert rules.mobile_cap([line], schools, st_params).cap_total == D("62100.00")
