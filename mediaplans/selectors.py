"""Reads over concepts: live current state, completeness, competence matrix, TPEK data.

`adopted_version_for_school` and `tpek_draft` are the interface the funding app uses.
Callers run inside a tenancy scope (request, job or explicit `board_scope`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.money import ZERO, round_money
from schools.choices import RoomKind, SchoolType

from .choices import (
    FROZEN_STATUSES,
    SECTIONS,
    YEAR_GROUPS,
    ConceptStatus,
)
from .models import CompetenceArea, ConceptVersion
from .permissions import restrict_schools

#: device statuses that count as "present at the school" for the current state
PRESENT_STATUSES = ("delivered", "in_stock", "in_use", "on_loan", "in_repair")
#: device categories pupils work on (for pupils per device)
PUPIL_DEVICE_CATEGORIES = ("tablet", "notebook", "desktop")
DEVICE_CATEGORY_LABELS = {  # the msgids of devices.choices.DeviceCategory (shared translations)
    "tablet": gettext_lazy("Tablet"),
    "notebook": gettext_lazy("Notebook"),
    "desktop": gettext_lazy("Desktop-PC"),
    "interactive_board": gettext_lazy("Interactive whiteboard"),
    "display": gettext_lazy("Display"),
    "projector": gettext_lazy("Projector"),
    "document_camera": gettext_lazy("Document camera"),
    "access_point": gettext_lazy("Access Point"),
    "switch": pgettext_lazy("device category", "Switch"),
    "server": gettext_lazy("Server"),
    "printer": gettext_lazy("Printer"),
    "other": gettext_lazy("Other device"),
}

#: year groups a school type teaches, for the competence matrix's columns
YEARS_BY_SCHOOL_TYPE = {
    SchoolType.GRUNDSCHULE: range(1, 5),
    SchoolType.SEKUNDARSCHULE: range(5, 11),
    SchoolType.GEMEINSCHAFTSSCHULE: range(5, 11),
    SchoolType.GESAMTSCHULE: range(5, 14),
    SchoolType.GYMNASIUM: range(5, 13),
    SchoolType.FOERDERSCHULE: range(1, 11),
    SchoolType.ZWEITER_BILDUNGSWEG: range(10, 14),
}
VOCATIONAL_YEARS = range(11, 14)


def section_min_chars() -> int:
    """Characters a section's text needs to count as complete. [param]"""
    return int(getattr(settings, "MEDIAPLANS_SECTION_MIN_CHARS", 150))


def review_after_years() -> int:
    """An adopted concept older than this is flagged for an update. [param]"""
    return int(getattr(settings, "MEDIAPLANS_REVIEW_AFTER_YEARS", 2))


# --- current state (Ist-Zustand) ----------------------------------------------


_TABLE_SEEN: set[str] = set()


def device_model():
    """The inventory's Device model, or None while the devices app has no such model/table."""
    try:
        if not apps.is_installed("devices"):
            return None
        model = apps.get_model("devices", "Device")
    except LookupError:
        return None
    table = model._meta.db_table
    if table not in _TABLE_SEEN:
        # the devices app may be installed before its migrations ran
        from django.db import connection

        if table not in connection.introspection.table_names():
            return None
        _TABLE_SEEN.add(table)
    return model


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def current_state(school, *, now: dt.datetime | None = None) -> dict:
    """Live figures for the Ist-Zustand: devices by category and room kind, rooms, ratio.

    Plain JSON-ready data (numbers as str where Decimal), stamped with the time it was read.
    """
    from schools.models import Room

    now = now or timezone.now()
    room_kind_labels = dict(RoomKind.choices)
    rooms = list(
        Room.objects.filter(school=school)
        .values("kind")
        .annotate(
            n=Count("id"),
            wlan=Count("id", filter=Q(has_wlan=True)),
            display=Count("id", filter=Q(has_display=True)),
            lan=Count("id", filter=Q(has_lan=True)),
        )
        .order_by("kind")
    )
    by_kind = {r["kind"]: r for r in rooms}
    data: dict = {
        "as_of": now.isoformat(),
        "pupils": school.pupils,
        "rooms_total": sum(r["n"] for r in rooms),
        "rooms_with_wlan": sum(r["wlan"] for r in rooms),
        "rooms_with_display": sum(r["display"] for r in rooms),
        "rooms_with_lan": sum(r["lan"] for r in rooms),
        "rooms_by_kind": [],
        "inventory_available": False,
        "devices_total": 0,
        "pupil_devices": 0,
        "devices_by_category": [],
        "pupils_per_device": None,
    }
    device_rows: dict[str, int] = {}
    Device = device_model()
    if Device is not None:
        data["inventory_available"] = True
        labels = {
            **DEVICE_CATEGORY_LABELS,
            **{k: str(v) for k, v in Device._meta.get_field("category").choices or []},
        }
        present = Device.objects.filter(school=school, status__in=PRESENT_STATUSES)
        cat_rows = present.values("category").annotate(n=Count("id")).order_by("category")
        data["devices_by_category"] = [
            {
                "code": r["category"],
                "label": labels.get(r["category"], r["category"]),
                "count": r["n"],
            }
            for r in cat_rows
        ]
        data["devices_total"] = sum(r["n"] for r in cat_rows)
        data["pupil_devices"] = sum(
            r["n"] for r in cat_rows if r["category"] in PUPIL_DEVICE_CATEGORIES
        )
        for r in present.values("room__kind").annotate(n=Count("id")):
            device_rows[r["room__kind"] or ""] = r["n"]
        ratio = _ratio(school.pupils, data["pupil_devices"])
        data["pupils_per_device"] = str(ratio) if ratio is not None else None
    for kind in sorted(set(by_kind) | {k for k in device_rows if k}):
        r = by_kind.get(kind, {"n": 0, "wlan": 0, "display": 0, "lan": 0})
        data["rooms_by_kind"].append(
            {
                "kind": kind,
                "label": str(room_kind_labels.get(kind, kind)),
                "rooms": r["n"],
                "with_wlan": r["wlan"],
                "with_display": r["display"],
                "with_lan": r["lan"],
                "devices": device_rows.get(kind, 0),
            }
        )
    data["devices_without_room"] = device_rows.get("", 0)
    return data


