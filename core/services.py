"""Service helpers shared by every app's services.py: the one write path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.tenancy import Access

#: django-simple-history stores the change reason in a CharField of this length
CHANGE_REASON_MAX = 100


class EditConflict(ValidationError):
    """Someone else saved the row since the form was opened (optimistic locking)."""

    def __init__(self, current: models.Model):
        super().__init__(
            _(
                "This record has been changed by someone else in the meantime (version "
                "%(version)s). Your changes were not saved."
            )
            % {"version": current.version if has_edit_version(current) else "–"},
            code="conflict",
        )
        self.current = current


def recheck_tenancy(access: Access, obj: models.Model) -> None:
    """After a write, re-query the row through the user's scope (inside the transaction).

    A row the user could not read back must not exist: raising here rolls the
    transaction back.
    """
    model = type(obj)
    visible = access.restrict(model._default_manager.filter(pk=obj.pk)).exists()
    if not visible:
        raise PermissionDenied("tenancy violation: the written row is outside the user's scope")


def has_edit_version(obj: models.Model) -> bool:
    """True when the model's `version` is the optimistic-locking counter (not a relation)."""
    try:
        field = obj._meta.get_field("version")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return not field.is_relation


def bump_version(obj: models.Model) -> None:
    """Optimistic locking: increase the edit version before saving."""
    if has_edit_version(obj):
        obj.version = (obj.version or 0) + 1


def edit_token(obj: models.Model) -> str:
    """The value a client must send back to edit this row (ETag, hidden form field).

    The edit counter `version` where the model has one; for rows whose `version` is a
    relation (rows of a media-concept version) the `updated_at` timestamp in microseconds,
    which every save changes as well.
    """
    if has_edit_version(obj):
        return str(obj.version or 0)
    updated = getattr(obj, "updated_at", None)
    return str(int(updated.timestamp() * 1_000_000)) if updated else ""


def parse_token(raw: str | None) -> str | None:
    """A version as a client sends it: `"3"`, `W/"3"`, `3` or `*` (any) → "3" / None."""
    if raw is None:
        return None
    value = str(raw).strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip().strip('"').strip()
    if value in ("", "*"):
        return None
    return value


def check_version(current: models.Model, expected_version: int | str | None) -> None:
    """Raise EditConflict when the caller edited an older version than the stored one.

    `current` must be the row as read inside the transaction (ideally locked with
    `lock_row`); `None`/"" means the caller sent no version (no check).
    """
    expected = parse_token(None if expected_version is None else str(expected_version))
    if expected is None:
        return
    if expected != edit_token(current):
        raise EditConflict(current)


def lock_row(obj: models.Model) -> models.Model:
    """Lock the row for the rest of the transaction and return it as stored now.

    Uses the base manager (no tenancy scope, no query shape): the caller has already
    found the row through the user's scope; this only serialises concurrent writers.
    """
    model = type(obj)
    return model._base_manager.select_for_update().get(pk=obj.pk)


def trim_reason(reason: str | None) -> str | None:
    """A change reason as history can store it (never longer than its column)."""
    reason = (reason or "").strip()
    if not reason:
        return None
    if len(reason) <= CHANGE_REASON_MAX:
        return reason
    return reason[: CHANGE_REASON_MAX - 1] + "…"


def apply_fields(obj: models.Model, data: dict[str, Any], allowed: Iterable[str]) -> None:
    """Copy the allowed keys of `data` onto the object (missing keys stay as they are)."""
    for key in allowed:
        if key in data:
            setattr(obj, key, data[key])


def save_row(
    obj: models.Model,
    *,
    actor,
    reason: str | None = "",
    access: Access | None = None,
    exclude: Iterable[str] | None = None,
) -> models.Model:
    """The one write path for every model.

    `full_clean`, version bump on versioned models, change reason trimmed to what
    history stores, save, and — when `access` is given — the tenancy re-check.
    Call it inside the service's transaction.
    """
    obj._history_user = actor
    trimmed = trim_reason(reason)
    if trimmed:
        obj._change_reason = trimmed
    obj.full_clean(exclude=list(exclude) if exclude else None)
    bump_version(obj)
    obj.save()
    if access is not None:
        recheck_tenancy(access, obj)
    return obj


def lock_and_check(obj: models.Model, expected_version: int | str | None) -> models.Model:
    """Lock the row and refuse the edit when the caller saw an older version.

    Returns the locked row as stored now; services call it first in their transaction.
    """
    current = lock_row(obj)
    check_version(current, expected_version)
    return current
