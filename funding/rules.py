"""Funding rules (Förderregeln) as pure functions over plain data.

Nothing here touches the database: `funding.selectors` turns an application
into an `ApplicationData`, `check_application()` returns the findings, the
totals and the completeness checklist. Pages, API and PDFs all use the same
result, so a euro shown anywhere is computed once, here.

Every threshold is a field of `RuleParams` (a rule-set version), never a
constant in code. Money is Decimal, rounded half-up to the cent at the line and
at the total (core.money.round_money).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import format_date, format_money, format_percent
from core.money import ZERO, floor_money, round_money

from .choices import INVESTMENT_CATEGORIES, NETWORK_CATEGORIES, OwnShareConvention

ERROR = "error"
WARNING = "warning"
HUNDRED = Decimal("100")


# --------------------------------------------------------------------------- data
@dataclass(frozen=True)
class RuleParams:
    """The [param]s of one rule-set version that the checks need."""

    funding_rate: Decimal = Decimal("0.90")
    own_share_convention: str = OwnShareConvention.PERCENT_OF_TOTAL
    own_share_rate: Decimal = Decimal("0.10")
    eligible_categories: frozenset[str] = frozenset(
        {"lan", "wlan", "platform", "display", "work_device", "mobile", "accompanying"}
    )
    excluded_terms: tuple[str, ...] = ()
    smartphone_terms: tuple[str, ...] = ("smartphone", "handy", "iphone", "mobiltelefon")
    mobile_cap_percent: Decimal = Decimal("20")
    mobile_cap_per_school: Decimal = Decimal("25000")
    require_network_for_mobile: bool = True
    application_opens: dt.date | None = None
    application_deadline: dt.date | None = None
    eligible_from: dt.date | None = None
    eligible_until: dt.date | None = None
    direct_purchase_limit: Decimal = Decimal("10000")
    tender_law_threshold: Decimal = Decimal("40000")
    restricted_tender_limit: Decimal = Decimal("221000")
    inventory_threshold: Decimal = Decimal("800")
    plan_tolerance_percent: Decimal = Decimal("20")
    payout_until: dt.date | None = None
    proof_of_use_months: int = 3
    proof_late_severity: str = "warning"


@dataclass(frozen=True)
class LineData:
    """One line of the cost and time plan (Position des Kosten- und Zeitplans)."""

    ref: str
    school_id: int
    category: str
    description: str
    quantity: Decimal
    unit_price_net: Decimal
    vat_rate: Decimal = Decimal("19")
    procurement_route: str = "direct"
    has_catalogue_item: bool = False
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    has_need: bool = False
    justification: str = ""


@dataclass(frozen=True)
class SchoolData:
    id: int
    name: str
    is_vocational: bool = False
    has_network: bool = False
    # completeness of the school's annexes (TPEK, infrastructure)
    stocktake: bool = True
    tpek: bool = True
    training_plan: bool = True
    infrastructure: bool = True


@dataclass(frozen=True)
class ApplicationData:
    params: RuleParams
    lines: tuple[LineData, ...]
    schools: dict[int, SchoolData]
    board_school_ids: frozenset[int] = frozenset()
    #: funding still available to this application (budget − bound − pending elsewhere)
    budget_available: Decimal | None = None
    budget_amount: Decimal | None = None
    submission_date: dt.date | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    declarations: bool = True
    operation_annex: bool = True
    #: lines of the board's other approved or pending applications in the same programme
    #: (refs "FA-…/3"), for the cap "at the end of the programme" over all of them
    board_lines: tuple[LineData, ...] = ()
    #: gross per board line where it differs from quantity × price (approved amounts)
    board_amounts: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One rule result: a code, error or warning, a message (active language), the lines."""

    code: str
    severity: str
    message: str
    line_refs: tuple[str, ...] = ()
    school_id: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "lines": list(self.line_refs),
            "school": self.school_id,
        }


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass
class MobileCap:
    """The mobile-device cap on general-education schools, both branches."""

    general_total: Decimal = ZERO
    mobile_total: Decimal = ZERO
    cap_total: Decimal = ZERO  # branch (a): percent of the general-education total
    per_school: dict[int, Decimal] = field(default_factory=dict)  # mobile per school
    per_school_limit: Decimal = ZERO
    within_percent: bool = True
    within_per_school: bool = True

    @property
    def ok(self) -> bool:
        return self.within_percent or self.within_per_school

    @property
    def share_percent(self) -> Decimal:
        if not self.general_total:
            return ZERO
        return round_money(self.mobile_total * HUNDRED / self.general_total)


