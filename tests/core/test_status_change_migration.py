"""The data migration of the three old transition logs into core.StatusChange.

A database seeded before the migration (old log rows of devices, concept versions and
applications) is migrated forward; every entry must arrive with its fields.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.models import StatusChange
from tests.devices.factories import DeviceFactory
from tests.funding.factories import ApplicationFactory
from tests.mediaplans.factories import concept_with_version

BEFORE = [
    ("core", "0002_status_change"),
    ("devices", "0003_loan_pupil_left"),
    ("mediaplans", "0002_competence_areas"),
    ("funding", "0002_ruleset_proof_late_budget_pupil_counts"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_old_log_entries_are_copied_with_every_field(world):
    admin = world.user("board_admin")
    device = DeviceFactory(school=world.school)
    _concept, version = concept_with_version(world.school)
    application = ApplicationFactory(school_board=world.board)
    when = timezone.make_aware(dt.datetime(2025, 3, 4, 10, 30))

    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    long_reason = "R" * 1500
    old.get_model("devices", "DeviceStatusChange").objects.create(
        school_board_id=world.board.pk,
        device_id=device.pk,
        from_status="in_stock",
        to_status="retired",
        actor_id=admin.pk,
        reason=long_reason,
        flagged=True,
    )
    old.get_model("devices", "DeviceStatusChange").objects.create(
        school_board_id=world.board.pk, device_id=device.pk, from_status="", to_status="in_stock"
    )
    transition = old.get_model("mediaplans", "ConceptTransition").objects.create(
        school_board_id=world.board.pk,
        version_id=version.pk,
        from_status="draft",
        to_status="consultation",
        actor_id=admin.pk,
        note="Zur Beratung",
    )
    old.get_model("mediaplans", "ConceptTransition").objects.filter(pk=transition.pk).update(
        created_at=when
    )
    snapshot = {"lines": {"1": {"gross": "400.00"}}, "totals": {"funding": "360.00"}}
    old.get_model("funding", "ApplicationEvent").objects.create(
        school_board_id=world.board.pk,
        application_id=application.pk,
        actor_id=admin.pk,
        action="submit",
        from_status="draft",
        to_status="submitted",
        reason="eingereicht",
        snapshot=snapshot,
    )
    old.get_model("funding", "ApplicationEvent").objects.create(
        school_board_id=world.board.pk,
        application_id=application.pk,
        action="change_request",
        from_status="approved",
        to_status="approved",
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert StatusChange.objects.count() == 5
    ct = ContentType.objects.get_for_model
    flagged, created = StatusChange.objects.filter(content_type=ct(type(device))).order_by("id")
    assert (flagged.object_id, flagged.from_status, flagged.to_status) == (
        device.pk,
        "in_stock",
        "retired",
    )
    assert flagged.reason == long_reason and flagged.flagged and flagged.actor_id == admin.pk
    assert flagged.school_board_id == world.board.pk and flagged.school_id == world.school.pk
    assert (created.from_status, created.to_status, created.flagged) == ("", "in_stock", False)
    assert created.action == "create"

    moved = StatusChange.objects.get(content_type=ct(type(version)))
    assert (moved.object_id, moved.from_status, moved.to_status) == (
        version.pk,
        "draft",
        "consultation",
    )
    assert moved.reason == "Zur Beratung" and moved.created_at == when
    assert moved.school_id == world.school.pk

    submit, change = StatusChange.objects.filter(content_type=ct(type(application))).order_by("id")
    assert (submit.action, submit.from_status, submit.to_status) == ("submit", "draft", "submitted")
    assert submit.snapshot == snapshot and submit.reason == "eingereicht"
    assert (change.action, change.from_status, change.to_status) == (
        "change_request",
        "approved",
        "approved",
    )
    assert change.data == {} and change.actor_id is None and change.school_id is None
    # the readers see the moved entries through the objects' relations
    assert [e.action for e in application.events.order_by("id")] == ["submit", "change_request"]
    assert device.status_changes.count() == 2 and version.transitions.count() == 1
