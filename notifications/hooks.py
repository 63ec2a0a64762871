"""The workflow engine's on-commit hook: status changes become notifications.

Registered in NotificationsConfig.ready() with `core.workflow.on_transition`; it runs
after the transition's transaction committed, so a rolled-back step notifies nobody.
A failure here is logged and never reaches the request that made the step.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django_scopes import scopes_disabled

from core.models import StatusChange

from . import recipients as who
from .choices import Kind
from .services import Message, notify

logger = logging.getLogger("paktwerk.notifications")

Handler = Callable[[StatusChange, object], tuple[Message, list] | None]
HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(label: str, field_name: str = "status"):
    def decorator(func: Handler) -> Handler:
        HANDLERS[(label, field_name)] = func
        return func

    return decorator


def _message(change: StatusChange, kind: str, obj, label: str, **params) -> Message:
    due = params.pop("due", None)
    return Message(
        kind=kind,
        board_id=change.school_board_id,
        url=obj.get_absolute_url(),
        dedupe_key=f"change:{change.pk}:{kind}",
        params={"object": label, **({"date": due.isoformat()} if due else {}), **params},
        due_date=due,
    )


@handles("funding.application")
def _application(change: StatusChange, app):
    board = change.school_board_id
    label = str(app.number)
    to, source = change.to_status, change.from_status
    if to == source:
        return None  # procedure steps without a status change (change request, proof)
    if to == "submitted":
        kind = Kind.RESUBMITTED if source == "changes_requested" else Kind.SUBMITTED
        return _message(change, kind, app, label), who.authority_reviewers(board, who.CONTENT_CHECK)
    if to == "changes_requested":
        msg = _message(
            change,
            Kind.CHANGES_REQUESTED,
            app,
            label,
            due=app.changes_deadline,
            reason=change.reason,
        )
        return msg, who.board_people(board)
    if to == "forwarded":
        return _message(change, Kind.FORWARDED, app, label), who.authority_reviewers(
            board, who.APPROVAL
        )
    if to in ("approved", "rejected"):
        return _message(change, Kind.DECIDED, app, label, outcome=to), who.board_people(board)
    return None


@handles("funding.applicationschool", "tpek_status")
def _tpek(change: StatusChange, entry):
    if change.to_status != "requested":
        return None
    label = f"{entry.application.number} – {entry.school.name}"
    msg = _message(change, Kind.TPEK_REQUESTED, entry, label, due=entry.tpek_deadline)
    return msg, who.school_people(entry.school_id)


@handles("funding.changerequest")
def _change_request(change: StatusChange, request):
    if change.to_status != "approved":
        return None
    app = request.application
    return _message(change, Kind.AMENDED, app, str(app.number)), who.board_people(
        change.school_board_id
    )


@handles("funding.payoutrequest")
def _payout(change: StatusChange, payout):
    if change.to_status != "paid":
        return None
    label = f"Mittelabruf {payout.number} – {payout.application.number}"
    return _message(change, Kind.PAID, payout, label), who.board_people(change.school_board_id)


def defect_response_due(reported_on: dt.date) -> dt.date:
    return reported_on + dt.timedelta(days=settings.NOTIFICATIONS["DEFECT_RESPONSE_DAYS"])


@handles("devices.defectreport")
def _defect(change: StatusChange, report):
    if change.from_status:
        return None  # only the report itself (its first log row)
    label = report.device.inventory_number
    due = defect_response_due(report.reported_on)
    msg = _message(change, Kind.DEFECT_REPORTED, report, label, due=due)
    board = change.school_board_id
    return msg, who.board_it(board) + who.school_people(report.device.school_id)


def on_status_change(change: StatusChange) -> None:
    """The hook: find the handler for the changed row and notify its recipients."""
    ct = change.content_type
    handler = HANDLERS.get((f"{ct.app_label}.{ct.model}", change.field))
    if handler is None:
        return
    try:
        with scopes_disabled(), transaction.atomic():
            obj = ct.model_class()._base_manager.get(pk=change.object_id)
            found = handler(change, obj)
            if found is not None:
                message, users = found
                notify(message, users)
    except Exception:  # never fail the request that made the step
        logger.exception("notification for status change %s failed", change.pk)