@dataclass
class Totals:
    """Every total of an application, computed once."""

    net: Decimal = ZERO
    vat: Decimal = ZERO
    eligible: Decimal = ZERO  # gross: municipal boards cannot deduct VAT
    funding: Decimal = ZERO
    own_share: Decimal = ZERO
    per_school: dict[int, Decimal] = field(default_factory=dict)
    per_category: dict[str, Decimal] = field(default_factory=dict)
    per_school_category: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    line_amounts: dict[str, LineAmounts] = field(default_factory=dict)
    budget_available: Decimal | None = None
    budget_left: Decimal | None = None
    mobile: MobileCap = field(default_factory=MobileCap)
    #: the cap over all the board's applications in the programme (None: no others)
    board_mobile: MobileCap | None = None


@dataclass
class CheckResult:
    findings: list[Finding]
    totals: Totals
    checklist: list[tuple[str, bool]]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def for_line(self, ref: str) -> list[Finding]:
        return [f for f in self.findings if ref in f.line_refs]


# ------------------------------------------------------------------------ money
def line_amounts(quantity: Decimal, unit_price_net: Decimal, vat_rate: Decimal) -> LineAmounts:
    """Net = quantity × unit price; gross = net + VAT; each rounded half-up to the cent."""
    net = round_money(Decimal(quantity) * Decimal(unit_price_net))
    gross = round_money(net * (HUNDRED + Decimal(vat_rate)) / HUNDRED)
    return LineAmounts(net=net, vat=gross - net, gross=gross)


def funding_split(eligible: Decimal, params: RuleParams) -> tuple[Decimal, Decimal]:
    """(funding F, own share E) for eligible costs G; E = G − F so the cents always add up.

    Percent of total (Sachsen-Anhalt): F = rate × G, so E ≥ F / 9 at 90 %.
    Surcharge on funding (Schleswig-Holstein): G = F × (1 + s), so F = G / (1 + s).
    The grant is rounded down to the cent: the own share never falls below its rate.
    """
    eligible = round_money(eligible)
    if params.own_share_convention == OwnShareConvention.SURCHARGE_ON_FUNDING:
        funding = floor_money(eligible / (1 + Decimal(params.own_share_rate)))
    else:
        funding = floor_money(eligible * Decimal(params.funding_rate))
    return funding, eligible - funding


def max_eligible_for_budget(budget: Decimal, params: RuleParams) -> Decimal:
    """The eligible costs a budget of funding carries (1,000,000 → 1,111,111.11 at 90 %;
    270,000 + 15 % → 310,500); a cap, so rounded down."""
    budget = Decimal(budget)
    if params.own_share_convention == OwnShareConvention.SURCHARGE_ON_FUNDING:
        return floor_money(budget * (1 + Decimal(params.own_share_rate)))
    return floor_money(budget / Decimal(params.funding_rate))


def funding_for_amount(
    amount: Decimal, params: RuleParams, *, approved: Decimal, already_paid: Decimal = ZERO
) -> Decimal:
    """A payout for invoiced eligible costs: the programme's split of the invoiced amount
    (rounded down, as the grant), never more than what is left of the approved amount.

    The split uses the convention, not a stored rate, so Schleswig-Holstein's 1/1.15
    (0.869565…) pays exactly the approved amount on full invoices.
    """
    left = max(Decimal(approved) - Decimal(already_paid), ZERO)
    return min(funding_split(Decimal(amount), params)[0], left)


# Findings are worded in the active language; documents for authorities run under
# translation.override("de"). Numbers go through the one formatting path.
_money = format_money
_pct = format_percent
_date = format_date


# ------------------------------------------------------------------------ rules
def check_line_values(lines: Iterable[LineData]) -> list[Finding]:
    """Quantities above zero, no negative prices, at most two decimals, sane VAT."""
    findings = []
    for line in lines:
        if line.quantity is None or line.quantity <= 0:
            findings.append(
                Finding(
                    "FR-MENGE",
                    ERROR,
                    _("Line %(ref)s: the quantity must be greater than 0.") % {"ref": line.ref},
                    (line.ref,),
                    line.school_id,
                )
            )
        if line.unit_price_net is None or line.unit_price_net < 0:
            findings.append(
                Finding(
                    "FR-PREIS",
                    ERROR,
                    _("Line %(ref)s: the unit price must not be negative.") % {"ref": line.ref},
                    (line.ref,),
                    line.school_id,
                )
            )
        elif line.unit_price_net.as_tuple().exponent < -2:
            findings.append(
                Finding(
                    "FR-CENT",
                    ERROR,
                    _("Line %(ref)s: amounts have at most two decimal places.") % {"ref": line.ref},
                    (line.ref,),
                    line.school_id,
                )
            )
        if line.vat_rate is not None and not (0 <= line.vat_rate <= 100):
            findings.append(
                Finding(
                    "FR-UST",
                    ERROR,
                    _("Line %(ref)s: the VAT rate must be between 0 and 100 %%.")
                    % {"ref": line.ref},
                    (line.ref,),
                    line.school_id,
                )
            )
    return findings


