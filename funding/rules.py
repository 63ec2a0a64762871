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
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
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
    smartphone_terms: tuple[str, ...] = ("*smartphone*", "*handy", "iPhone*", "Mobiltelefon*")
    #: phrases that are eligible although they contain an excluded term ("Personal Computer")
    allowed_phrases: tuple[str, ...] = ()
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
    #: the chosen Warenkorb item is not eligible in this programme: the recorded reason
    catalogue_not_eligible: str | None = None
    #: approved gross of the line once decided (the board-wide mobile projection uses it)
    approved_amount: Decimal | None = None


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
    #: stage of each board line in the mobile projection (APPROVED or PENDING)
    board_stages: dict[str, str] = field(default_factory=dict)
    #: stage of this application's own lines (DRAFT while editable)
    own_stage: str = "draft"
    #: reviewers' overrides of findings on this application
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Override:
    """A reviewer's recorded override of one finding (who, when, why)."""

    code: str
    line_ref: str
    line_text: str
    reason: str
    by: str
    at: dt.datetime | None = None

    def as_dict(self) -> dict:
        return {
            "reason": self.reason,
            "by": self.by,
            "at": self.at.isoformat() if self.at else None,
        }


@dataclass(frozen=True)
class Finding:
    """One rule result: a code, error or warning, a message (active language), the lines."""

    code: str
    severity: str
    message: str
    line_refs: tuple[str, ...] = ()
    school_id: int | None = None
    #: a reviewer overrode it: it stays visible but no longer blocks
    override: Override | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR and self.override is None

    @property
    def overridable(self) -> bool:
        return self.code in OVERRIDABLE_CODES and self.override is None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "lines": list(self.line_refs),
            "school": self.school_id,
            "override": self.override.as_dict() if self.override else None,
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
    #: the board-wide projection over all its applications in the programme (DOMAIN §4)
    board_mobile: MobileProjection | None = None


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
def unit_price_gross(unit_price_net: Decimal, vat_rate: Decimal) -> Decimal:
    """The exact gross unit price (net × (1 + VAT)), not rounded: 336.13 at 19 % is 399.9947.

    Printed with the decimals it has (at least two), so that a reader can check
    quantity × unit gross = line gross on the page, in the API and in the cost plan."""
    exact = Decimal(unit_price_net) * (HUNDRED + Decimal(vat_rate)) / HUNDRED
    exact = exact.normalize()
    return exact.quantize(Decimal("0.01")) if exact.as_tuple().exponent > -2 else exact


def line_amounts(quantity: Decimal, unit_price_net: Decimal, vat_rate: Decimal) -> LineAmounts:
    """Net = quantity × unit net; gross = quantity × exact unit gross; each rounded half-up to
    the cent once (no rounding of a rounded figure), VAT = gross − net so the cents add up
    (docs/decisions.md, "Line gross")."""
    quantity = Decimal(quantity)
    net = round_money(quantity * Decimal(unit_price_net))
    gross = round_money(quantity * unit_price_gross(unit_price_net, vat_rate))
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


#: findings that rest on matching words or on catalogue data: a reviewer may override them
#: with a recorded reason (the word list cannot know every product name)
OVERRIDABLE_CODES = frozenset({"FR-SMARTPHONE", "FR-AUSGESCHLOSSEN", "FR-WARENKORB-AUSGESCHLOSSEN"})

_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")


def normalise_text(text: str) -> str:
    """Lower case, NFC (a decomposed "ü" is one letter), hyphens and spaces as one space."""
    text = unicodedata.normalize("NFC", text or "").lower()
    return _SEPARATORS.sub(" ", text).strip()


@functools.lru_cache(maxsize=512)
def term_pattern(term: str) -> re.Pattern[str]:
    """A term matched on whole words, case-insensitive, umlaut-safe.

    Words of a phrase may be separated by spaces or hyphens; `*` stands for any letters or
    digits inside a word ("*handy" finds "Diensthandy"), `#` for one digit ("Pixel #*").
    """
    wildcards = {"*": r"\w*", "#": r"\d"}
    words = [
        "".join(wildcards.get(ch) or re.escape(ch) for ch in word)
        for word in normalise_text(term).split(" ")
    ]
    return re.compile(r"(?<!\w)" + r" ".join(words) + r"(?!\w)")


