"""Reads for funding: plain rule data from the database, budget status, diffs, devices.

Each function runs a constant number of queries, whatever the number of lines.
Callers run inside a tenancy scope (request, job or explicit `board_scope`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.money import ZERO, round_money

from . import rules
from .choices import ApplicationStatus, ChangeRequestStatus, PayoutStatus

PENDING_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CHANGES_REQUESTED,
    ApplicationStatus.FORWARDED,
)
BOUND_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.CLOSED)


# ------------------------------------------------------------------ budgets
@dataclass
class BudgetStatus:
    """Every budget figure shown anywhere: amount, planned, pending, bound, paid, remaining."""

    amount: Decimal
    planned: Decimal  # drafts
    pending: Decimal  # submitted, not yet decided
    bound: Decimal  # approved by decisions
    paid: Decimal  # payouts paid
    shares: Decimal  # split across schools by the board

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.bound

    @property
    def free(self) -> Decimal:
        return self.amount - self.bound - self.pending

    @property
    def unsplit(self) -> Decimal:
        return self.amount - self.shares


def latest_decisions(application_ids) -> dict[int, object]:
    """The decision in force per application (the newest; amendments supersede)."""
    from .models import Decision

    result = {}
    for decision in Decision.objects.filter(application_id__in=list(application_ids)).order_by(
        "date", "id"
    ):
        result[decision.application_id] = decision
    return result


def requested_funding_by_application(applications) -> dict[int, Decimal]:
    """Requested funding per application, from its lines and its own rule set (2 queries)."""
    from .models import CostLine, RuleSet

    apps_by_id = {a.pk: a for a in applications}
    if not apps_by_id:
        return {}
    gross: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for app_id, q, price, vat in CostLine.objects.filter(
        application_id__in=list(apps_by_id)
    ).values_list("application_id", "quantity", "unit_price_net", "vat_rate"):
        gross[app_id] += rules.line_amounts(q, price, vat).gross
    rulesets = RuleSet.objects.in_bulk({a.ruleset_id for a in apps_by_id.values()})
    return {
        app_id: rules.funding_split(gross[app_id], rulesets[a.ruleset_id].params())[0]
        for app_id, a in apps_by_id.items()
    }


def budget_status(budget, *, exclude_application_id: int | None = None) -> BudgetStatus:
    """The one function behind every budget figure (pages, API, rule check, decisions)."""
    from .models import Application, BudgetShare, PayoutRequest

    applications = [
        a
        for a in Application.objects.filter(
            school_board_id=budget.school_board_id, programme_id=budget.programme_id
        ).only("id", "status", "ruleset_id")
        if a.pk != exclude_application_id
    ]
    decisions = latest_decisions(a.pk for a in applications if a.status in BOUND_STATUSES)
    bound = sum((d.approved_amount for d in decisions.values()), ZERO)
    open_apps = [
        a
        for a in applications
        if a.status in PENDING_STATUSES or a.status == ApplicationStatus.DRAFT
    ]
    requested = requested_funding_by_application(open_apps)
    pending = sum((requested[a.pk] for a in open_apps if a.status in PENDING_STATUSES), ZERO)
    planned = sum((requested[a.pk] for a in open_apps if a.status == ApplicationStatus.DRAFT), ZERO)
    paid = (
        PayoutRequest.objects.filter(
            school_board_id=budget.school_board_id,
            application__programme_id=budget.programme_id,
            status=PayoutStatus.PAID,
        ).aggregate(s=Sum("requested_amount"))["s"]
        or ZERO
    )
    shares = BudgetShare.objects.filter(budget=budget).aggregate(s=Sum("amount"))["s"] or ZERO
    return BudgetStatus(
        amount=budget.amount,
        planned=round_money(planned),
        pending=round_money(pending),
        bound=round_money(bound),
        paid=round_money(paid),
        shares=round_money(shares),
    )


def budget_for(application):
    from .models import Budget

    return Budget.objects.filter(
        school_board_id=application.school_board_id, programme_id=application.programme_id
    ).first()


# ------------------------------------------------------------ rule data
def network_school_ids(school_ids) -> set[int]:
    from schools.models import Room

    return set(
        Room.objects.filter(school_id__in=list(school_ids))
        .filter(Q(has_lan=True) | Q(has_wlan=True))
        .values_list("school_id", flat=True)
        .distinct()
    )


def line_data(line, *, not_eligible: dict[int, str] | None = None) -> rules.LineData:
    """Plain rule data of a cost line; `not_eligible` maps Warenkorb items that are not
    eligible in the programme to their reason."""
    return rules.LineData(
        ref=line.ref,
        school_id=line.school_id,
        category=line.category,
        description=line.description,
        quantity=line.quantity,
        unit_price_net=line.unit_price_net,
        vat_rate=line.vat_rate,
        procurement_route=line.procurement_route,
        has_catalogue_item=line.catalogue_item_id is not None,
        planned_start=line.planned_start,
        planned_end=line.planned_end,
        has_need=line.need_id is not None,
        justification=line.justification or "",
        catalogue_not_eligible=(not_eligible or {}).get(line.catalogue_item_id),
        approved_amount=line.approved_amount,
    )


def ruleset_for_check(application):
    """The rule-set version an application is checked under: a draft follows the
    published version in effect today; from submission on it keeps its own."""
    if application.status == ApplicationStatus.DRAFT:
        in_effect = application.programme.ruleset_on(timezone.localdate())
        if in_effect is not None and in_effect.number > application.ruleset.number:
            return in_effect
    return application.ruleset


def catalogue_not_eligible(programme_id: int, lines) -> dict[int, str]:
    """Warenkorb items of these lines that are not eligible in the programme (one query)."""
    from .models import CatalogueExclusion

    item_ids = {ln.catalogue_item_id for ln in lines if ln.catalogue_item_id}
    if not item_ids:
        return {}
    return dict(
        CatalogueExclusion.objects.filter(
            programme_id=programme_id, item_id__in=item_ids
        ).values_list("item_id", "reason")
    )


def finding_overrides(application) -> tuple[rules.Override, ...]:
    """The reviewers' overrides on an application (one query)."""
    from .models import FindingOverride

    if application.pk is None:
        return ()
    return tuple(
        rules.Override(
            code=o.code,
            line_ref=o.line_ref,
            line_text=o.line_text,
            reason=o.reason,
            by=o.decided_by.get_full_name() or o.decided_by.get_username(),
            at=o.created_at,
        )
        for o in FindingOverride.objects.filter(application_id=application.pk).select_related(
            "decided_by"
        )
    )


