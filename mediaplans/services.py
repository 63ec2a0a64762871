"""Writes on concepts: create, edit sections, new versions as copies, goals, training, needs.

Adopted (and superseded) versions are frozen: every write on them or their rows is refused.
Permissions are checked by the callers (views, API) with `permissions.py`; status changes
go through `workflow.version_transition`.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow as engine
from core.services import apply_fields, check_version, lock_and_check, save_row
from core.tenancy import Access, access_for

from .choices import KMK_AREAS, SECTION_KEYS, ConceptForm, ConceptStatus
from .models import (
    CompetenceArea,
    CompetenceGoal,
    ConceptComment,
    ConceptVersion,
    EquipmentNeed,
    MediaConcept,
    TrainingEntry,
)

GOAL_FIELDS = ("area", "title", "subject", "year_from", "year_to", "measure")
TRAINING_FIELDS = (
    "topic",
    "target_group",
    "teachers",
    "period_start",
    "period_end",
    "provider",
    "status",
)
NEED_FIELDS = (
    "category",
    "description",
    "quantity",
    "unit_price_estimate",
    "justification",
    "priority",
    "year_from",
    "year_to",
)
TEXT_HINT = gettext_lazy(
    'Plain text. Separate paragraphs with an empty line; start a line with "- " for a '
    'bullet list or "1. " for a numbered list.'
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None) -> str:
    """Plain text: normalised line ends, no control characters, no trailing blanks."""
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def ensure_competence_areas() -> None:
    """The six KMK areas (seeded by migration; re-created after a flush, e.g. demo reset)."""
    for number, name, description in KMK_AREAS:
        CompetenceArea.objects.get_or_create(
            number=number, defaults={"name": name, "description": description}
        )


def _ensure_open(version: ConceptVersion) -> None:
    if version.is_frozen:
        raise ValidationError(
            _("Version %(n)s (%(status)s) is frozen. Start a new version to change it.")
            % {"n": version.number, "status": version.get_status_display()}
        )


def _locked(version: ConceptVersion) -> ConceptVersion:
    locked = ConceptVersion.objects.select_for_update().get(pk=version.pk)
    _ensure_open(locked)
    return locked


# --- concepts and versions ----------------------------------------------------------


@transaction.atomic
def concept_create(
    *, actor, school, form: str = ConceptForm.FULL, development_goals: list[str] | None = None
) -> MediaConcept:
    """Start a school's concept with version 1 as a draft (full or short form)."""
    if MediaConcept.objects.filter(school=school).exists():
        raise ValidationError(
            {"school": _("%s already has a media-education concept.") % school.name}
        )
    if form not in ConceptForm.values:
        raise ValidationError({"form": _("Choose the full concept or the short form.")})
    concept = MediaConcept(school=school, school_board_id=school.school_board_id)
    save_row(concept, actor=actor)
    version = ConceptVersion(
        concept=concept, school_board_id=school.school_board_id, number=1, form=form
    )
    if form == ConceptForm.SHORT:
        version.development_goals = [clean_text(g) for g in (development_goals or [])][:3]
    save_row(version, actor=actor, reason="version 1 started")
    return concept


@transaction.atomic
def version_update_section(
    *, actor, version: ConceptVersion, key: str, text: str, expected_version: int | None = None
) -> ConceptVersion:
    if key not in SECTION_KEYS:
        raise ValidationError({"key": _("Unknown section.")})
    locked = _locked(version)
    check_version(locked, expected_version)
    sections = dict(locked.sections or {})
    sections[key] = clean_text(text)
    locked.sections = sections
    save_row(locked, actor=actor, reason=f"section {key}")
    return locked


@transaction.atomic
def version_update_development_goals(
    *, actor, version: ConceptVersion, goals: list[str], expected_version: int | None = None
) -> ConceptVersion:
    locked = _locked(version)
    check_version(locked, expected_version)
    cleaned = [clean_text(g) for g in goals]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if len(cleaned) > 3:
        raise ValidationError(
            {"development_goals": _("The short form has at most three development goals.")}
        )
    locked.development_goals = cleaned
    save_row(locked, actor=actor, reason="development goals")
    return locked


