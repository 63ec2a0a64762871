"""What needs someone: the read shapes behind the to-do lists, reminders and the feed.

The home page's to-do groups, the reminder jobs and the calendar feed use the same
functions, so a count on the home page always equals the list it opens. Each takes a
queryset the caller has already restricted (a user's scope, or all boards for a job).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from devices.choices import OPEN_DEFECT_STATUSES
from devices.models import DefectReport, Device, Loan
from funding.choices import ApplicationStatus, TpekStatus
from funding.models import Application, ApplicationSchool
from funding.rules import proof_deadline
from funding.selectors import latest_decisions


def conf(name: str):
    return settings.NOTIFICATIONS[name]


@dataclass(frozen=True)
class Due:
    """One thing with a date: what, when, where to go (never a pupil's name)."""

    obj: object
    label: str
    due: dt.date | None
    url: str
    board_id: int | None = None
    school_id: int | None = None


def changes_requested(applications: QuerySet) -> list[Due]:
    qs = applications.filter(status=ApplicationStatus.CHANGES_REQUESTED).order_by(
        "changes_deadline", "id"
    )
    return [
        Due(a, f"{a.number} {a.title}", a.changes_deadline, a.get_absolute_url(), a.school_board_id)
        for a in qs
    ]


def tpek_requested(entries: QuerySet) -> list[Due]:
    qs = (
        entries.filter(tpek_status=TpekStatus.REQUESTED)
        .select_related("application", "school")
        .order_by("tpek_deadline", "id")
    )
    return [
        Due(
            e,
            f"{e.application.number} – {e.school.name}",
            e.tpek_deadline,
            e.get_absolute_url(),
            e.school_board_id,
            e.school_id,
        )
        for e in qs
    ]


def proofs_due(applications: QuerySet, *, today: dt.date | None = None, within: int | None = None):
    """Approved applications whose Verwendungsnachweis is due within `within` days (or late)."""
    today = today or timezone.localdate()
    within = conf("PROOF_DUE_DAYS") if within is None else within
    qs = (
        applications.filter(status=ApplicationStatus.APPROVED)
        .filter(Q(proof__isnull=True) | Q(proof__status="draft"))
        .select_related("ruleset")
        .order_by("id")
    )
    apps = list(qs)
    decisions = latest_decisions([a.pk for a in apps])
    found = []
    for app in apps:
        decision = decisions.get(app.pk)
        end = decision.period_end if decision and decision.period_end else app.planned_end
        deadline = proof_deadline(end, app.ruleset.params())
        if deadline is not None and deadline <= today + dt.timedelta(days=within):
            found.append(
                Due(
                    app,
                    f"{app.number} {app.title}",
                    deadline,
                    app.get_absolute_url(),
                    app.school_board_id,
                )
            )
    return sorted(found, key=lambda d: (d.due, d.obj.pk))


def overdue_loans(loans: QuerySet, *, today: dt.date | None = None) -> list[Due]:
    qs = loans.overdue(today).order_by("due_date", "id")
    return [
        Due(x, x.contract_number, x.due_date, x.get_absolute_url(), x.school_board_id, x.school_id)
        for x in qs.only("id", "due_date", "school_board_id", "school_id")
    ]


def defect_due(reported_on: dt.date) -> dt.date:
    return reported_on + dt.timedelta(days=conf("DEFECT_RESPONSE_DAYS"))


def open_defects(defects: QuerySet, *, overdue_on: dt.date | None = None) -> list[Due]:
    """Open defect reports with their response date; only late ones when `overdue_on`."""
    qs = defects.filter(status__in=OPEN_DEFECT_STATUSES).select_related("device")
    if overdue_on is not None:
        qs = qs.filter(reported_on__lt=overdue_on - dt.timedelta(days=conf("DEFECT_RESPONSE_DAYS")))
    qs = qs.order_by("reported_on", "id")
    return [
        Due(
            d,
            d.device.inventory_number,
            defect_due(d.reported_on),
            d.get_absolute_url(),
            d.school_board_id,
            d.device.school_id,
        )
        for d in qs
    ]


def ending_devices(devices: QuerySet, field_name: str, *, today=None, within=None) -> list[Due]:
    """Devices whose earmarking or warranty (`field_name`) ends within the window."""
    today = today or timezone.localdate()
    within = conf("ENDING_DAYS") if within is None else within
    qs = devices.filter(
        **{f"{field_name}__gte": today, f"{field_name}__lte": today + dt.timedelta(days=within)}
    ).order_by(field_name, "id")
    return [
        Due(d, d.inventory_number, getattr(d, field_name), d.get_absolute_url(), d.school_board_id)
        for d in qs.only("id", "inventory_number", field_name, "school_board_id")
    ]


#: the statuses that wait for each reviewing authority, and the time they wait since
WAITING_FOR = {
    "content_check": (ApplicationStatus.SUBMITTED, "submitted_at"),
    "approval": (ApplicationStatus.FORWARDED, "content_checked_at"),
}


def waiting_for_authority(applications: QuerySet, authority: str) -> list[Due]:
    """Applications waiting for the authority, oldest first (due: the day they arrived)."""
    status, since = WAITING_FOR[authority]
    qs = applications.filter(status=status).order_by(since, "id")
    return [
        Due(
            a,
            f"{a.number} {a.title}",
            timezone.localtime(getattr(a, since)).date() if getattr(a, since) else None,
            a.get_absolute_url(),
            a.school_board_id,
        )
        for a in qs
    ]


MODELS = {
    "application": Application,
    "application_school": ApplicationSchool,
    "loan": Loan,
    "defect": DefectReport,
    "device": Device,
}