def own_stage(application) -> str:
    """The stage of an application's own lines in the board-wide mobile projection."""
    if application.status in BOUND_STATUSES:
        return rules.APPROVED
    if application.status in PENDING_STATUSES:
        return rules.PENDING
    return rules.DRAFT


def application_data(
    application,
    *,
    submission_date: dt.date | None = None,
    lines: list | None = None,
    ruleset=None,
) -> rules.ApplicationData:
    """Plain rule data for an application fetched with `.for_check()` (constant queries).

    `lines` replaces the saved lines (the live check of a line being typed, an amended
    plan); `ruleset` checks under another version than `ruleset_for_check()`.
    """
    from schools.models import School

    line_objs = list(application.lines.all()) if lines is None else lines
    app_schools = {s.school_id: s for s in application.schools.all()}
    board_lines, board_amounts, board_stages = board_programme_lines(application)
    not_eligible = catalogue_not_eligible(application.programme_id, line_objs)
    school_ids = (
        {ln.school_id for ln in line_objs} | set(app_schools) | {ln.school_id for ln in board_lines}
    )
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids)}
    with_network = network_school_ids(school_ids)
    board_school_ids = frozenset(
        School.objects.filter(school_board_id=application.school_board_id).values_list(
            "id", flat=True
        )
    )
    school_data = {}
    for sid, school in schools.items():
        a = app_schools.get(sid)
        school_data[sid] = rules.SchoolData(
            id=sid,
            name=school.name,
            is_vocational=school.is_vocational,
            has_network=sid in with_network,
            stocktake=bool(a and a.current_equipment.strip()),
            tpek=bool(a and a.tpek_complete),
            training_plan=bool(a and a.training_plan.strip()),
            infrastructure=bool(
                a and a.infrastructure_current.strip() and a.infrastructure_planned.strip()
            ),
        )
    budget = budget_for(application)
    available = None
    amount = None
    if budget is not None:
        status = budget_status(budget, exclude_application_id=application.pk)
        available = status.free
        amount = budget.amount
    if submission_date is None:
        submission_date = (
            timezone.localtime(application.submitted_at).date()
            if application.submitted_at and not application.is_editable
            else timezone.localdate()
        )
    return rules.ApplicationData(
        params=(ruleset or ruleset_for_check(application)).params(),
        lines=tuple(line_data(ln, not_eligible=not_eligible) for ln in line_objs),
        schools=school_data,
        board_school_ids=board_school_ids,
        budget_available=available,
        budget_amount=amount,
        submission_date=submission_date,
        planned_start=application.planned_start,
        planned_end=application.planned_end,
        declarations=application.decl_procurement
        and application.decl_no_double_funding
        and application.decl_operation_secured,
        operation_annex=bool(application.operator.strip() and application.support_scope.strip()),
        board_lines=board_lines,
        board_amounts=board_amounts,
        board_stages=board_stages,
        own_stage=own_stage(application),
        overrides=finding_overrides(application),
    )