@functools.lru_cache(maxsize=128)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """All terms as one alternation, each in a named group, so a line is searched once."""
    parts = [f"(?P<t{n}>{term_pattern(t).pattern})" for n, t in enumerate(terms) if t and t.strip()]
    return re.compile("|".join(parts)) if parts else None


def find_term(text: str, terms: Iterable[str], allowed: Iterable[str] = ()) -> str | None:
    """The first term found in `text` after removing the allowed (eligible) phrases."""
    terms = tuple(terms)
    text = normalise_text(text)
    allowed_re = _terms_pattern(tuple(allowed))
    if allowed_re is not None:
        text = allowed_re.sub(" | ", text)
    pattern = _terms_pattern(terms)
    match = pattern.search(text) if pattern is not None else None
    if match is None:
        return None
    return terms[int(match.lastgroup[1:])]


def check_excluded_items(lines: Iterable[LineData], params: RuleParams) -> list[Finding]:
    """No smartphones; nothing the guideline excludes (operation, maintenance, licences …).

    Terms are data of the rule-set version, matched on whole words in the line's
    description (the item), after the allowed phrases are taken out; a Warenkorb item
    that is not eligible in the programme is a finding of its own.
    """
    findings = []
    for line in lines:
        ref = line.ref
        if line.catalogue_not_eligible is not None:
            findings.append(
                Finding(
                    "FR-WARENKORB-AUSGESCHLOSSEN",
                    ERROR,
                    _("Line %(ref)s: the Warenkorb item is not eligible in this programme%(why)s.")
                    % {
                        "ref": ref,
                        "why": f" ({line.catalogue_not_eligible})"
                        if line.catalogue_not_eligible
                        else "",
                    },
                    (ref,),
                    line.school_id,
                )
            )
        allowed = params.allowed_phrases
        if find_term(line.description, params.smartphone_terms, allowed):
            findings.append(
                Finding(
                    "FR-SMARTPHONE",
                    ERROR,
                    _("Line %(ref)s: smartphones are not eligible (VV § 3).") % {"ref": ref},
                    (ref,),
                    line.school_id,
                )
            )
            continue
        term = find_term(line.description, params.excluded_terms, allowed)
        if term:
            findings.append(
                Finding(
                    "FR-AUSGESCHLOSSEN",
                    ERROR,
                    _(
                        "Line %(ref)s: “%(term)s” is excluded from funding (operation, "
                        "maintenance, running costs, administration)."
                    )
                    % {"ref": ref, "term": term.replace("*", "").replace("#", "")},
                    (ref,),
                    line.school_id,
                )
            )
    return findings


def apply_overrides(
    findings: list[Finding], overrides: Iterable[Override], lines: Iterable[LineData]
) -> list[Finding]:
    """Mark overridden findings: same code and line, and the line's text unchanged since."""
    texts = {ln.ref: ln.description for ln in lines}
    index = {(o.code, o.line_ref): o for o in overrides}
    if not index:
        return findings
    result = []
    for f in findings:
        ref = f.line_refs[0] if f.line_refs else ""
        o = index.get((f.code, ref))
        if o is not None and f.code in OVERRIDABLE_CODES and texts.get(ref, "") == o.line_text:
            f = replace(f, override=o)
        result.append(f)
    return result


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


# -------------------------------------------------------- mobile cap, board-wide
#: stages of a line in the board-wide projection (DOMAIN §4): decided, pending, this draft,
#: and actual (invoiced) spending at proof of use
APPROVED, PENDING, DRAFT, ACTUAL = "approved", "pending", "draft", "actual"
BRANCH_PERCENT, BRANCH_PER_SCHOOL = "a", "b"


