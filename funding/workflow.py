"""The application's status machine as a table, and the one transition service."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import bump_version
from core.tenancy import Access

from . import permissions
from .choices import ApplicationStatus as S

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


def lock(application):
    """Re-read the application under a row lock (the current status is the locked one)."""
    from .models import Application

    return Application.objects.select_for_update().get(pk=application.pk)


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
    """Change the status: lock, check the table and the permission, save, record."""
    from .models import ApplicationEvent
    from .selectors import check_for, line_snapshot

    app = lock(application)
    allowed = TRANSITIONS.get(app.status, set())
    if to not in allowed:
        raise ValidationError(
            _("Dieser Schritt ist im Status „%(status)s“ nicht möglich (bereits erledigt?).")
            % {"status": app.get_status_display()}
        )
    if to in BY_DECISION and not _by_decision:
        raise ValidationError(_("Bewilligung und Ablehnung erfolgen über einen Bescheid."))
    if to in BY_BOARD:
        if not permissions.is_board_editor(access, app):
            raise PermissionDenied
    elif to in BY_DECISION or to == S.CLOSED:
        if not permissions.is_approver_for(access, app):  # Landesverwaltungsamt
            raise PermissionDenied
    elif not permissions.is_content_checker_for(access, app):  # LISA/LINDIUS
        raise PermissionDenied
    snapshot = {}
    today = timezone.localdate()
    if to == S.SUBMITTED:
        result = check_for(app.pk, submission_date=today)
        if result.errors:
            raise ValidationError(
                [_("Der Antrag kann nicht eingereicht werden, solange Fehler bestehen:")]
                + [f.message for f in result.errors]
            )
        from .models import Application

        snapshot = line_snapshot(Application.objects.for_check().get(pk=app.pk))
        snapshot["totals"] = {
            "eligible": str(result.totals.eligible),
            "funding": str(result.totals.funding),
            "own_share": str(result.totals.own_share),
        }
        app.submitted_at = timezone.now()
        app.changes_deadline = None
    if to == S.CHANGES_REQUESTED:
        if not reason.strip():
            raise ValidationError({"reason": _("Bitte angeben, was nachgefordert wird.")})
        if deadline is None or deadline < today:
            raise ValidationError({"deadline": _("Die Frist muss heute oder später liegen.")})
        app.changes_deadline = deadline
    if to == S.FORWARDED:
        app.content_checked_by = actor
        app.content_checked_at = timezone.now()
    previous = app.status
    app.status = to
    app._history_user = actor
    app._change_reason = reason[:100] if reason else ACTIONS[to]
    bump_version(app)
    app.save()
    ApplicationEvent.objects.create(
        application=app,
        school_board_id=app.school_board_id,
        actor=actor,
        action=ACTIONS[to],
        from_status=previous,
        to_status=to,
        reason=reason,
        snapshot=snapshot,
    )
    application.status = app.status
    application.version = app.version
    return app
