"""Writes in funding: budgets, applications and lines, TPEK, review, decisions, payouts,
proof of use. Keyword-only, typed, atomic; bad input raises ValidationError and
changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import workflow as engine
from core.formatting import format_date
from core.money import ZERO, format_money, round_money
from core.services import (  # noqa: F401 - EditConflict: re-exported for views
    EditConflict,
    apply_fields,
    bump_version,
    check_version,
    save_row,
)
from core.tenancy import Access, access_for

from . import permissions, rules, selectors, workflow
from .choices import (
    AllocationFormula,
    ApplicationStatus,
    ChangeRequestStatus,
    DecisionKind,
    PayoutStatus,
    ProcurementRoute,
    ProofStatus,
    RuleSetStatus,
    TpekStatus,
)
from .models import (
    Application,
    ApplicationSchool,
    Authority,
    Budget,
    BudgetShare,
    CatalogueItem,
    ChangeRequest,
    ChangeRequestLine,
    CostLine,
    CostPlanVersion,
    Decision,
    FindingOverride,
    Invoice,
    NoticeCounter,
    PayoutRequest,
    Programme,
    ProofOfUse,
    ReviewComment,
    RuleSet,
)
from .selectors import budget_for, budget_status, latest_decisions


def _event(application, actor, action: str, reason: str = "") -> None:
    workflow.record_event(application, actor=actor, action=action, reason=reason)


# ------------------------------------------------------------------ rule sets
RULESET_FIELDS = tuple(
    f.name
    for f in RuleSet._meta.concrete_fields
    if f.name
    not in (
        "id",
        "programme",
        "number",
        "created_at",
        "updated_at",
        "version",
        "status",
        "published_at",
        "published_by",
    )
)


@transaction.atomic
def ruleset_revise(*, actor, ruleset: RuleSet, data: dict[str, Any]) -> RuleSet:
    """A rule change is a new version, prepared as a draft: it applies only once published
    (`ruleset_publish`) and from its date; applications keep theirs until then."""
    latest = (
        RuleSet.objects.select_for_update()
        .filter(programme=ruleset.programme)
        .order_by("-number")
        .first()
    )
    new = RuleSet(programme=ruleset.programme, number=latest.number + 1, status=RuleSetStatus.DRAFT)
    apply_fields(new, model_to_dict(ruleset, fields=RULESET_FIELDS), RULESET_FIELDS)
    new.valid_from, new.applies_to_submitted = None, False
    apply_fields(new, data, RULESET_FIELDS)
    if (
        "application_deadline" in data
        and data["application_deadline"] != ruleset.application_deadline
    ):
        new.deadline_history = list(ruleset.deadline_history or []) + [
            {
                "from": str(ruleset.application_deadline),
                "to": str(data["application_deadline"]),
                "note": data.get("change_note", ""),
            }
        ]
    save_row(new, actor=actor, reason=data.get("change_note", "new version"))
    return new


@transaction.atomic
def ruleset_update_draft(*, actor, ruleset: RuleSet, data: dict[str, Any]) -> RuleSet:
    """Change a version that is still a draft (a published one is revised instead)."""
    rs = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    workflow.RULESET.require(
        rs, "draft", _("A published rule-set version cannot change; revise it instead.")
    )
    apply_fields(rs, data, RULESET_FIELDS)
    save_row(rs, actor=actor, reason=data.get("change_note", "draft changed"))
    return rs


def _check_effective_date(rs: RuleSet, day: dt.date) -> None:
    today = timezone.localdate()
    if day < today:
        raise ValidationError(
            {"valid_from": _("A version cannot take effect in the past; choose today or later.")}
        )
    latest = (
        RuleSet.objects.filter(
            programme=rs.programme, status=RuleSetStatus.PUBLISHED, valid_from__isnull=False
        )
        .order_by("-valid_from")
        .first()
    )
    if latest is not None and day < latest.valid_from:
        raise ValidationError(
            {
                "valid_from": _(
                    "Version %(n)s already takes effect on %(date)s; a newer version cannot "
                    "take effect before it."
                )
                % {"n": latest.number, "date": format_date(latest.valid_from)}
            }
        )


@transaction.atomic
def ruleset_publish(
    *,
    actor,
    access: Access,
    ruleset: RuleSet,
    effective_from: dt.date | None = None,
    applies_to_submitted: bool | None = None,
) -> RuleSet:
    """Publish a draft version (the ministry or the programme administrator). It takes
    effect on its date: then open drafts switch to it (and, if flagged, applications
    submitted but not yet decided), each with the changed parameters and a new check."""

    def apply(rs: RuleSet) -> dict:
        day = effective_from or rs.valid_from or timezone.localdate()
        _check_effective_date(rs, day)
        rs.valid_from = day
        if applies_to_submitted is not None:
            rs.applies_to_submitted = applies_to_submitted
        rs.published_at, rs.published_by = timezone.now(), actor
        return {"effective_from": day.isoformat(), "applies_to_submitted": rs.applies_to_submitted}

    change = engine.transition(
        workflow=workflow.RULESET,
        obj=ruleset,
        to=RuleSetStatus.PUBLISHED,
        actor=actor,
        access=access,
        reason=ruleset.change_note,
        apply=apply,
    )
    rs = change.content_object
    if rs.valid_from <= timezone.localdate():
        rulesets_take_effect(actor=actor, programme=rs.programme)
    return rs


@transaction.atomic
def rulesets_take_effect(*, actor=None, programme: Programme) -> list[Application]:
    """Switch the programme's applications to the version in effect today: open drafts
    always, applications submitted and not yet decided when the version says so. Safe to
    repeat (the scheduler runs it; publishing a version effective today too)."""
    today = timezone.localdate()
    for_drafts = programme.ruleset_on(today)
    for_submitted = programme.ruleset_on(today, for_submitted=True)
    switched = []
    newest = max((rs.number for rs in (for_drafts, for_submitted) if rs is not None), default=0)
    open_statuses = workflow.APPLICATION.guards["draft"] | workflow.APPLICATION.guards["pending"]
    apps = Application.objects.filter(
        programme=programme, status__in=open_statuses, ruleset__number__lt=newest
    ).select_related("ruleset")
    for app in apps.order_by("id"):
        if workflow.APPLICATION.is_in(app, "draft"):
            target = for_drafts
        elif workflow.APPLICATION.is_in(app, "pending"):
            target = for_submitted
        else:
            continue
        if target is not None and target.number > app.ruleset.number:
            switched.append(application_switch_ruleset(actor=actor, application=app, to=target))
    return switched


@transaction.atomic
def application_switch_ruleset(*, actor, application: Application, to: RuleSet) -> Application:
    """Move one application to another rule-set version: what changed (the parameters) and
    the findings before and after go into its procedure log."""
    app = workflow.lock(application)
    old = app.ruleset
    before = selectors.check_for(app.pk, ruleset=old)
    app.ruleset = to
    save_row(app, actor=actor, reason=f"rule-set version {old.number} → {to.number}")
    after = selectors.check_for(app.pk, ruleset=to)
    engine.record(
        app,
        actor=actor,
        action="ruleset_changed",
        reason=f"{old.number} → {to.number}",
        data={
            "from": old.number,
            "to": to.number,
            "changes": selectors.ruleset_changes(old, to),
            "findings_before": [f.as_dict() for f in before.findings],
            "findings_after": [f.as_dict() for f in after.findings],
        },
    )
    return app


# -------------------------------------------------------------------- budgets
def _school_formula_amount(ruleset: RuleSet, school_type: str, pupils: int) -> Decimal:
    if ruleset.allocation_formula == AllocationFormula.PER_PUPIL:
        return Decimal(pupils) * ruleset.per_pupil_amount
    if ruleset.allocation_formula == AllocationFormula.BASE_PER_SCHOOL:
        base = ruleset.base_per_school if pupils >= ruleset.base_min_pupils else ZERO
        return base + Decimal(pupils) * ruleset.per_pupil_amount
    if ruleset.allocation_formula == AllocationFormula.BY_SCHOOL_TYPE:
        return Decimal(str((ruleset.amount_by_school_type or {}).get(school_type, 0)))
    return ZERO


def pupil_counts_at(schools, reference_date: dt.date | None) -> list[dict[str, Any]]:
    """The pupil count of each school valid at the reference date (Stichtag), one query.

    A school's current count is used when its own counts date is not after the reference
    date; otherwise the newest recorded count (school history) dated on or before it.
    Without such a record the current count is used and marked `at_reference_date: False`.
    """
    from schools.models import School

    schools = list(schools)
    older: dict[int, Any] = {}
    if reference_date is not None:
        later = [s.pk for s in schools if s.counts_date and s.counts_date > reference_date]
        if later:
            for rec in School.history.filter(
                id__in=later, counts_date__lte=reference_date
            ).order_by("id", "-counts_date", "-history_date"):
                older.setdefault(rec.id, rec)
    rows = []
    for school in sorted(schools, key=lambda s: s.name):
        pupils, counted, at_ref = school.pupils, school.counts_date, True
        if reference_date is not None and (counted is None or counted > reference_date):
            rec = older.get(school.pk)
            if rec is not None:
                pupils, counted = rec.pupils, rec.counts_date
            else:
                at_ref = False
        rows.append(
            {
                "school": school.pk,
                "name": school.name,
                "school_type": school.school_type,
                "pupils": pupils,
                "counts_date": counted.isoformat() if counted else None,
                "at_reference_date": at_ref,
            }
        )
    return rows


def budget_formula_amount(ruleset: RuleSet, schools) -> tuple[Decimal, int]:
    """A board's budget from the rule set's formula and its schools' pupil counts."""
    rows = budget_formula_rows(ruleset, schools)
    return (
        round_money(sum((Decimal(r["amount"]) for r in rows), ZERO)),
        sum(r["pupils"] for r in rows),
    )


