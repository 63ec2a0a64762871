"""The one workflow engine (core.workflow): table, permission, reason rule, log, hooks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import ScopeError
from django_scopes.state import state

from core import workflow as engine
from core.models import STATUS_REASON_MAX, StatusChange
from core.services import CHANGE_REASON_MAX
from core.tenancy import Access, access_for, board_scope
from devices.models import DefectReport, Stocktake
from devices.workflow import DEVICE
from funding.models import ApplicationSchool, ChangeRequest, PayoutRequest, ProofOfUse
from tests.devices.factories import DeviceFactory, make_loan
from tests.funding.factories import ApplicationFactory, complete_school
from tests.mediaplans.factories import TrainingFactory, concept_with_version

NOTE_300 = ("Begründung " * 30)[:300]


def board_side(world) -> Access:
    """The board admin of world.board."""
    return Access(
        user_id=world.user("board_admin").pk,
        board_roles={world.board.pk: frozenset({"board_admin"})},
    )


def state_side(world) -> Access:
    """A reviewer of the Land for every authority (content check, approval, ministry) and
    no board role: four eyes means two people of the state, DOMAIN §5a."""
    return Access(
        user_id=world.user("reviewer").pk,
        review_board_ids=frozenset({world.board.pk}),
        review_land_ids=frozenset({world.land.pk}),
        review_authorities=frozenset({"content_check", "approval", "ministry"}),
    )


def everyone(world, step=None, obj=None) -> Access:
    """The side whose permission predicate admits the step (the board's or the Land's)."""
    if step is None or obj is None:
        return board_side(world)
    for access in (board_side(world), state_side(world), cooperative_side(world)):
        if step.permission(access, obj):
            return access
    return board_side(world)


def cooperative_side(world) -> Access:
    """The cooperative's staff, with world.board as its member (joint procurement)."""
    return Access(
        user_id=world.user("cooperative_staff").pk,
        cooperative_ids=frozenset({world.cooperative.pk}),
        cooperative_board_ids=frozenset({world.board.pk}),
    )


# --- builders: one row of each model with a registered status machine ------------------------
def _device(world):
    return DeviceFactory(school=world.school, room=world.room)


def _loan(world):
    return make_loan(world)


def _defect(world):
    device = DeviceFactory(school=world.school)
    return DefectReport.objects.create(
        school_board=world.board,
        device=device,
        kind="defect",
        description="Display gesprungen",
        reported_on=dt.date(2026, 9, 1),
    )


def _stocktake(world):
    return Stocktake.objects.create(
        school_board=world.board, school=world.school, started_on=dt.date(2026, 9, 1)
    )


def _version(world):
    """A version that may also stand in an adopted status (the database demands date and body)."""
    from mediaplans.choices import AdoptionBody

    version = concept_with_version(world.school)[1]
    version.adopted_on = dt.date(2026, 6, 1)
    version.adopted_by_body = AdoptionBody.values[0]
    version.save()
    return version


def _training(world):
    return TrainingFactory(version=_version(world))


def _application(world):
    return ApplicationFactory(school_board=world.board)


def _app_school(world):
    return complete_school(_application(world), world.school)


def _change_request(world):
    return ChangeRequest.objects.create(
        application=_application(world),
        school_board=world.board,
        reason="mehr Tablets",
        requested_amount=Decimal("1000.00"),
    )


def _ruleset(world):
    from tests.funding.factories import ProgrammeFactory, RuleSetFactory

    return RuleSetFactory(programme=ProgrammeFactory(land=world.land), status="draft")


def _payout(world):
    return PayoutRequest.objects.create(
        application=_application(world),
        school_board=world.board,
        number=1,
        invoiced_amount=Decimal("100.00"),
        requested_amount=Decimal("90.00"),
    )


def _proof(world):
    return ProofOfUse.objects.create(application=_application(world), school_board=world.board)


def _import_run(world):
    from imports.models import ImportRun

    return ImportRun.objects.create(
        school_board=world.board,
        kind="devices",
        file_name="geraete.csv",
        file_sha256="0" * 64,
        created_by=world.user("board_admin"),
    )


def _call_off(world):
    from tests.procurement.factories import call_off, kitu

    c = call_off(world.board, world.school, kitu(world))
    c.route = "direct"  # every predicate admits some side (ordering directly, too)
    c.save()
    return c


def _supplier_invoice(world):
    from procurement.models import SupplierInvoice
    from tests.procurement.factories import kitu

    return SupplierInvoice.objects.create(
        school_board=world.board, supplier=kitu(world).supplier, number="RE-1", date=dt.date.today()
    )