def check_categories(lines: Iterable[LineData], params: RuleParams) -> list[Finding]:
    return [
        Finding(
            "FR-KATEGORIE",
            ERROR,
            _("Line %(ref)s: the category “%(category)s” is not eligible in this programme.")
            % {"ref": line.ref, "category": line.category},
            (line.ref,),
            line.school_id,
        )
        for line in lines
        if line.category not in params.eligible_categories
    ]


def check_excluded_items(lines: Iterable[LineData], params: RuleParams) -> list[Finding]:
    """No smartphones; nothing the guideline excludes (operation, maintenance, licences …)."""
    findings = []
    for line in lines:
        text = f"{line.description} {line.justification}".lower()
        phone = next((t for t in params.smartphone_terms if t.lower() in text), None)
        if phone:
            findings.append(
                Finding(
                    "FR-SMARTPHONE",
                    ERROR,
                    _("Line %(ref)s: smartphones are not eligible (VV § 3).") % {"ref": line.ref},
                    (line.ref,),
                    line.school_id,
                )
            )
            continue
        term = next((t for t in params.excluded_terms if t.lower() in text), None)
        if term:
            findings.append(
                Finding(
                    "FR-AUSGESCHLOSSEN",
                    ERROR,
                    _(
                        "Line %(ref)s: “%(term)s” is excluded from funding (operation, "
                        "maintenance, running costs, administration)."
                    )
                    % {"ref": line.ref, "term": term},
                    (line.ref,),
                    line.school_id,
                )
            )
    return findings


def check_accompanying(lines: Iterable[LineData]) -> list[Finding]:
    """An accompanying measure needs an investment line in the same application."""
    lines = list(lines)
    accompanying = [ln for ln in lines if ln.category == "accompanying"]
    if not accompanying:
        return []
    invest_schools = {ln.school_id for ln in lines if ln.category in INVESTMENT_CATEGORIES}
    if not invest_schools:
        return [
            Finding(
                "FR-BEGLEIT",
                ERROR,
                _(
                    "Accompanying measures are only eligible together with an investment in the "
                    "same application."
                ),
                tuple(ln.ref for ln in accompanying),
            )
        ]
    return [
        Finding(
            "FR-BEGLEIT-SCHULE",
            WARNING,
            _(
                "Line %(ref)s: the application holds no investment for this school; the "
                "accompanying measure must belong to an investment."
            )
            % {"ref": ln.ref},
            (ln.ref,),
            ln.school_id,
        )
        for ln in accompanying
        if ln.school_id not in invest_schools
    ]


def mobile_cap(
    lines: Iterable[LineData],
    schools: dict[int, SchoolData],
    params: RuleParams,
    amounts: dict[str, Decimal] | None = None,
) -> MobileCap:
    """The cap on mobile devices at general-education schools (vocational schools exempt).

    Valid if Σ mobile ≤ percent × general-education total, or every school's mobile
    ≤ the per-school amount (an unused amount cannot move to another school).
    `amounts` overrides the planned gross per line (actual spending at proof of use).
    """
    cap = MobileCap(per_school_limit=round_money(params.mobile_cap_per_school))
    for line in lines:
        school = schools.get(line.school_id)
        if school is None or school.is_vocational:
            continue
        gross = (amounts or {}).get(line.ref)
        if gross is None:
            gross = line_amounts(line.quantity, line.unit_price_net, line.vat_rate).gross
        cap.general_total += gross
        if line.category == "mobile":
            cap.mobile_total += gross
            cap.per_school[line.school_id] = cap.per_school.get(line.school_id, ZERO) + gross
    cap.cap_total = floor_money(cap.general_total * Decimal(params.mobile_cap_percent) / HUNDRED)
    cap.within_percent = cap.mobile_total <= cap.cap_total
    cap.within_per_school = all(v <= cap.per_school_limit for v in cap.per_school.values())
    return cap


def check_mobile_cap(
    lines: Iterable[LineData],
    schools: dict[int, SchoolData],
    params: RuleParams,
    amounts: dict[str, Decimal] | None = None,
    *,
    code: str = "FR-MOBIL",
) -> list[Finding]:
    lines = list(lines)
    cap = mobile_cap(lines, schools, params, amounts)
    if cap.ok:
        return []
    over = [sid for sid, v in cap.per_school.items() if v > cap.per_school_limit]
    refs = tuple(ln.ref for ln in lines if ln.category == "mobile" and ln.school_id in over)
    names = ", ".join(schools[s].name for s in over)
    return [
        Finding(
            code,
            ERROR,
            _(
                "Mobile devices at general-education schools: %(mobile)s exceed %(percent)s of "
                "the investments (%(cap)s), and at %(schools)s they are above %(limit)s per "
                "school."
            )
            % {
                "mobile": _money(cap.mobile_total),
                "percent": _pct(params.mobile_cap_percent),
                "cap": _money(cap.cap_total),
                "schools": names,
                "limit": _money(cap.per_school_limit),
            },
            refs,
        )
    ]


