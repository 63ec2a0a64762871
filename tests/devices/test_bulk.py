"""Bulk actions on devices: each device on its own (permission, tenancy, workflow), a
summary per device, one history entry per changed device, large selections as a job."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from core.models import Job, StatusChange
from devices import bulk
from devices.choices import DeviceStatus
from devices.models import Device, StocktakeEntry
from tests.devices.factories import DeviceFactory
from tests.factories import RoomFactory, SchoolFactory, SiteFactory
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
scoped = as_actor(bulk)
S = DeviceStatus


def _access(user):
    from core.tenancy import access_for

    return access_for(user)


def _run(user, action, ids, **params):
    return scoped.devices_bulk(
        actor=user, access=_access(user), action=action, ids=ids, params=params
    )


def _history_count(device) -> int:
    return Device.history.filter(id=device.pk).count()


def test_a_mix_changes_only_the_allowed_and_names_each_refusal(world):
    admin = world.user("board_admin")
    delivered = [DeviceFactory(school=world.school, status=S.DELIVERED) for _ in range(3)]
    retired = DeviceFactory(school=world.school, status=S.RETIRED, inventory_number="OLD-1")
    on_loan = DeviceFactory(school=world.school, status=S.ON_LOAN, inventory_number="LOAN-1")
    foreign = DeviceFactory(school=world.other_school, status=S.DELIVERED)
    before = {d.pk: _history_count(d) for d in delivered}
    ids = [d.pk for d in delivered] + [retired.pk, on_loan.pk, foreign.pk, 999_999]

    result = _run(admin, "status", ids, to_status=S.IN_STOCK, reason="Lieferung geprüft")

    assert len(result.done) == 3 and len(result.refused) == 4
    refused = {o.device_id: o.message for o in result.refused}
    assert "“" in refused[retired.pk]  # the table refusal names both statuses
    assert refused[on_loan.pk]  # loans come back only through a return
    assert refused[foreign.pk] == refused[999_999]  # another board's id: like no device
    assert next(o for o in result.refused if o.device_id == foreign.pk).inventory_number == ""
    for d in delivered:
        d.refresh_from_db()
        assert d.status == S.IN_STOCK
        assert _history_count(d) == before[d.pk] + 1  # one history entry per device
        assert StatusChange.objects.filter(object_id=d.pk, to_status=S.IN_STOCK).count() == 1
    foreign.refresh_from_db()
    retired.refresh_from_db()
    assert foreign.status == S.DELIVERED and retired.status == S.RETIRED
    assert not StatusChange.objects.filter(object_id=foreign.pk).exists()


def test_permission_is_checked_per_device(world):
    """School staff may put their school's devices into stock but may not retire them."""
    staff = world.user("school_staff")
    own = DeviceFactory(school=world.school, status=S.IN_USE, room=world.room)
    other_school = SchoolFactory(school_board=world.board)
    invisible = DeviceFactory(school=other_school, status=S.IN_USE)
    result = _run(staff, "status", [own.pk, invisible.pk], to_status=S.IN_STOCK)
    assert [o.device_id for o in result.done] == [own.pk]
    retire = _run(staff, "retire", [own.pk], reason="kaputt und alt")
    assert retire.refused[0].message
    own.refresh_from_db()
    invisible.refresh_from_db()
    assert own.status == S.IN_STOCK and invisible.status == S.IN_USE


def test_retire_needs_a_reason_and_then_changes_nothing(world):
    admin = world.user("board_admin")
    device = DeviceFactory(school=world.school)
    with pytest.raises(bulk.ValidationError):
        _run(admin, "retire", [device.pk], reason="  ")
    device.refresh_from_db()
    assert device.status == S.IN_STOCK


def test_retire_before_the_earmarking_end_needs_a_justification_per_device(world):
    admin = world.user("board_admin")
    free = DeviceFactory(school=world.school)
    earmarked = DeviceFactory(
        school=world.school, earmarking_end=dt.date.today() + dt.timedelta(days=300)
    )
    result = _run(admin, "retire", [free.pk, earmarked.pk], reason="kaputt")  # 6 characters
    assert [o.device_id for o in result.done] == [free.pk]
    assert "29." in result.refused[0].message or "zweckgebunden" in result.refused[0].message


def test_move_to_a_school_and_room(world):
    admin = world.user("board_admin")
    target = SchoolFactory(school_board=world.board, name="Neue Schule")
    room = RoomFactory(site=SiteFactory(school=target), name="R 101")
    devices = [DeviceFactory(school=world.school) for _ in range(2)]
    result = _run(admin, "move", [d.pk for d in devices], school=target.pk, room=room.pk)
    assert len(result.done) == 2
    for d in devices:
        d.refresh_from_db()
        assert d.school == target and d.room == room


@pytest.mark.parametrize("school_of_room", ["own", "other_board"])
def test_move_refuses_a_room_of_another_school_before_touching_anything(world, school_of_room):
    admin = world.user("board_admin")
    device = DeviceFactory(school=world.school)
    target = SchoolFactory(school_board=world.board)
    room = world.room if school_of_room == "own" else world.other_room
    with pytest.raises(bulk.ValidationError):
        _run(admin, "move", [device.pk], school=target.pk, room=room.pk)
    device.refresh_from_db()
    assert device.school == world.school


def test_move_to_another_boards_school_is_refused(world):
    admin = world.user("board_admin")
    device = DeviceFactory(school=world.school)
    with pytest.raises(bulk.ValidationError):
        _run(admin, "move", [device.pk], school=world.other_school.pk)
    device.refresh_from_db()
    assert device.school == world.school