def budget_formula_rows(ruleset: RuleSet, schools) -> list[dict[str, Any]]:
    """Per school: the pupil count at the rule set's reference date and its amount."""
    rows = pupil_counts_at(schools, ruleset.counts_reference_date)
    for row in rows:
        row["amount"] = str(
            round_money(_school_formula_amount(ruleset, row["school_type"], row["pupils"]))
        )
    return rows


@transaction.atomic
def budget_compute(*, actor, board, programme: Programme) -> Budget:
    """Compute (or recompute) a board's budget from the formula of the current rule set,
    storing the pupil counts used (snapshot at the reference date) with the budget."""
    from schools.models import School

    ruleset = programme.current_ruleset()
    if ruleset is None or ruleset.allocation_formula == AllocationFormula.MANUAL:
        raise ValidationError(
            _("This programme has no allocation formula; set the budget by hand with a reason.")
        )
    rows = budget_formula_rows(ruleset, School.objects.filter(school_board=board))
    if not rows:
        raise ValidationError(_("The school board has no schools; the budget cannot be computed."))
    budget = Budget.objects.filter(school_board=board, programme=programme).first() or Budget(
        school_board=board, programme=programme
    )
    budget.ruleset = ruleset
    budget.amount = round_money(sum((Decimal(r["amount"]) for r in rows), ZERO))
    budget.pupils = sum(r["pupils"] for r in rows)
    budget.pupil_counts = rows
    budget.is_manual, budget.reason = False, ""
    budget.computed_on = ruleset.counts_reference_date or timezone.localdate()
    _check_not_below_bound(budget)
    save_row(budget, actor=actor, reason="computed from formula")
    return budget


@transaction.atomic
def budget_set_manual(
    *, actor, board, programme: Programme, amount: Decimal, reason: str
) -> Budget:
    budget = Budget.objects.filter(school_board=board, programme=programme).first() or Budget(
        school_board=board, programme=programme
    )
    budget.amount, budget.is_manual, budget.reason = amount, True, reason
    budget.pupil_counts = []  # not computed: no counts were used
    budget.ruleset = programme.current_ruleset()
    _check_not_below_bound(budget)
    save_row(budget, actor=actor, reason=reason)
    return budget


def _check_not_below_bound(budget: Budget) -> None:
    if budget.pk:
        status = budget_status(budget)
        if budget.amount < status.bound:
            raise ValidationError(
                {
                    "amount": _(
                        "The budget cannot fall below the amount already approved (%(bound)s)."
                    )
                    % {"bound": format_money(status.bound)}
                }
            )


@transaction.atomic
def budget_share_set(*, actor, budget: Budget, school, amount: Decimal) -> BudgetShare:
    """The board's plan for one school; all shares together stay within the budget."""
    if school.school_board_id != budget.school_board_id:
        raise ValidationError({"school": _("The school does not belong to this Schulträger.")})
    Budget.objects.select_for_update().get(pk=budget.pk)
    share = BudgetShare.objects.filter(budget=budget, school=school).first() or BudgetShare(
        budget=budget, school=school, school_board_id=budget.school_board_id
    )
    others = sum(
        (s.amount for s in BudgetShare.objects.filter(budget=budget).exclude(pk=share.pk)), ZERO
    )
    if others + Decimal(amount) > budget.amount:
        raise ValidationError(
            {
                "amount": _("The schools' shares (%(shares)s) exceed the budget (%(budget)s).")
                % {
                    "shares": format_money(others + Decimal(amount)),
                    "budget": format_money(budget.amount),
                }
            }
        )
    share.amount = amount
    save_row(share, actor=actor)
    return share


# -------------------------------------------------------------- applications
APPLICATION_FIELDS = (
    "title",
    "planned_start",
    "planned_end",
    "operator",
    "support_scope",
    "mdm",
    "update_policy",
    "response_times",
    "operation_financing",
    "decl_procurement",
    "decl_no_double_funding",
    "decl_operation_secured",
    "place",
    "signatory",
)
TPEK_FIELDS = (
    "current_equipment",
    "planned_equipment",
    "pedagogical_reason",
    "competence_areas",
    "training_plan",
    "infrastructure_current",
    "infrastructure_planned",
    "site",
)
REPORT_FIELDS = (
    "report_measures",
    "report_deviations",
    "report_use",
    "report_training",
    "report_operation",
)
LINE_FIELDS = (
    "school",
    "category",
    "description",
    "quantity",
    "unit_price_net",
    "vat_rate",
    "procurement_route",
    "catalogue_item",
    "planned_start",
    "planned_end",
    "need",
    "justification",
)


