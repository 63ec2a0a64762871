"""The words of a notification, rendered in the reader's language from kind + params.

Params hold only what may appear in an e-mail: object numbers and titles, dates,
the reviewer's reason. Never a borrower's name or class (tested).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.formatting import format_date

from .choices import Kind

TITLES = {
    Kind.SUBMITTED: lambda: _("%(object)s was submitted for the content check"),
    Kind.RESUBMITTED: lambda: _("%(object)s was resubmitted after a Nachforderung"),
    Kind.CHANGES_REQUESTED: lambda: _("Nachforderung for %(object)s: reply by %(date)s"),
    Kind.TPEK_REQUESTED: lambda: _("TPEK requested for %(object)s: due %(date)s"),
    Kind.FORWARDED: lambda: _("%(object)s was content-checked and forwarded for approval"),
    Kind.DECIDED: lambda: _("Decision on %(object)s: %(outcome)s"),
    Kind.AMENDED: lambda: _("Änderungsbescheid for %(object)s"),
    Kind.PAID: lambda: _("%(object)s was paid out"),
    Kind.PROOF_DUE: lambda: _("Verwendungsnachweis for %(object)s due on %(date)s"),
    Kind.LOAN_OVERDUE: lambda: _("%(object)s is overdue since %(date)s"),
    Kind.EARMARKING_ENDING: lambda: _("Earmarking of %(object)s ends on %(date)s"),
    Kind.WARRANTY_ENDING: lambda: _("Warranty of %(object)s ends on %(date)s"),
    Kind.DEFECT_REPORTED: lambda: _("%(object)s: a defect was reported, respond by %(date)s"),
    Kind.DEFECT_OVERDUE: lambda: _("%(object)s is still open, response was due %(date)s"),
    Kind.JOB_FINISHED: lambda: _("Your background job “%(object)s” has finished"),
    Kind.JOB_FAILED: lambda: _("Your background job “%(object)s” failed"),
    Kind.COMMENT: lambda: _("New comment on %(object)s"),
    Kind.ASSIGNED: lambda: _("%(object)s was assigned to you"),
}

OUTCOMES = {
    "approved": lambda: _("approved"),
    "rejected": lambda: _("rejected"),
}


def _values(params: dict) -> dict:
    values = {"object": params.get("object", ""), "date": "", "outcome": ""}
    if params.get("date"):
        values["date"] = format_date(dt.date.fromisoformat(params["date"]))
    if params.get("outcome") in OUTCOMES:
        values["outcome"] = OUTCOMES[params["outcome"]]()
    return values


def title_of(notification) -> str:
    """The one-line text in the active language."""
    template = TITLES.get(notification.kind)
    if template is None:
        return str(notification.kind)
    return template() % _values(notification.params or {})


def reason_of(notification) -> str:
    return str((notification.params or {}).get("reason", ""))