def board_programme_lines(application) -> tuple[tuple[rules.LineData, ...], dict, dict]:
    """Lines of the board's other approved or pending applications in the same programme
    (one query), with their approved gross where a decision set one per line, and the
    stage of each (approved or pending) for the board-wide mobile projection."""
    from .models import CostLine

    rows = (
        CostLine.objects.filter(
            school_board_id=application.school_board_id,
            application__programme_id=application.programme_id,
            application__status__in=PENDING_STATUSES + BOUND_STATUSES,
        )
        .exclude(application_id=application.pk)
        .values_list(
            "application__number",
            "application__status",
            "position",
            "school_id",
            "category",
            "quantity",
            "unit_price_net",
            "vat_rate",
            "approved_amount",
        )
    )
    lines, amounts, stages = [], {}, {}
    for number, status, position, school_id, category, qty, price, vat, approved in rows:
        ref = f"{number}/{position}"
        lines.append(
            rules.LineData(
                ref=ref,
                school_id=school_id,
                category=category,
                description="",
                quantity=qty,
                unit_price_net=price,
                vat_rate=vat,
            )
        )
        stages[ref] = rules.APPROVED if status in BOUND_STATUSES else rules.PENDING
        if status in BOUND_STATUSES and approved is not None:
            amounts[ref] = approved
    return tuple(lines), amounts, stages


def application_check(application, **kwargs) -> rules.CheckResult:
    """Findings, totals and checklist of an application (the only place they are computed)."""
    return rules.check_application(application_data(application, **kwargs))


def check_for(application_pk: int, **kwargs) -> rules.CheckResult:
    from .models import Application

    return application_check(Application.objects.for_check().get(pk=application_pk), **kwargs)


# ------------------------------------------------------------------ diffs
def line_snapshot(application) -> dict:
    """Lines as plain data, stored with each submission to show changes on resubmission."""
    return {
        "lines": {
            line.ref: {
                "school": line.school.name,
                "category": line.get_category_display(),
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price_net": str(line.unit_price_net),
                "vat_rate": str(line.vat_rate),
                "gross": str(line.amounts.gross),
            }
            for line in application.lines.all()
        }
    }


DIFF_LABELS = {
    "school": gettext_lazy("School"),
    "category": gettext_lazy("Category"),
    "description": gettext_lazy("Description"),
    "quantity": gettext_lazy("Quantity"),
    "unit_price_net": gettext_lazy("Unit price net"),
    "vat_rate": gettext_lazy("VAT rate"),
    "gross": gettext_lazy("Total gross"),
}


def application_diff(application) -> dict | None:
    """Changes of the lines against the previous submission (None: nothing to compare)."""
    snaps = [
        (data or {}).get("snapshot", {})
        for data in application.events.filter(action="submit")
        .order_by("-created_at", "-id")
        .values_list("data", flat=True)[:2]
    ]
    if application.is_editable:
        if not snaps:
            return None
        before, after = snaps[0], line_snapshot(application)
    else:
        if len(snaps) < 2:
            return None
        before, after = snaps[1], snaps[0]
    old, new = before.get("lines", {}), after.get("lines", {})
    changed = {}
    for ref in set(old) & set(new):
        fields = {
            k: (old[ref].get(k), new[ref].get(k))
            for k in DIFF_LABELS
            if old[ref].get(k) != new[ref].get(k)
        }
        if fields:
            changed[ref] = {str(DIFF_LABELS[k]): v for k, v in fields.items()}
    return {
        "added": sorted(set(new) - set(old), key=int),
        "removed": [dict(old[r], ref=r) for r in sorted(set(old) - set(new), key=int)],
        "changed": changed,
    }


# --------------------------------------------------------- devices (inventory)
def device_model():
    try:
        return apps.get_model("devices", "Device")
    except LookupError:
        return None


