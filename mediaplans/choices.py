"""Statuses, kinds and the state guide's section structure (LISA, Nov 2019)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingCategory(models.TextChoices):
    """Fördergegenstände (VV § 3) plus the supplementary programmes' categories."""

    LAN = "lan", _("Networking (Vernetzung)")
    WLAN = "wlan", _("School WLAN")
    PLATFORM = "platform", _("Digital teaching and learning infrastructure")
    DISPLAY = "display", _("Display and interaction devices")
    WORK_DEVICE = "work_device", _("Digital work devices")
    MOBILE = "mobile", _("School-bound mobile devices")
    ACCOMPANYING = "accompanying", _("Accompanying measure")
    REGIONAL = "regional", _("Regional/state-wide measure")
    LOAN_PUPIL = "loan_pupil", _("Loan devices for pupils")
    LOAN_TEACHER = "loan_teacher", _("Loan devices for teachers")
    ADMIN_STAFF = "admin_staff", _("IT administration: staff")
    ADMIN_SERVICE = "admin_service", _("IT administration: services")
    ADMIN_TRAINING = "admin_training", _("IT administration: training")


class ConceptStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("In consultation")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


#: versions that are (or were) adopted: frozen, readable by reviewers
FROZEN_STATUSES = frozenset({ConceptStatus.ADOPTED, ConceptStatus.SUPERSEDED})
OPEN_STATUSES = frozenset({ConceptStatus.DRAFT, ConceptStatus.CONSULTATION})


class ConceptForm(models.TextChoices):
    FULL = "full", _("Full concept")
    SHORT = "short", _("Short form (three development goals)")


class AdoptionBody(models.TextChoices):
    GESAMTKONFERENZ = "gesamtkonferenz", _("Gesamtkonferenz")
    SCHULKONFERENZ = "schulkonferenz", _("Schulkonferenz")
    SCHULLEITUNG = "schulleitung", _("School management")
    OTHER = "other", _("Other body")


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    BOOKED = "booked", _("booked")
    DONE = "done", _("held")
    CANCELLED = "cancelled", _("called off")


class Priority(models.IntegerChoices):
    HIGH = 1, _("high")
    MEDIUM = 2, _("medium")
    LOW = 3, _("low")


class TargetGroup(models.TextChoices):
    ALL_STAFF = "all", _("whole staff")
    SUBJECT = "subject", _("Subject department")
    COORDINATORS = "coordinators", _("Media/IT coordination")
    LEADERSHIP = "leadership", _("School management")
    NEW_STAFF = "new", _("new teachers")
    OTHER = "other", _("Other")


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
        _("The school's goals"),
        _(
            "The school's mission and goals for education in the digital world: what should "
            "pupils be able to do at the end of their school years? Which priorities does the "
            "school set for the coming years?"
        ),
    ),
    Section(
        "competences",
        2,
        _("Developing media competence"),
        _(
            "How the school covers the six competence areas of the KMK strategy “Education in "
            "the digital world” across year groups and subjects. The competence goals are "
            "recorded as entries; the matrix shows coverage and gaps."
        ),
        data="goals",
    ),
    Section(
        "current_state",
        3,
        _("Current state"),
        _(
            "Existing equipment (taken from the inventory), network and WLAN, use in lessons, "
            "the staff's existing skills. Add an assessment to the figures."
        ),
    ),
    Section(
        "organisation",
        4,
        _("Organisational development"),
        _(
            "Responsibilities (media coordinators, steering group), communication channels, "
            "rules for using devices and platforms, data protection."
        ),
    ),
    Section(
        "teaching",
        5,
        _("Teaching development"),
        _(
            "Which subjects and year groups use which digital media and tools, lesson examples, "
            "the school's own curricula."
        ),
    ),
    Section(
        "training",
        6,
        _("Training concept"),
        _(
            "The staff's training needs and the planned training; each measure is recorded as an "
            "entry of the training plan."
        ),
        data="training",
    ),
    Section(
        "participation",
        7,
        _("Participation structures"),
        _(
            "How staff, pupils and parents take part in writing and updating the concept "
            "(conferences, pupil council, parents' council)."
        ),
    ),
    Section(
        "equipment",
        8,
        _("Equipment needed"),
        _(
            "Which equipment the goals need – with a pedagogical reason (“technology follows "
            "pedagogy”). Each need is recorded as an entry with category, quantity, estimated "
            "price and the goals it serves."
        ),
        data="needs",
    ),
    Section(
        "operation",
        9,
        _("Operation and service concept"),
        _(
            "Who runs and maintains the technology (Schulträger, IT service provider), device "
            "management (MDM), support channels and response times."
        ),
    ),
    Section(
        "summary",
        10,
        _("Summary and action plan"),
        _("The main goals and measures with schedule and owners; date of the next update."),
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