def current_state_for_version(version: ConceptVersion) -> dict:
    """Frozen versions show the figures as of adoption; open versions show live data."""
    if version.is_frozen and version.current_state_snapshot:
        return version.current_state_snapshot
    return current_state(version.concept.school)


# --- completeness ---------------------------------------------------------------

EMPTY, STARTED, COMPLETE = "empty", "started", "complete"


@dataclass(frozen=True)
class SectionState:
    key: str
    number: int
    title: str
    guidance: str
    text: str
    rows: int | None
    state: str  # empty | started | complete
    chars: int


def row_counts(version: ConceptVersion) -> dict[str, int]:
    """Rows behind the data sections; uses annotations (with_counts) when present."""
    if hasattr(version, "goal_count"):
        return {
            "goals": version.goal_count,
            "training": version.training_count,
            "needs": version.need_count,
        }
    if (
        getattr(version, "_prefetched_objects_cache", None)
        and "goals" in version._prefetched_objects_cache
    ):
        return {
            "goals": len(version.goals.all()),
            "training": len(version.training_entries.all()),
            "needs": len(version.needs.all()),
        }
    return {
        "goals": version.goals.count(),
        "training": version.training_entries.count(),
        "needs": version.needs.count(),
    }


def section_states(
    version: ConceptVersion, counts: dict[str, int] | None = None
) -> list[SectionState]:
    counts = counts if counts is not None else row_counts(version)
    minimum = section_min_chars()
    states = []
    for s in SECTIONS:
        text = version.section_text(s.key)
        chars = len(text.strip())
        rows = counts.get(s.data) if s.data else None
        if chars == 0 and not rows:
            state = EMPTY
        elif chars >= minimum and (rows is None or rows >= 1):
            state = COMPLETE
        else:
            state = STARTED
        states.append(
            SectionState(s.key, s.number, str(s.title), str(s.guidance), text, rows, state, chars)
        )
    return states


def development_goal_states(version: ConceptVersion) -> list[str]:
    goals = list(version.development_goals or [])
    return [(goals[i].strip() if i < len(goals) else "") for i in range(3)]


def progress(version: ConceptVersion, counts: dict[str, int] | None = None) -> int:
    """Overall completeness in percent (complete sections / all; short form: goals / 3)."""
    if version.is_short:
        filled = sum(1 for g in development_goal_states(version) if g)
        return filled * 100 // 3
    states = section_states(version, counts)
    return sum(1 for s in states if s.state == COMPLETE) * 100 // len(states)


def required_sections() -> tuple[str, ...]:
    """Sections that must not be empty for adoption. [param]"""
    default = tuple(s.key for s in SECTIONS)
    return tuple(getattr(settings, "MEDIAPLANS_REQUIRED_SECTIONS", default))


def adoption_problems(version: ConceptVersion) -> list[str]:
    """Why the version cannot be adopted yet (empty list: it can)."""
    from django.utils.translation import gettext as _

    problems = []
    if version.is_short:
        missing = [i + 1 for i, g in enumerate(development_goal_states(version)) if not g]
        if missing:
            problems.append(
                _("The short form needs three development goals; missing: %s.")
                % ", ".join(str(n) for n in missing)
            )
        return problems
    required = set(required_sections())
    for state in section_states(version):
        if state.key in required and state.state == EMPTY:
            problems.append(
                _("Section %(n)s “%(title)s” is empty.") % {"n": state.number, "title": state.title}
            )
    return problems


