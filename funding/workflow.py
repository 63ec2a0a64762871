"""Funding's status machines as tables (applications, TPEK, change requests, payouts,
proofs of use). Every status here changes only through `core.workflow.transition`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core import workflow as engine
from core.tenancy import Access

from . import permissions
from .choices import ApplicationStatus as S
from .choices import ChangeRequestStatus, PayoutStatus, ProofStatus, RuleSetStatus, TpekStatus
from .models import (
    Application,
    ApplicationSchool,
    ChangeRequest,
    PayoutRequest,
    ProofOfUse,
    RuleSet,
)

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.CHANGES_REQUESTED, S.FORWARDED},
    S.CHANGES_REQUESTED: {S.SUBMITTED},
    S.FORWARDED: {S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED},
    S.APPROVED: {S.CLOSED},
}
#: who performs a transition: the board or a reviewer of the Land
BY_BOARD = {S.SUBMITTED}
ACTIONS = {
    S.SUBMITTED: "submit",
    S.CHANGES_REQUESTED: "request_changes",
    S.FORWARDED: "forward",
    S.APPROVED: "approve",
    S.REJECTED: "reject",
    S.CLOSED: "close",
}
#: transitions that only a decision (decision_make) may perform
BY_DECISION = {S.APPROVED, S.REJECTED}

#: the log's labels for steps of the application's procedure
ACTION_LABELS = {
    "create": pgettext_lazy("procedure step", "created"),
    "submit": pgettext_lazy("procedure step", "submitted"),
    "request_changes": pgettext_lazy("procedure step", "changes requested"),
    "forward": pgettext_lazy("procedure step", "checked and forwarded"),
    "approve": pgettext_lazy("procedure step", "approved"),
    "reject": pgettext_lazy("procedure step", "rejected"),
    "close": pgettext_lazy("procedure step", "closed"),
    "change_request": pgettext_lazy("procedure step", "change request"),
    "change_submit": pgettext_lazy("procedure step", "change request submitted"),
    "ruleset_changed": pgettext_lazy("procedure step", "rule-set version changed"),
    "change_approved": pgettext_lazy("procedure step", "amendment notice"),
    "change_rejected": pgettext_lazy("procedure step", "change rejected"),
    "proof_submitted": pgettext_lazy("procedure step", "proof of use submitted"),
    "finding_overridden": pgettext_lazy("procedure step", "finding overridden"),
}


def _permission_for(target: str):
    if target in BY_BOARD:
        return permissions.is_board_editor
    if target in BY_DECISION or target == S.CLOSED:
        return permissions.is_approver_for  # Landesverwaltungsamt
    return permissions.is_content_checker_for  # LISA/LINDIUS


APPLICATION = engine.register(
    engine.Workflow(
        name="funding.application",
        model=Application,
        choices=S,
        transitions=[
            engine.Transition(
                source,
                target,
                _permission_for(target),
                reason=engine.REQUIRED if target == S.CHANGES_REQUESTED else engine.OPTIONAL,
                action=ACTIONS[target],
                via="decision" if target in BY_DECISION else "",
            )
            for source, targets in TRANSITIONS.items()
            for target in targets
        ],
        action_labels=ACTION_LABELS,
        refusal=gettext_lazy("This step is not possible in the status “%(old)s” (already done?)."),
        refusal_field=None,
        reason_required=gettext_lazy("Please state what is requested."),
        guards={
            "decidable": {S.FORWARDED},
            # change requests, invoices, payouts and proofs of use follow an approval
            "approved": {S.APPROVED},
            "editable": {S.DRAFT, S.CHANGES_REQUESTED},
            "draft": {S.DRAFT},
            "pending": {S.SUBMITTED, S.CHANGES_REQUESTED, S.FORWARDED},
        },
    )
)


def _may_request_tpek(access: Access, entry) -> bool:
    return access.can_edit(entry, school_staff_may_edit=False)


def _may_submit_tpek(access: Access, entry) -> bool:
    return access.can_edit(entry, school_staff_may_edit=True)


TP = TpekStatus
TPEK = engine.register(
    engine.Workflow(
        name="funding.tpek",
        model=ApplicationSchool,
        field="tpek_status",
        choices=TP,
        transitions=[
            *(
                engine.Transition(source, TP.REQUESTED, _may_request_tpek, action="tpek_request")
                for source in TP.values
            ),
            *(
                engine.Transition(source, TP.SUBMITTED, _may_submit_tpek, action="tpek_submit")
                for source in TP.values
            ),
        ],
        refusal_field="tpek_status",
    )
)

CR = ChangeRequestStatus
CHANGE_REQUEST = engine.register(
    engine.Workflow(
        name="funding.change_request",
        model=ChangeRequest,
        choices=CR,
        transitions=[
            engine.Transition(
                CR.DRAFT, CR.OPEN, permissions.is_board_editor, action="change_submit"
            ),
            engine.Transition(CR.OPEN, CR.APPROVED, permissions.is_approver_for, action="approve"),
            engine.Transition(CR.OPEN, CR.REJECTED, permissions.is_approver_for, action="reject"),
        ],
        refusal=gettext_lazy("This change request has already been decided."),
        refusals={
            CR.OPEN: gettext_lazy("This change request has already been submitted."),
            CR.APPROVED: gettext_lazy("Only a submitted change request can be decided."),
            CR.REJECTED: gettext_lazy("Only a submitted change request can be decided."),
        },
        refusal_field=None,
        guards={"open": {CR.OPEN}, "editable": {CR.DRAFT}, "pending": {CR.DRAFT, CR.OPEN}},
    )
)

RS = RuleSetStatus
RULESET = engine.register(
    engine.Workflow(
        name="funding.ruleset",
        model=RuleSet,
        choices=RS,
        transitions=[
            engine.Transition(
                RS.DRAFT, RS.PUBLISHED, permissions.can_publish_ruleset, action="publish"
            ),
        ],
        action_labels={"publish": gettext_lazy("published")},
        refusal=gettext_lazy("This rule-set version has already been published."),
        refusal_field=None,
        guards={"draft": {RS.DRAFT}, "published": {RS.PUBLISHED}},
    )
)

P = PayoutStatus
PAYOUT = engine.register(
    engine.Workflow(
        name="funding.payout",
        model=PayoutRequest,
        choices=P,
        transitions=[
            engine.Transition(P.DRAFT, P.SUBMITTED, permissions.is_board_editor, action="submit"),
            engine.Transition(P.SUBMITTED, P.PAID, permissions.is_approver_for, action="pay"),
            engine.Transition(
                P.SUBMITTED, P.REJECTED, permissions.is_approver_for, action="reject"
            ),
        ],
        refusal=gettext_lazy("This step is not possible in the status “%(old)s”."),
        refusal_field=None,
        guards={"counts": {P.DRAFT, P.SUBMITTED, P.PAID}, "draft": {P.DRAFT}},
    )
)

PR = ProofStatus
PROOF = engine.register(
    engine.Workflow(
        name="funding.proof",
        model=ProofOfUse,
        choices=PR,
        transitions=[
            engine.Transition(
                PR.DRAFT, PR.SUBMITTED, permissions.is_board_editor, action="proof_submitted"
            ),
            engine.Transition(PR.SUBMITTED, PR.CLOSED, permissions.is_approver_for, action="close"),
            engine.Transition(
                PR.SUBMITTED, PR.REPAYMENT, permissions.is_approver_for, action="repayment"
            ),
        ],
        refusals={
            PR.SUBMITTED: gettext_lazy("The proof of use has already been submitted."),
            PR.CLOSED: gettext_lazy("Only a submitted proof of use can be checked."),
            PR.REPAYMENT: gettext_lazy("Only a submitted proof of use can be checked."),
        },
        refusal_field=None,
        guards={"draft": {PR.DRAFT}},
    )
)


def lock(application):
    """Re-read the application under a row lock (the current status is the locked one)."""
    return Application.objects.select_for_update().get(pk=application.pk)


def _submit_snapshot(app) -> dict:
    from .selectors import check_for, line_snapshot

    result = check_for(app.pk, submission_date=timezone.localdate())
    if result.errors:
        raise ValidationError(
            [_("The application cannot be submitted while errors remain:")]
            + [f.message for f in result.errors]
        )
    snapshot = line_snapshot(Application.objects.for_check().get(pk=app.pk))
    snapshot["totals"] = {
        "eligible": str(result.totals.eligible),
        "funding": str(result.totals.funding),
        "own_share": str(result.totals.own_share),
    }
    app.submitted_at = timezone.now()
    app.changes_deadline = None
    return {"snapshot": snapshot}


@transaction.atomic
def transition(
    *,
    actor,
    access: Access,
    application,
    to: str,
    reason: str = "",
    deadline: dt.date | None = None,
    _by_decision: bool = False,
):
    """Change the status (a thin wrapper over `core.workflow.transition`)."""
    via = "decision" if _by_decision else ""
    if to in BY_DECISION and not via and APPLICATION.can(application, to, "decision"):
        raise ValidationError(
            _("Approval and rejection are made through a decision (Zuwendungsbescheid).")
        )

    def apply(app) -> dict | None:
        if to == S.SUBMITTED:
            return _submit_snapshot(app)
        if to == S.CHANGES_REQUESTED:
            if deadline is None or deadline < timezone.localdate():
                raise ValidationError({"deadline": _("The deadline must be today or later.")})
            app.changes_deadline = deadline
        if to == S.FORWARDED:
            app.content_checked_by = actor
            app.content_checked_at = timezone.now()
        return None

    change = engine.transition(
        workflow=APPLICATION,
        obj=application,
        to=to,
        actor=actor,
        access=access,
        reason=reason,
        apply=apply,
        via=via,
    )
    return change.content_object


def record_event(application, *, actor, action: str, reason: str = "") -> None:
    """A procedure step without a status change (change request, proof of use submitted)."""
    engine.record(application, actor=actor, action=action, reason=reason)
