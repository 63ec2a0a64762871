"""Reminders produced by the scheduler: idempotent (run twice, notify once).

Each reminder's dedupe key names the object and the date it is about, so a rerun
finds the notification already there; a changed date (a loan extended, a new
deadline) is a new reminder. Cross-board system work: called without a user scope.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from core.models import Job

from . import recipients as who
from . import selectors as sel
from .choices import Kind
from .services import Message, notify


def _message(kind: str, due: sel.Due, key: str) -> Message:
    return Message(
        kind=kind,
        board_id=due.board_id,
        url=due.url,
        dedupe_key=key,
        params={"object": due.label, **({"date": due.due.isoformat()} if due.due else {})},
        due_date=due.due,
    )


def proof_due_reminders(today: dt.date | None = None) -> int:
    count = 0
    with scopes_disabled():
        for due in sel.proofs_due(sel.Application.objects.all(), today=today):
            msg = _message(Kind.PROOF_DUE, due, f"proof_due:{due.obj.pk}:{due.due}")
            count += len(notify(msg, who.board_people(due.board_id)))
    return count


def loan_overdue_reminders(today: dt.date | None = None) -> int:
    count = 0
    with scopes_disabled():
        for due in sel.overdue_loans(sel.Loan.objects.all(), today=today):
            msg = _message(Kind.LOAN_OVERDUE, due, f"loan_overdue:{due.obj.pk}:{due.due}")
            count += len(notify(msg, who.school_people(due.school_id)))
    return count


def defect_overdue_reminders(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    with scopes_disabled():
        for due in sel.open_defects(sel.DefectReport.objects.all(), overdue_on=today):
            msg = _message(Kind.DEFECT_OVERDUE, due, f"defect_overdue:{due.obj.pk}")
            users = who.board_it(due.board_id) + who.school_people(due.school_id)
            count += len(notify(msg, users))
    return count


def _grouped_label(found: list[sel.Due]) -> str:
    """ "INV-1, INV-2, INV-3 +12": a board's devices ending on one day, in one notice."""
    names = ", ".join(d.label for d in found[:3])
    return names + (f" +{len(found) - 3}" if len(found) > 3 else "")


def ending_reminders(field_name: str, kind: str, today: dt.date | None = None) -> int:
    """Earmarking or warranty ends: one notice per board and end date."""
    count = 0
    with scopes_disabled():
        groups: dict[tuple[int, dt.date], list[sel.Due]] = defaultdict(list)
        for due in sel.ending_devices(sel.Device.objects.all(), field_name, today=today):
            groups[(due.board_id, due.due)].append(due)
        for (board_id, day), found in groups.items():
            msg = Message(
                kind=kind,
                board_id=board_id,
                url=reverse("devices:device-list"),
                dedupe_key=f"{kind}:{board_id}:{day}",
                params={"object": _grouped_label(found), "date": day.isoformat()},
                due_date=day,
            )
            count += len(notify(msg, who.board_people(board_id)))
    return count


def job_notifications(now=None) -> int:
    """Finished or failed background jobs of the last day → whoever started them."""
    now = now or timezone.now()
    finished = Job.objects.filter(
        status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED],
        finished_at__gte=now - dt.timedelta(days=1),
        owner__isnull=False,
    ).select_related("owner")
    count = 0
    for job in finished:
        kind = Kind.JOB_FAILED if job.status == Job.Status.FAILED else Kind.JOB_FINISHED
        msg = Message(
            kind=kind,
            board_id=job.school_board_id,
            url=reverse("core:job-detail", args=[job.pk]),
            dedupe_key=f"job:{job.pk}:{job.status}",
            params={"object": job.title or job.kind},
        )
        count += len(notify(msg, [job.owner]))
    return count