def _joint_order(world):
    from procurement.models import JointOrder
    from tests.procurement.factories import kitu

    k = kitu(world)
    return JointOrder.objects.create(
        cooperative=world.cooperative, contract=k.contract, number="SB-1"
    )


BUILDERS = {
    "procurement.call_off": _call_off,
    "procurement.invoice": _supplier_invoice,
    "procurement.joint_order": _joint_order,
    "imports.run": _import_run,
    "devices.device": _device,
    "devices.loan": _loan,
    "devices.defect_report": _defect,
    "devices.stocktake": _stocktake,
    "mediaplans.version": _version,
    "mediaplans.training": _training,
    "funding.application": _application,
    "funding.tpek": _app_school,
    "funding.change_request": _change_request,
    "funding.ruleset": _ruleset,
    "funding.payout": _payout,
    "funding.proof": _proof,
}


def _step_id(wf, t) -> str:
    return f"{wf.name}:{t.source}->{t.target}{'@' + t.via if t.via else ''}"


# sorted: the tables are built from sets, whose order differs between (xdist) processes
EVERY_TRANSITION = [
    pytest.param(wf.name, t, id=_step_id(wf, t))
    for wf, t in sorted(
        ((wf, t) for wf in engine.workflows() for t in wf.transitions),
        key=lambda pair: _step_id(*pair),
    )
]


def test_every_registered_workflow_has_a_builder():
    assert {wf.name for wf in engine.workflows()} == set(BUILDERS)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "step"), EVERY_TRANSITION)
def test_a_300_character_note_succeeds_on_every_transition(world, name, step):
    """History keeps 100 characters: the engine trims its change reason; the log keeps all."""
    wf = next(w for w in engine.workflows() if w.name == name)
    obj = BUILDERS[name](world)
    type(obj)._base_manager.filter(pk=obj.pk).update(**{wf.field: step.source})
    obj.refresh_from_db()
    access = engine.SYSTEM if step.permission is engine.system_only else everyone(world, step, obj)
    change = engine.transition(
        workflow=wf,
        obj=obj,
        to=step.target,
        actor=world.user("board_admin"),
        access=access,
        reason=NOTE_300,
        via=step.via,
    )
    obj.refresh_from_db()
    assert getattr(obj, wf.field) == step.target
    stored = StatusChange.objects.get(pk=change.pk)
    assert stored.reason == NOTE_300
    assert (stored.from_status, stored.to_status, stored.field) == (
        step.source,
        step.target,
        wf.field,
    )
    # (a joint order belongs to the cooperative, not to a board)
    assert stored.school_board_id == getattr(obj, "school_board_id", None)
    assert stored.content_object == obj
    latest = obj.history.latest()
    assert len(latest.history_change_reason) <= CHANGE_REASON_MAX
    assert latest.history_change_reason.startswith(NOTE_300[:50])


@pytest.mark.django_db
def test_adopting_a_concept_with_a_300_character_note(world):
    """The crash of issue 10: adopting with a long note was a 500 on PostgreSQL."""
    from mediaplans import workflow as mp_workflow
    from mediaplans.choices import AdoptionBody
    from tests.mediaplans.factories import fill_version

    _, version = concept_with_version(world.school)
    fill_version(version)
    admin = world.user("board_admin")
    adopted = mp_workflow.version_transition(
        actor=admin,
        access=access_for(admin),
        version=version,
        to_status="adopted",
        note=NOTE_300,
        adopted_on=timezone.localdate(),
        adopted_by_body=AdoptionBody.values[0],
    )
    assert adopted.status == "adopted"
    assert adopted.transitions.get().reason == NOTE_300


# --- the rules of the engine ------------------------------------------------------------------
@pytest.mark.django_db
def test_a_step_outside_the_table_is_refused_and_changes_nothing(world):
    device = _device(world)
    with pytest.raises(ValidationError, match="bestellt"):
        engine.transition(
            workflow=DEVICE,
            obj=device,
            to="ordered",
            actor=world.user("board_admin"),
            access=access_for(world.user("board_admin")),
        )
    device.refresh_from_db()
    assert device.status == "in_stock" and not StatusChange.objects.exists()


