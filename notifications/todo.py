"""To-do first: what needs each role, from the same selectors as reminders and the feed.

Registered with core.dashboard in NotificationsConfig.ready(): the home page shows the
groups, each links to its whole list (`notifications:todo`), whose rows are the group's.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import TodoGroup, TodoItem

from . import selectors as sel


def _items(found: list[sel.Due], hint=None) -> list[TodoItem]:
    return [TodoItem(d.label, d.url, d.due, hint() if hint else "") for d in found]


def _group(key: str, label: str, found: list[sel.Due], hint=None) -> TodoGroup:
    return TodoGroup(key, label, _items(found, hint), reverse("notifications:todo", args=[key]))


def _board_groups(access) -> list[TodoGroup]:
    apps = access.restrict(
        sel.Application.objects.filter(school_board_id__in=access.edit_board_ids)
    )
    return [
        _group(
            "changes_requested",
            _("Nachforderungen to answer"),
            sel.changes_requested(apps),
            lambda: _("reply by"),
        ),
        _group("proofs_due", _("Verwendungsnachweise due"), sel.proofs_due(apps)),
    ]


def _shared_groups(access) -> list[TodoGroup]:
    """Board people and school staff alike: TPEK, overdue loans, open defects."""
    entries = access.restrict(sel.ApplicationSchool.objects.all())
    loans = access.restrict(sel.Loan.objects.all())
    groups = [
        _group("tpek", _("TPEK to supply"), sel.tpek_requested(entries)),
        _group(
            "overdue_loans", _("Overdue loans"), sel.overdue_loans(loans), lambda: _("due since")
        ),
    ]
    if access.board_roles:
        defects = access.restrict(sel.DefectReport.objects.all())
        groups.append(
            _group(
                "open_defects",
                _("Open defect reports"),
                sel.open_defects(defects),
                lambda: _("respond by"),
            )
        )
    return groups


def _reviewer_groups(access) -> list[TodoGroup]:
    apps = sel.Application.objects.filter(school_board_id__in=access.review_board_ids)
    labels = {
        "content_check": _("Applications waiting for the content check"),
        "approval": _("Applications waiting for approval"),
    }
    return [
        _group(
            f"waiting_{name}",
            labels[name],
            sel.waiting_for_authority(apps, name),
            lambda: _("waiting since"),
        )
        for name in sel.WAITING_FOR
        if access.has_review_authority(name)
    ]


def todo_for(access, user) -> list[TodoGroup]:
    """The to-do groups of one user (each role's own; empty groups are dropped later)."""
    groups: list[TodoGroup] = []
    if access.edit_board_ids:
        groups += _board_groups(access)
    if access.edit_board_ids or access.school_ids:
        groups += _shared_groups(access)
    if access.is_reviewer:
        groups += _reviewer_groups(access)
    return groups


def todo_group(access, user, key: str) -> TodoGroup | None:
    return next((g for g in todo_for(access, user) if g.key == key), None)