@dataclass
class SchoolMobile:
    """One school in the board-wide mobile projection: mobile and total gross per stage."""

    school_id: int
    name: str
    is_vocational: bool
    mobile: dict[str, Decimal] = field(default_factory=dict)
    total: dict[str, Decimal] = field(default_factory=dict)
    limit: Decimal = ZERO

    @property
    def mobile_sum(self) -> Decimal:
        return sum(self.mobile.values(), ZERO)

    @property
    def total_sum(self) -> Decimal:
        return sum(self.total.values(), ZERO)

    @property
    def headroom(self) -> Decimal | None:
        """Branch (b) per school; None for vocational schools (exempt)."""
        return None if self.is_vocational else self.limit - self.mobile_sum

    @property
    def within_limit(self) -> bool:
        return self.is_vocational or self.mobile_sum <= self.limit


@dataclass
class MobileProjection:
    """The mobile-device cap over the board's whole programme (DOMAIN §4), both branches.

    (a) Σ mobile ≤ floor(rate × general-education total); (b) every general-education
    school's mobile ≤ the per-school limit. Compliant if either holds; `applies` names the
    branch that holds (the one with the higher limit if both or neither hold).
    `feasible` answers "can the board still comply at all?" (docs/decisions.md).
    """

    rate_percent: Decimal
    per_school_limit: Decimal
    schools: list[SchoolMobile]
    #: eligible costs the rest of the budget can still carry (None: no budget recorded)
    remaining_eligible: Decimal | None = None
    final: bool = False

    # -- sums over general-education schools
    def _general(self) -> list[SchoolMobile]:
        return [s for s in self.schools if not s.is_vocational]

    def mobile_by_stage(self, stage: str) -> Decimal:
        return sum((s.mobile.get(stage, ZERO) for s in self._general()), ZERO)

    def total_by_stage(self, stage: str) -> Decimal:
        return sum((s.total.get(stage, ZERO) for s in self._general()), ZERO)

    @property
    def stages(self) -> list[dict]:
        """Mobile and total gross per stage that occurs (approved, pending, draft, actual)."""
        return [
            {"stage": st, "mobile": self.mobile_by_stage(st), "total": self.total_by_stage(st)}
            for st in (APPROVED, PENDING, DRAFT, ACTUAL)
            if self.total_by_stage(st) or self.mobile_by_stage(st)
        ]

    @property
    def mobile_total(self) -> Decimal:
        return sum((s.mobile_sum for s in self._general()), ZERO)

    @property
    def general_total(self) -> Decimal:
        return sum((s.total_sum for s in self._general()), ZERO)

    @property
    def share_percent(self) -> Decimal:
        if not self.general_total:
            return ZERO
        return round_money(self.mobile_total * HUNDRED / self.general_total)

    # -- branch (a)
    @property
    def limit_percent(self) -> Decimal:
        return floor_money(self.general_total * self.rate_percent / HUNDRED)

    cap_total = limit_percent  # the name MobileCap uses

    @property
    def headroom_percent(self) -> Decimal:
        return self.limit_percent - self.mobile_total

    @property
    def within_percent(self) -> bool:
        return self.mobile_total <= self.limit_percent

    # -- branch (b)
    @property
    def limit_per_school_total(self) -> Decimal:
        """The per-school limit times the general-education schools concerned (display)."""
        return self.per_school_limit * len(self._general())

    @property
    def headroom_per_school(self) -> Decimal:
        """The tightest general-education school's room (negative: its excess)."""
        rooms = [s.headroom for s in self._general() if s.mobile_sum]
        return min(rooms) if rooms else self.per_school_limit

    @property
    def within_per_school(self) -> bool:
        return all(s.within_limit for s in self.schools)

    @property
    def schools_over(self) -> list[SchoolMobile]:
        return [s for s in self.schools if not s.within_limit]

    @property
    def per_school(self) -> dict[int, Decimal]:
        return {s.school_id: s.mobile_sum for s in self._general() if s.mobile_sum}

    # -- result
    @property
    def ok(self) -> bool:
        return self.within_percent or self.within_per_school

    @property
    def applies(self) -> str:
        if self.within_percent != self.within_per_school:
            return BRANCH_PERCENT if self.within_percent else BRANCH_PER_SCHOOL
        if self.limit_percent >= self.limit_per_school_total:
            return BRANCH_PERCENT
        return BRANCH_PER_SCHOOL

    @property
    def best_limit_percent(self) -> Decimal | None:
        """Branch (a)'s limit if the rest of the budget went to non-mobile investment at
        general-education schools (None: no budget recorded, no bound)."""
        if self.remaining_eligible is None:
            return None
        return floor_money(
            (self.general_total + self.remaining_eligible) * self.rate_percent / HUNDRED
        )

    @property
    def feasible(self) -> bool:
        """Can the board still comply, with no further mobile spending?"""
        if self.ok or self.within_per_school:
            return True
        best = self.best_limit_percent
        return best is None or self.mobile_total <= best

    def as_dict(self) -> dict:
        """Plain data for the API and documents (amounts as strings)."""
        s = str
        return {
            "compliant": self.ok,
            "feasible": self.feasible,
            "applies": self.applies,
            "final": self.final,
            "mobile_total": s(self.mobile_total),
            "general_total": s(self.general_total),
            "share_percent": s(self.share_percent),
            "by_stage": {
                row["stage"]: {"mobile": s(row["mobile"]), "total": s(row["total"])}
                for row in self.stages
            },
            "branch_percent": {
                "rate_percent": s(self.rate_percent),
                "limit": s(self.limit_percent),
                "headroom": s(self.headroom_percent),
                "holds": self.within_percent,
                "best_limit": None
                if self.best_limit_percent is None
                else s(self.best_limit_percent),
            },
            "branch_per_school": {
                "limit_per_school": s(self.per_school_limit),
                "headroom": s(self.headroom_per_school),
                "holds": self.within_per_school,
            },
            "remaining_eligible": None
            if self.remaining_eligible is None
            else s(self.remaining_eligible),
            "schools": [
                {
                    "school": sm.school_id,
                    "name": sm.name,
                    "vocational": sm.is_vocational,
                    "mobile": s(sm.mobile_sum),
                    "total": s(sm.total_sum),
                    "headroom": None if sm.headroom is None else s(sm.headroom),
                    "within_limit": sm.within_limit,
                }
                for sm in self.schools
            ],
        }


