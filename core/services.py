"""Service helpers shared by every app's services.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models

from core.tenancy import Access


def recheck_tenancy(access: Access, obj: models.Model) -> None:
    """After a write, re-query the row through the user's scope (inside the transaction).

    A row the user could not read back must not exist: raising here rolls the
    transaction back.
    """
    model = type(obj)
    visible = access.restrict(model._default_manager.filter(pk=obj.pk)).exists()
    if not visible:
        raise PermissionDenied("tenancy violation: the written row is outside the user's scope")


def bump_version(obj: models.Model) -> None:
    """Optimistic locking: increase the edit version before saving."""
    if hasattr(obj, "version"):
        obj.version = (obj.version or 0) + 1