def devices_for_application(application) -> list:
    """Devices bought with the application's lines (empty until devices link cost lines)."""
    Device = device_model()
    if Device is None or not any(f.name == "cost_line" for f in Device._meta.get_fields()):
        return []
    related = ["cost_line", "school"]
    if any(f.name == "model" and f.is_relation for f in Device._meta.get_fields()):
        related.append("model")
    return list(
        Device.objects.filter(cost_line__application=application)
        .select_related(*related)
        .order_by("inventory_number")
    )


def actual_by_line(application) -> dict[int, Decimal]:
    """Invoiced gross per cost line id (one query)."""
    from .models import Invoice

    return {
        row["cost_line_id"]: row["s"]
        for row in Invoice.objects.filter(application=application)
        .values("cost_line_id")
        .annotate(s=Sum("amount"))
    }


def board_actual_lines(application) -> tuple[tuple[rules.LineData, ...], dict, dict]:
    """Actual (invoiced) gross per line of the board's other approved or closed applications
    in the same programme, for the mobile cap on spending at proof of use (two queries).

    Returns (lines, amounts by ref, SchoolData by id of the schools concerned).
    """
    from schools.models import School

    from .models import Invoice

    rows = list(
        Invoice.objects.filter(
            school_board_id=application.school_board_id,
            application__programme_id=application.programme_id,
            application__status__in=BOUND_STATUSES,
        )
        .exclude(application_id=application.pk)
        .values(
            "application__number",
            "cost_line__position",
            "cost_line__school_id",
            "cost_line__category",
        )
        .annotate(s=Sum("amount"))
        .order_by()
    )
    lines, amounts = [], {}
    for row in rows:
        ref = f"{row['application__number']}/{row['cost_line__position']}"
        lines.append(
            rules.LineData(
                ref=ref,
                school_id=row["cost_line__school_id"],
                category=row["cost_line__category"],
                description="",
                quantity=Decimal("1"),
                unit_price_net=row["s"],
                vat_rate=ZERO,
            )
        )
        amounts[ref] = round_money(row["s"])
    schools = {
        s.pk: rules.SchoolData(id=s.pk, name=s.name, is_vocational=s.is_vocational)
        for s in School.objects.filter(pk__in={ln.school_id for ln in lines})
    }
    return tuple(lines), amounts, schools


def is_final_proof(application) -> bool:
    """Is this the board's final proof of use in the programme? Yes when no other of its
    applications in the programme is still open: none drafted or pending, and every
    approved one has its proof of use submitted (docs/decisions.md). Two queries."""
    from .choices import ProofStatus
    from .models import Application

    others = Application.objects.filter(
        school_board_id=application.school_board_id, programme_id=application.programme_id
    ).exclude(pk=application.pk)
    if others.filter(status__in=(ApplicationStatus.DRAFT, *PENDING_STATUSES)).exists():
        return False
    return not (
        others.filter(status=ApplicationStatus.APPROVED)
        .exclude(proof__status__in=[s for s in ProofStatus.values if s != ProofStatus.DRAFT])
        .exists()
    )


def proof_mobile_projection(
    application, lines, schools: dict, actual_amounts: dict
) -> tuple[rules.MobileProjection, list[rules.Finding]]:
    """The board-wide mobile cap on actual (invoiced) spending at proof of use: this
    application's lines with `actual_amounts` and the board's other approved applications
    in the programme. A breach blocks only the board's final proof of use; before that it
    is a warning (a later proof can still change the figure)."""
    board_lines, board_amounts, board_schools = board_actual_lines(application)
    staged = [(rules.ACTUAL, ln, actual_amounts.get(ln.ref, ZERO)) for ln in lines]
    staged += [(rules.ACTUAL, ln, board_amounts[ln.ref]) for ln in board_lines]
    all_schools = {**board_schools, **schools}
    projection = rules.mobile_projection(
        staged,
        all_schools,
        application.ruleset.params(),
        final=is_final_proof(application),
    )
    general = {sid for sid, sd in all_schools.items() if not sd.is_vocational}
    findings = rules.check_mobile_projection(
        projection,
        own_refs=[ln.ref for ln in lines],
        own_mobile_refs=[
            ln.ref for ln in lines if ln.category == "mobile" and ln.school_id in general
        ],
    )
    return projection, findings


# ------------------------------------------------------------ page data
def category_labels() -> dict[str, str]:
    """Funding category code → label (in the active language)."""
    from .choices import FundingCategory

    return dict(FundingCategory.choices)