def mobile_projection(
    staged_lines: Iterable[tuple[str, LineData, Decimal]],
    schools: dict[int, SchoolData],
    params: RuleParams,
    *,
    remaining_eligible: Decimal | None = None,
    final: bool = False,
) -> MobileProjection:
    """The board-wide projection from (stage, line, gross) triples (DOMAIN §4).

    Vocational schools are listed but exempt (school type data decides); lines of schools
    without data are left out.
    """
    limit = round_money(Decimal(params.mobile_cap_per_school))
    rows: dict[int, SchoolMobile] = {}
    for stage, line, gross in staged_lines:
        school = schools.get(line.school_id)
        if school is None:
            continue
        row = rows.get(school.id)
        if row is None:
            row = rows[school.id] = SchoolMobile(
                school.id, school.name, school.is_vocational, limit=limit
            )
        row.total[stage] = row.total.get(stage, ZERO) + gross
        if line.category == "mobile":
            row.mobile[stage] = row.mobile.get(stage, ZERO) + gross
    return MobileProjection(
        rate_percent=Decimal(params.mobile_cap_percent),
        per_school_limit=limit,
        schools=sorted(rows.values(), key=lambda r: (r.name, r.school_id)),
        remaining_eligible=remaining_eligible,
        final=final,
    )


