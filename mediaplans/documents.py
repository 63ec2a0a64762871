"""The concept as PDF, in the state guide's structure (LISA, Nov 2019)."""

from __future__ import annotations

from django.utils import timezone

from core.pdf import data_fingerprint, render_pdf

from . import selectors
from .models import CompetenceArea, ConceptVersion


def concept_context(version: ConceptVersion) -> dict:
    """Everything the PDF shows, as plain data (tested without HTTP).

    Expects a version from `ConceptVersion.objects.for_document()` (rows prefetched).
    """
    concept = version.concept
    school = concept.school
    goals = list(version.goals.all())
    needs = list(version.needs.all())
    training = list(version.training_entries.all())
    counts = {"goals": len(goals), "training": len(training), "needs": len(needs)}
    areas = list(CompetenceArea.objects.all())
    matrix = selectors.competence_matrix(version, goals, areas)
    state = selectors.current_state_for_version(version)
    data = {
        "school": {
            "name": school.name,
            "school_number": school.school_number,
            "school_type": school.get_school_type_display(),
            "city": school.city,
            "head_teacher": school.head_teacher,
            "pupils": school.pupils,
        },
        "board": version.school_board.name,
        "land": school.land.name,
        "version": {
            "number": version.number,
            "status": version.get_status_display(),
            "status_code": version.status,
            "form": version.get_form_display(),
            "is_short": version.is_short,
            "adopted_on": version.adopted_on,
            "adopted_by_body": version.get_adopted_by_body_display(),
            "adoption_note": version.adoption_note,
            "superseded_on": version.superseded_on,
        },
        "progress": selectors.progress(version, counts),
        "development_goals": [g for g in selectors.development_goal_states(version) if g],
        "sections": [
            {"key": s.key, "number": s.number, "title": s.title, "text": s.text, "state": s.state}
            for s in selectors.section_states(version, counts)
        ],
        "matrix": {
            "years": matrix["years"],
            "coverage_percent": matrix["coverage_percent"],
            "rows": [
                {
                    "number": r["number"],
                    "name": r["name"],
                    "cells": [c["count"] for c in r["cells"]],
                }
                for r in matrix["rows"]
            ],
            "areas_without_goal": matrix["areas_without_goal"],
        },
        "goals": [
            {
                "area": f"{g.area.number} {g.area.name}",
                "title": g.title,
                "subject": g.subject,
                "years": g.year_label,
                "measure": g.measure,
            }
            for g in goals
        ],
        "training": [
            {
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
        "training_teachers": sum(t.teachers for t in training),
        "needs": [
            {
                "category": n.get_category_display(),
                "description": n.description,
                "quantity": n.quantity,
                "unit_price": n.unit_price_estimate,
                "total": n.total_estimate,
                "priority": n.get_priority_display(),
                "justification": n.justification,
                "rooms": ", ".join(r.name for r in n.rooms.all()),
                "years": n.year_label,
                "goals": [g.title for g in n.goals.all()],
            }
            for n in needs
        ],
        "needs_total": selectors.needs_total(needs),
        "state": state,
        "data_as_of": timezone.localtime(),
    }
    data["fingerprint"] = data_fingerprint({k: v for k, v in data.items() if k != "data_as_of"})
    return data


def concept_pdf(version: ConceptVersion) -> bytes:
    ctx = concept_context(version)
    return render_pdf(
        "mediaplans/pdf/concept.html",
        {"doc": ctx},
        title=f"Medienbildungskonzept {ctx['school']['name']}, Fassung {ctx['version']['number']}",
    )
