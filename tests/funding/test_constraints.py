"""Amounts cannot be negative: a clear form message first, the database as the backstop."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funding.models import RuleSet
from tests.funding.factories import RuleSetFactory

pytestmark = pytest.mark.django_db

AMOUNTS = [
    "mobile_cap_percent",
    "mobile_cap_per_school",
    "direct_purchase_limit",
    "inventory_threshold",
    "plan_tolerance_percent",
]


@pytest.mark.parametrize("name", AMOUNTS)
def test_rule_set_amounts_below_zero_are_refused_at_zero_accepted(name):
    ruleset = RuleSetFactory()
    setattr(ruleset, name, Decimal("-0.01"))
    with pytest.raises(ValidationError) as exc:
        ruleset.full_clean()
    assert name in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.filter(pk=ruleset.pk).update(**{name: Decimal("-0.01")})
    RuleSet.objects.filter(pk=ruleset.pk).update(**{name: Decimal("0")})  # at zero: fine
    RuleSet.objects.filter(pk=ruleset.pk).update(**{name: Decimal("0.01")})  # above
    ruleset.refresh_from_db()
    assert getattr(ruleset, name) == Decimal("0.01")