def _copy_rows(source: ConceptVersion, target: ConceptVersion, *, actor) -> None:
    board_id = target.school_board_id
    goal_map: dict[int, CompetenceGoal] = {}
    for goal in source.goals.all():
        old_pk = goal.pk
        copy = CompetenceGoal(
            version=target,
            school_board_id=board_id,
            area_id=goal.area_id,
            title=goal.title,
            subject=goal.subject,
            year_from=goal.year_from,
            year_to=goal.year_to,
            measure=goal.measure,
        )
        save_row(copy, actor=actor)
        goal_map[old_pk] = copy
    for entry in source.training_entries.prefetch_related("areas"):
        areas = list(entry.areas.all())
        copy = TrainingEntry(
            version=target,
            school_board_id=board_id,
            topic=entry.topic,
            target_group=entry.target_group,
            teachers=entry.teachers,
            period_start=entry.period_start,
            period_end=entry.period_end,
            provider=entry.provider,
            status=entry.status,
        )
        save_row(copy, actor=actor)
        copy.areas.set(areas)
    for need in source.needs.prefetch_related("rooms", "goals"):
        rooms = list(need.rooms.all())
        goals = [goal_map[g.pk] for g in need.goals.all() if g.pk in goal_map]
        copy = EquipmentNeed(
            version=target,
            school_board_id=board_id,
            school_id=need.school_id,
            category=need.category,
            description=need.description,
            quantity=need.quantity,
            unit_price_estimate=need.unit_price_estimate,
            justification=need.justification,
            priority=need.priority,
            year_from=need.year_from,
            year_to=need.year_to,
        )
        save_row(copy, actor=actor)
        copy.rooms.set(rooms)
        copy.goals.set(goals)