def application_page(application) -> dict:
    """Everything the application page shows, for an application fetched `.for_check()`:
    check result, lines with their amounts, findings, comments and changes, the
    totals per school and category, the procedure's records and the budget."""
    from .models import ChangeRequest, Decision, PayoutRequest, ProofOfUse, ReviewComment

    result = application_check(application)
    lines = list(application.lines.all())
    comments = list(
        ReviewComment.objects.filter(application=application).select_related("author", "cost_line")
    )
    diff = application_diff(application)
    budget = budget_for(application)
    return {
        "app": application,
        "result": result,
        "rows": _line_rows(lines, result, comments, diff),
        "comments": comments,
        "diff": diff,
        "entries": list(application.schools.all()),
        "per_school": _per_school(application, lines, result),
        "per_category": [
            (category_labels().get(c, c), v) for c, v in result.totals.per_category.items()
        ],
        "general_findings": [f for f in result.findings if not f.line_refs],
        "events": list(application.events.select_related("actor")[:50]),
        "decisions": list(
            Decision.objects.filter(application=application).select_related("decided_by")
        ),
        "change_requests": list(ChangeRequest.objects.filter(application=application)),
        "plan_versions": plan_versions(application),
        "ruleset_switches": ruleset_switches(application),
        "payouts": list(PayoutRequest.objects.filter(application=application)),
        "proof": ProofOfUse.objects.filter(application=application).first(),
        "budget": budget,
        "budget_status": budget_status(budget) if budget else None,
    }


def _line_rows(lines, result, comments, diff) -> list[dict]:
    by_line: dict[int, list] = {}
    for comment in comments:
        if comment.cost_line_id:
            by_line.setdefault(comment.cost_line_id, []).append(comment)
    return [
        {
            "line": ln,
            "amounts": result.totals.line_amounts[ln.ref],
            "findings": result.for_line(ln.ref),
            "comments": by_line.get(ln.pk, []),
            "changed": diff and (ln.ref in diff["added"] or ln.ref in diff["changed"]),
        }
        for ln in lines
    ]


def _per_school(application, lines, result) -> list[tuple]:
    """(school name, funding, mobile share) per school of the application."""
    names = {e.school_id: e.school.name for e in application.schools.all()}
    for ln in lines:
        names.setdefault(ln.school_id, ln.school.name)
    return [
        (names.get(s, s), v, result.totals.mobile.per_school.get(s))
        for s, v in result.totals.per_school.items()
    ]


def application_permissions(access, application, user) -> dict[str, bool]:
    """Which steps the application page offers this user."""
    from . import permissions

    acting_reviewer = permissions.is_acting_reviewer_for(access, application)
    return {
        "can_edit": permissions.can_edit_application(access, application),
        "can_review": permissions.can_review(access, application),
        "can_forward": permissions.can_forward(access, application),
        "can_decide": permissions.can_decide(access, application, user),
        "four_eyes_blocked": acting_reviewer
        and application.status == ApplicationStatus.FORWARDED
        and application.content_checked_by_id == user.pk,
        "is_reviewer": acting_reviewer,
        "can_decide_change": permissions.is_approver_for(access, application),
        "can_override": permissions.can_override_finding(access, application),
        "is_board": permissions.is_board_editor(access, application),
        "after_approval": permissions.can_manage_after_approval(access, application),
    }


def _typed_line_values(data: dict) -> dict:
    """A typed cost line's values, the chosen Warenkorb item filling what was left empty."""
    item = data.get("catalogue_item")

    def given_or_item(name, item_attr):
        if data.get(name) is not None:
            return data.get(name)
        return getattr(item, item_attr) if item else None

    return {
        "school": data.get("school"),
        "category": data.get("category") or (item.category if item else ""),
        "description": data.get("description") or (item.name if item else ""),
        "quantity": data.get("quantity"),
        "unit_price_net": given_or_item("unit_price_net", "unit_price_net"),
        "vat_rate": given_or_item("vat_rate", "vat_rate"),
        "procurement_route": data.get("procurement_route") or "direct",
        "catalogue_item": item,
        "planned_start": data.get("planned_start"),
        "planned_end": data.get("planned_end"),
        "need": data.get("need"),
        "justification": data.get("justification") or "",
    }


def typed_cost_line(application, data: dict, *, base):
    """The cost line being typed as an unsaved row (None while it is incomplete).

    `base` is the saved line being edited or a new line at the next position.
    """
    from .models import CostLine

    values = _typed_line_values(data)
    if not (
        values["school"]
        and values["quantity"]
        and values["unit_price_net"] is not None
        and values["vat_rate"] is not None
    ):
        return None
    candidate = CostLine(
        pk=base.pk,
        application=application,
        position=base.position,
        school_board_id=application.school_board_id,
    )
    for name, value in values.items():
        setattr(candidate, name, value)
    return candidate


