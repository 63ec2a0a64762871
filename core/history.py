"""History (Änderungsverlauf) of a row as readable entries: who, when, what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

TYPE_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
HIDDEN_FIELDS = {"updated_at", "created_at", "version"}


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def history_entries(obj, *, limit: int = 25) -> list[HistoryEntry]:
    """The last `limit` recorded versions of `obj`, newest first, with field diffs."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(history.select_related("history_user").order_by("-history_date")[: limit + 1])
    entries = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                try:
                    label = str(type(obj)._meta.get_field(change.field).verbose_name)
                except Exception:
                    label = change.field
                changes.append((label, _short(change.old), _short(change.new)))
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else str(_("system")),
                action=str(TYPE_LABELS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"