def check_board_mobile_cap(
    lines: Iterable[LineData],
    schools: dict[int, SchoolData],
    params: RuleParams,
    amounts: dict[str, Decimal] | None = None,
    *,
    own_refs: Iterable[str] = (),
    final: bool = False,
) -> list[Finding]:
    """The mobile cap over all the board's applications in one programme (DOMAIN §4).

    The cap binds "at the end of the programme": while planning, exceeding it over the
    board's approved and pending applications is a warning (a later application or a
    change can still fix it); on actual spending at proof of use it is an error.
    `own_refs` are the lines of the application being checked (they carry the finding).
    """
    lines = list(lines)
    cap = mobile_cap(lines, schools, params, amounts)
    if cap.ok:
        return []
    own = set(own_refs)
    over = [sid for sid, v in cap.per_school.items() if v > cap.per_school_limit]
    refs = tuple(ln.ref for ln in lines if ln.category == "mobile" and ln.ref in own)
    names = ", ".join(schools[s].name for s in over if s in schools)
    what = _("spending") if final else _("planning")
    text = _(
        "All the Schulträger's applications in this programme together (%(what)s): mobile "
        "devices at general-education schools %(mobile)s exceed %(percent)s of the "
        "investments (%(cap)s), and at %(schools)s they are above %(limit)s per school."
    ) % {
        "what": what,
        "mobile": _money(cap.mobile_total),
        "percent": _pct(params.mobile_cap_percent),
        "cap": _money(cap.cap_total),
        "schools": names,
        "limit": _money(cap.per_school_limit),
    }
    if not final:
        text += " " + _("The limit must be kept by the end of the programme.")
    return [
        Finding(
            "FR-MOBIL-TRAEGER-IST" if final else "FR-MOBIL-TRAEGER",
            ERROR if final else WARNING,
            text,
            refs,
        )
    ]


def check_network_precondition(
    lines: Iterable[LineData], schools: dict[int, SchoolData], params: RuleParams
) -> list[Finding]:
    """Mobile devices only where LAN/WLAN exists or the same application builds it."""
    if not params.require_network_for_mobile:
        return []
    lines = list(lines)
    builds = {ln.school_id for ln in lines if ln.category in NETWORK_CATEGORIES}
    findings = []
    for line in lines:
        if line.category != "mobile" or line.school_id in builds:
            continue
        school = schools.get(line.school_id)
        if school is not None and not school.has_network:
            findings.append(
                Finding(
                    "FR-NETZ",
                    ERROR,
                    _(
                        "Line %(ref)s: %(school)s has neither LAN nor WLAN, and the application "
                        "does not build it – mobile devices need a network."
                    )
                    % {"ref": line.ref, "school": school.name},
                    (line.ref,),
                    line.school_id,
                )
            )
    return findings


def check_deadline(submission_date: dt.date | None, params: RuleParams) -> list[Finding]:
    if submission_date is None:
        return []
    if params.application_opens and submission_date < params.application_opens:
        return [
            Finding(
                "FR-FRIST",
                ERROR,
                _("Applications can only be made from %(date)s.")
                % {"date": _date(params.application_opens)},
            )
        ]
    if params.application_deadline and submission_date > params.application_deadline:
        return [
            Finding(
                "FR-FRIST",
                ERROR,
                _("The application deadline ended on %(date)s.")
                % {"date": _date(params.application_deadline)},
            )
        ]
    return []


def check_periods(
    lines: Iterable[LineData], params: RuleParams, planned_start=None, planned_end=None
) -> list[Finding]:
    """Planned dates inside the eligible-cost period, start not after end."""
    findings = []
    items = [(_("Application"), None, planned_start, planned_end, None)]
    items += [
        (
            _("Line %(ref)s") % {"ref": ln.ref},
            ln.ref,
            ln.planned_start,
            ln.planned_end,
            ln.school_id,
        )
        for ln in lines
    ]
    for label, ref, start, end, school_id in items:
        refs = (ref,) if ref else ()
        if start and end and start > end:
            findings.append(
                Finding(
                    "FR-ZEITRAUM",
                    ERROR,
                    _("%(label)s: the start is after the end.") % {"label": label},
                    refs,
                    school_id,
                )
            )
        if start and params.eligible_from and start < params.eligible_from:
            findings.append(
                Finding(
                    "FR-ZEITRAUM",
                    ERROR,
                    _("%(label)s: measures before %(date)s are not eligible.")
                    % {"label": label, "date": _date(params.eligible_from)},
                    refs,
                    school_id,
                )
            )
        if end and params.eligible_until and end > params.eligible_until:
            findings.append(
                Finding(
                    "FR-ZEITRAUM",
                    ERROR,
                    _("%(label)s: the funding period ends on %(date)s.")
                    % {"label": label, "date": _date(params.eligible_until)},
                    refs,
                    school_id,
                )
            )
    return findings


