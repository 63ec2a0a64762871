"""Schulstammblatt: one page with a school's master data and counts."""

from __future__ import annotations

from core.pdf import data_fingerprint, render_pdf

from .models import School


def school_sheet_context(school: School) -> dict:
    """Everything the sheet shows, as plain data (tested without HTTP)."""
    sites = list(school.sites.all())
    rooms = list(school.rooms.all())
    data = {
        "school_number": school.school_number,
        "name": school.name,
        "school_type": school.get_school_type_display(),
        "education": "berufsbildend" if school.is_vocational else "allgemeinbildend",
        "board": school.school_board.name,
        "land": school.land.name,
        "address": ", ".join(
            p for p in [school.street, f"{school.postal_code} {school.city}".strip()] if p
        ),
        "head_teacher": school.head_teacher,
        "email": school.email,
        "phone": school.phone,
        "pupils": school.pupils,
        "teachers": school.teachers,
        "classes": school.classes,
        "counts_date": school.counts_date,
        "sites": [{"name": s.name, "city": s.city, "is_main": s.is_main} for s in sites],
        "room_count": len(rooms),
        "rooms_with_wlan": sum(1 for r in rooms if r.has_wlan),
        "rooms_with_display": sum(1 for r in rooms if r.has_display),
    }
    data["fingerprint"] = data_fingerprint(data)
    return data


def school_sheet_pdf(school: School) -> bytes:
    ctx = school_sheet_context(school)
    return render_pdf(
        "schools/pdf/school_sheet.html",
        {"sheet": ctx},
        title=f"Schulstammblatt {ctx['name']} ({ctx['school_number']})",
    )
