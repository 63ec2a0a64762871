"""Statuses, kinds and the state guide's section structure (LISA, Nov 2019)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingCategory(models.TextChoices):
    """Fördergegenstände (VV § 3) plus the supplementary programmes' categories."""

    LAN = "lan", _("Vernetzung")
    WLAN = "wlan", _("Schulisches WLAN")
    PLATFORM = "platform", _("Digitale Lehr-Lern-Infrastruktur")
    DISPLAY = "display", _("Anzeige- und Interaktionsgeräte")
    WORK_DEVICE = "work_device", _("Digitale Arbeitsgeräte")
    MOBILE = "mobile", _("Schulgebundene mobile Endgeräte")
    ACCOMPANYING = "accompanying", _("Begleitmaßnahme")
    REGIONAL = "regional", _("Regionale/landesweite Maßnahme")
    LOAN_PUPIL = "loan_pupil", _("Leihgeräte für Schülerinnen und Schüler")
    LOAN_TEACHER = "loan_teacher", _("Leihgeräte für Lehrkräfte")
    ADMIN_STAFF = "admin_staff", _("IT-Administration: Personal")
    ADMIN_SERVICE = "admin_service", _("IT-Administration: Dienstleistung")
    ADMIN_TRAINING = "admin_training", _("IT-Administration: Qualifizierung")


class ConceptStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    CONSULTATION = "consultation", _("In Beratung")
    ADOPTED = "adopted", _("Beschlossen")
    SUPERSEDED = "superseded", _("Abgelöst")


#: versions that are (or were) adopted: frozen, readable by reviewers
FROZEN_STATUSES = frozenset({ConceptStatus.ADOPTED, ConceptStatus.SUPERSEDED})
OPEN_STATUSES = frozenset({ConceptStatus.DRAFT, ConceptStatus.CONSULTATION})


class ConceptForm(models.TextChoices):
    FULL = "full", _("Vollständiges Konzept")
    SHORT = "short", _("Kurzform (drei Entwicklungsziele)")


class AdoptionBody(models.TextChoices):
    GESAMTKONFERENZ = "gesamtkonferenz", _("Gesamtkonferenz")
    SCHULKONFERENZ = "schulkonferenz", _("Schulkonferenz")
    SCHULLEITUNG = "schulleitung", _("Schulleitung")
    OTHER = "other", _("Sonstiges Gremium")


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    BOOKED = "booked", _("gebucht")
    DONE = "done", _("durchgeführt")
    CANCELLED = "cancelled", _("abgesagt")


class Priority(models.IntegerChoices):
    HIGH = 1, _("hoch")
    MEDIUM = 2, _("mittel")
    LOW = 3, _("niedrig")


class TargetGroup(models.TextChoices):
    ALL_STAFF = "all", _("gesamtes Kollegium")
    SUBJECT = "subject", _("Fachschaft")
    COORDINATORS = "coordinators", _("Medien-/IT-Koordination")
    LEADERSHIP = "leadership", _("Schulleitung")
    NEW_STAFF = "new", _("neue Lehrkräfte")
    OTHER = "other", _("Sonstige")


@dataclass(frozen=True)
class Section:
    """One section of the state guide: key, number, title and what belongs there."""

    key: str
    number: int
    title: str
    guidance: str
    #: the section is backed by rows as well as text (goals, training entries, needs)
    data: str | None = None