@transaction.atomic
def version_new(*, actor, concept: MediaConcept, form: str | None = None) -> ConceptVersion:
    """A new version as a copy of the latest one (sections, goals, training, needs)."""
    concept = MediaConcept.objects.select_for_update().get(pk=concept.pk)
    versions = ConceptVersion.objects.filter(concept=concept)
    open_version = versions.filter(
        status__in=[ConceptStatus.DRAFT, ConceptStatus.CONSULTATION]
    ).first()
    if open_version is not None:
        raise ValidationError(
            _(
                "Version %(n)s is still in progress (%(status)s). Finish or adopt it before "
                "starting a new one."
            )
            % {"n": open_version.number, "status": open_version.get_status_display()}
        )
    source = versions.order_by("-number").first()
    number = (versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ConceptVersion(
        concept=concept,
        school_board_id=concept.school_board_id,
        number=number,
        form=form or (source.form if source else ConceptForm.FULL),
        sections=dict(source.sections) if source else {},
        development_goals=list(source.development_goals) if source else [],
        based_on=source,
    )
    if version.form == ConceptForm.FULL and source is not None and source.is_short:
        _grow_sections(version)
    save_row(
        version,
        actor=actor,
        reason=f"version {number} started as a copy of version {source.number if source else '-'}",
    )
    if source is not None:
        _copy_rows(source, version, actor=actor)
    return version


def _grow_sections(version: ConceptVersion) -> None:
    """Carry the short form's development goals into the full concept's goals section."""
    goals = [g for g in (version.development_goals or []) if g]
    sections = dict(version.sections or {})
    if goals and not sections.get("goals"):
        sections["goals"] = "Entwicklungsziele der Schule:\n" + "\n".join(f"- {g}" for g in goals)
    version.sections = sections


@transaction.atomic
def version_grow_to_full(*, actor, version: ConceptVersion) -> ConceptVersion:
    """Short form → full concept: in place for an open version, as a new version otherwise."""
    if not version.is_short:
        raise ValidationError(_("This version is already a full concept."))
    if version.is_frozen:
        return version_new(actor=actor, concept=version.concept, form=ConceptForm.FULL)
    locked = _locked(version)
    locked.form = ConceptForm.FULL
    _grow_sections(locked)
    save_row(locked, actor=actor, reason="grown into a full concept")
    return locked


@transaction.atomic
def comment_add(*, actor, version: ConceptVersion, text: str, section: str = "") -> ConceptComment:
    comment = ConceptComment(
        version=version,
        school_board_id=version.school_board_id,
        author=actor,
        text=clean_text(text),
        section=section or "",
    )
    save_row(comment, actor=actor)
    return comment


# --- rows of a version ----------------------------------------------------------------


def _cleaned(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The row's text values as plain text (see `clean_text`); choices stay as they are."""
    return {
        key: clean_text(value)
        if isinstance(value, str) and key not in ("area", "category")
        else value
        for key, value in data.items()
        if key in fields
    }


def _check_area(data: dict[str, Any], obj: CompetenceGoal) -> None:
    if "area" in data and data["area"] is None or (not obj.area_id and "area" not in data):
        raise ValidationError({"area": _("Choose the competence area this goal belongs to.")})


@transaction.atomic
def goal_create(*, actor, version: ConceptVersion, data: dict[str, Any]) -> CompetenceGoal:
    _locked(version)
    goal = CompetenceGoal(version=version, school_board_id=version.school_board_id)
    _check_area(data, goal)
    apply_fields(goal, _cleaned(data, GOAL_FIELDS), GOAL_FIELDS)
    save_row(goal, actor=actor)
    return goal


@transaction.atomic
def goal_update(
    *, actor, goal: CompetenceGoal, data: dict[str, Any], expected_version: int | str | None = None
) -> CompetenceGoal:
    _locked(goal.version)
    lock_and_check(goal, expected_version)
    _check_area(data, goal)
    apply_fields(goal, _cleaned(data, GOAL_FIELDS), GOAL_FIELDS)
    save_row(goal, actor=actor)
    return goal


@transaction.atomic
def goal_delete(*, actor, goal: CompetenceGoal) -> ConceptVersion:
    version = _locked(goal.version)
    goal._history_user = actor
    goal.delete()
    return version


@transaction.atomic
def training_create(*, actor, version: ConceptVersion, data: dict[str, Any]) -> TrainingEntry:
    _locked(version)
    entry = TrainingEntry(version=version, school_board_id=version.school_board_id)
    apply_fields(entry, _cleaned(data, TRAINING_FIELDS), TRAINING_FIELDS)
    save_row(entry, actor=actor)
    if "areas" in data:
        entry.areas.set(data["areas"])
    return entry


@transaction.atomic
def training_update(
    *,
    actor,
    entry: TrainingEntry,
    data: dict[str, Any],
    expected_version: int | str | None = None,
    access: Access | None = None,
) -> TrainingEntry:
    """Edit a training; a new status goes through its table (core.workflow)."""
    from .workflow import TRAINING

    _locked(entry.version)
    lock_and_check(entry, expected_version)
    new_status = data.get("status", entry.status)
    fields = tuple(f for f in TRAINING_FIELDS if f != "status")
    apply_fields(entry, _cleaned(data, fields), fields)
    save_row(entry, actor=actor)
    if "areas" in data:
        entry.areas.set(data["areas"])
    if new_status != getattr(entry, TRAINING.field):
        engine.transition(
            workflow=TRAINING,
            obj=entry,
            to=new_status,
            actor=actor,
            access=access if access is not None else access_for(actor),
        )
    return entry


@transaction.atomic
def training_delete(*, actor, entry: TrainingEntry) -> ConceptVersion:
    version = _locked(entry.version)
    entry._history_user = actor
    entry.delete()
    return version


def _check_need_relations(need: EquipmentNeed, data: dict[str, Any]) -> None:
    errors = {}
    for room in data.get("rooms") or []:
        if room.school_id != need.school_id:
            errors["rooms"] = _("Room %s is not in this school.") % room.name
    for goal in data.get("goals") or []:
        if goal.version_id != need.version_id:
            errors["goals"] = _("The goal “%s” belongs to another version.") % goal.title
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def need_create(*, actor, version: ConceptVersion, data: dict[str, Any]) -> EquipmentNeed:
    _locked(version)
    need = EquipmentNeed(
        version=version,
        school_board_id=version.school_board_id,
        school_id=version.concept.school_id,
    )
    apply_fields(need, _cleaned(data, NEED_FIELDS), NEED_FIELDS)
    _check_need_relations(need, data)
    save_row(need, actor=actor)
    if "rooms" in data:
        need.rooms.set(data["rooms"])
    if "goals" in data:
        need.goals.set(data["goals"])
    return need


@transaction.atomic
def need_update(
    *, actor, need: EquipmentNeed, data: dict[str, Any], expected_version: int | str | None = None
) -> EquipmentNeed:
    _locked(need.version)
    lock_and_check(need, expected_version)
    apply_fields(need, _cleaned(data, NEED_FIELDS), NEED_FIELDS)
    _check_need_relations(need, data)
    save_row(need, actor=actor)
    if "rooms" in data:
        need.rooms.set(data["rooms"])
    if "goals" in data:
        need.goals.set(data["goals"])
    return need


@transaction.atomic
def need_delete(*, actor, need: EquipmentNeed) -> ConceptVersion:
    version = _locked(need.version)
    need._history_user = actor
    need.delete()
    return version
