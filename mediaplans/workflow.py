"""The concept's status machines as tables (versions, training entries).

Every status here changes only through `core.workflow.transition`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow as engine
from core.tenancy import Access

from . import permissions
from .choices import AdoptionBody, ConceptStatus, TrainingStatus
from .models import ConceptVersion, TrainingEntry

S = ConceptStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.CONSULTATION, S.ADOPTED},
    S.CONSULTATION: {S.DRAFT, S.ADOPTED},
    S.ADOPTED: {S.SUPERSEDED},  # only when the next version is adopted
    S.SUPERSEDED: set(),
}
#: transitions a user may ask for directly (SUPERSEDED follows from adopting a successor)
USER_TRANSITIONS = {S.DRAFT: {S.CONSULTATION, S.ADOPTED}, S.CONSULTATION: {S.DRAFT, S.ADOPTED}}


def _may_write(access: Access, obj) -> bool:
    return permissions.can_write(access, obj)


VERSION = engine.register(
    engine.Workflow(
        name="mediaplans.version",
        model=ConceptVersion,
        choices=ConceptStatus,
        transitions=[
            *(
                engine.Transition(source, target, _may_write, action=target)
                for source, targets in USER_TRANSITIONS.items()
                for target in targets
            ),
            # the adopted version is superseded when its successor is adopted
            engine.Transition(
                S.ADOPTED, S.SUPERSEDED, _may_write, action="superseded", via="adoption"
            ),
        ],
        refusal=gettext_lazy("A version cannot go from “%(old)s” to “%(new)s”."),
        refusal_field=None,
        guards={
            "adopted": {S.ADOPTED},
            "superseded": {S.SUPERSEDED},
            "in_progress": {S.DRAFT, S.CONSULTATION},
        },
    )
)

T = TrainingStatus
TRAINING = engine.register(
    engine.Workflow(
        name="mediaplans.training",
        model=TrainingEntry,
        choices=TrainingStatus,
        transitions=[
            engine.Transition(source, target, _may_write)
            for source, targets in {
                T.PLANNED: {T.BOOKED, T.DONE, T.CANCELLED},
                T.BOOKED: {T.PLANNED, T.DONE, T.CANCELLED},
                T.DONE: {T.PLANNED, T.BOOKED},
                T.CANCELLED: {T.PLANNED, T.BOOKED},
            }.items()
            for target in targets
        ],
        refusal=gettext_lazy("A training cannot go from “%(old)s” to “%(new)s”."),
        refusal_field="status",
    )
)


def allowed_targets(version: ConceptVersion) -> set[str]:
    return set(VERSION.table(via="").get(version.status, set()))


def _adoption_errors(locked: ConceptVersion, adopted_on, adopted_by_body: str) -> None:
    from .selectors import adoption_problems

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


def _supersede_previous(locked: ConceptVersion, adopted_on, *, actor, access: Access) -> None:
    previous = (
        ConceptVersion.objects.select_for_update()
        .filter(concept_id=locked.concept_id, status=S.ADOPTED)
        .first()
    )
    if previous is None:
        return
    if previous.adopted_on and adopted_on < previous.adopted_on:
        raise ValidationError(
            {
                "adopted_on": _(
                    "The resolution date cannot be before the adoption of version %(n)s (%(date)s)."
                )
                % {"n": previous.number, "date": previous.adopted_on.strftime("%d.%m.%Y")}
            }
        )
    engine.transition(
        workflow=VERSION,
        obj=previous,
        to=S.SUPERSEDED,
        actor=actor,
        access=access,
        reason=_("superseded by version %s") % locked.number,
        via="adoption",
        apply=lambda row: setattr(row, "superseded_on", adopted_on),
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
    from .selectors import current_state

    def apply(locked: ConceptVersion) -> None:
        if to_status != S.ADOPTED:
            return
        _adoption_errors(locked, adopted_on, adopted_by_body)
        _supersede_previous(locked, adopted_on, actor=actor, access=access)
        locked.adopted_on = adopted_on
        locked.adopted_by_body = adopted_by_body
        locked.adoption_note = note[:300]
        locked.current_state_snapshot = current_state(locked.concept.school)

    change = engine.transition(
        workflow=VERSION,
        obj=version,
        to=to_status,
        actor=actor,
        access=access,
        reason=note,
        apply=apply,
    )
    return change.content_object