@pytest.mark.django_db
def test_permission_is_checked_and_there_is_no_bypass(world):
    device = _device(world)
    reviewer = world.user("reviewer")
    with pytest.raises(PermissionDenied):
        engine.transition(
            workflow=DEVICE,
            obj=device,
            to="in_repair",
            actor=reviewer,
            access=access_for(reviewer),
        )
    # a process step (via="loan") is not a user's step: refused without the process
    with pytest.raises(ValidationError):
        engine.transition(
            workflow=DEVICE,
            obj=device,
            to="on_loan",
            actor=world.user("board_admin"),
            access=access_for(world.user("board_admin")),
        )
    device.refresh_from_db()
    assert device.status == "in_stock" and not StatusChange.objects.exists()


@pytest.mark.django_db
def test_targets_lists_only_what_the_user_may_do(world):
    device = _device(world)
    admin_targets = DEVICE.targets(device, access_for(world.user("board_admin")))
    staff_targets = DEVICE.targets(device, access_for(world.user("school_staff")))
    assert "retired" in admin_targets and "on_loan" not in admin_targets
    assert "retired" not in staff_targets and "in_repair" in staff_targets
    assert DEVICE.targets(device, access_for(world.user("reviewer"))) == []


@pytest.mark.django_db
def test_required_reason_and_reason_length(world):
    from funding.workflow import APPLICATION

    app = _application(world)
    ApplicationFactory._meta.model.objects.filter(pk=app.pk).update(status="submitted")
    app.refresh_from_db()
    access = state_side(world)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            engine.transition(
                workflow=APPLICATION,
                obj=app,
                to="changes_requested",
                actor=None,
                access=access,
                reason=reason,
            )
        assert "reason" in exc.value.message_dict
    too_long = "x" * (STATUS_REASON_MAX + 1)
    with pytest.raises(ValidationError, match=str(STATUS_REASON_MAX)):
        engine.transition(
            workflow=APPLICATION,
            obj=app,
            to="forwarded",
            actor=None,
            access=access,
            reason=too_long,
        )
    engine.transition(
        workflow=APPLICATION,
        obj=app,
        to="forwarded",
        actor=None,
        access=access,
        reason="x" * STATUS_REASON_MAX,
    )
    app.refresh_from_db()
    assert app.status == "forwarded"
    assert StatusChange.objects.get().reason == "x" * STATUS_REASON_MAX


def test_a_table_may_not_declare_a_step_twice():
    rule = engine.Transition("a", "b", engine.system_only)
    with pytest.raises(ValueError, match="twice"):
        engine.Workflow(name="t", model=ApplicationSchool, transitions=[rule, rule])


@pytest.mark.django_db
def test_system_access_only_passes_system_predicates(world):
    device = _device(world)
    assert engine.system_only(engine.SYSTEM, device)
    assert not engine.system_only(access_for(world.user("board_admin")), device)
    assert not DEVICE.find("in_stock", "in_repair").permission(engine.Access(), device)


@pytest.mark.django_db
def test_the_log_is_fail_closed_and_scoped_by_board(world):
    device = _device(world)
    engine.record(device, actor=None, action="note", reason="x")
    other = DeviceFactory(school=world.other_school)
    engine.record(other, actor=None, action="note", reason="y")
    token = state.set({})  # leave the test-wide scopes_disabled()
    try:
        with board_scope([world.board.pk]):
            assert list(StatusChange.objects.values_list("reason", flat=True)) == ["x"]
            assert [c.reason for c in device.status_changes.all()] == ["x"]
            assert not other.status_changes.exists()
        with pytest.raises(ScopeError):
            list(StatusChange.objects.all())
    finally:
        state.reset(token)


# --- on-commit hooks: the one place where notifications attach ---------------------------------
@pytest.mark.django_db(transaction=True)
def test_hooks_run_after_commit_and_not_on_rollback(world):
    seen: list[tuple[str, str]] = []

    def hook(change):
        seen.append((change.from_status, change.to_status))

    engine.on_transition(hook)
    try:
        device = _device(world)
        admin = world.user("board_admin")
        with transaction.atomic():
            engine.transition(
                workflow=DEVICE, obj=device, to="in_repair", actor=admin, access=access_for(admin)
            )
            assert seen == []  # not before the commit
        assert seen == [("in_stock", "in_repair")]

        class Boom(Exception):
            pass

        with pytest.raises(Boom), transaction.atomic():
            engine.transition(
                workflow=DEVICE, obj=device, to="in_stock", actor=admin, access=access_for(admin)
            )
            raise Boom
        assert seen == [("in_stock", "in_repair")]  # rolled back: no notification
        device.refresh_from_db()
        assert device.status == "in_repair"
    finally:
        engine.remove_hook(hook)