def board_key(board) -> str:
    """The board's part of an application number: its official key (Gemeindeschlüssel),
    unique in the Land, or its record number where none is recorded."""
    return re.sub(r"[^0-9A-Za-z]", "", board.official_key or "") or f"T{board.pk}"


def _next_number(board, year: int) -> str:
    """FA-<year>-<board key>-<seq>: unique within the Land (DOMAIN §5a), counted per board."""
    prefix = f"FA-{year}-{board_key(board)}-"
    numbers = Application.objects.filter(school_board=board, number__startswith=prefix)
    seq = numbers.count() + 1
    while Application.objects.filter(number=f"{prefix}{seq:04d}").exists():
        seq += 1
    return f"{prefix}{seq:04d}"


@transaction.atomic
def application_create(
    *, actor, board, programme: Programme, data: dict[str, Any], schools=()
) -> Application:
    ruleset = programme.current_ruleset()
    if ruleset is None:
        raise ValidationError({"programme": _("This programme has no rule set yet.")})
    if not programme.is_active:
        raise ValidationError({"programme": _("This programme no longer accepts applications.")})
    if programme.land_id and programme.land_id != board.land_id:
        raise ValidationError(
            {"programme": _("The programme does not apply in this school board's Land.")}
        )
    app = Application(
        school_board=board,
        programme=programme,
        ruleset=ruleset,
        number=_next_number(board, timezone.localdate().year),
    )
    apply_fields(app, data, APPLICATION_FIELDS)
    save_row(app, actor=actor, reason="created")
    for school in schools:
        application_add_school(actor=actor, application=app, school=school)
    _event(app, actor, "create")
    return app


@transaction.atomic
def application_update(
    *, actor, application: Application, data: dict[str, Any], expected_version: int | None = None
) -> Application:
    app = workflow.lock(application)
    check_version(app, expected_version)
    if not app.is_editable:
        raise ValidationError(_("A submitted application can no longer be changed."))
    apply_fields(app, data, APPLICATION_FIELDS)
    save_row(app, actor=actor)
    return app


def tpek_prefill(school) -> dict[str, str]:
    """Draft TPEK text from the school's adopted media concept (empty if none)."""
    try:
        from mediaplans.selectors import adopted_version_for_school, tpek_draft
    except ImportError:
        return {}
    try:
        version = adopted_version_for_school(school)
        if version is None:
            return {}
        draft = tpek_draft(version)
    except (AttributeError, LookupError, TypeError):
        return {}
    needs = draft.get("needs") or []
    goals = [g for area in draft.get("goals_by_area") or [] for g in area.get("goals", [])]
    training = draft.get("training") or []
    return {
        "current_equipment": draft.get("current_state_text") or "",
        "planned_equipment": "\n".join(f"{n['quantity']} × {n['description']}" for n in needs),
        "pedagogical_reason": "\n".join(f"{n['description']}: {n['justification']}" for n in needs)
        or draft.get("goals_text")
        or "",
        "competence_areas": "\n".join(
            f"{area['area_number']} {area['area_name']}: "
            + "; ".join(f"{g['title']} ({g['subject']}, {g['years']})" for g in area["goals"])
            for area in draft.get("goals_by_area") or []
            if area.get("goals")
        )
        if goals
        else "",
        "training_plan": "\n".join(
            f"{t['topic']} ({t['target_group']}, {t['teachers']} Lehrkräfte)" for t in training
        ),
    }


@transaction.atomic
def application_add_school(
    *, actor, application: Application, school, site=None
) -> ApplicationSchool:
    if school.school_board_id != application.school_board_id:
        raise ValidationError({"school": _("The school does not belong to this Schulträger.")})
    existing = ApplicationSchool.objects.filter(application=application, school=school).first()
    if existing:
        return existing
    entry = ApplicationSchool(
        application=application,
        school=school,
        site=site,
        school_board_id=application.school_board_id,
    )
    apply_fields(entry, tpek_prefill(school), TPEK_FIELDS)
    save_row(entry, actor=actor, reason="added")
    return entry


def _editable_application(application: Application) -> Application:
    app = workflow.lock(application)
    if not app.is_editable:
        raise ValidationError(
            _("The cost and time plan of a submitted application can no longer be changed.")
        )
    return app


