"""Scheduled jobs of funding."""

from datetime import timedelta

from django_scopes import scopes_disabled

from core.scheduler import scheduled
from funding.models import Programme
from funding.services import rulesets_take_effect


@scheduled("funding_rulesets_take_effect", every=timedelta(hours=1))
def rulesets_take_effect_today() -> str:
    """Rule-set versions take effect on their date: switch open drafts (and, if the
    version says so, submitted applications) of every programme. Idempotent."""
    with scopes_disabled():
        switched = sum(
            len(rulesets_take_effect(programme=programme)) for programme in Programme.objects.all()
        )
    return f"{switched} application(s) switched to the rule-set version in effect"
