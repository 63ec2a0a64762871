"""The personal iCal feed of deadlines (secret token URL, revocable).

Application and reply deadlines, TPEK, proofs of use, loan ends and defect response
dates of everything the user can see. Events name objects by their numbers (loans by
contract number), never a borrower.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from icalendar import Calendar, Event

from funding.models import RuleSet
from schools.models import SchoolBoard

from . import selectors as sel


def _deadlines(access) -> list[tuple[str, sel.Due]]:
    apps = access.restrict(sel.Application.objects.all())
    entries = access.restrict(sel.ApplicationSchool.objects.all())
    found: list[tuple[str, sel.Due]] = []
    found += [(_("Reply to the Nachforderung"), d) for d in sel.changes_requested(apps)]
    found += [(_("TPEK due"), d) for d in sel.tpek_requested(entries)]
    if access.board_roles:
        found += [(_("Verwendungsnachweis due"), d) for d in sel.proofs_due(apps, within=3650)]
        defects = access.restrict(sel.DefectReport.objects.all())
        found += [(_("Defect response due"), d) for d in sel.open_defects(defects)]
    loans = access.restrict(sel.Loan.objects.open()).order_by("due_date", "id")
    found += [
        (_("Loan ends"), sel.Due(x, x.contract_number, x.due_date, x.get_absolute_url()))
        for x in loans.only("id", "due_date")
    ]
    return found


def _application_deadlines(access) -> list[tuple[str, RuleSet]]:
    today = timezone.localdate()
    with scopes_disabled():  # the boards are the user's own (access.board_ids)
        boards = SchoolBoard.objects.filter(pk__in=access.board_ids)
        land_ids = set(boards.values_list("land_id", flat=True)) | set(access.review_land_ids)
    rulesets = RuleSet.objects.filter(
        programme__land_id__in=land_ids, application_deadline__gte=today
    ).select_related("programme")
    return [(_("Application deadline"), r) for r in rulesets]


def _event(uid: str, summary: str, day: dt.date, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("url", url)
    return event


def feed_bytes(access) -> bytes:
    """The feed as iCalendar bytes (all-day events)."""
    base = settings.PAKTWERK["BASE_URL"].rstrip("/")
    host = base.split("//")[-1]
    calendar = Calendar()
    calendar.add("prodid", "-//Paktwerk//Deadlines//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Paktwerk deadlines"))
    for what, due in _deadlines(access):
        if due.due is None:
            continue
        obj = due.obj
        uid = f"{obj._meta.label_lower}-{obj.pk}@{host}"
        calendar.add_component(_event(uid, f"{what}: {due.label}", due.due, base + due.url))
    for what, ruleset in _application_deadlines(access):
        uid = f"ruleset-{ruleset.pk}@{host}"
        calendar.add_component(
            _event(
                uid,
                f"{what}: {ruleset.programme.name}",
                ruleset.application_deadline,
                base + ruleset.programme.get_absolute_url(),
            )
        )
    return calendar.to_ical()