def check_procurement(
    lines: Iterable[LineData], params: RuleParams, amounts: dict[str, LineAmounts]
) -> list[Finding]:
    """The procurement route must fit the line's net value (thresholds are [param]s)."""
    findings = []
    for line in lines:
        net = amounts[line.ref].net
        route = line.procurement_route
        if route == "direct" and net > params.direct_purchase_limit:
            findings.append(
                Finding(
                    "FR-VERGABE",
                    ERROR,
                    _("Line %(ref)s: direct awards are only allowed up to %(limit)s net (%(net)s).")
                    % {
                        "ref": line.ref,
                        "limit": _money(params.direct_purchase_limit),
                        "net": _money(net),
                    },
                    (line.ref,),
                    line.school_id,
                )
            )
        elif route in ("restricted", "negotiated") and net >= params.restricted_tender_limit:
            findings.append(
                Finding(
                    "FR-VERGABE",
                    ERROR,
                    _("Line %(ref)s: from %(limit)s net a public or EU-wide tender is needed.")
                    % {"ref": line.ref, "limit": _money(params.restricted_tender_limit)},
                    (line.ref,),
                    line.school_id,
                )
            )
        elif route in ("restricted", "negotiated") and net >= params.tender_law_threshold:
            findings.append(
                Finding(
                    "FR-VERGABE-LAND",
                    WARNING,
                    _(
                        "Line %(ref)s: from %(limit)s net the rules of the Land's procurement "
                        "law (Landesvergabegesetz) apply."
                    )
                    % {"ref": line.ref, "limit": _money(params.tender_law_threshold)},
                    (line.ref,),
                    line.school_id,
                )
            )
        elif route == "framework" and not line.has_catalogue_item:
            findings.append(
                Finding(
                    "FR-VERGABE-RV",
                    ERROR,
                    _(
                        "Line %(ref)s: a call-off from the framework contract needs an item from "
                        "the catalogue."
                    )
                    % {"ref": line.ref},
                    (line.ref,),
                    line.school_id,
                )
            )
    return findings


def check_schools(lines: Iterable[LineData], board_school_ids: frozenset[int]) -> list[Finding]:
    return [
        Finding(
            "FR-SCHULE",
            ERROR,
            _("Line %(ref)s: the school does not belong to this Schulträger.") % {"ref": ln.ref},
            (ln.ref,),
            ln.school_id,
        )
        for ln in lines
        if board_school_ids and ln.school_id not in board_school_ids
    ]


def check_justification(lines: Iterable[LineData]) -> list[Finding]:
    """Technology follows pedagogy: a line without a need is a reviewer's first question."""
    return [
        Finding(
            "FR-BEDARF",
            WARNING,
            _("Line %(ref)s: no need from the Medienbildungskonzept and no reason given.")
            % {"ref": ln.ref},
            (ln.ref,),
            ln.school_id,
        )
        for ln in lines
        if not ln.has_need and not ln.justification.strip()
    ]


def check_budget(funding: Decimal, available: Decimal | None) -> list[Finding]:
    if available is None:
        return [
            Finding(
                "FR-BUDGET-FEHLT",
                WARNING,
                _("No budget of the Schulträger is recorded for this programme."),
            )
        ]
    if funding > available:
        return [
            Finding(
                "FR-BUDGET",
                ERROR,
                _(
                    "The funding applied for, %(funding)s, exceeds the available budget of "
                    "%(available)s by %(over)s."
                )
                % {
                    "funding": _money(funding),
                    "available": _money(available),
                    "over": _money(funding - available),
                },
            )
        ]
    return []


def checklist(data: ApplicationData) -> list[tuple[str, bool]]:
    """The completeness checklist (VV § 6 and the Land's package)."""
    schools = [
        data.schools[s] for s in sorted({ln.school_id for ln in data.lines}) if s in data.schools
    ]
    return [
        (_("Kosten- und Zeitplan with at least one line"), bool(data.lines)),
        (_("Planned start and end given"), bool(data.planned_start and data.planned_end)),
        (_("Inventory survey per school"), bool(schools) and all(s.stocktake for s in schools)),
        (
            _("Technical-pedagogical deployment concept (TPEK) per school"),
            bool(schools) and all(s.tpek for s in schools),
        ),
        (_("Training plan per school"), bool(schools) and all(s.training_plan for s in schools)),
        (
            _("Annex digital infrastructure per school"),
            bool(schools) and all(s.infrastructure for s in schools),
        ),
        (_("Annex operation, maintenance and support"), data.operation_annex),
        (
            _("Declarations (procurement law, no double funding, operation secured)"),
            data.declarations,
        ),
    ]


