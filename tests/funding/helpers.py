"""Builders for tests after approval: an approved application with its decision, quickly.

The procedure up to approval is tested in test_services/test_authorities; tests of what
follows an approval (change requests, invoices, payouts) start from its result.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from core.money import ZERO
from funding import rules
from funding.models import Budget, Decision
from tests.factories import UserFactory
from tests.funding.factories import ApplicationFactory, CostLineFactory, complete_school

#: (category, description, quantity, unit price net)
STANDARD_LINES = (
    ("wlan", "Access Point", D("10"), D("300.00")),  # 3,570.00 gross
    ("mobile", "Tablet 10 Zoll", D("20"), D("336.13")),  # 7,999.89 gross
    ("display", "Interaktives Display", D("2"), D("1000.00")),  # 2,380.00 gross
)


def approved_application(programme, board, school, *, lines=STANDARD_LINES, budget=D("1000000")):
    """An approved application of `board` in `programme`: lines approved in full, the
    decision (Zuwendungsbescheid) in force, and the board's budget."""
    Budget.objects.get_or_create(
        school_board=board, programme=programme, defaults={"amount": budget}
    )
    ruleset = programme.current_ruleset()
    app = ApplicationFactory(
        school_board=board,
        programme=programme,
        ruleset=ruleset,
        status="approved",
        submitted_at=timezone.now(),
    )
    complete_school(app, school)
    eligible = ZERO
    for position, (category, description, quantity, price) in enumerate(lines, start=1):
        line = CostLineFactory(
            application=app,
            school=school,
            position=position,
            category=category,
            description=description,
            quantity=quantity,
            unit_price_net=price,
        )
        line.approved_amount = line.amounts.gross
        line.save()
        eligible += line.approved_amount
    funding, _own = rules.funding_split(eligible, ruleset.params())
    Decision.objects.create(
        application=app,
        school_board=board,
        kind="full",
        number=f"ZB-TEST-{app.pk}",
        date=dt.date.today(),
        approved_amount=funding,
        eligible_amount=eligible,
        rate=ruleset.funding_rate,
        decided_by=UserFactory(),
    )
    return app