def live_check(
    application,
    *,
    line_values: dict | None = None,
    line=None,
    application_values: dict | None = None,
    invalid_fields: list | tuple = (),
) -> dict:
    """Findings and totals as if the typed values were saved (nothing is written).

    `application` is this request's own copy (fetched `.for_check()`); the typed values
    of the application form (`application_values`) are put on it, the typed cost line
    (`line_values`, replacing `line` or added as a new line) is merged with the saved
    lines, and `rules.check_application` checks the result.
    """
    from .models import CostLine

    for name, value in (application_values or {}).items():
        setattr(application, name, value)
    lines = list(application.lines.all())
    candidate = None
    if line_values is not None:
        base = line or CostLine(
            application=application,
            school_board_id=application.school_board_id,
            position=max([ln.position for ln in lines] or [0]) + 1,
        )
        candidate = typed_cost_line(application, line_values, base=base)
    if candidate is not None:
        lines = [candidate if ln.pk and ln.pk == candidate.pk else ln for ln in lines]
        if not candidate.pk:
            lines.append(candidate)
    result = rules.check_application(application_data(application, lines=lines))
    return {
        "result": result,
        "candidate": candidate,
        "invalid_fields": list(invalid_fields),
        "line_findings": result.for_line(candidate.ref) if candidate else [],
        "line_amounts": result.totals.line_amounts.get(candidate.ref) if candidate else None,
    }


def programme_page(programme) -> dict:
    """A programme's rule sets, newest first, and the one in force."""
    rulesets = list(programme.rulesets.select_related("published_by").order_by("-number"))
    return {
        "rulesets": rulesets,
        "current": programme.current_ruleset(),
        "categories": category_labels(),
    }


def budget_pupil_counts(budget) -> list[dict]:
    """The pupil counts a computed budget was based on, with dates and amounts typed."""
    return [
        {
            **c,
            "counts_date": dt.date.fromisoformat(c["counts_date"])
            if c.get("counts_date")
            else None,
            "amount": Decimal(c.get("amount") or "0"),
        }
        for c in budget.pupil_counts or []
    ]


# ------------------------------------------------------ change requests (amended plans)
#: the values of a line a change request can change (ids for the related rows)
PLAN_FIELDS = (
    "school_id",
    "category",
    "description",
    "quantity",
    "unit_price_net",
    "vat_rate",
    "procurement_route",
    "catalogue_item_id",
    "planned_start",
    "planned_end",
    "need_id",
    "justification",
)
AMOUNT_FIELDS = ("school_id", "category", "quantity", "unit_price_net", "vat_rate")


def _line_eligible(line) -> Decimal:
    """A current line's eligible amount: what was approved for it (else its gross)."""
    return line.approved_amount if line.approved_amount is not None else line.amounts.gross


def _proposal_row(proposal, old) -> dict:
    """One line of an amended plan against the current line it amends (None: added)."""
    if proposal.removed:
        status = "removed"
    elif old is None:
        status = "added"
    elif any(getattr(proposal, f) != getattr(old, f) for f in PLAN_FIELDS):
        status = "changed"
    else:
        status = "unchanged"
    old_amount = _line_eligible(old) if old is not None else None
    if proposal.removed:
        new_amount = None
    elif old is not None and all(getattr(proposal, f) == getattr(old, f) for f in AMOUNT_FIELDS):
        new_amount = old_amount  # the amounts stand: what was approved stays approved
    else:
        new_amount = proposal.amounts.gross
    return {
        "proposal_id": proposal.pk,
        "line_id": proposal.cost_line_id,
        "position": proposal.position,
        "school": proposal.school.name,
        "description": proposal.description,
        "status": status,
        "old_quantity": old.quantity if old is not None else None,
        "old_amount": old_amount,
        "new_quantity": None if proposal.removed else proposal.quantity,
        "new_amount": new_amount,
        "difference": (new_amount or ZERO) - (old_amount or ZERO),
    }


def change_request_rows(change_request, application=None) -> list[dict]:
    """The amended plan line by line, old against new (a draft or submitted request)."""
    from .models import ChangeRequestLine, CostLine

    current = {
        ln.pk: ln
        for ln in (
            application.lines.all()
            if application is not None
            else CostLine.objects.filter(application_id=change_request.application_id)
        )
    }
    proposals = ChangeRequestLine.objects.filter(change_request=change_request).select_related(
        "school"
    )
    return [_proposal_row(p, current.get(p.cost_line_id)) for p in proposals]


