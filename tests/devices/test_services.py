"""Rules of the device inventory, through the services (no HTTP)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import StatusChange
from devices import services as devices_services
from devices import workflow as devices_workflow
from devices.choices import FUNDING_CATEGORY_BY_DEVICE_CATEGORY, DeviceCategory, DeviceStatus
from devices.models import (
    DefectReport,
    Delivery,
    Device,
    Loan,
    LoanItem,
    PrivacyLog,
)
from devices.workflow import TRANSITIONS
from funding.choices import FundingCategory
from tests.devices.factories import PUPIL, AccessoryFactory, DeviceFactory, make_loan
from tests.factories import RoomFactory, SchoolFactory
from tests.scoping import as_actor, in_actor_scope

pytestmark = pytest.mark.django_db
# The code under test runs in its actor's real tenancy scope, as behind a view.
services = as_actor(devices_services)
device_transition = in_actor_scope(devices_workflow.device_transition)
# Retention runs over all boards, unscoped, exactly as devices/jobs.py and the command call it.
unscoped_system_job = devices_services.anonymise_expired_loans
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def test_every_category_maps_to_a_funding_category():
    assert set(FUNDING_CATEGORY_BY_DEVICE_CATEGORY) == set(DeviceCategory.values)
    assert set(FUNDING_CATEGORY_BY_DEVICE_CATEGORY.values()) <= set(FundingCategory.values)
    assert FUNDING_CATEGORY_BY_DEVICE_CATEGORY["tablet"] == "mobile"
    assert FUNDING_CATEGORY_BY_DEVICE_CATEGORY["access_point"] == "wlan"
    assert FUNDING_CATEGORY_BY_DEVICE_CATEGORY["server"] == "lan"
    assert FUNDING_CATEGORY_BY_DEVICE_CATEGORY["projector"] == "display"


# --- devices ----------------------------------------------------------------------------


def test_device_create_logs_status_and_takes_category_from_model(world):
    from tests.devices.factories import DeviceModelFactory

    model = DeviceModelFactory(school_board=world.board, category="notebook")
    device = services.device_create(
        actor=world.user("board_admin"),
        board=world.board,
        data={
            "inventory_number": " HZ-1 ",
            "serial_number": "ABC",
            "model": model,
            "school": world.school,
        },
    )
    assert device.inventory_number == "HZ-1"
    assert device.category == "notebook" and device.price_gross == Decimal("400.00")
    assert device.status_changes.get().to_status == "in_stock"


def test_duplicate_inventory_and_serial_number_in_board_refused(world):
    DeviceFactory(school=world.school, inventory_number="HZ-1", serial_number="SER-1")
    before = Device.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.device_create(
            actor=world.user("board_admin"),
            board=world.board,
            data={
                "inventory_number": "HZ-1",
                "serial_number": "SER-1",
                "category": "tablet",
                "school": world.school,
            },
        )
    assert "inventory_number" in exc.value.message_dict
    assert "serial_number" in exc.value.message_dict
    assert Device.objects.count() == before


def test_same_numbers_allowed_in_another_board_and_blank_serials_repeat(world):
    DeviceFactory(school=world.school, inventory_number="HZ-1", serial_number="SER-1")
    DeviceFactory(school=world.other_school, inventory_number="HZ-1", serial_number="SER-1")
    DeviceFactory(school=world.school, serial_number="")
    DeviceFactory(school=world.school, serial_number="")
    assert Device.objects.filter(serial_number="").count() == 2


def test_database_enforces_unique_serial_per_board(world):
    DeviceFactory(school=world.school, serial_number="X1")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceFactory(school=world.school, serial_number="X1")


def test_room_of_another_school_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.device_create(
            actor=world.user("board_admin"),
            board=world.board,
            data={
                "inventory_number": "A",
                "category": "tablet",
                "school": world.school,
                "room": world.other_room,
            },
        )
    assert "room" in exc.value.message_dict


# --- transitions ------------------------------------------------------------------------


def test_every_status_has_a_row_and_retired_is_final():
    assert set(TRANSITIONS) == set(DeviceStatus.values)
    assert TRANSITIONS["retired"] == set()


def test_transition_logs_who_when_why(world):
    device = DeviceFactory(school=world.school)
    change = device_transition(
        actor=world.user("board_staff"),
        device=device,
        to_status="in_use",
        room=world.room,
        reason="Raum A1",
    )
    device.refresh_from_db()
    assert device.status == "in_use" and device.room == world.room
    assert change.actor == world.user("board_staff") and change.reason == "Raum A1"
    assert change.from_status == "in_stock"


def test_forbidden_jump_changes_nothing(world):
    device = DeviceFactory(school=world.school, status="ordered")
    with pytest.raises(ValidationError) as exc:
        device_transition(
            actor=world.user("board_admin"), device=device, to_status="in_use", room=world.room
        )
    assert "bestellt" in str(exc.value) and "im Einsatz" in str(exc.value)
    device.refresh_from_db()
    assert device.status == "ordered" and not StatusChange.objects.exists()


def test_in_use_needs_a_room(world):
    device = DeviceFactory(school=world.school)
    with pytest.raises(ValidationError) as exc:
        device_transition(actor=world.user("board_admin"), device=device, to_status="in_use")
    assert "room" in exc.value.message_dict


def test_on_loan_only_through_a_loan(world):
    device = DeviceFactory(school=world.school)
    with pytest.raises(ValidationError):
        device_transition(actor=world.user("board_admin"), device=device, to_status="on_loan")


def test_school_staff_may_not_retire(world):
    device = DeviceFactory(school=world.school)
    with pytest.raises(PermissionDenied):
        device_transition(actor=world.user("school_staff"), device=device, to_status="retired")
    device_transition(actor=world.user("school_staff"), device=device, to_status="in_repair")


@pytest.mark.parametrize("offset,needs", [(-1, False), (0, False), (1, True)])
def test_retiring_before_earmarking_end_needs_justification(world, offset, needs):
    device = DeviceFactory(school=world.school, earmarking_end=TODAY + dt.timedelta(days=offset))
    if needs:
        with pytest.raises(ValidationError) as exc:
            device_transition(
                actor=world.user("board_admin"), device=device, to_status="retired", reason="kaputt"
            )  # 6 chars: too short
        assert "reason" in exc.value.message_dict
        device.refresh_from_db()
        assert device.status == "in_stock"
        change = device_transition(
            actor=world.user("board_admin"),
            device=device,
            to_status="retired",
            reason="Totalschaden, Wasser",
        )
        assert change.flagged
        device.refresh_from_db()
        assert device.retired_early
    else:
        change = device_transition(
            actor=world.user("board_admin"), device=device, to_status="retired"
        )
        assert not change.flagged


# --- deliveries -------------------------------------------------------------------------


def test_delivery_of_300_serials_in_one_batch(world, django_assert_max_num_queries):
    lines = [(f"DMP{i:05d}", "") for i in range(300)]
    with django_assert_max_num_queries(60):
        delivery = services.delivery_register(
            actor=world.user("board_admin"),
            board=world.board,
            school=world.school,
            lines=lines,
            delivered_on=TODAY,
            category="tablet",
            inventory_prefix="HZ-26-",
            first_number=1,
            price_net=Decimal("336.13"),
            price_gross=Decimal("400.00"),
            pool="Klassensatz 7b",
            accessory_kinds=["charger", "case"],
        )
    devices = Device.objects.filter(delivery=delivery)
    assert devices.count() == 300
    assert devices.filter(inventory_number="HZ-26-00001").exists()
    assert devices.filter(inventory_number="HZ-26-00300").exists()
    assert Device.history.filter(delivery_id=delivery.pk).count() == 300
    assert StatusChange.objects.filter(device__delivery=delivery).count() == 300
    assert devices.first().accessories.count() == 2


def test_delivery_parse_lines():
    assert services.parse_serial_lines("A1\n\n B2;INV-9 \nC3\tINV-10\n") == [
        ("A1", ""),
        ("B2", "INV-9"),
        ("C3", "INV-10"),
    ]


@pytest.mark.parametrize(
    "lines,message",
    [
        ([("S1", ""), ("S1", "")], "doppelt"),
        ([("TAKEN", "")], "TAKEN"),
        ([], "mindestens eine"),
    ],
)
def test_bad_delivery_changes_nothing(world, lines, message):
    DeviceFactory(school=world.school, serial_number="TAKEN")
    before = Device.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.delivery_register(
            actor=world.user("board_admin"),
            board=world.board,
            school=world.school,
            lines=lines,
            delivered_on=TODAY,
            category="tablet",
            inventory_prefix="X-",
        )
    assert message in str(exc.value)
    assert Device.objects.count() == before and not Delivery.objects.exists()


def test_delivery_to_foreign_school_refused(world):
    with pytest.raises(ValidationError):
        services.delivery_register(
            actor=world.user("board_admin"),
            board=world.board,
            school=world.other_school,
            lines=[("A", "")],
            delivered_on=TODAY,
            category="tablet",
        )


# --- loans ------------------------------------------------------------------------------


def test_loan_lifecycle(world):
    charger = AccessoryFactory(device=DeviceFactory(school=world.school))
    loan = make_loan(world, devices=[charger.device], accessories=[charger], status="prepared")
    assert loan.status == "prepared" and loan.items.get().is_open
    services.loan_sign(
        actor=world.user("school_staff"), loan=loan, borrower_signed=True, guardian_signed=True
    )
    loan = services.loan_hand_out(actor=world.user("school_staff"), loan=loan)
    charger.device.refresh_from_db()
    assert loan.status == "handed_out" and charger.device.status == "on_loan"
    protocol = services.loan_return(
        actor=world.user("school_staff"),
        loan=loan,
        returned_on=TODAY,
        items={charger.device_id: services.ReturnItem(returned_accessory_ids={charger.pk})},
    )
    loan.refresh_from_db()
    charger.device.refresh_from_db()
    assert loan.status == "returned" and protocol.accessories_complete
    assert charger.device.status == "in_stock"
    assert not DefectReport.objects.exists()


def test_last_school_day_rule(world):
    loan = make_loan(
        world, data={"due_rule": "last_school_day", "due_date": None, "school_year": "2026/27"}
    )
    assert loan.due_date == dt.date(2027, 7, 9)


def test_minor_without_guardian_refused(world):
    device = DeviceFactory(school=world.school)
    with pytest.raises(ValidationError) as exc:
        services.loan_create(
            actor=world.user("board_admin"),
            school=world.school,
            devices=[device],
            data={**PUPIL, "guardian_name": "", "guardian_contact": ""},
        )
    assert {"guardian_name", "guardian_contact"} <= set(exc.value.message_dict)
    assert not Loan.objects.exists() and not LoanItem.objects.exists()


def test_adult_pupil_and_teacher_need_no_guardian(world):
    make_loan(world, data={"borrower_is_minor": False, "guardian_name": "", "guardian_contact": ""})
    teacher = make_loan(
        world, data={"borrower_kind": "teacher", "staff_reference": "P-4711", "school_class": ""}
    )
    assert not teacher.needs_guardian
    with pytest.raises(ValidationError) as exc:
        make_loan(world, data={"borrower_kind": "teacher", "staff_reference": ""})
    assert "staff_reference" in exc.value.message_dict


def test_guardian_signature_required_for_minor(world):
    loan = make_loan(world)
    with pytest.raises(ValidationError) as exc:
        services.loan_sign(
            actor=world.user("board_admin"), loan=loan, borrower_signed=True, guardian_signed=False
        )
    assert "guardian_signed" in exc.value.message_dict
    loan.refresh_from_db()
    assert loan.status == "prepared"


def test_hand_out_needs_signature(world):
    loan = make_loan(world)
    with pytest.raises(ValidationError):
        services.loan_hand_out(actor=world.user("board_admin"), loan=loan)


def test_device_already_on_loan_refused(world):
    device = DeviceFactory(school=world.school)
    make_loan(world, devices=[device])
    with pytest.raises(ValidationError) as exc:
        make_loan(world, devices=[device])
    assert "bereits ausgeliehen" in str(exc.value)
    assert Loan.objects.count() == 1


def test_database_allows_one_open_loan_per_device(world):
    device = DeviceFactory(school=world.school)
    loan = make_loan(world, devices=[device])
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanItem.objects.create(loan=loan, device=device, school_board=world.board)


def test_foreign_device_or_school_device_refused(world):
    foreign = DeviceFactory(school=world.other_school)
    with pytest.raises(ValidationError) as exc:
        make_loan(world, devices=[foreign])
    assert "anderen Schulträger" in str(exc.value)
    other_school = SchoolFactory(school_board=world.board)
    with pytest.raises(ValidationError):
        make_loan(world, devices=[DeviceFactory(school=other_school)])


@pytest.mark.parametrize("status", ["in_repair", "lost", "retired"])
def test_unavailable_device_cannot_be_lent(world, status):
    with pytest.raises(ValidationError):
        make_loan(world, devices=[DeviceFactory(school=world.school, status=status)])


def test_due_before_start_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_loan(world, data={"due_date": dt.date(2026, 8, 31)})
    assert "due_date" in exc.value.message_dict


@pytest.mark.parametrize("year,ok", [("2026/27", True), ("2026/28", False), ("26/27", False)])
def test_school_year_format(world, year, ok):
    if ok:
        make_loan(world, data={"school_year": year})
    else:
        with pytest.raises(ValidationError):
            make_loan(world, data={"school_year": year})


@pytest.mark.parametrize("offset,overdue", [(-1, True), (0, False), (1, False)])
def test_overdue_threshold(world, offset, overdue):
    loan = make_loan(world, status="handed_out")
    Loan.objects.filter(pk=loan.pk).update(due_date=TODAY + dt.timedelta(days=offset))
    assert Loan.objects.overdue(TODAY).filter(pk=loan.pk).exists() is overdue
    assert Device.objects.overdue(TODAY).exists() is overdue


# --- returns ----------------------------------------------------------------------------


def test_return_of_loan_not_handed_out_refused(world):
    loan = make_loan(world)
    device = loan.items.get().device
    with pytest.raises(ValidationError) as exc:
        services.loan_return(
            actor=world.user("board_admin"),
            loan=loan,
            returned_on=TODAY,
            items={device.pk: services.ReturnItem()},
        )
    assert "nicht ausgegeben" in str(exc.value)


def test_return_of_device_not_on_this_loan_refused(world):
    loan = make_loan(world, status="handed_out")
    other = DeviceFactory(school=world.school)
    with pytest.raises(ValidationError):
        services.loan_return(
            actor=world.user("board_admin"),
            loan=loan,
            returned_on=TODAY,
            items={other.pk: services.ReturnItem()},
        )
    loan.refresh_from_db()
    assert loan.status == "handed_out"


def test_missing_accessory_and_damage_create_reports(world):
    device = DeviceFactory(school=world.school)
    charger = AccessoryFactory(device=device)
    pen = AccessoryFactory(device=device, kind="pen")
    loan = make_loan(world, devices=[device], accessories=[charger, pen], status="handed_out")
    protocol = services.loan_return(
        actor=world.user("school_staff"),
        loan=loan,
        returned_on=TODAY,
        items={
            device.pk: services.ReturnItem(
                condition="damaged", damage_notes="Display", returned_accessory_ids={charger.pk}
            )
        },
    )
    assert not protocol.accessories_complete
    kinds = set(DefectReport.objects.values_list("kind", flat=True))
    assert kinds == {"missing_accessory", "damage"}
    device.refresh_from_db()
    assert device.status == "in_repair"
    assert list(loan.items.get().missing_accessories.all()) == [pen]


def test_damage_without_description_refused(world):
    loan = make_loan(world, status="handed_out")
    device = loan.items.get().device
    with pytest.raises(ValidationError):
        services.loan_return(
            actor=world.user("board_admin"),
            loan=loan,
            returned_on=TODAY,
            items={device.pk: services.ReturnItem(condition="defective")},
        )


def test_device_not_returned_becomes_lost(world):
    loan = make_loan(world, status="handed_out")
    device = loan.items.get().device
    services.loan_return(
        actor=world.user("board_admin"),
        loan=loan,
        returned_on=TODAY,
        items={device.pk: services.ReturnItem(condition="missing")},
    )
    device.refresh_from_db()
    assert device.status == "lost"
    assert DefectReport.objects.get().kind == "loss"


# --- defects ----------------------------------------------------------------------------


def test_theft_needs_police_report(world):
    device = DeviceFactory(school=world.school)
    with pytest.raises(ValidationError) as exc:
        services.defect_report_create(
            actor=world.user("school_staff"),
            device=device,
            data={"kind": "theft", "description": "Aus dem Spind entwendet"},
        )
    assert "police_report_reference" in exc.value.message_dict
    report = services.defect_report_create(
        actor=world.user("school_staff"),
        device=device,
        data={"kind": "theft", "description": "entwendet", "police_report_reference": "ST/1234/26"},
    )
    device.refresh_from_db()
    assert device.status == "stolen" and report.status == "open"


def test_theft_of_loaned_device_closes_loan_item(world):
    loan = make_loan(world, status="handed_out")
    device = loan.items.get().device
    services.defect_report_create(
        actor=world.user("school_staff"),
        device=device,
        data={"kind": "theft", "description": "entwendet", "police_report_reference": "AZ 1"},
    )
    loan.refresh_from_db()
    assert loan.status == "returned" and not loan.items.get().is_open


def test_repair_with_replacement_device(world):
    loan = make_loan(world, status="handed_out")
    broken = loan.items.get().device
    replacement = DeviceFactory(school=world.school)
    report = services.defect_report_create(
        actor=world.user("school_staff"),
        device=broken,
        data={"kind": "defect", "description": "Akku"},
    )
    report = services.defect_transition(
        actor=world.user("school_staff"),
        report=report,
        to_status="in_repair",
        replacement_device=replacement,
    )
    broken.refresh_from_db()
    replacement.refresh_from_db()
    loan.refresh_from_db()
    assert broken.status == "in_repair" and replacement.status == "on_loan"
    assert loan.status == "handed_out"
    assert set(loan.items.filter(is_open=True).values_list("device", flat=True)) == {replacement.pk}
    services.defect_transition(
        actor=world.user("school_staff"), report=report, to_status="repaired"
    )
    broken.refresh_from_db()
    assert broken.status == "in_stock"


def test_defect_status_table_and_write_off(world):
    device = DeviceFactory(school=world.school)
    report = services.defect_report_create(
        actor=world.user("board_admin"),
        device=device,
        data={"kind": "defect", "description": "tot"},
    )
    with pytest.raises(ValidationError):
        services.defect_transition(
            actor=world.user("board_admin"), report=report, to_status="written_off", resolution=""
        )
    report = services.defect_transition(
        actor=world.user("board_admin"),
        report=report,
        to_status="written_off",
        resolution="Wirtschaftlicher Totalschaden",
    )
    device.refresh_from_db()
    assert device.status == "retired"
    with pytest.raises(ValidationError):
        services.defect_transition(actor=world.user("board_admin"), report=report, to_status="open")


# --- stocktake --------------------------------------------------------------------------


def test_stocktake_discrepancies(world):
    from devices.documents import stocktake_discrepancies

    room2 = RoomFactory(site=world.site)
    present = DeviceFactory(school=world.school, room=world.room, status="in_use")
    missing = DeviceFactory(school=world.school, room=world.room, status="in_use")
    wrong = DeviceFactory(school=world.school, room=room2, status="in_use")
    elsewhere = DeviceFactory(school=SchoolFactory(school_board=world.board))
    foreign = DeviceFactory(school=world.other_school, inventory_number="FOREIGN-1")
    stocktake = services.stocktake_start(actor=world.user("school_staff"), school=world.school)
    for code in (
        present.inventory_number,
        wrong.serial_number,
        elsewhere.inventory_number,
        foreign.inventory_number,
        f"https://x/geraete/{missing.pk}/"[:0] + "???",
    ):
        services.stocktake_scan(
            actor=world.user("school_staff"), stocktake=stocktake, code=code, room=world.room
        )
    result = stocktake_discrepancies(stocktake)
    assert [r["inventory_number"] for r in result["missing"]] == [missing.inventory_number]
    assert [r["inventory_number"] for r in result["wrong_room"]] == [wrong.inventory_number]
    assert [r["inventory_number"] for r in result["unexpected"]] == [elsewhere.inventory_number]
    # a foreign board's number is never resolved: it is an unknown code
    assert {r["code"] for r in result["unknown"]} == {"FOREIGN-1", "???"}
    assert result["counts"]["confirmed"] == 1
    with pytest.raises(ValidationError):
        services.stocktake_scan(
            actor=world.user("school_staff"), stocktake=stocktake, code=present.inventory_number
        )
    services.stocktake_close(actor=world.user("school_staff"), stocktake=stocktake)
    with pytest.raises(ValidationError):
        services.stocktake_scan(
            actor=world.user("school_staff"), stocktake=stocktake, code=missing.inventory_number
        )


def test_scan_qr_link(world):
    device = DeviceFactory(school=world.school)
    stocktake = services.stocktake_start(actor=world.user("board_admin"), school=world.school)
    entry = services.stocktake_scan(
        actor=world.user("board_admin"),
        stocktake=stocktake,
        code=f"http://127.0.0.1:8000/geraete/{device.pk}/",
    )
    assert entry.device == device


# --- data protection --------------------------------------------------------------------


@pytest.mark.parametrize(
    "returned_days_ago,months,anonymised",
    [
        (None, 6, False),  # still out
    ],
)
def test_open_loans_are_never_anonymised(world, returned_days_ago, months, anonymised):
    make_loan(world, status="handed_out")
    assert unscoped_system_job(today=TODAY + dt.timedelta(days=3650)) == 0


@pytest.mark.parametrize(
    "returned_on,anonymised",
    [
        (dt.date(2026, 5, 23), True),  # before the cut-off
        (dt.date(2026, 5, 24), True),  # exactly 6 months
        (dt.date(2026, 5, 25), False),  # one day short
    ],
)
def test_retention_threshold(world, returned_on, anonymised, settings):
    settings.PAKTWERK = {**settings.PAKTWERK, "LOAN_RETENTION_MONTHS": 6}
    loan = make_loan(world, status="handed_out")
    # the pupil left before the return: the return date starts the retention period
    Loan.objects.filter(pk=loan.pk).update(
        status="returned", returned_on=returned_on, pupil_left_on=dt.date(2026, 3, 1)
    )
    count = unscoped_system_job(today=TODAY)
    loan.refresh_from_db()
    assert (count == 1) is anonymised
    assert (loan.borrower_name == "anonymisiert") is anonymised
    names = set(Loan.history.filter(id=loan.pk).values_list("borrower_name", flat=True))
    assert ("Mia Musterkind" in names) is (not anonymised)
    guardians = set(Loan.history.filter(id=loan.pk).values_list("guardian_name", flat=True))
    assert ("Maria Musterkind" in guardians) is (not anonymised)


def test_open_claim_blocks_anonymisation(world):
    loan = make_loan(world, status="handed_out")
    device = loan.items.get().device
    services.loan_return(
        actor=world.user("board_admin"),
        loan=loan,
        returned_on=TODAY,
        items={device.pk: services.ReturnItem(condition="defective", damage_notes="Bruch")},
    )
    Loan.objects.filter(pk=loan.pk).update(returned_on=dt.date(2025, 1, 1))
    assert unscoped_system_job(today=TODAY) == 0


def test_management_command_anonymises(world):
    from io import StringIO

    from django.core.management import call_command

    loan = make_loan(world, status="handed_out")
    Loan.objects.filter(pk=loan.pk).update(
        status="returned", returned_on=dt.date(2025, 1, 1), pupil_left_on=dt.date(2025, 1, 1)
    )
    out = StringIO()
    call_command("anonymise_loans", stdout=out)
    assert "1 Ausleihe anonymisiert." in out.getvalue()  # the project's language
    assert PrivacyLog.objects.get().action == "retention"


def test_job_anonymises(world, run_jobs):
    from core.jobs import job_start
    from core.models import Job

    loan = make_loan(world, status="handed_out")
    Loan.objects.filter(pk=loan.pk).update(
        status="returned", returned_on=dt.date(2025, 1, 1), pupil_left_on=dt.date(2025, 1, 1)
    )
    with run_jobs():
        job = job_start(kind="devices.anonymise_loans", owner=world.user("board_admin"))
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded" and job.result == {"anonymised": 1}


def test_privacy_export_and_erasure_are_logged(world):
    loan = make_loan(world, status="handed_out")
    admin = world.user("board_admin")
    data = services.privacy_export(actor=admin, board=world.board, name="mia  musterkind")
    assert data["loans"][0]["guardian_contact"] == "0391 123456"
    with pytest.raises(ValidationError) as exc:
        services.privacy_erase(actor=admin, board=world.board, name="Mia Musterkind")
    assert "laufen noch" in str(exc.value)
    device = loan.items.get().device
    services.loan_return(
        actor=admin, loan=loan, returned_on=TODAY, items={device.pk: services.ReturnItem()}
    )
    assert services.privacy_erase(actor=admin, board=world.board, name="Mia Musterkind") == 1
    assert not Loan.history.filter(borrower_name="Mia Musterkind").exists()
    log = list(PrivacyLog.objects.order_by("id").values_list("action", "loan_count"))
    assert log == [("export", 1), ("erasure", 1)]
    assert not PrivacyLog.objects.filter(detail__icontains="Mia").exists()
    # a foreign board's admin finds nothing
    assert (
        services.privacy_export(
            actor=world.user("other_board_admin"), board=world.other_board, name="Maria Musterkind"
        )["loans"]
        == []
    )