# --- competence matrix ------------------------------------------------------------


def year_groups_for(school) -> list[int]:
    if school.is_vocational:
        return list(VOCATIONAL_YEARS)
    return list(YEARS_BY_SCHOOL_TYPE.get(school.school_type, YEAR_GROUPS))


def competence_matrix(version: ConceptVersion, goals=None, areas=None) -> dict:
    """Areas × year groups: number of goals per cell, gaps (cells with none), coverage %."""
    goals = list(goals if goals is not None else version.goals.select_related("area"))
    areas = list(areas if areas is not None else CompetenceArea.objects.all())
    years = set(year_groups_for(version.concept.school))
    for g in goals:
        years.update(range(g.year_from, g.year_to + 1))
    years_sorted = sorted(years)
    rows = []
    covered = 0
    for area in areas:
        cells = []
        for year in years_sorted:
            matching = [
                g for g in goals if g.area_id == area.pk and g.year_from <= year <= g.year_to
            ]
            cells.append(
                {"year": year, "count": len(matching), "titles": [g.title for g in matching]}
            )
            covered += 1 if matching else 0
        rows.append(
            {
                "area": area,
                "number": area.number,
                "name": area.name,
                "cells": cells,
                "goal_count": sum(1 for g in goals if g.area_id == area.pk),
                "gaps": [c["year"] for c in cells if not c["count"]],
            }
        )
    total = len(areas) * len(years_sorted)
    return {
        "years": years_sorted,
        "rows": rows,
        "covered": covered,
        "total": total,
        "coverage_percent": (covered * 100 // total) if total else 0,
        "areas_without_goal": [r["name"] for r in rows if not r["goal_count"]],
    }


# --- funding interface ------------------------------------------------------------


def adopted_version_for_school(school) -> ConceptVersion | None:
    """The school's currently adopted version (None: no adopted concept)."""
    return (
        ConceptVersion.objects.for_document()
        .filter(concept__school=school, status=ConceptStatus.ADOPTED)
        .first()
    )


def needs_total(needs) -> Decimal:
    return round_money(sum((n.total_estimate for n in needs), ZERO))


def tpek_draft(version: ConceptVersion) -> dict:
    """Plain data for the funding application's TPEK annex (Technisch-pädagogisches
    Einsatzkonzept): goals per competence area, needs with justification, training plan,
    current-state summary. Money stays Decimal."""
    school = version.concept.school
    goals = list(version.goals.all())
    areas = list(CompetenceArea.objects.all())
    needs = list(version.needs.all())
    training = list(version.training_entries.all())
    state = current_state_for_version(version)
    return {
        "school": {
            "id": school.pk,
            "name": school.name,
            "school_number": school.school_number,
            "school_type": school.get_school_type_display(),
            "pupils": school.pupils,
        },
        "version": {
            "id": version.pk,
            "number": version.number,
            "status": version.status,
            "form": version.form,
            "adopted_on": version.adopted_on,
            "adopted_by_body": version.get_adopted_by_body_display(),
        },
        "goals_text": version.section_text("goals"),
        "development_goals": [g for g in development_goal_states(version) if g],
        "goals_by_area": [
            {
                "area_number": a.number,
                "area_name": a.name,
                "goals": [
                    {
                        "id": g.pk,
                        "title": g.title,
                        "subject": g.subject,
                        "years": g.year_label,
                        "measure": g.measure,
                    }
                    for g in goals
                    if g.area_id == a.pk
                ],
            }
            for a in areas
        ],
        "needs": [
            {
                "id": n.pk,
                "category": n.category,
                "category_label": n.get_category_display(),
                "description": n.description,
                "quantity": n.quantity,
                "unit_price_estimate": n.unit_price_estimate,
                "total_estimate": n.total_estimate,
                "justification": n.justification,
                "priority": n.priority,
                "priority_label": n.get_priority_display(),
                "rooms": [r.name for r in n.rooms.all()],
                "years": n.year_label,
                "goals": [
                    {"id": g.pk, "title": g.title, "area_number": g.area.number}
                    for g in n.goals.all()
                ],
                "has_goal": bool(n.goals.all()),
            }
            for n in needs
        ],
        "needs_total": needs_total(needs),
        "training": [
            {
                "id": t.pk,
                "topic": t.topic,
                "target_group": t.get_target_group_display(),
                "teachers": t.teachers,
                "period_start": t.period_start,
                "period_end": t.period_end,
                "provider": t.provider,
                "status": t.get_status_display(),
            }
            for t in training
        ],
        "current_state": state,
        "current_state_text": version.section_text("current_state"),
    }


# --- board overview ---------------------------------------------------------------


def concept_age_months(adopted_on: dt.date | None, today: dt.date) -> int | None:
    if adopted_on is None:
        return None
    months = (today.year - adopted_on.year) * 12 + today.month - adopted_on.month
    if today.day < adopted_on.day:
        months -= 1
    return max(months, 0)


def board_overview(access, *, today: dt.date | None = None, schools=None) -> list[dict]:
    """One row per visible school: adopted version and its age, open version, or missing.

    Reviewers get rows only for schools in a funding application beyond the draft stage.
    """
    from django.db.models import Prefetch

    from schools.models import School

    today = today or timezone.localdate()
    review_months = review_after_years() * 12
    # reviewers: only schools of funding applications that have left the draft stage
    qs = restrict_schools(access, schools if schools is not None else School.objects.all())
    qs = (
        qs.select_related("school_board", "media_concept")
        .prefetch_related(
            Prefetch("media_concept__versions", queryset=ConceptVersion.objects.with_counts())
        )
        .order_by("school_board__name", "name")
    )
    rows = []
    for school in qs:
        full = school.school_board_id in access.board_roles or school.pk in access.school_ids
        concept = getattr(school, "media_concept", None)
        versions = sorted(concept.versions.all(), key=lambda v: -v.number) if concept else []
        adopted = next((v for v in versions if v.status == ConceptStatus.ADOPTED), None)
        open_v = next((v for v in versions if v.status not in FROZEN_STATUSES), None)
        if not full:
            open_v = None
        age = concept_age_months(adopted.adopted_on, today) if adopted else None
        if adopted:
            state = "outdated" if age is not None and age >= review_months else "adopted"
        elif open_v:
            state = open_v.status
        elif concept and any(v.status == ConceptStatus.SUPERSEDED for v in versions):
            state = "superseded"
        elif concept and not full:
            state = "not_adopted"  # reviewers do not see drafts, only that none is adopted
        else:
            state = "missing"
        rows.append(
            {
                "school": school,
                "board": school.school_board,
                "concept": concept,
                "adopted": adopted,
                "age_months": age,
                "open": open_v,
                "open_progress": progress(open_v, row_counts(open_v)) if open_v else None,
                "state": state,
            }
        )
    return rows


OVERVIEW_STATE_LABELS = {
    "adopted": gettext_lazy("adopted"),
    "outdated": gettext_lazy("adopted, update due"),
    "draft": gettext_lazy("Draft"),
    "consultation": gettext_lazy("in consultation"),
    "superseded": gettext_lazy("only a superseded version"),
    "not_adopted": gettext_lazy("not adopted"),
    "missing": gettext_lazy("missing"),
}


# --- comparing versions -------------------------------------------------------------


def compare_versions(old: ConceptVersion, new: ConceptVersion) -> dict:
    """Section by section: what changed between two versions (line diff), plus row changes."""
    import difflib

    sections = []
    for s in SECTIONS:
        a, b = old.section_text(s.key), new.section_text(s.key)
        lines = []
        if a != b:
            for line in difflib.ndiff(a.splitlines(), b.splitlines()):
                op = line[:1]
                if op in ("+", "-", " "):
                    lines.append(
                        {"op": {"+": "added", "-": "removed", " ": "same"}[op], "text": line[2:]}
                    )
        sections.append(
            {
                "key": s.key,
                "number": s.number,
                "title": str(s.title),
                "changed": a != b,
                "lines": lines,
            }
        )

    def diff_rows(label_fn, a_rows, b_rows):
        a_set, b_set = {label_fn(r) for r in a_rows}, {label_fn(r) for r in b_rows}
        return {"added": sorted(b_set - a_set), "removed": sorted(a_set - b_set)}

    goal_label = lambda g: f"{g.area.number} · {g.title} ({g.year_label})"  # noqa: E731

    def need_label(n):
        return f"{n.quantity} × {n.description} ({n.unit_price_estimate} €)"

    return {
        "old": old,
        "new": new,
        "sections": sections,
        "changed_count": sum(1 for s in sections if s["changed"]),
        "goals": diff_rows(
            goal_label, old.goals.select_related("area"), new.goals.select_related("area")
        ),
        "training": diff_rows(
            lambda t: f"{t.topic} ({t.teachers})",
            old.training_entries.all(),
            new.training_entries.all(),
        ),
        "needs": diff_rows(need_label, old.needs.all(), new.needs.all()),
        "development_goals": diff_rows(
            str, development_goal_states(old), development_goal_states(new)
        ),
    }


def version_transitions(version) -> list:
    """The version's status steps, oldest first, with who took them."""
    return list(version.transitions.select_related("actor").order_by("created_at", "id"))