SECTIONS: tuple[Section, ...] = (
    Section(
        "goals",
        1,
        _("Zielstellung der Schule"),
        _(
            "Leitbild und Ziele der Schule für die Bildung in der digitalen Welt: Was sollen "
            "Schülerinnen und Schüler am Ende ihrer Schulzeit können? Welche Schwerpunkte setzt "
            "die Schule in den nächsten Jahren?"
        ),
    ),
    Section(
        "competences",
        2,
        _("Medienkompetenzentwicklung"),
        _(
            "Wie die Schule die sechs Kompetenzbereiche der KMK-Strategie "
            "„Bildung in der digitalen "
            "Welt“ über die Jahrgänge und Fächer hinweg abdeckt. Die Kompetenzziele werden als "
            "Einträge erfasst; die Matrix zeigt Abdeckung und Lücken."
        ),
        data="goals",
    ),
    Section(
        "current_state",
        3,
        _("Ist-Zustand"),
        _(
            "Vorhandene Ausstattung (aus dem Inventar übernommen), Netz und WLAN, Nutzung im "
            "Unterricht, vorhandene Kompetenzen im Kollegium. Ergänzen Sie die Zahlen um eine "
            "Einschätzung."
        ),
    ),
    Section(
        "organisation",
        4,
        _("Organisationsentwicklung"),
        _(
            "Verantwortlichkeiten (Medienbeauftragte, Steuergruppe), Kommunikationswege, "
            "Regelungen zur Nutzung von Geräten und Plattformen, Datenschutz."
        ),
    ),
    Section(
        "teaching",
        5,
        _("Unterrichtsentwicklung"),
        _(
            "Welche Fächer und Jahrgänge welche digitalen Medien und Werkzeuge nutzen, "
            "Unterrichtsbeispiele, schulinterne Curricula."
        ),
    ),
    Section(
        "training",
        6,
        _("Fortbildungskonzept"),
        _(
            "Fortbildungsbedarf des Kollegiums und die geplanten Fortbildungen; die einzelnen "
            "Maßnahmen werden als Einträge der Fortbildungsplanung erfasst."
        ),
        data="training",
    ),
    Section(
        "participation",
        7,
        _("Beteiligungsstrukturen"),
        _(
            "Wie Kollegium, Schülerinnen und Schüler sowie Eltern an der Erarbeitung und "
            "Fortschreibung beteiligt werden (Konferenzen, Schülervertretung, Elternrat)."
        ),
    ),
    Section(
        "equipment",
        8,
        _("Benötigte Ausstattung"),
        _(
            "Welche Ausstattung für die Ziele gebraucht wird – pädagogisch begründet "
            "(„Technik folgt Pädagogik“). Die einzelnen Bedarfe werden als Einträge mit Kategorie, "
            "Menge, Schätzpreis und den Zielen, denen sie dienen, erfasst."
        ),
        data="needs",
    ),
    Section(
        "operation",
        9,
        _("Betriebs- und Servicekonzept"),
        _(
            "Wer betreibt und wartet die Technik (Schulträger, IT-Dienstleister), "
            "Geräteverwaltung (MDM), Support-Wege und Reaktionszeiten."
        ),
    ),
    Section(
        "summary",
        10,
        _("Zusammenfassung und Maßnahmenplan"),
        _(
            "Die wichtigsten Ziele und Maßnahmen mit Zeitplan und Verantwortlichen; Termin der "
            "nächsten Fortschreibung."
        ),
    ),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
SECTION_KEYS = tuple(s.key for s in SECTIONS)

#: year groups (Jahrgangsstufen) covered by the competence matrix
YEAR_GROUPS = tuple(range(1, 14))

#: the six KMK competence areas (number, German name, short description)
KMK_AREAS = [
    (
        1,
        "Suchen, Verarbeiten und Aufbewahren",
        "Suchen und Filtern, Auswerten und Bewerten, Speichern und Abrufen von Informationen.",
    ),
    (
        2,
        "Kommunizieren und Kooperieren",
        "Interagieren, Teilen, Zusammenarbeiten, Umgangsregeln kennen (Netiquette), an der "
        "Gesellschaft aktiv teilhaben.",
    ),
    (
        3,
        "Produzieren und Präsentieren",
        "Entwickeln und Produzieren, Weiterverarbeiten und Integrieren, rechtliche Vorgaben "
        "beachten.",
    ),
    (
        4,
        "Schützen und sicher Agieren",
        "Sicher in digitalen Umgebungen agieren, persönliche Daten und Privatsphäre schützen, "
        "Gesundheit schützen, Natur und Umwelt schützen.",
    ),
    (
        5,
        "Problemlösen und Handeln",
        "Technische Probleme lösen, Werkzeuge bedarfsgerecht einsetzen, eigene Defizite "
        "ermitteln, digitale Werkzeuge zum Lernen nutzen, algorithmische Strukturen erkennen.",
    ),
    (
        6,
        "Analysieren und Reflektieren",
        "Medien analysieren und bewerten, Medien in der digitalen Welt verstehen und reflektieren.",
    ),
]