def test_assign_to_a_cost_line(world):
    from tests.funding.factories import ApplicationFactory, CostLineFactory

    admin = world.user("board_admin")
    line = CostLineFactory(
        application=ApplicationFactory(school_board=world.board), school=world.school
    )
    devices = [DeviceFactory(school=world.school) for _ in range(2)]
    result = _run(admin, "cost_line", [d.pk for d in devices], cost_line=line.pk)
    assert len(result.done) == 2
    assert Device.objects.filter(cost_line=line).count() == 2


def test_add_to_a_stocktake_counts_each_device_once(world):
    from devices import services

    admin = world.user("board_admin")
    stocktake = as_actor(services).stocktake_start(actor=admin, school=world.school)
    own = [DeviceFactory(school=world.school) for _ in range(2)]
    elsewhere = DeviceFactory(school=SchoolFactory(school_board=world.board))
    result = _run(admin, "stocktake", [*(d.pk for d in own), elsewhere.pk], stocktake=stocktake.pk)
    assert len(result.done) == 2 and result.refused[0].device_id == elsewhere.pk
    again = _run(admin, "stocktake", [own[0].pk], stocktake=stocktake.pk)
    assert again.refused and StocktakeEntry.objects.count() == 2


@pytest.mark.parametrize("raw", [[], ["x"], [None]])
def test_bad_selections_are_refused(world, raw):
    with pytest.raises(bulk.ValidationError):
        _run(world.user("board_admin"), "status", raw, to_status=S.IN_STOCK)


def test_the_web_flow_form_confirmation_and_summary(world, client_for):
    admin = world.user("board_admin")
    devices = [DeviceFactory(school=world.school, status=S.DELIVERED) for _ in range(2)]
    foreign = DeviceFactory(school=world.other_school, status=S.DELIVERED)
    client = client_for(admin)
    ids = [d.pk for d in devices] + [foreign.pk]
    step1 = client.post(reverse("devices:device-bulk"), {"action": "status", "ids": ids})
    assert step1.status_code == 200 and "to_status" in step1.content.decode()
    step2 = client.post(
        reverse("devices:device-bulk"),
        {"action": "status", "ids": ids, "confirm": "1", "to_status": S.IN_STOCK},
    )
    assert step2.status_code == 200
    assert len(step2.context["done"]) == 2 and len(step2.context["refused"]) == 1
    foreign.refresh_from_db()
    assert foreign.status == S.DELIVERED


def test_all_that_match_the_filter_with_5000_devices_runs_as_a_job(world, client_for, run_jobs):
    """A delivered batch of 5,000 goes into stock through the workflow, as a job."""
    from core.workflow import record_initial

    admin = world.user("board_admin")
    batch = Device.objects.bulk_create(
        DeviceFactory.build(
            school=world.school,
            school_board=world.board,
            status=S.DELIVERED,
            pool="BATCH",
            inventory_number=f"B-{i:05d}",
            serial_number=f"BS{i:06d}",
        )
        for i in range(5000)
    )
    record_initial(batch, actor=admin)
    DeviceFactory(school=world.other_school, status=S.DELIVERED, pool="BATCH")
    client = client_for(admin)
    with run_jobs():
        response = client.post(
            reverse("devices:device-bulk"),
            {
                "action": "status",
                "match_filter": "1",
                "query": "pool=BATCH&status=delivered",
                "confirm": "1",
                "to_status": S.IN_STOCK,
            },
        )
    assert response.status_code == 302
    job = Job.objects.get(kind="devices.bulk")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["done"] == 5000 and job.result["refused"] == 0
    assert Device.objects.filter(pool="BATCH", status=S.IN_STOCK).count() == 5000
    assert Device.objects.filter(school_board=world.other_board, status=S.DELIVERED).count() == 1
    summary = client.get(reverse("devices:device-bulk-result", args=[job.pk]))
    assert len(summary.context["done"]) == 5000
    other = client_for(world.user("board_staff"))
    assert other.get(reverse("devices:device-bulk-result", args=[job.pk])).status_code == 404


def test_the_api_action_with_ids_and_with_a_filter(world, api_client_for):
    admin = world.user("board_admin")
    devices = [DeviceFactory(school=world.school, status=S.DELIVERED, pool="P") for _ in range(2)]
    foreign = DeviceFactory(school=world.other_school, status=S.DELIVERED, pool="P")
    api = api_client_for(admin)
    response = api.post(
        "/api/v1/devices/bulk/",
        {"action": "status", "ids": [devices[0].pk, foreign.pk], "to_status": S.IN_STOCK},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["done"] == 1 and response.json()["refused"] == 1
    response = api.post(
        "/api/v1/devices/bulk/",
        {"action": "retire", "filter": {"pool": "P"}, "reason": "Altgeräte"},
        format="json",
    )
    assert response.json()["done"] == 2  # devices[0] in stock, devices[1] delivered
    foreign.refresh_from_db()
    assert foreign.status == S.DELIVERED
    bad = api.post(
        "/api/v1/devices/bulk/", {"action": "retire", "ids": [devices[1].pk]}, format="json"
    )
    assert bad.status_code == 400


@override_settings(BULK_INLINE_MAX=1)
def test_the_api_starts_a_job_above_the_threshold(world, api_client_for, run_jobs):
    admin = world.user("board_admin")
    devices = [DeviceFactory(school=world.school, status=S.DELIVERED) for _ in range(2)]
    with run_jobs():
        response = api_client_for(admin).post(
            "/api/v1/devices/bulk/",
            {"action": "status", "ids": [d.pk for d in devices], "to_status": S.IN_STOCK},
            format="json",
        )
    assert response.status_code == 202 and response.json()["job_url"]
    assert Device.objects.filter(status=S.IN_STOCK).count() == 2
