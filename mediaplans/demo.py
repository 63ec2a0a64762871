"""Demo media-education concepts: every status, goals, training plans, priced needs.

Runs right after the schools demo. Deterministic (`rng`), dates relative to today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow as engine
from schools.models import Room, School

from .choices import SECTION_KEYS, ConceptStatus
from .models import (
    CompetenceArea,
    CompetenceGoal,
    ConceptComment,
    ConceptVersion,
    EquipmentNeed,
    MediaConcept,
    TrainingEntry,
)
from .selectors import current_state, year_groups_for
from .services import ensure_competence_areas

SECTION_TEXT = {
    "goals": (
        "Die {school} versteht Medienbildung als Aufgabe aller Fächer. Unsere Schülerinnen und "
        "Schüler sollen digitale Medien sicher, kritisch und kreativ nutzen können.\n\n"
        "Schwerpunkte bis {year}:\n"
        "- Lernplattform in allen Klassen verlässlich nutzen\n"
        "- Recherche und Quellenkritik in jedem Jahrgang üben\n"
        "- Präsentieren und Produzieren mit digitalen Werkzeugen stärken"
    ),
    "competences": (
        "Die sechs Kompetenzbereiche der KMK-Strategie sind den Fächern und Jahrgängen "
        "zugeordnet (siehe Kompetenzmatrix). Jede Fachschaft verantwortet mindestens ein "
        "Kompetenzziel; Lücken werden in der Steuergruppe jährlich geprüft und geschlossen."
    ),
    "current_state": (
        "Die Ausstattung ist ungleich verteilt: Fachräume sind weitgehend vernetzt, in den "
        "Klassenräumen fehlen WLAN und Anzeigegeräte noch teilweise. Die vorhandenen "
        "Computer im Computerraum sind älter als sechs Jahre. Etwa die Hälfte des Kollegiums "
        "nutzt digitale Medien regelmäßig im Unterricht."
    ),
    "organisation": (
        "Eine Steuergruppe Medienbildung (Schulleitung, Medienbeauftragte, je eine Lehrkraft "
        "der Fachbereiche) trifft sich monatlich. Die Medienbeauftragte ist erste "
        "Ansprechpartnerin für Fragen zur Nutzung; technische Störungen meldet die Schule über "
        "das Ticketsystem des Schulträgers. Nutzungsordnung und Datenschutzhinweise sind "
        "von der Gesamtkonferenz beschlossen."
    ),
    "teaching": (
        "Die Fachschaften haben in ihren schulinternen Lehrplänen festgelegt, in welchen "
        "Unterrichtsvorhaben digitale Medien eingesetzt werden.\n\n"
        "- Deutsch: Recherche, Schreiben und Überarbeiten in der Lernplattform\n"
        "- Mathematik: dynamische Geometrie und Tabellenkalkulation\n"
        "- Naturwissenschaften: Messwerterfassung und Auswertung\n"
        "- Kunst und Musik: Produktion von Bild, Audio und Video"
    ),
    "training": (
        "Der Fortbildungsbedarf wurde im Kollegium abgefragt. Schwerpunkte sind der "
        "didaktische Einsatz von Tablets, die Lernplattform und Datenschutz. Fortbildungen "
        "finden als schulinterne Studientage und über das Angebot des LISA statt; "
        "Multiplikatoren geben ihr Wissen in den Fachschaften weiter."
    ),
    "participation": (
        "Das Konzept wurde in den Fachkonferenzen vorbereitet und mit dem Schülerrat sowie "
        "dem Schulelternrat beraten. Schülerinnen und Schüler bringen als Medienscouts eigene "
        "Vorschläge ein; Eltern werden über Elternabende und die Schulwebsite informiert."
    ),
    "equipment": (
        "Die benötigte Ausstattung folgt den pädagogischen Zielen: Interaktive Displays für "
        "das gemeinsame Arbeiten und Präsentieren, mobile Endgeräte als Klassensätze für "
        "Recherche und Produktion, flächendeckendes WLAN als Voraussetzung für beides. "
        "Die einzelnen Bedarfe sind mit Begründung und Zielbezug aufgeführt."
    ),
    "operation": (
        "Betrieb und Support übernimmt der Schulträger mit seinem IT-Dienstleister. Die "
        "Endgeräte werden zentral über ein Mobile-Device-Management verwaltet; Updates werden "
        "monatlich verteilt. Störungen werden über das Ticketsystem gemeldet und innerhalb "
        "von zwei Schultagen bearbeitet."
    ),
    "summary": (
        "Bis {year} sollen alle Klassenräume mit WLAN und Anzeigegerät ausgestattet sein und "
        "alle Lehrkräfte mindestens eine Fortbildung besucht haben.\n\n"
        "1. Ausbau WLAN und Displays (Schulträger, bis Ende des Schuljahres)\n"
        "2. Klassensätze Tablets für die Jahrgänge mit Projektarbeit\n"
        "3. Studientag Medienbildung zu Beginn jedes Schuljahres\n"
        "4. Fortschreibung des Konzepts nach zwei Jahren"
    ),
}

GOALS = [
    (
        1,
        "Informationen gezielt recherchieren und Quellen bewerten",
        "Deutsch",
        "Recherche-Projekt mit Quellenprotokoll",
    ),
    (
        2,
        "In der Lernplattform gemeinsam an Texten arbeiten",
        "Englisch",
        "Kollaboratives Schreiben im Wiki",
    ),
    (
        3,
        "Erklärvideos planen, produzieren und präsentieren",
        "Naturwissenschaften",
        "Videoprojekt je Halbjahr",
    ),
    (
        4,
        "Persönliche Daten schützen und sichere Passwörter nutzen",
        "Sozialkunde",
        "Projekttag Datenschutz mit den Medienscouts",
    ),
    (
        5,
        "Einfache Algorithmen verstehen und programmieren",
        "Mathematik",
        "Programmieren mit Lernrobotern",
    ),
    (
        6,
        "Wirkung von Medien und Werbung analysieren",
        "Ethik",
        "Unterrichtsreihe Influencer und Werbung",
    ),
]
TRAININGS = [
    ("Tablets didaktisch im Fachunterricht einsetzen", "all", "LISA Sachsen-Anhalt"),
    ("Lernplattform: Kurse anlegen und Aufgaben bewerten", "subject", "Medienbeauftragte"),
    ("Datenschutz und Urheberrecht im Unterricht", "all", "Landesmedienzentrum"),
    ("Interaktive Displays: Grundlagen", "new", "IT-Dienstleister des Schulträgers"),
]
# (category, description, price range gross, quantity per 100 pupils, goal area, justification)
NEEDS = [
    (
        "display",
        'Interaktives Display 75" mit Wandhalterung',
        (3500, 5000),
        1.2,
        3,
        "Gemeinsames Erarbeiten und Präsentieren von Ergebnissen im Klassenverband.",
    ),
    (
        "mobile",
        "Tablet-Klassensatz (Tablet mit Hülle und Stift)",
        (350, 450),
        6,
        1,
        "Recherche, Produktion von Erklärvideos und Arbeit in der Lernplattform in Projektphasen.",
    ),
    (
        "wlan",
        "WLAN-Access-Point inkl. Montage",
        (250, 400),
        2,
        2,
        "Flächendeckendes WLAN ist Voraussetzung für die Arbeit mit mobilen Endgeräten.",
    ),
    (
        "display",
        "Dokumentenkamera",
        (300, 600),
        0.8,
        3,
        "Schülerergebnisse und Experimente für alle sichtbar machen.",
    ),
    (
        "mobile",
        "Notebook für den Informatikunterricht",
        (600, 900),
        3,
        5,
        "Programmieren und Tabellenkalkulation erfordern Notebooks mit Tastatur.",
    ),
]
BODIES = ["gesamtkonferenz", "gesamtkonferenz", "schulkonferenz"]
# per school, by position within its board: what the demo shows
PLAN = [
    "history",
    "adopted",
    "consultation",
    "draft",
    "short",
    "missing",
    "adopted_old",
    "adopted",
    "draft",
    "missing",
    "consultation",
    "adopted",
]


def _money(rng, low, high) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100, 5)) / 100


def _sections(school, year, *, skip=()):
    return {
        key: SECTION_TEXT[key].format(school=school.name, year=year)
        for key in SECTION_KEYS
        if key not in skip
    }


def _fill_rows(version, school, rooms, areas, rng, *, goals=True, needs=True, training=True):
    years = year_groups_for(school)
    made_goals = []
    if goals:
        for number, title, subject, measure in GOALS:
            if rng.random() < 0.2:
                continue  # leave a few gaps in the matrix
            start = rng.choice(years)
            end = min(years[-1], start + rng.randint(0, 2))
            made_goals.append(
                CompetenceGoal.objects.create(
                    version=version,
                    school_board_id=version.school_board_id,
                    area=areas[number],
                    title=title,
                    subject=subject,
                    year_from=start,
                    year_to=end,
                    measure=measure,
                )
            )
    if training:
        start = timezone.localdate().replace(day=1) + dt.timedelta(days=45)
        for i, (topic, group, provider) in enumerate(TRAININGS[: rng.randint(2, 4)]):
            begin = start + dt.timedelta(days=40 * i)
            entry = TrainingEntry.objects.create(
                version=version,
                school_board_id=version.school_board_id,
                topic=topic,
                target_group=group,
                teachers=max(3, school.teachers // rng.choice([1, 2, 3])),
                period_start=begin,
                period_end=begin + dt.timedelta(days=rng.choice([0, 1, 30])),
                provider=provider,
                status=rng.choice(["planned", "planned", "booked"]),
            )
            entry.areas.set([areas[rng.randint(1, 6)]])
    if needs:
        classrooms = [r for r in rooms if r.kind == "classroom"]
        for i, (category, text, (low, high), per100, area_no, why) in enumerate(NEEDS):
            if i >= 3 and rng.random() < 0.4:
                continue
            quantity = max(1, round(school.pupils * per100 / 100))
            need = EquipmentNeed.objects.create(
                version=version,
                school_board_id=version.school_board_id,
                school=school,
                category=category,
                description=text,
                quantity=quantity,
                unit_price_estimate=_money(rng, low, high),
                justification=why,
                priority=1 if i < 2 else rng.choice([2, 3]),
                year_from=years[0],
                year_to=years[-1],
            )
            if category == "display" and classrooms:
                need.rooms.set(classrooms[:quantity])
            served = [g for g in made_goals if g.area_id == areas[area_no].pk]
            if served and i != 3:  # the document camera stays without goal: flagged
                need.goals.set(served)


def _adopt(version, on, body, actor, school):
    version.status = ConceptStatus.ADOPTED
    version.adopted_on = on
    version.adopted_by_body = body
    version.adoption_note = f"Beschluss Nr. {on.month}/{on.year}"
    version.current_state_snapshot = current_state(
        school, now=timezone.make_aware(dt.datetime.combine(on, dt.time(16, 0)))
    )
    version.save()
    engine.record(
        version,
        actor=actor,
        action=ConceptStatus.ADOPTED,
        from_status=ConceptStatus.CONSULTATION,
        reason=version.adoption_note,
    )


def seed(*, stdout, rng) -> None:
    ensure_competence_areas()
    areas = {a.number: a for a in CompetenceArea.objects.all()}
    today = timezone.localdate()
    User = get_user_model()
    school_user = User.objects.filter(username="schule").first()
    staff_user = User.objects.filter(username="sachbearbeitung").first()
    counts: dict[str, int] = {}
    position: dict[int, int] = {}
    schools = list(
        School.objects.select_related("school_board").order_by("school_board__name", "pk")
    )
    rooms_by_school: dict[int, list[Room]] = {}
    for room in Room.objects.order_by("name"):
        rooms_by_school.setdefault(room.school_id, []).append(room)
    for school in schools:
        i = position.get(school.school_board_id, 0)
        position[school.school_board_id] = i + 1
        plan = PLAN[i % len(PLAN)]
        counts[plan] = counts.get(plan, 0) + 1
        if plan == "missing":
            continue
        rooms = rooms_by_school.get(school.pk, [])
        board_id = school.school_board_id
        concept = MediaConcept.objects.create(school=school, school_board_id=board_id)

        def version(number, concept=concept, board_id=board_id, **kwargs):
            return ConceptVersion.objects.create(
                concept=concept, school_board_id=board_id, number=number, **kwargs
            )

        if plan == "history":
            v1 = version(1, sections=_sections(school, today.year - 2))
            _fill_rows(v1, school, rooms, areas, rng)
            _adopt(v1, today - dt.timedelta(days=4 * 365), "gesamtkonferenz", school_user, school)
            v2 = version(2, sections=_sections(school, today.year + 1), based_on=v1)
            _fill_rows(v2, school, rooms, areas, rng)
            v2_on = today - dt.timedelta(days=20 * 30)
            v1.status, v1.superseded_on = ConceptStatus.SUPERSEDED, v2_on
            v1.save()
            _adopt(v2, v2_on, "gesamtkonferenz", school_user, school)
            v3 = version(3, sections=_sections(school, today.year + 2), based_on=v2)
            v3.sections["teaching"] += "\n- Informatik: Programmieren ab Klasse 5 (neu)"
            v3.save()
            _fill_rows(v3, school, rooms, areas, rng)
            ConceptComment.objects.create(
                version=v3,
                school_board_id=board_id,
                author=staff_user,
                text="Bitte bei den Displays die Räume ergänzen, damit wir die Ausschreibung "
                "vorbereiten können.",
            )
        elif plan in ("adopted", "adopted_old"):
            days = rng.randint(900, 1200) if plan == "adopted_old" else rng.randint(60, 600)
            v = version(1, sections=_sections(school, today.year + 1))
            _fill_rows(v, school, rooms, areas, rng)
            _adopt(v, today - dt.timedelta(days=days), rng.choice(BODIES), None, school)
        elif plan == "consultation":
            v = version(1, sections=_sections(school, today.year + 1), status="consultation")
            _fill_rows(v, school, rooms, areas, rng)
            engine.record(
                v,
                actor=None,
                action=ConceptStatus.CONSULTATION,
                from_status=ConceptStatus.DRAFT,
                reason="Zur Beratung in der Gesamtkonferenz",
            )
            ConceptComment.objects.create(
                version=v,
                school_board_id=board_id,
                author=staff_user,
                text="Aus Sicht des Schulträgers schlüssig. Die Tablet-Anzahl bitte mit dem "
                "Budget abgleichen.",
            )
        elif plan == "draft":
            v = version(
                1,
                sections=_sections(
                    school, today.year + 1, skip=("participation", "operation", "summary")
                ),
            )
            v.sections["organisation"] = "Steuergruppe wird gebildet."
            v.save()
            _fill_rows(v, school, rooms, areas, rng, training=False)
        elif plan == "short":
            version(
                1,
                form="short",
                development_goals=[
                    "WLAN und Displays in allen Klassenräumen",
                    "Lernplattform in allen Jahrgängen nutzen",
                ],
            )
    stdout.write(
        "  "
        + _(
            "%(concepts)s media concepts, %(versions)s versions, %(needs)s needs; "
            "schools without concept: %(missing)s"
        )
        % {
            "concepts": MediaConcept.objects.count(),
            "versions": ConceptVersion.objects.count(),
            "needs": EquipmentNeed.objects.count(),
            "missing": counts.get("missing", 0),
        }
    )