def _validate_line_refs(app: Application, line: CostLine) -> None:
    errors = {}
    if line.school_id and line.school.school_board_id != app.school_board_id:
        errors["school"] = _("The school does not belong to this Schulträger.")
    if line.need_id and line.need.school_id != line.school_id:
        errors["need"] = _("The need belongs to another school.")
    item = line.catalogue_item
    if item is not None and item.land_id and item.land_id != app.school_board.land_id:
        errors["catalogue_item"] = _("This Warenkorb item does not apply in this Land.")
    if line.procurement_route == ProcurementRoute.FRAMEWORK and item is None:
        errors["catalogue_item"] = _(
            "A call-off from the framework contract needs the Warenkorb item."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def costline_save(
    *,
    actor,
    application: Application,
    data: dict[str, Any],
    line: CostLine | None = None,
    expected_version: int | None = None,
) -> CostLine:
    """Create or change a line of the cost and time plan."""
    app = _editable_application(application)
    if line is None:
        line = CostLine(application=app, school_board_id=app.school_board_id)
        last = CostLine.objects.filter(application=app).aggregate(m=Max("position"))["m"] or 0
        line.position = last + 1
    else:
        current = CostLine.objects.select_for_update().get(pk=line.pk, application=app)
        check_version(current, expected_version)
        line = current
    apply_fields(line, _with_catalogue_defaults(data), LINE_FIELDS)
    _validate_line_refs(app, line)
    save_row(line, actor=actor)
    application_add_school(actor=actor, application=app, school=line.school)
    return line


@transaction.atomic
def costline_delete(*, actor, line: CostLine) -> None:
    app = _editable_application(line.application)
    line._history_user = actor
    CostLine.objects.filter(pk=line.pk, application=app).delete()
    # positions are the display order 1..n: close the gap (only drafts can lose a line, so no
    # issued notice or invoice refers to a number that moves)
    for number, later in enumerate(
        CostLine.objects.filter(application=app).order_by("position", "id"), start=1
    ):
        if later.position != number:
            later.position = number
            save_row(later, actor=actor, reason="renumbered")


# ------------------------------------------------------------------------ TPEK
@transaction.atomic
def tpek_request(
    *, actor, app_school: ApplicationSchool, deadline: dt.date, access: Access | None = None
) -> ApplicationSchool:
    """The board asks the school for its pedagogical annex."""
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    change = engine.transition(
        workflow=workflow.TPEK,
        obj=app_school,
        to=TpekStatus.REQUESTED,
        actor=actor,
        access=access if access is not None else access_for(actor),
        reason="TPEK requested",
        apply=lambda entry: setattr(entry, "tpek_deadline", deadline),
    )
    return change.content_object


@transaction.atomic
def tpek_update(
    *,
    actor,
    app_school: ApplicationSchool,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> ApplicationSchool:
    entry = ApplicationSchool.objects.select_for_update().get(pk=app_school.pk)
    check_version(entry, expected_version)
    if not entry.application.is_editable:
        raise ValidationError(
            _("The application has been submitted; the annex can no longer be changed.")
        )
    site = data.get("site")
    if site is not None and site.school_id != entry.school_id:
        raise ValidationError({"site": _("The site belongs to another school.")})
    apply_fields(entry, data, TPEK_FIELDS)
    save_row(entry, actor=actor)
    return entry


@transaction.atomic
def tpek_submit(
    *, actor, app_school: ApplicationSchool, access: Access | None = None
) -> ApplicationSchool:
    def apply(entry: ApplicationSchool) -> None:
        if not entry.tpek_complete:
            raise ValidationError(
                _(
                    "Please fill in the planned equipment, the pedagogical reason and the "
                    "competence areas."
                )
            )

    change = engine.transition(
        workflow=workflow.TPEK,
        obj=app_school,
        to=TpekStatus.SUBMITTED,
        actor=actor,
        access=access if access is not None else access_for(actor),
        reason="TPEK submitted",
        apply=apply,
    )
    return change.content_object


@transaction.atomic
def report_update(
    *,
    actor,
    app_school: ApplicationSchool,
    data: dict[str, Any],
    expected_version: int | str | None = None,
):
    entry = ApplicationSchool.objects.select_for_update().get(pk=app_school.pk)
    check_version(entry, expected_version)
    proof = ProofOfUse.objects.filter(application_id=entry.application_id).first()
    if proof is not None:
        workflow.PROOF.require(proof, "draft", _("The proof of use has been submitted."))
    apply_fields(entry, data, REPORT_FIELDS)
    save_row(entry, actor=actor)
    return entry


# --------------------------------------------------------------------- review
@transaction.atomic
def application_submit(*, actor, access: Access, application: Application) -> Application:
    """Submit under the rule-set version in effect today (a draft follows the published
    versions; from submission on the application keeps its version)."""
    if workflow.APPLICATION.is_in(application, "draft"):
        in_effect = application.programme.ruleset_on(timezone.localdate())
        if in_effect is not None and in_effect.pk != application.ruleset_id:
            application_switch_ruleset(actor=actor, application=application, to=in_effect)
    return workflow.transition(
        actor=actor, access=access, application=application, to=ApplicationStatus.SUBMITTED
    )


def application_request_changes(
    *, actor, access: Access, application: Application, reason: str, deadline: dt.date | None
) -> Application:
    return workflow.transition(
        actor=actor,
        access=access,
        application=application,
        to=ApplicationStatus.CHANGES_REQUESTED,
        reason=reason,
        deadline=deadline,
    )


def application_forward(
    *, actor, access: Access, application: Application, reason: str = ""
) -> Application:
    return workflow.transition(
        actor=actor,
        access=access,
        application=application,
        to=ApplicationStatus.FORWARDED,
        reason=reason,
    )


@transaction.atomic
def comment_add(
    *, actor, access: Access, application: Application, text: str, cost_line: CostLine | None = None
) -> ReviewComment:
    if not permissions.can_comment(access, application):
        raise PermissionDenied
    if cost_line is not None and cost_line.application_id != application.pk:
        raise ValidationError({"cost_line": _("The line belongs to another application.")})
    comment = ReviewComment(
        application=application,
        cost_line=cost_line,
        author=actor,
        text=text,
        school_board_id=application.school_board_id,
    )
    save_row(comment, actor=actor)
    return comment


def approving_authority(land) -> Authority:
    """The Land's approving authority (created with defaults on first use)."""
    authority, _created = Authority.objects.get_or_create(
        land=land, kind="approval", defaults={"name": "Landesverwaltungsamt"}
    )
    return authority


def preview_notice_number(land, year: int) -> str:
    """The file reference the next notice of the Land's approving authority will get
    (shown to the approver before issuing; assigned for real in `_take_notice_number`)."""
    authority = Authority.objects.filter(land=land, kind="approval").first()
    if authority is None:  # not configured yet: its defaults apply (nothing is written on read)
        authority = Authority(land=land, kind="approval", name="Landesverwaltungsamt")
        return _format_notice_number(authority, year, 1)
    counter = NoticeCounter.objects.filter(authority=authority, year=year).first()
    return _format_notice_number(authority, year, (counter.last if counter else 0) + 1)


def _format_notice_number(authority: Authority, year: int, seq: int) -> str:
    return authority.notice_number_pattern.format(year=year, seq=seq, land=authority.land.code)


def _take_notice_number(land, year: int) -> tuple[Authority, str]:
    """Assign the next number of the authority's notices in `year`, under a row lock:
    unique per authority and year, whichever board the notice goes to."""
    authority = approving_authority(land)
    NoticeCounter.objects.get_or_create(authority=authority, year=year)
    counter = NoticeCounter.objects.select_for_update().get(authority=authority, year=year)
    while True:
        counter.last += 1
        number = _format_notice_number(authority, year, counter.last)
        if not Decision.objects.filter(authority=authority, number=number).exists():
            break  # skips numbers typed by hand earlier
    counter.save(update_fields=["last"])
    return authority, number


def _notice_number(app: Application, date: dt.date, typed: str) -> tuple[Authority, str]:
    """The notice's file reference: typed by the approver, or the authority's next one."""
    land = app.school_board.land
    if not typed:
        return _take_notice_number(land, date.year)
    authority = approving_authority(land)
    if Decision.objects.filter(authority=authority, number=typed).exists():
        raise ValidationError(
            {"number": _("The file reference %(number)s is already taken.") % {"number": typed}}
        )
    return authority, typed


def _decision_guard(app: Application, actor, access: Access) -> None:
    if not permissions.is_approver_for(access, app):
        raise PermissionDenied
    workflow.APPLICATION.require(
        app,
        "decidable",
        _("Only a content-checked, forwarded application can be decided (status: %(status)s).")
        % {"status": app.get_status_display()},
    )
    if app.content_checked_by_id == actor.pk:
        raise ValidationError(
            _(
                "Four-eyes principle (Vier-Augen-Prinzip): whoever did the content check "
                "may not approve."
            )
        )


def _partial_amount(line: CostLine, raw, gross: Decimal) -> Decimal:
    value = Decimal(str(raw))
    if value.as_tuple().exponent < -2:
        raise ValidationError(
            {"amounts": _("Line %(pos)s: at most two decimal places.") % {"pos": line.position}}
        )
    if value < 0 or value > gross:
        raise ValidationError(
            {
                "amounts": _("Line %(pos)s: the approved amount must be between 0 and %(max)s.")
                % {"pos": line.position, "max": format_money(gross)}
            }
        )
    return value


def _approved_amounts(
    lines: list[CostLine], result, kind: str, line_amounts: dict[int, Decimal] | None
) -> dict[int, Decimal]:
    """The approved gross amount per line: all, nothing, or what the approver entered."""
    approved: dict[int, Decimal] = {}
    for line in lines:
        gross = result.totals.line_amounts[line.ref].gross
        if kind == DecisionKind.FULL:
            approved[line.pk] = gross
        elif kind == DecisionKind.REJECTION:
            approved[line.pk] = ZERO
        else:
            approved[line.pk] = _partial_amount(
                line, (line_amounts or {}).get(line.pk, gross), gross
            )
    return approved


def _check_budget(app: Application, funding: Decimal) -> None:
    budget = budget_for(app)
    if budget is None:
        raise ValidationError(_("No budget is recorded for this school board."))
    free = budget_status(budget, exclude_application_id=app.pk).remaining
    if funding > free:
        raise ValidationError(
            _("Approving %(amount)s exceeds the school board's remaining budget (%(free)s).")
            % {"amount": format_money(funding), "free": format_money(free)}
        )


@transaction.atomic
def decision_make(
    *,
    actor,
    access: Access,
    application: Application,
    kind: str,
    date: dt.date,
    line_amounts: dict[int, Decimal] | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    conditions: str = "",
    reason: str = "",
    number: str = "",
) -> Decision:
    """Approve fully or partly (eligible amount per line), or reject — four eyes."""
    from .selectors import check_for

    app = workflow.lock(application)
    _decision_guard(app, actor, access)
    if kind not in (DecisionKind.FULL, DecisionKind.PARTIAL, DecisionKind.REJECTION):
        raise ValidationError({"kind": _("Unknown kind of decision.")})
    if kind != DecisionKind.FULL and not reason.strip():
        # an administrative act that refuses in part or in whole states why (DOMAIN §5a)
        raise ValidationError(
            {"reason": _("A partial approval or a rejection needs its justification.")}
        )
    if period_start and period_end and period_start > period_end:
        raise ValidationError({"period_end": _("The approval period ends before it starts.")})
    result = check_for(app.pk)
    lines = list(CostLine.objects.filter(application=app).order_by("position"))
    approved = _approved_amounts(lines, result, kind, line_amounts)
    params = app.ruleset.params()
    eligible = round_money(sum(approved.values(), ZERO))
    funding, _own = rules.funding_split(eligible, params)
    if kind == DecisionKind.PARTIAL and eligible == result.totals.eligible:
        kind = DecisionKind.FULL
    rejected = kind == DecisionKind.REJECTION
    if not rejected:
        _check_budget(app, funding)
    authority, number = _notice_number(app, date, number)
    decision = Decision(
        application=app,
        school_board_id=app.school_board_id,
        authority=authority,
        number=number,
        kind=kind,
        date=date,
        approved_amount=ZERO if rejected else funding,
        eligible_amount=ZERO if rejected else eligible,
        rate=params.funding_rate,
        period_start=period_start or app.planned_start,
        period_end=period_end or app.planned_end,
        conditions=conditions,
        reason=reason,
        decided_by=actor,
    )
    save_row(decision, actor=actor, reason=kind)
    for line in lines:
        CostLine.objects.filter(pk=line.pk).update(approved_amount=approved[line.pk])
    workflow.transition(
        actor=actor,
        access=access,
        application=app,
        to=ApplicationStatus.REJECTED if rejected else ApplicationStatus.APPROVED,
        reason=reason or decision.number,
        _by_decision=True,
    )
    application.status = app.status
    return decision


def _pending_change_request(app: Application) -> ChangeRequest | None:
    return next(
        (
            cr
            for cr in ChangeRequest.objects.filter(application=app)
            if workflow.CHANGE_REQUEST.is_in(cr, "pending")
        ),
        None,
    )


@transaction.atomic
def change_request_create(
    *, actor, access: Access, application: Application, reason: str
) -> ChangeRequest:
    """Start a change request: the amended cost plan begins as a copy of the current lines,
    which the board then changes, removes or adds to before it submits."""
    app = workflow.lock(application)
    if not permissions.is_board_editor(access, app):
        raise PermissionDenied
    workflow.APPLICATION.require(
        app, "approved", _("A change request (Änderungsantrag) is only possible after approval.")
    )
    if _pending_change_request(app) is not None:
        raise ValidationError(_("There already is an open change request."))
    cr = ChangeRequest(
        application=app, school_board_id=app.school_board_id, reason=(reason or "").strip()
    )
    save_row(cr, actor=actor, reason="created")
    copies = [
        ChangeRequestLine(
            change_request=cr,
            cost_line=line,
            position=line.position,
            school_board_id=app.school_board_id,
            **{name: getattr(line, name) for name in LINE_FIELDS},
        )
        for line in CostLine.objects.filter(application=app).order_by("position")
    ]
    for copy in copies:
        copy._history_user = actor
    bulk_create_with_history(copies, ChangeRequestLine, default_user=actor)
    engine.record_initial([cr], actor=actor, reason=cr.reason)
    _event(app, actor, "change_request", cr.reason)
    return cr


@transaction.atomic
def change_request_update(
    *,
    actor,
    change_request: ChangeRequest,
    reason: str,
    expected_version: int | None = None,
) -> ChangeRequest:
    cr = _editable_change_request(change_request)
    check_version(cr, expected_version)
    cr.reason = (reason or "").strip()
    save_row(cr, actor=actor)
    return cr


def _editable_change_request(change_request: ChangeRequest) -> ChangeRequest:
    cr = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    workflow.CHANGE_REQUEST.require(
        cr, "editable", _("A submitted change request can no longer be changed.")
    )
    return cr


def _line_has_spending(cost_line: CostLine) -> bool:
    """Invoices or devices hang on the line: it can be reduced, not removed."""
    if Invoice.objects.filter(cost_line=cost_line).exists():
        return True
    device = selectors.device_model()
    return bool(
        device is not None
        and any(f.name == "cost_line" for f in device._meta.get_fields())
        and device.objects.filter(cost_line=cost_line).exists()
    )


def _with_catalogue_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A chosen Warenkorb item fills in category, price, VAT and description left empty."""
    data = dict(data)
    item = data.get("catalogue_item")
    if item is not None and isinstance(item, CatalogueItem):
        data.setdefault("category", item.category)
        if data.get("unit_price_net") in (None, ""):
            data["unit_price_net"] = item.unit_price_net
        if data.get("vat_rate") in (None, ""):
            data["vat_rate"] = item.vat_rate
        if not data.get("description"):
            data["description"] = item.name
    return data


@transaction.atomic
def change_line_save(
    *,
    actor,
    change_request: ChangeRequest,
    data: dict[str, Any],
    line: ChangeRequestLine | None = None,
    expected_version: int | None = None,
) -> ChangeRequestLine:
    """Add a line to the amended cost plan or change one (as the original plan's lines)."""
    cr = _editable_change_request(change_request)
    app = cr.application
    if line is None:
        line = ChangeRequestLine(change_request=cr, school_board_id=cr.school_board_id)
        line.position = _next_change_position(cr)
    else:
        line = ChangeRequestLine.objects.select_for_update().get(pk=line.pk, change_request=cr)
        check_version(line, expected_version)
        if line.removed:
            raise ValidationError(_("The line is removed by the change; restore it first."))
    apply_fields(line, _with_catalogue_defaults(data), LINE_FIELDS)
    _validate_line_refs(app, line)
    if (
        line.school_id
        and not ApplicationSchool.objects.filter(application=app, school_id=line.school_id).exists()
    ):
        raise ValidationError(
            {
                "school": _(
                    "The school is not part of this application; a new school needs its own "
                    "application."
                )
            }
        )
    save_row(line, actor=actor)
    return line


def _next_change_position(cr: ChangeRequest) -> int:
    last_line = CostLine.objects.filter(application_id=cr.application_id).aggregate(
        m=Max("position")
    )["m"]
    last_change = ChangeRequestLine.objects.filter(change_request=cr).aggregate(m=Max("position"))[
        "m"
    ]
    return max(last_line or 0, last_change or 0) + 1


@transaction.atomic
def change_line_remove(*, actor, line: ChangeRequestLine, restore: bool = False) -> None:
    """Remove a line from the amended plan (an added line is simply dropped), or restore it."""
    cr = _editable_change_request(line.change_request)
    line = ChangeRequestLine.objects.select_for_update().get(pk=line.pk, change_request=cr)
    if line.cost_line_id is None:
        if not restore:
            line._history_user = actor
            line.delete()
        return
    if not restore and _line_has_spending(line.cost_line):
        raise ValidationError(
            _("Line %(pos)s already has invoices or devices; it can be reduced but not removed.")
            % {"pos": line.position}
        )
    line.removed = not restore
    save_row(line, actor=actor, reason="restored" if restore else "removed")


def _amended_check_or_refuse(cr: ChangeRequest, intro: str):
    """The rule check of the amended plan; errors refuse the step with every message."""
    result, grant, rows = selectors.amended_plan_check(cr)
    if not any(r["status"] != "unchanged" for r in rows):
        raise ValidationError(_("The change request does not change any line yet."))
    if result.errors:
        raise ValidationError([intro] + [f.message for f in result.errors])
    return result, grant, rows


@transaction.atomic
def change_request_submit(*, actor, access: Access, change_request: ChangeRequest) -> ChangeRequest:
    """The board submits its amended plan; every rule must hold (caps and exclusions too)."""

    def apply(cr: ChangeRequest) -> None:
        if not cr.reason.strip():
            raise ValidationError({"reason": _("Please say what changes and why.")})
        _result, grant, _rows = _amended_check_or_refuse(
            cr, _("The change request cannot be submitted while errors remain:")
        )
        cr.eligible_amount, cr.requested_amount = grant.eligible, grant.grant
        cr.submitted_at = timezone.now()

    change = engine.transition(
        workflow=workflow.CHANGE_REQUEST,
        obj=change_request,
        to=ChangeRequestStatus.OPEN,
        actor=actor,
        access=access,
        reason=change_request.reason[:100],
        apply=apply,
    )
    cr = change.content_object
    _event(cr.application, actor, "change_submit", cr.reason)
    return cr


@transaction.atomic
def change_request_decide(
    *,
    actor,
    access: Access,
    change_request: ChangeRequest,
    approve: bool,
    date: dt.date,
    reason: str = "",
    conditions: str = "",
) -> ChangeRequest:
    """Decide a change request; approval issues an amended decision (Änderungsbescheid)
    and makes the amended cost plan the current one (the old one is kept as a version)."""
    target = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED

    def apply(cr: ChangeRequest) -> None:
        app = workflow.lock(cr.application)
        if app.content_checked_by_id == actor.pk:
            raise ValidationError(
                _(
                    "Four-eyes principle (Vier-Augen-Prinzip): whoever did the content "
                    "check may not decide."
                )
            )
        if approve:
            cr.decision = _amendment(
                app, cr, actor=actor, date=date, reason=reason, conditions=conditions
            )

    change = engine.transition(
        workflow=workflow.CHANGE_REQUEST,
        obj=change_request,
        to=target,
        actor=actor,
        access=access,
        reason=reason,
        apply=apply,
    )
    cr = change.content_object
    _event(cr.application, actor, "change_approved" if approve else "change_rejected", reason)
    return cr


def _amendment(app: Application, cr: ChangeRequest, *, actor, date, reason, conditions):
    """The amended decision (Änderungsbescheid): the grant of the amended plan, computed
    from its lines (never grant ÷ rate), capped by the remaining budget."""
    if not ChangeRequestLine.objects.filter(change_request=cr).exists():
        raise ValidationError(
            _("This change request holds no amended cost plan; it can only be rejected.")
        )
    if budget_for(app) is None:
        raise ValidationError(_("No budget is recorded for this school board."))
    _result, grant, rows = _amended_check_or_refuse(
        cr, _("The amended cost plan breaks the rules; the change cannot be approved:")
    )
    current = latest_decisions([app.pk]).get(app.pk)
    if not CostPlanVersion.objects.filter(application=app).exists():
        _keep_plan_version(app, number=1, actor=actor, decision=current)
    authority, number = _notice_number(app, date, "")
    decision = Decision(
        application=app,
        school_board_id=app.school_board_id,
        authority=authority,
        number=number,
        kind=DecisionKind.AMENDMENT,
        date=date,
        approved_amount=grant.grant,
        eligible_amount=grant.eligible,
        rate=current.rate,
        period_start=current.period_start,
        period_end=current.period_end,
        conditions=conditions or current.conditions,
        reason=reason or cr.reason,
        decided_by=actor,
        supersedes=current,
    )
    save_row(decision, actor=actor, reason="amendment")
    _apply_amended_plan(app, cr, rows, actor=actor)
    cr.eligible_amount, cr.requested_amount = grant.eligible, grant.grant
    last = CostPlanVersion.objects.filter(application=app).aggregate(m=Max("number"))["m"]
    _keep_plan_version(app, number=last + 1, actor=actor, decision=decision, change_request=cr)
    return decision


def _apply_amended_plan(app: Application, cr: ChangeRequest, rows, *, actor) -> None:
    """Make the amended lines current: change, add and remove the application's lines."""
    proposals = {p.pk: p for p in ChangeRequestLine.objects.filter(change_request=cr)}
    for row in rows:
        proposal = proposals[row["proposal_id"]]
        if row["status"] == "unchanged":
            continue
        if row["status"] == "removed":
            line = CostLine.objects.get(pk=proposal.cost_line_id, application=app)
            if _line_has_spending(line):
                raise ValidationError(
                    _("Line %(pos)s has invoices or devices now; it cannot be removed.")
                    % {"pos": line.position}
                )
            line._history_user = actor
            line.delete()
            continue
        if proposal.cost_line_id is None:
            line = CostLine(
                application=app, school_board_id=app.school_board_id, position=proposal.position
            )
        else:
            line = CostLine.objects.select_for_update().get(pk=proposal.cost_line_id)
        apply_fields(line, {n: getattr(proposal, n) for n in LINE_FIELDS}, LINE_FIELDS)
        line.approved_amount = row["new_amount"]
        save_row(line, actor=actor, reason=f"change request {cr.pk}")
        if proposal.cost_line_id is None:
            ChangeRequestLine.objects.filter(pk=proposal.pk).update(cost_line=line)


def _keep_plan_version(app, *, number: int, actor, decision, change_request=None):
    """Keep the application's current lines as a version of its cost plan."""
    version = CostPlanVersion(
        application=app,
        school_board_id=app.school_board_id,
        number=number,
        decision=decision,
        change_request=change_request,
        lines=selectors.plan_snapshot(app),
        eligible_amount=decision.eligible_amount if decision else ZERO,
        approved_amount=decision.approved_amount if decision else ZERO,
    )
    save_row(version, actor=actor, reason=f"plan version {number}")
    return version


# --------------------------------------------------------- invoices and payouts
INVOICE_FIELDS = (
    "cost_line",
    "number",
    "date",
    "supplier",
    "amount",
    "paid_on",
    "justification",
)


@transaction.atomic
def invoice_create(*, actor, application: Application, data: dict[str, Any]) -> Invoice:
    workflow.APPLICATION.require(
        application, "approved", _("Invoices can only be recorded after approval.")
    )
    line = data.get("cost_line")
    if line is None or line.application_id != application.pk:
        raise ValidationError({"cost_line": _("The line does not belong to this application.")})
    if data.get("date") is None:
        raise ValidationError({"date": _("Please give the invoice date.")})
    findings = rules.check_invoice_dates(
        data["date"], data.get("paid_on"), application.ruleset.params(), today=timezone.localdate()
    )
    if findings:
        errors: dict[str, list[str]] = {}
        for f in findings:
            errors.setdefault(f.line_refs[0] if f.line_refs else "date", []).append(f.message)
        raise ValidationError(errors)
    invoice = Invoice(application=application, school_board_id=application.school_board_id)
    apply_fields(invoice, data, INVOICE_FIELDS)
    save_row(invoice, actor=actor)
    return invoice


def _paid_or_requested(application: Application) -> Decimal:
    """What earlier payout requests (not rejected) of the application already claim."""
    return sum(
        (
            p.requested_amount
            for p in PayoutRequest.objects.filter(application=application).exclude(
                status=PayoutStatus.REJECTED
            )
        ),
        ZERO,
    )


def payout_totals(application: Application, invoices) -> tuple[Decimal, Decimal]:
    """(invoiced eligible amount, requested payout).

    Per line, invoices count up to the line's approved amount plus the plan tolerance
    (the excess is the board's own money); the programme's split of that sum is rounded
    down and capped at what is left of the approved grant.
    """
    decision = latest_decisions([application.pk]).get(application.pk)
    invoices = list(invoices)
    invoiced = round_money(sum((i.amount for i in invoices), ZERO))
    if decision is None:
        return invoiced, ZERO
    params = application.ruleset.params()
    per_line: dict[int, Decimal] = {}
    for invoice in invoices:
        per_line[invoice.cost_line_id] = per_line.get(invoice.cost_line_id, ZERO) + invoice.amount
    limits = dict(CostLine.objects.filter(pk__in=per_line).values_list("pk", "approved_amount"))
    counted = sum(
        (
            min(amount, rules.tolerance_limit(limits.get(pk) or ZERO, params))
            for pk, amount in per_line.items()
        ),
        ZERO,
    )
    return invoiced, rules.funding_for_amount(
        counted,
        params,
        approved=decision.approved_amount,
        already_paid=_paid_or_requested(application),
    )


@transaction.atomic
def payout_create(*, actor, application: Application, invoices) -> PayoutRequest:
    app = workflow.lock(application)
    workflow.APPLICATION.require(
        app, "approved", _("Funds can only be requested for an approved application.")
    )
    window = rules.check_payout_window(timezone.localdate(), app.ruleset.params())
    if window:
        raise ValidationError(window[0].message)
    invoices = list(
        Invoice.objects.select_for_update().filter(pk__in=[i.pk for i in invoices], application=app)
    )
    if not invoices:
        raise ValidationError({"invoices": _("Please choose at least one invoice.")})
    if any(i.payout_id for i in invoices):
        raise ValidationError({"invoices": _("An invoice is already part of a payout request.")})
    invoiced, requested = payout_totals(app, invoices)
    decision = latest_decisions([app.pk]).get(app.pk)
    already = _paid_or_requested(app)
    if decision is None or requested <= 0:
        raise ValidationError(
            _(
                "Nothing can be requested: the earlier payout requests (%(already)s) already "
                "claim the whole grant (%(approved)s)."
            )
            % {
                "already": format_money(already),
                "approved": format_money(decision.approved_amount if decision else ZERO),
            }
        )
    number = (
        PayoutRequest.objects.filter(application=app).aggregate(m=Max("number"))["m"] or 0
    ) + 1
    payout = PayoutRequest(
        application=app,
        school_board_id=app.school_board_id,
        number=number,
        invoiced_amount=invoiced,
        requested_amount=requested,
    )
    save_row(payout, actor=actor, reason="created")
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(payout=payout)
    return payout


@transaction.atomic
def payout_transition(
    *, actor, access: Access, payout: PayoutRequest, to: str, paid_on: dt.date | None = None
) -> PayoutRequest:
    def apply(p: PayoutRequest) -> None:
        if to == PayoutStatus.SUBMITTED:
            _require_justifications(p)
            p.submitted_at = timezone.now()
        elif to == PayoutStatus.PAID:
            p.paid_on = paid_on or timezone.localdate()
        else:
            Invoice.objects.filter(payout=p).update(payout=None)

    change = engine.transition(
        workflow=workflow.PAYOUT,
        obj=payout,
        to=to,
        actor=actor,
        access=access,
        reason=to,
        apply=apply,
    )
    return change.content_object


def _require_justifications(payout: PayoutRequest) -> None:
    """Invoices above their line beyond the plan tolerance need the board's justification."""
    missing = [
        row
        for row in selectors.payout_tolerance_rows(payout)
        if row["flagged"] and not row["justified"]
    ]
    if missing:
        raise ValidationError(
            [_("The payout request cannot be submitted: please justify the excess first.")]
            + [row["finding"].message for row in missing]
        )


@transaction.atomic
def invoice_justify(*, actor, access: Access, invoice: Invoice, justification: str) -> Invoice:
    """The board explains why an invoice takes its line beyond the plan tolerance."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not permissions.is_board_editor(access, locked):
        raise PermissionDenied
    if locked.payout_id and not workflow.PAYOUT.is_in(locked.payout, "draft"):
        raise ValidationError(
            _("The payout request has been submitted; the justification can no longer change.")
        )
    text = (justification or "").strip()
    if not text:
        raise ValidationError({"justification": _("Please give a justification.")})
    locked.justification = text
    save_row(locked, actor=actor, reason="justification")
    return locked


# ------------------------------------------------------------ finding overrides
@transaction.atomic
def finding_override(
    *, actor, access: Access, application: Application, code: str, line_ref: str, reason: str
) -> FindingOverride:
    """A reviewer overrides one current finding with a recorded reason (who, when, why);
    it stays visible as overridden and no longer blocks. The board cannot override."""
    from .selectors import check_for

    app = workflow.lock(application)
    if not permissions.can_override_finding(access, app):
        raise PermissionDenied
    reason = (reason or "").strip()
    line_ref = (line_ref or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for the override.")})
    finding = next(
        (
            f
            for f in check_for(app.pk).findings
            if f.code == code and (f.line_refs[:1] or ("",))[0] == line_ref
        ),
        None,
    )
    if finding is None:
        raise ValidationError({"code": _("This finding does not exist on the application.")})
    if not finding.overridable:
        raise ValidationError(
            {"code": _("This finding cannot be overridden (or is overridden already).")}
        )
    line = CostLine.objects.filter(application=app, position=line_ref).first() if line_ref else None
    override = FindingOverride(
        application=app,
        school_board_id=app.school_board_id,
        code=code,
        line_ref=line_ref,
        line_text=line.description if line else "",
        reason=reason,
        decided_by=actor,
    )
    save_row(override, actor=actor, reason=f"override {code} {line_ref}".strip())
    _event(app, actor, "finding_overridden", f"{code} {line_ref}: {reason}")
    return override


# ----------------------------------------------------------------- proof of use
@transaction.atomic
def proof_start(*, actor, access: Access, application: Application) -> ProofOfUse:
    app = workflow.lock(application)
    if not permissions.is_board_editor(access, app):
        raise PermissionDenied
    workflow.APPLICATION.require(
        app, "approved", _("A proof of use is only possible for approved applications.")
    )
    existing = ProofOfUse.objects.filter(application=app).first()
    if existing:
        return existing
    proof = ProofOfUse(application=app, school_board_id=app.school_board_id)
    save_row(proof, actor=actor, reason="created")
    for entry in ApplicationSchool.objects.filter(application=app).select_related("school"):
        if not entry.report_measures:
            entry.report_measures = "\n".join(
                f"{line.quantity.normalize():f} × {line.description}"
                for line in CostLine.objects.filter(application=app, school=entry.school).order_by(
                    "position"
                )
            )
            entry.report_training = entry.report_training or entry.training_plan
            save_row(entry, actor=actor, reason="report prefilled")
    return proof


@transaction.atomic
def proof_update(
    *, actor, proof: ProofOfUse, summary: str, expected_version: int | None = None
) -> ProofOfUse:
    p = ProofOfUse.objects.select_for_update().get(pk=proof.pk)
    check_version(p, expected_version)
    workflow.PROOF.require(p, "draft", _("The proof of use has been submitted."))
    p.summary = summary
    save_row(p, actor=actor)
    return p


@transaction.atomic
def proof_submit(*, actor, access: Access, proof: ProofOfUse) -> ProofOfUse:
    from .documents import proof_findings

    def apply(p: ProofOfUse) -> None:
        errors = [f for f in proof_findings(p.application) if f.is_error]
        if errors:
            raise ValidationError(
                [_("The Verwendungsnachweis cannot be submitted:")] + [f.message for f in errors]
            )
        p.submitted_at = timezone.now()

    change = engine.transition(
        workflow=workflow.PROOF,
        obj=proof,
        to=ProofStatus.SUBMITTED,
        actor=actor,
        access=access,
        reason="submitted",
        apply=apply,
    )
    p = change.content_object
    _event(p.application, actor, "proof_submitted")
    return p


@transaction.atomic
def proof_check(
    *,
    actor,
    access: Access,
    proof: ProofOfUse,
    outcome: str,
    repayment_amount: Decimal | None = None,
    note: str = "",
) -> ProofOfUse:
    """The reviewer checks the proof: closed, or a repayment is claimed."""
    if outcome not in (ProofStatus.CLOSED, ProofStatus.REPAYMENT):
        raise ValidationError({"outcome": _("Unknown check result.")})

    def apply(p: ProofOfUse) -> None:
        if outcome == ProofStatus.REPAYMENT:
            if repayment_amount is None or repayment_amount <= 0:
                raise ValidationError({"repayment_amount": _("Please give the repayment amount.")})
            p.repayment_amount = repayment_amount
        p.checked_by, p.checked_at, p.check_note = actor, timezone.now(), note

    change = engine.transition(
        workflow=workflow.PROOF,
        obj=proof,
        to=outcome,
        actor=actor,
        access=access,
        reason=note or outcome,
        apply=apply,
    )
    p = change.content_object
    app = p.application
    if workflow.APPLICATION.can(app, ApplicationStatus.CLOSED):
        workflow.transition(
            actor=actor,
            access=access,
            application=app,
            to=ApplicationStatus.CLOSED,
            reason=note or outcome,
        )
    return p


# --------------------------------------------------------------- catalogue import
CATALOGUE_COLUMNS = (
    "contract_reference",
    "item_number",
    "name",
    "category",
    "unit_price_net",
    "vat_rate",
)


@transaction.atomic
def catalogue_import(*, actor, rows: list[dict[str, Any]], land=None) -> tuple[int, int]:
    """Create or update Warenkorb items; any bad row rejects the whole file (row numbers)."""
    from core.money import parse_money

    errors = []
    items = []
    for number, row in enumerate(rows, start=2):
        try:
            data = {k: str(row.get(k, "") or "").strip() for k in CATALOGUE_COLUMNS}
            missing = [k for k in CATALOGUE_COLUMNS[:5] if not data[k]]
            if missing:
                raise ValidationError(_("missing: %(columns)s") % {"columns": ", ".join(missing)})
            price = parse_money(data["unit_price_net"])
            vat = parse_money(data["vat_rate"]) if data["vat_rate"] else Decimal("19")
            if price.as_tuple().exponent < -2:
                raise ValidationError(_("Price with more than two decimal places"))
            item = CatalogueItem.objects.filter(
                contract_reference=data["contract_reference"], item_number=data["item_number"]
            ).first() or CatalogueItem(
                contract_reference=data["contract_reference"], item_number=data["item_number"]
            )
            item.name, item.category = data["name"], data["category"]
            item.unit_price_net, item.vat_rate, item.land = price, vat, land
            item.full_clean(validate_unique=False)
            items.append(item)
        except (ValidationError, ValueError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            errors.append(
                _("Row %(row)s: %(message)s") % {"row": number, "message": "; ".join(messages)}
            )
    if errors:
        raise ValidationError(errors)
    created = sum(1 for i in items if i.pk is None)
    for item in items:
        item._history_user = actor
        bump_version(item)
        item.save()
    return created, len(items) - created