def _branches_text(proj: MobileProjection) -> str:
    over = ", ".join(f"{s.name} ({_money(s.mobile_sum)})" for s in proj.schools_over)
    return _(
        "Branch (a): limit %(percent)s of %(total)s = %(limit)s – exceeded. Branch (b): at "
        "most %(per_school)s per school – exceeded at %(schools)s."
    ) % {
        "percent": _pct(proj.rate_percent),
        "total": _money(proj.general_total),
        "limit": _money(proj.limit_percent),
        "per_school": _money(proj.per_school_limit),
        "schools": over,
    }


def check_mobile_projection(
    proj: MobileProjection, *, own_refs: Iterable[str] = (), own_mobile_refs: Iterable[str] = ()
) -> list[Finding]:
    """The finding that goes with the projection, so figure and findings always agree.

    Final (actual spending at the board's final proof of use): a breach is an error.
    Planning: an error only when this application adds mobile devices and the board can no
    longer comply at all (`MobileProjection.feasible`); otherwise a warning.
    """
    if proj.ok:
        return []
    mobile_refs = tuple(own_mobile_refs)
    actual = bool(proj.total_by_stage(ACTUAL))
    if actual:
        lead = _(
            "Actual spending of all the Schulträger's applications in this programme: mobile "
            "devices at general-education schools %(mobile)s; neither branch holds."
        )
    else:
        lead = _(
            "Mobile devices at the Schulträger's general-education schools in this programme "
            "(approved, pending and this application): %(mobile)s."
        )
    text = lead % {"mobile": _money(proj.mobile_total)} + " " + _branches_text(proj)
    if proj.final:
        return [Finding("FR-MOBIL-TRAEGER-IST", ERROR, text, mobile_refs or tuple(own_refs))]
    if actual:
        text += " " + _(
            "Other applications of the Schulträger in this programme are still open; at its "
            "final proof of use this is an error."
        )
        return [Finding("FR-MOBIL-TRAEGER", WARNING, text, mobile_refs)]
    if not proj.feasible and mobile_refs:
        text += " " + _(
            "Even if the rest of the budget (%(remaining)s eligible costs) were spent only on "
            "other investments at general-education schools, branch (a)'s limit would be "
            "%(best)s: the Schulträger can no longer comply."
        ) % {
            "remaining": _money(proj.remaining_eligible),
            "best": _money(proj.best_limit_percent),
        }
        return [Finding("FR-MOBIL-UNMOEGLICH", ERROR, text, mobile_refs)]
    text += " " + _(
        "The limit must be kept by the end of the programme (e.g. with further non-mobile "
        "investment at general-education schools)."
    )
    return [Finding("FR-MOBIL-TRAEGER", WARNING, text, mobile_refs)]


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


def board_projection(data: ApplicationData, totals: Totals) -> MobileProjection:
    """This application together with the board's approved and pending applications in
    the programme; the rest of the budget bounds what can still be invested."""
    own_approved = data.own_stage == APPROVED

    def own_gross(line: LineData) -> Decimal:
        if own_approved and line.approved_amount is not None:
            return line.approved_amount
        return totals.line_amounts[line.ref].gross

    staged = [(data.own_stage, ln, own_gross(ln)) for ln in data.lines]
    for ln in data.board_lines:
        gross = data.board_amounts.get(ln.ref)
        if gross is None:
            gross = line_amounts(ln.quantity, ln.unit_price_net, ln.vat_rate).gross
        staged.append((data.board_stages.get(ln.ref, PENDING), ln, gross))
    remaining = None
    if totals.budget_left is not None:
        remaining = max_eligible_for_budget(max(totals.budget_left, ZERO), data.params)
    return mobile_projection(staged, data.schools, data.params, remaining_eligible=remaining)


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
    totals.board_mobile = board_projection(data, totals)
    findings += check_mobile_projection(
        totals.board_mobile,
        own_mobile_refs=[
            ln.ref
            for ln in lines
            if ln.category == "mobile"
            and ln.school_id in data.schools
            and not data.schools[ln.school_id].is_vocational
        ],
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
    findings = apply_overrides(findings, data.overrides, lines)
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
    result = check_application(data)
    # the budget is handled by the cap below (a capped grant, not a refusal)
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