def amended_plan_check(change_request):
    """(check result, amended grant, rows) of a change request's amended plan: every rule
    of funding.rules over the amended lines, the grant computed from them."""
    from dataclasses import replace

    from .models import Application, ChangeRequestLine

    app = Application.objects.for_check().get(pk=change_request.application_id)
    rows = change_request_rows(change_request, app)
    kept = [
        p for p in ChangeRequestLine.objects.filter(change_request=change_request) if not p.removed
    ]
    data = application_data(app, lines=kept)
    budget = budget_for(app)
    remaining = budget_status(budget, exclude_application_id=app.pk).remaining if budget else None
    data = replace(data, budget_available=remaining)
    eligible = {str(r["position"]): r["new_amount"] for r in rows if r["status"] != "removed"}
    result, grant = rules.check_amended_plan(data, eligible)
    return result, grant, rows


def plan_snapshot(application) -> list[dict]:
    """The application's current lines as plain data (kept as a version of the plan)."""
    from .models import CostLine

    return [
        {
            "line_id": ln.pk,
            "position": ln.position,
            "school": ln.school.name,
            "school_id": ln.school_id,
            "category": ln.category,
            "description": ln.description,
            "quantity": str(ln.quantity),
            "unit_price_net": str(ln.unit_price_net),
            "vat_rate": str(ln.vat_rate),
            "gross": str(ln.amounts.gross),
            "approved": str(_line_eligible(ln)),
        }
        for ln in CostLine.objects.filter(application=application)
        .select_related("school")
        .order_by("position")
    ]


SNAPSHOT_FIELDS = ("school_id", "category", "description", "quantity", "unit_price_net", "vat_rate")


def _snapshot_rows(before: list[dict], after: list[dict]) -> list[dict]:
    old = {r["line_id"]: r for r in before}
    new = {r["line_id"]: r for r in after}
    rows = []
    for line_id in sorted(set(old) | set(new), key=lambda i: (new.get(i) or old[i])["position"]):
        o, n = old.get(line_id), new.get(line_id)
        if n is None:
            status = "removed"
        elif o is None:
            status = "added"
        elif any(o[f] != n[f] for f in SNAPSHOT_FIELDS) or o["approved"] != n["approved"]:
            status = "changed"
        else:
            status = "unchanged"
        old_amount = Decimal(o["approved"]) if o else None
        new_amount = Decimal(n["approved"]) if n else None
        rows.append(
            {
                "line_id": line_id,
                "position": (n or o)["position"],
                "school": (n or o)["school"],
                "description": (n or o)["description"],
                "status": status,
                "old_quantity": Decimal(o["quantity"]) if o else None,
                "old_amount": old_amount,
                "new_quantity": Decimal(n["quantity"]) if n else None,
                "new_amount": new_amount,
                "difference": (new_amount or ZERO) - (old_amount or ZERO),
            }
        )
    return rows


def amendment_line_changes(change_request) -> list[dict]:
    """Old and new per line of a change request (the amendment notice prints them):
    position, school, description, old and new quantity and amount, difference, status.

    An approved request compares the plan versions kept before and after it; an open one
    the current lines with the amended ones.
    """
    from .models import CostPlanVersion

    after = CostPlanVersion.objects.filter(change_request=change_request).first()
    if after is None:
        return [
            {k: v for k, v in row.items() if k != "proposal_id"}
            for row in change_request_rows(change_request)
        ]
    before = CostPlanVersion.objects.filter(
        application_id=after.application_id, number=after.number - 1
    ).first()
    return _snapshot_rows(before.lines if before else [], after.lines)


def amendment_lines_for_decision(decision) -> list[dict] | None:
    """Old and new per line for an amendment notice (None for other notices)."""
    from .models import ChangeRequest

    change_request = ChangeRequest.objects.filter(decision=decision).first()
    if change_request is None:
        return None
    return amendment_line_changes(change_request)