def compute_totals(data: ApplicationData) -> Totals:
    """The one function behind every application total (pages, API, PDFs)."""
    totals = Totals()
    per_school: dict[int, Decimal] = defaultdict(lambda: ZERO)
    per_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    per_sc: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for line in data.lines:
        amounts = line_amounts(
            line.quantity or ZERO, line.unit_price_net or ZERO, line.vat_rate or ZERO
        )
        totals.line_amounts[line.ref] = amounts
        totals.net += amounts.net
        totals.vat += amounts.vat
        totals.eligible += amounts.gross
        per_school[line.school_id] += amounts.gross
        per_category[line.category] += amounts.gross
        per_sc[(line.school_id, line.category)] += amounts.gross
    totals.net = round_money(totals.net)
    totals.eligible = round_money(totals.eligible)
    totals.funding, totals.own_share = funding_split(totals.eligible, data.params)
    totals.per_school = dict(per_school)
    totals.per_category = dict(per_category)
    totals.per_school_category = dict(per_sc)
    totals.budget_available = data.budget_available
    if data.budget_available is not None:
        totals.budget_left = data.budget_available - totals.funding
    totals.mobile = mobile_cap(
        data.lines, data.schools, data.params, {r: a.gross for r, a in totals.line_amounts.items()}
    )
    return totals


def check_application(data: ApplicationData) -> CheckResult:
    """Every rule over one application: findings, totals and the completeness checklist."""
    totals = compute_totals(data)
    p = data.params
    lines = data.lines
    findings: list[Finding] = []
    findings += check_line_values(lines)
    findings += check_schools(lines, data.board_school_ids)
    findings += check_categories(lines, p)
    findings += check_excluded_items(lines, p)
    findings += check_accompanying(lines)
    findings += check_network_precondition(lines, data.schools, p)
    findings += check_mobile_cap(
        lines, data.schools, p, {r: a.gross for r, a in totals.line_amounts.items()}
    )
    if data.board_lines:
        own_amounts = {r: a.gross for r, a in totals.line_amounts.items()}
        all_lines = tuple(lines) + tuple(data.board_lines)
        amounts = {**data.board_amounts, **own_amounts}
        totals.board_mobile = mobile_cap(all_lines, data.schools, p, amounts)
        if totals.mobile.ok:  # the application's own breach is already an error
            findings += check_board_mobile_cap(
                all_lines, data.schools, p, amounts, own_refs=own_amounts
            )
    findings += check_procurement(lines, p, totals.line_amounts)
    findings += check_periods(lines, p, data.planned_start, data.planned_end)
    findings += check_deadline(data.submission_date, p)
    findings += check_budget(totals.funding, data.budget_available)
    findings += check_justification(lines)
    items = checklist(data)
    missing = [label for label, done in items if not done]
    if missing:
        findings.append(
            Finding(
                "FR-VOLLSTAENDIG",
                ERROR,
                _("Still missing: %(items)s.") % {"items": "; ".join(missing)},
            )
        )
    return CheckResult(findings=findings, totals=totals, checklist=items)


# --------------------------------------------------------------- proof of use
@dataclass(frozen=True)
class ActualLine:
    ref: str
    planned: Decimal  # approved (or planned) gross of the line
    actual: Decimal  # invoiced gross


def tolerance_limit(planned: Decimal, params: RuleParams) -> Decimal:
    """What a line may cost at most: its approved amount plus the plan tolerance
    [param], rounded down to the cent (a cap). The one function for payouts and proofs."""
    factor = 1 + Decimal(params.plan_tolerance_percent) / HUNDRED
    return floor_money(Decimal(planned) * factor)


