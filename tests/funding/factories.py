"""Factories for funding: a programme with its rule set, budgets, applications, lines."""

import datetime as dt
from decimal import Decimal

import factory

from funding.models import (
    Application,
    ApplicationSchool,
    Budget,
    CatalogueItem,
    CostLine,
    Programme,
    RuleSet,
)
from tests.factories import LandFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = "dps-st"
    name = "DigitalPakt Schule 2019–2024 (Sachsen-Anhalt)"
    land = factory.SubFactory(LandFactory)
    legal_basis = "Richtlinie DigitalPakt Schule, RdErl. des MB vom 17.9.2019"


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet
        django_get_or_create = ("programme", "number")

    programme = factory.SubFactory(ProgrammeFactory)
    number = 1
    funding_rate = Decimal("0.9000")
    own_share_rate = Decimal("0.1000")
    per_pupil_amount = Decimal("507.00")
    application_opens = dt.date(2019, 10, 1)
    application_deadline = dt.date(2030, 12, 31)
    eligible_from = dt.date(2019, 5, 17)
    eligible_until = dt.date(2030, 12, 31)


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    programme = factory.SubFactory(ProgrammeFactory)
    amount = Decimal("1000000.00")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    programme = factory.SubFactory(ProgrammeFactory)
    ruleset = factory.LazyAttribute(lambda o: RuleSetFactory(programme=o.programme))
    number = factory.Sequence(lambda n: f"FA-2026-{n + 1:04d}")
    title = "Digitale Ausstattung"
    planned_start = dt.date(2026, 1, 1)
    planned_end = dt.date(2026, 12, 31)
    operator = "Kommunales IT-Dienstleistungszentrum"
    support_scope = "Vor-Ort-Support, Hotline"
    decl_procurement = True
    decl_no_double_funding = True
    decl_operation_secured = True


def complete_school(application, school, **kwargs):
    data = {
        "current_equipment": "12 Beamer, 1 Computerraum",
        "planned_equipment": "Tablets und WLAN",
        "pedagogical_reason": "Kollaboratives Arbeiten",
        "competence_areas": "2 Kommunizieren und Kooperieren, Deutsch, Kl. 5–10",
        "training_plan": "Schulinterne Fortbildung Tablets",
        "infrastructure_current": "LAN im Haus A",
        "infrastructure_planned": "WLAN überall",
    }
    data.update(kwargs)
    return ApplicationSchool.objects.create(
        application=application, school=school, school_board=application.school_board, **data
    )


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostLine

    application = factory.SubFactory(ApplicationFactory)
    school_board = factory.LazyAttribute(lambda o: o.application.school_board)
    position = factory.Sequence(lambda n: n + 1)
    category = "wlan"
    description = "Access Point"
    quantity = Decimal("10")
    unit_price_net = Decimal("300.00")
    vat_rate = Decimal("19")
    procurement_route = "direct"
    planned_start = dt.date(2026, 2, 1)
    planned_end = dt.date(2026, 6, 30)
    justification = "WLAN für alle Unterrichtsräume"


class CatalogueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueItem

    contract_reference = "KITU-RV-2024-01"
    item_number = factory.Sequence(lambda n: f"A-{n:04d}")
    name = "Tablet 10 Zoll, 64 GB"
    category = "mobile"
    unit_price_net = Decimal("336.13")
    vat_rate = Decimal("19")