def change_request_page(change_request, access) -> dict:
    """Everything the change-request page shows: the amended plan old against new, the
    rule check of the amended plan, its grant, and what this user may do."""
    from . import permissions

    result, grant, rows = amended_plan_check(change_request)
    current = latest_decisions([change_request.application_id]).get(change_request.application_id)
    for row in rows:
        row["findings"] = (
            [] if row["status"] == "removed" else result.for_line(str(row["position"]))
        )
    if change_request.status == ChangeRequestStatus.APPROVED:
        # decided: the plan versions kept before and after it tell what changed
        rows = [dict(r, findings=[]) for r in amendment_line_changes(change_request)]
    return {
        "cr": change_request,
        "app": change_request.application,
        "rows": rows,
        "result": result,
        "grant": grant,
        "current_decision": current,
        "general_findings": [f for f in result.findings if not f.line_refs],
        "can_edit": permissions.can_edit_change_request(access, change_request),
        "can_decide": permissions.can_decide_change_request(access, change_request),
    }


def plan_versions(application) -> list:
    """The kept versions of an application's cost plan, oldest first."""
    from .models import CostPlanVersion

    return list(
        CostPlanVersion.objects.filter(application=application)
        .select_related("decision", "change_request")
        .order_by("number")
    )


# ----------------------------------------------------- invoices above their line
def payout_tolerance_rows(payout) -> list[dict]:
    """Per cost line of a payout request: approved amount, limit (plus the tolerance),
    invoiced earlier and now, whether it is flagged and justified (constant queries)."""
    from .models import CostLine, Invoice

    app = payout.application
    params = app.ruleset.params()
    invoices = list(Invoice.objects.filter(payout=payout).order_by("id"))
    line_ids = {i.cost_line_id for i in invoices}
    earlier = {
        row["cost_line_id"]: row["s"]
        for row in Invoice.objects.filter(
            cost_line_id__in=line_ids,
            payout__application_id=app.pk,
            payout__number__lt=payout.number,
        )
        .exclude(payout__status=PayoutStatus.REJECTED)
        .values("cost_line_id")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    lines = CostLine.objects.filter(pk__in=line_ids).select_related("school").order_by("position")
    rows = []
    for line in lines:
        own = [i for i in invoices if i.cost_line_id == line.pk]
        invoiced = rules.InvoicedLine(
            ref=line.ref,
            approved=_line_eligible(line),
            earlier=round_money(earlier.get(line.pk) or ZERO),
            current=round_money(sum((i.amount for i in own), ZERO)),
        )
        findings = rules.check_invoice_tolerance([invoiced], params)
        rows.append(
            {
                "line": line,
                "approved": invoiced.approved,
                "limit": rules.tolerance_limit(invoiced.approved, params),
                "earlier": invoiced.earlier,
                "current": invoiced.current,
                "total": invoiced.total,
                "flagged": bool(findings),
                "finding": findings[0] if findings else None,
                "invoices": own,
                "justified": all(i.justification.strip() for i in own),
            }
        )
    return rows


# ------------------------------------------------------------ rule-set versions
#: rule-set fields that are not parameters (bookkeeping of the version itself)
NOT_PARAMETERS = (
    "id",
    "programme",
    "number",
    "created_at",
    "updated_at",
    "version",
    "status",
    "published_at",
    "published_by",
    "change_note",
    "deadline_history",
)


def _param_text(ruleset, field) -> str:
    from core.formatting import format_date

    value = getattr(ruleset, field.attname)
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(getattr(ruleset, f"get_{field.name}_display")())
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) or "–"
    return str(value)


def ruleset_comparison(a, b) -> list[dict]:
    """Every parameter of two rule-set versions side by side; changed ones marked."""
    from .models import RuleSet

    rows = []
    for field in RuleSet._meta.concrete_fields:
        if field.name in NOT_PARAMETERS:
            continue
        left, right = _param_text(a, field), _param_text(b, field)
        rows.append(
            {
                "field": field.name,
                "label": str(field.verbose_name),
                "a": left,
                "b": right,
                "changed": getattr(a, field.attname) != getattr(b, field.attname),
            }
        )
    return rows


#: when and to whom a version applies: shown when comparing, not a changed rule
VERSION_DATES = ("valid_from", "applies_to_submitted")


def ruleset_changes(a, b) -> list[dict]:
    """Only the parameters that differ between two versions (stored with a switch)."""
    return [
        {"field": r["field"], "label": r["label"], "old": r["a"], "new": r["b"]}
        for r in ruleset_comparison(a, b)
        if r["changed"] and r["field"] not in VERSION_DATES
    ]


def ruleset_switches(application) -> list:
    """The application's switches of rule-set version with their parameter changes and
    findings before and after (newest first)."""
    return list(application.events.filter(action="ruleset_changed").order_by("-created_at", "-id"))