def check_plan_tolerance(lines: Iterable[ActualLine], params: RuleParams) -> list[Finding]:
    """A single line may exceed its plan by the tolerance if offset; the total is binding."""
    lines = list(lines)
    findings = []
    for line in lines:
        limit = tolerance_limit(line.planned, params)
        if line.actual > limit:
            findings.append(
                Finding(
                    "FR-TOLERANZ",
                    ERROR,
                    _(
                        "Line %(ref)s: the spending %(actual)s exceeds the plan %(planned)s by "
                        "more than %(percent)s."
                    )
                    % {
                        "ref": line.ref,
                        "actual": _money(line.actual),
                        "planned": _money(line.planned),
                        "percent": _pct(params.plan_tolerance_percent),
                    },
                    (line.ref,),
                )
            )
        elif line.actual > line.planned:
            findings.append(
                Finding(
                    "FR-TOLERANZ-AUSGLEICH",
                    WARNING,
                    _(
                        "Line %(ref)s: extra spending of %(extra)s within the tolerance – it "
                        "must be offset by lower spending elsewhere."
                    )
                    % {"ref": line.ref, "extra": _money(line.actual - line.planned)},
                    (line.ref,),
                )
            )
    planned = sum((ln.planned for ln in lines), ZERO)
    actual = sum((ln.actual for ln in lines), ZERO)
    if actual > planned:
        findings.append(
            Finding(
                "FR-GESAMT",
                ERROR,
                _("The total spending %(actual)s exceeds the binding total %(planned)s.")
                % {"actual": _money(actual), "planned": _money(planned)},
            )
        )
    return findings


@dataclass(frozen=True)
class InventoryItem:
    ref: str
    price_net: Decimal | None
    inventory_number: str


def check_inventory(items: Iterable[InventoryItem], params: RuleParams) -> list[Finding]:
    """Items above the inventory threshold (800 EUR net) must carry an inventory number."""
    return [
        Finding(
            "FR-INVENTAR",
            ERROR,
            _(
                "Device %(ref)s: above %(limit)s net it must be inventoried – the Inventarnummer "
                "is missing."
            )
            % {"ref": item.ref, "limit": _money(params.inventory_threshold)},
            (item.ref,),
        )
        for item in items
        if item.price_net is not None
        and item.price_net > params.inventory_threshold
        and not (item.inventory_number or "").strip()
    ]


# ------------------------------------------------------- invoices, payouts, deadlines
def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's last day (31.01. + 1 → 28./29.02.)."""
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_invoice_dates(
    invoice_date: dt.date, paid_on: dt.date | None, params: RuleParams, *, today: dt.date
) -> list[Finding]:
    """An invoice counts only inside the eligible-cost period and the payout window.

    Findings carry the form field in `line_refs` ("date" / "paid_on") so services can put
    the message at the field.
    """
    findings = []
    if params.eligible_from and invoice_date < params.eligible_from:
        findings.append(
            Finding(
                "FR-RECHNUNG-ZEITRAUM",
                ERROR,
                _(
                    "The invoice date %(date)s is before the start of the eligible period on "
                    "%(start)s."
                )
                % {"date": _date(invoice_date), "start": _date(params.eligible_from)},
                ("date",),
            )
        )
    if params.eligible_until and invoice_date > params.eligible_until:
        findings.append(
            Finding(
                "FR-RECHNUNG-ZEITRAUM",
                ERROR,
                _("The invoice date %(date)s is after the end of the eligible period on %(end)s.")
                % {"date": _date(invoice_date), "end": _date(params.eligible_until)},
                ("date",),
            )
        )
    if invoice_date > today:
        findings.append(
            Finding(
                "FR-RECHNUNG-ZUKUNFT",
                ERROR,
                _("The invoice date %(date)s is in the future.") % {"date": _date(invoice_date)},
                ("date",),
            )
        )
    if paid_on is not None:
        if paid_on < invoice_date:
            findings.append(
                Finding(
                    "FR-ZAHLUNG-DATUM",
                    ERROR,
                    _("The payment date %(date)s is before the invoice date.")
                    % {"date": _date(paid_on)},
                    ("paid_on",),
                )
            )
        if params.payout_until and paid_on > params.payout_until:
            findings.append(
                Finding(
                    "FR-AUSZAHLUNG-FRIST",
                    ERROR,
                    _(
                        "The payment of %(date)s is after the end of the payout period on "
                        "%(end)s; it can no longer be requested."
                    )
                    % {"date": _date(paid_on), "end": _date(params.payout_until)},
                    ("paid_on",),
                )
            )
        if paid_on > today:
            findings.append(
                Finding(
                    "FR-ZAHLUNG-ZUKUNFT",
                    ERROR,
                    _("The payment date %(date)s is in the future.") % {"date": _date(paid_on)},
                    ("paid_on",),
                )
            )
    return findings


def check_payout_window(request_date: dt.date, params: RuleParams) -> list[Finding]:
    """Payout requests only until the end of the programme's payout window."""
    if params.payout_until and request_date > params.payout_until:
        return [
            Finding(
                "FR-AUSZAHLUNG-FRIST",
                ERROR,
                _(
                    "The programme's payout period ended on %(date)s; funds can no longer be "
                    "requested."
                )
                % {"date": _date(params.payout_until)},
            )
        ]
    return []


