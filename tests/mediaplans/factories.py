"""Factories and builders for media-education concepts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from mediaplans.choices import SECTION_KEYS, ConceptStatus
from mediaplans.models import (
    CompetenceArea,
    CompetenceGoal,
    ConceptVersion,
    EquipmentNeed,
    MediaConcept,
    TrainingEntry,
)
from mediaplans.services import ensure_competence_areas

LONG_TEXT = (
    "Die Schule nutzt digitale Medien gezielt im Fachunterricht. "
    "Alle Jahrgänge arbeiten mit der Lernplattform, die Fachschaften stimmen "
    "die Nutzung ab und werten sie jährlich aus."
)


def area(number: int) -> CompetenceArea:
    ensure_competence_areas()
    return CompetenceArea.objects.get(number=number)


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaConcept

    school = None
    school_board = factory.LazyAttribute(lambda o: o.school.school_board)


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConceptVersion

    concept = None
    school_board = factory.LazyAttribute(lambda o: o.concept.school_board)
    number = factory.LazyAttribute(
        lambda o: (
            (o.concept.versions.order_by("-number").values_list("number", flat=True).first() or 0)
            + 1
        )
    )
    status = ConceptStatus.DRAFT


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceGoal

    version = None
    school_board = factory.LazyAttribute(lambda o: o.version.school_board)
    area = factory.LazyFunction(lambda: area(1))
    title = factory.Sequence(lambda n: f"Informationen recherchieren {n}")
    subject = "Deutsch"
    year_from = 5
    year_to = 6
    measure = "Recherche-Projekt mit Quellenbewertung"


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingEntry

    version = None
    school_board = factory.LazyAttribute(lambda o: o.version.school_board)
    topic = factory.Sequence(lambda n: f"Tablets im Unterricht {n}")
    teachers = 12
    period_start = dt.date(2027, 2, 1)
    period_end = dt.date(2027, 3, 31)
    provider = "LISA"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentNeed

    version = None
    school_board = factory.LazyAttribute(lambda o: o.version.school_board)
    school = factory.LazyAttribute(lambda o: o.version.concept.school)
    category = "mobile"
    description = factory.Sequence(lambda n: f"Tablet-Klassensatz {n}")
    quantity = 30
    unit_price_estimate = Decimal("399.00")
    justification = "Recherche und Produktion im Fachunterricht der Jahrgänge 5 und 6."
    priority = 1


def concept_with_version(school, *, status=ConceptStatus.DRAFT, form="full", **kwargs):
    concept = ConceptFactory(school=school)
    version = VersionFactory(concept=concept, status=status, form=form, **kwargs)
    return concept, version


def fill_version(version: ConceptVersion, *, goals: int = 1, training: int = 1, needs: int = 1):
    """Every section written (long enough to be complete) with data rows behind it."""
    version.sections = {key: f"{key}: {LONG_TEXT}" for key in SECTION_KEYS}
    version.save()
    made_goals = [GoalFactory(version=version) for _ in range(goals)]
    for _ in range(training):
        TrainingFactory(version=version)
    for _ in range(needs):
        need = NeedFactory(version=version)
        need.goals.set(made_goals[:1])
    return version


def adopted_version(school, *, adopted_on=dt.date(2025, 6, 1)):
    concept, version = concept_with_version(school)
    fill_version(version)
    version.status = ConceptStatus.ADOPTED
    version.adopted_on = adopted_on
    version.adopted_by_body = "gesamtkonferenz"
    version.save()
    return concept, version


def in_application(school, *, status="submitted"):
    """Attach the school to a funding application in `status` (reviewers read its concept)."""
    from tests.funding.factories import ApplicationFactory, complete_school

    application = ApplicationFactory(school_board=school.school_board, status=status)
    complete_school(application, school)
    return application
