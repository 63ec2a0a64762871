"""Status changes are atomic: two concurrent submissions or approvals — one wins.

Runs with real concurrent transactions on PostgreSQL (row locks via select_for_update).
SQLite serialises writers for the whole database, so it cannot show the race.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from core.models import StatusChange
from core.tenancy import access_for
from funding import services
from funding.models import Application, Decision

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises "
        "writers, so concurrent transactions cannot race there",
    ),
]


def _race(func, n=2):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        from django.db import connections

        try:
            with scopes_disabled():
                barrier.wait()
                func()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_double_submission_impossible(world, draft):
    staff = world.user("board_staff")

    def submit():
        services.application_submit(
            actor=staff, access=access_for(staff), application=Application.objects.get(pk=draft.pk)
        )

    outcomes = _race(submit)
    assert outcomes.count("ok") == 1, outcomes
    assert StatusChange.objects.filter(application=draft, action="submit").count() == 1


def test_double_approval_impossible(world, draft, reviewer2):
    staff, reviewer = world.user("board_staff"), world.user("reviewer")
    services.application_submit(actor=staff, access=access_for(staff), application=draft)
    services.application_forward(actor=reviewer, access=access_for(reviewer), application=draft)

    def approve():
        services.decision_make(
            actor=reviewer2,
            access=access_for(reviewer2),
            application=Application.objects.get(pk=draft.pk),
            kind="full",
            date=dt.date(2026, 11, 24),
        )

    outcomes = _race(approve)
    assert outcomes.count("ok") == 1, outcomes
    assert Decision.objects.filter(application=draft).count() == 1