def proof_deadline(project_end: dt.date | None, params: RuleParams) -> dt.date | None:
    """The proof of use is due `proof_of_use_months` after the end of the project."""
    if project_end is None:
        return None
    return add_months(project_end, params.proof_of_use_months)


def check_proof_deadline(
    submission_date: dt.date, project_end: dt.date | None, params: RuleParams
) -> list[Finding]:
    """A late proof of use: a warning or an error, as the rule set says."""
    deadline = proof_deadline(project_end, params)
    if deadline is None or submission_date <= deadline:
        return []
    severity = ERROR if params.proof_late_severity == ERROR else WARNING
    return [
        Finding(
            "FR-VN-FRIST",
            severity,
            _(
                "The Verwendungsnachweis was due by %(due)s (%(months)s months after the project "
                "ended on %(end)s); submitted on %(submitted)s."
            )
            % {
                "due": _date(deadline),
                "months": params.proof_of_use_months,
                "end": _date(project_end),
                "submitted": _date(submission_date),
            },
        )
    ]


# ------------------------------------------------------ invoices above their line
@dataclass(frozen=True)
class InvoicedLine:
    """A cost line in a payout request: its approved amount, what earlier payout requests
    invoiced on it, and what this one adds."""

    ref: str
    approved: Decimal
    earlier: Decimal
    current: Decimal

    @property
    def total(self) -> Decimal:
        return self.earlier + self.current


def check_invoice_tolerance(lines: Iterable[InvoicedLine], params: RuleParams) -> list[Finding]:
    """Invoices that take a line beyond its approved amount plus the plan tolerance are
    flagged: the board must justify them (the excess itself is never paid, the total
    stays binding)."""
    findings = []
    for line in lines:
        limit = tolerance_limit(line.approved, params)
        if line.current > 0 and line.total > limit:
            findings.append(
                Finding(
                    "FR-RECHNUNG-TOLERANZ",
                    WARNING,
                    _(
                        "Line %(ref)s: invoices of %(total)s exceed the approved %(approved)s "
                        "by more than %(percent)s (limit %(limit)s); please justify the excess."
                    )
                    % {
                        "ref": line.ref,
                        "total": _money(line.total),
                        "approved": _money(line.approved),
                        "percent": _pct(params.plan_tolerance_percent),
                        "limit": _money(limit),
                    },
                    (line.ref,),
                )
            )
    return findings


# ------------------------------------------------------------ amended cost plans
@dataclass(frozen=True)
class AmendedGrant:
    """The grant of an amended cost plan: computed from its lines, never grant ÷ rate."""

    eligible: Decimal
    computed: Decimal  # floor(rate × eligible), by the programme's convention
    grant: Decimal  # capped by the remaining budget
    own_share: Decimal
    available: Decimal | None
    capped: bool


def amended_grant(eligible: Decimal, params: RuleParams, available: Decimal | None) -> AmendedGrant:
    """Eligible cost = Σ amended lines; grant = floor(rate × eligible), capped by what is
    left of the budget (the own share grows by what the cap cuts)."""
    eligible = round_money(eligible)
    computed, _own = funding_split(eligible, params)
    grant = computed
    if available is not None:
        grant = max(min(computed, floor_money(available)), ZERO)
    return AmendedGrant(
        eligible=eligible,
        computed=computed,
        grant=grant,
        own_share=eligible - grant,
        available=available,
        capped=grant < computed,
    )


def check_amended_plan(
    data: ApplicationData, line_eligible: dict[str, Decimal]
) -> tuple[CheckResult, AmendedGrant]:
    """Every rule over an amended cost plan (caps and exclusions included) and its grant.

    `line_eligible` is the eligible amount per amended line (a line the change leaves
    as it was keeps its approved amount). The budget does not refuse the plan: the
    grant is capped at the remaining budget, which the finding FR-BUDGET-GEKAPPT says.
    """
    from dataclasses import replace

    result = check_application(replace(data, budget_available=None))
    findings = [f for f in result.findings if f.code not in ("FR-BUDGET-FEHLT", "FR-BUDGET")]
    grant = amended_grant(sum(line_eligible.values(), ZERO), data.params, data.budget_available)
    if grant.capped:
        findings.append(
            Finding(
                "FR-BUDGET-GEKAPPT",
                WARNING,
                _(
                    "The amended plan would carry %(computed)s of funding; the remaining "
                    "budget allows %(grant)s, so the grant is capped and the own share rises "
                    "to %(own)s."
                )
                % {
                    "computed": _money(grant.computed),
                    "grant": _money(grant.grant),
                    "own": _money(grant.own_share),
                },
            )
        )
    result.findings = findings
    result.totals.budget_available = data.budget_available
    return result, grant
