import datetime as dt
from decimal import Decimal

import pytest

from funding.models import Budget
from tests.factories import user_with_role
from tests.funding.factories import (
    ApplicationFactory,
    CostLineFactory,
    ProgrammeFactory,
    RuleSetFactory,
    complete_school,
)


@pytest.fixture
def programme(world):
    programme = ProgrammeFactory(land=world.land)
    RuleSetFactory(programme=programme)
    return programme


@pytest.fixture
def budget(world, programme):
    return Budget.objects.create(
        school_board=world.board, programme=programme, amount=Decimal("1000000.00")
    )


@pytest.fixture
def draft(world, programme, budget):
    """A complete, error-free draft of board A: WLAN + tablets at the world's school."""
    app = ApplicationFactory(
        school_board=world.board, programme=programme, ruleset=programme.current_ruleset()
    )
    complete_school(app, world.school)
    CostLineFactory(application=app, school=world.school, position=1)
    CostLineFactory(
        application=app,
        school=world.school,
        position=2,
        category="mobile",
        description="Tablet 10 Zoll",
        quantity=Decimal("20"),
        unit_price_net=Decimal("336.13"),
    )
    return app


@pytest.fixture
def reviewer2(world):
    return user_with_role("reviewer", world.land, "land_reviewer2")


@pytest.fixture
def today():
    return dt.date.today()
