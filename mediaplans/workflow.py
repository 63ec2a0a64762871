"""The version status machine as a table, and the one transition service."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import bump_version
from core.tenancy import Access

from . import permissions
from .choices import AdoptionBody, ConceptStatus
from .models import ConceptTransition, ConceptVersion

S = ConceptStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.CONSULTATION, S.ADOPTED},
    S.CONSULTATION: {S.DRAFT, S.ADOPTED},
    S.ADOPTED: {S.SUPERSEDED},  # only when the next version is adopted
    S.SUPERSEDED: set(),
}
#: transitions a user may ask for directly (SUPERSEDED follows from adopting a successor)
USER_TRANSITIONS = {S.DRAFT: {S.CONSULTATION, S.ADOPTED}, S.CONSULTATION: {S.DRAFT, S.ADOPTED}}


def allowed_targets(version: ConceptVersion) -> set[str]:
    return set(USER_TRANSITIONS.get(version.status, set()))


def _log(version, from_status, to_status, actor, note=""):
    ConceptTransition.objects.create(
        version=version,
        school_board_id=version.school_board_id,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note[:500],
    )


@transaction.atomic
def version_transition(
    *,
    actor,
    access: Access,
    version: ConceptVersion,
    to_status: str,
    note: str = "",
    adopted_on: dt.date | None = None,
    adopted_by_body: str = "",
) -> ConceptVersion:
    """Move a version along the table; adoption freezes it and supersedes its predecessor."""
    from .selectors import adoption_problems, current_state

    locked = ConceptVersion.objects.select_for_update().get(pk=version.pk)
    if not permissions.can_write(access, locked):
        raise PermissionDenied
    if to_status not in USER_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("A version cannot go from „%(from)s“ to „%(to)s“.")
            % {"from": locked.get_status_display(), "to": dict(S.choices).get(to_status, to_status)}
        )
    from_status = locked.status
    if to_status == S.ADOPTED:
        errors = {}
        if adopted_on is None:
            errors["adopted_on"] = _("Give the date of the resolution.")
        elif adopted_on > timezone.localdate():
            errors["adopted_on"] = _("The resolution date cannot be in the future.")
        if adopted_by_body not in AdoptionBody.values:
            errors["adopted_by_body"] = _("Choose the body that adopted the concept.")
        problems = adoption_problems(locked)
        if errors:
            if problems:
                errors["__all__"] = problems
            raise ValidationError(errors)
        if problems:
            raise ValidationError(problems)
        previous = (
            ConceptVersion.objects.select_for_update()
            .filter(concept_id=locked.concept_id, status=S.ADOPTED)
            .first()
        )
        if previous is not None:
            if previous.adopted_on and adopted_on < previous.adopted_on:
                raise ValidationError(
                    {
                        "adopted_on": _(
                            "The resolution date cannot be before the adoption of version %(n)s "
                            "(%(date)s)."
                        )
                        % {"n": previous.number, "date": previous.adopted_on.strftime("%d.%m.%Y")}
                    }
                )
            previous.status = S.SUPERSEDED
            previous.superseded_on = adopted_on
            previous._history_user = actor
            previous._change_reason = f"superseded by version {locked.number}"
            bump_version(previous)
            previous.save()
            _log(
                previous,
                S.ADOPTED,
                S.SUPERSEDED,
                actor,
                _("superseded by version %s") % locked.number,
            )
        locked.adopted_on = adopted_on
        locked.adopted_by_body = adopted_by_body
        locked.adoption_note = note[:300]
        locked.current_state_snapshot = current_state(locked.concept.school)
    locked.status = to_status
    locked._history_user = actor
    locked._change_reason = note or f"{from_status} → {to_status}"
    locked.full_clean()
    bump_version(locked)
    locked.save()
    _log(locked, from_status, to_status, actor, note)
    return locked
