"""Pages, API and documents of the device inventory: behaviour, privacy, query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.pdf import pdf_page_count, pdf_text
from devices import documents, services
from devices.models import Device, Loan, LoanItem, PrivacyLog, Stocktake
from tests.devices.factories import AccessoryFactory, DeviceFactory, make_loan
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


# --- documents (context without HTTP, PDF text read back) -------------------------------


def test_loan_contract_names_parties_devices_and_damage_annex(world):
    device = DeviceFactory(school=world.school, serial_number="DMPX12345")
    charger = AccessoryFactory(device=device, description="USB-C-Netzteil", serial_number="")
    loan = make_loan(world, devices=[device], accessories=[charger])
    loan = Loan.objects.for_document().get(pk=loan.pk)
    ctx = documents.loan_contract_context(loan)
    assert ctx["is_minor"] and ctx["device_count"] == 1
    assert str(ctx["total_value"]) == "400.00"
    text = pdf_text(documents.loan_contract_pdf(loan))
    for expected in (
        "Leihvertrag",
        "Mia Musterkind",
        "Maria Musterkind",
        "DMPX12345",
        device.inventory_number,
        "USB-C-Netzteil",
        "400,00 €",
        "2026/27",
        "09.07.2027",
        "Kratzer am Displayrand",
        "sorgeberechtigte Person",
        "Polizei",
        "Art. 13 DSGVO",
        world.board.name,
    ):
        assert expected in text, expected


def test_teacher_contract_has_no_guardian_line(world):
    loan = make_loan(
        world,
        data={
            "borrower_kind": "teacher",
            "borrower_name": "Herr Lehrer",
            "staff_reference": "P-4711",
            "guardian_name": "",
            "guardian_contact": "",
        },
    )
    text = pdf_text(documents.loan_contract_pdf(Loan.objects.for_document().get(pk=loan.pk)))
    assert "P-4711" in text and "Unterschrift sorgeberechtigte" not in text


def test_handover_protocol_lists_every_device_of_a_batch(world):
    delivery = services.delivery_register(
        actor=world.user("board_admin"),
        board=world.board,
        school=world.school,
        lines=[(f"SER{i:04d}", "") for i in range(60)],
        delivered_on=dt.date(2026, 9, 1),
        category="tablet",
        inventory_prefix="HZ-",
        price_gross=200,
        price_net=168,
        received_by="Frau Schulz",
    )
    from devices.models import Delivery

    delivery = Delivery.objects.for_document().get(pk=delivery.pk)
    ctx = documents.handover_context(delivery)
    assert ctx["device_count"] == 60 and str(ctx["total_gross"]) == "12000.00"
    text = pdf_text(documents.handover_pdf(delivery))
    assert "Übergabeprotokoll" in text and "SER0000" in text and "SER0059" in text
    assert "HZ-00060" in text and "12.000,00 €" in text and "Frau Schulz" in text


def test_return_protocol_shows_missing_accessory(world):
    device = DeviceFactory(school=world.school)
    pen = AccessoryFactory(
        device=device, kind="pen", description="Apple Pencil", serial_number="PEN1"
    )
    loan = make_loan(world, devices=[device], accessories=[pen], status="handed_out")
    protocol = services.loan_return(
        actor=world.user("school_staff"),
        loan=loan,
        returned_on=dt.date(2026, 11, 20),
        items={device.pk: services.ReturnItem()},
    )
    text = pdf_text(documents.return_protocol_pdf(protocol))
    assert "Rückgabeprotokoll" in text and "Apple Pencil (PEN1)" in text
    assert "20.11.2026" in text and "fehlendes Zubehör" in text


def test_label_sheet_has_qr_link_to_device_page(world, settings):
    settings.PAKTWERK = {**settings.PAKTWERK, "BASE_URL": "https://paktwerk.example.org"}
    devices = [DeviceFactory(school=world.school) for _ in range(30)]
    ctx = documents.label_sheet_context(
        Device.objects.for_document().filter(pk__in=[d.pk for d in devices])
    )
    first = ctx["labels"][0]
    assert first["url"] == f"https://paktwerk.example.org/geraete/{devices[0].pk}/"
    assert first["qr"].startswith("data:image/svg+xml")
    pdf = documents.label_sheet_pdf(
        Device.objects.for_document().filter(pk__in=[d.pk for d in devices])
    )
    assert pdf_page_count(pdf) == 2  # 24 labels per A4 page
    text = pdf_text(pdf)
    assert devices[0].inventory_number in text and world.school.name in text


def test_stocktake_report_pdf_and_csv(world):
    missing = DeviceFactory(school=world.school, room=world.room, status="in_use")
    stocktake = services.stocktake_start(actor=world.user("board_admin"), school=world.school)
    services.stocktake_scan(
        actor=world.user("board_admin"), stocktake=stocktake, code="UNBEKANNT-7"
    )
    stocktake = Stocktake.objects.for_document().get(pk=stocktake.pk)
    text = pdf_text(documents.stocktake_report_pdf(stocktake))
    assert "Inventurbericht" in text and missing.inventory_number in text
    assert "UNBEKANNT-7" in text
    csv = documents.stocktake_report_csv(stocktake).decode("utf-8-sig")
    assert f"fehlt;{missing.inventory_number}" in csv and "unbekannter Code" in csv


# --- pages --------------------------------------------------------------------------------


def test_device_list_filters(world, client_for):
    a = DeviceFactory(
        school=world.school,
        inventory_number="HZ-100",
        serial_number="AAA",
        warranty_end=dt.date.today() + dt.timedelta(days=10),
    )
    b = DeviceFactory(school=world.school, inventory_number="HZ-200", status="in_repair")
    client = client_for(world.user("board_staff"))
    url = reverse("devices:device-list")
    body = client.get(url, {"q": "hz-1"}).content.decode()
    assert "HZ-100" in body and "HZ-200" not in body
    body = client.get(url, {"status": "in_repair"}).content.decode()
    assert "HZ-200" in body and "HZ-100" not in body
    body = client.get(url, {"warranty_days": 30}).content.decode()
    assert "HZ-100" in body and "HZ-200" not in body
    body = client.get(url, {"q": "AAA"}).content.decode()
    assert a.inventory_number in body and b.inventory_number not in body


def test_reviewer_sees_loan_counts_never_names(world, client_for, api_client_for):
    loan = make_loan(world, status="handed_out")
    reviewer = world.user("reviewer")
    page = client_for(reviewer).get(reverse("devices:loan-list")).content.decode()
    assert world.school.name in page
    api = api_client_for(reviewer)
    responses = [
        page,
        api.get(reverse("loan-list")).content.decode(),
        api.get(reverse("loan-statistics")).content.decode(),
        client_for(reviewer)
        .get(reverse("devices:device-detail", args=[loan.items.get().device_id]))
        .content.decode(),
        api.get(reverse("device-list")).content.decode(),
    ]
    for body in responses:
        assert "Mia Musterkind" not in body and "Maria Musterkind" not in body
    stats = api.get(reverse("loan-statistics")).json()
    assert stats[0]["handed_out"] == 1 and stats[0]["pupils"] == 1
    assert (
        client_for(reviewer).get(reverse("devices:loan-detail", args=[loan.pk])).status_code == 404
    )
    staff_page = client_for(world.user("school_staff")).get(reverse("devices:loan-list"))
    assert "Mia Musterkind" in staff_page.content.decode()


def test_loan_wizard_page_creates_contract(world, client_for):
    today = timezone.localdate().isoformat()
    device = DeviceFactory(school=world.school, inventory_number="HZ-777")
    AccessoryFactory(device=device)
    client = client_for(world.user("school_staff"))
    data = {
        "school": world.school.pk,
        "device_codes": "HZ-777",
        "hand_over_accessories": "on",
        "borrower_kind": "pupil",
        "borrower_name": "Ben Beispiel",
        "school_class": "5a",
        "borrower_is_minor": "on",
        "guardian_name": "",
        "guardian_contact": "",
        "school_year": "2026/27",
        "start_date": today,
        "due_rule": "last_school_day",
        "condition_at_handover": "good",
    }
    response = client.post(reverse("devices:loan-create"), data)
    assert response.status_code == 200
    assert "sorgeberechtigte Person nötig" in response.content.decode()
    assert not Loan.objects.exists()
    data.update(guardian_name="Berta Beispiel", guardian_contact="berta@example.org")
    response = client.post(reverse("devices:loan-create"), data)
    loan = Loan.objects.get()
    assert response.status_code == 302 and loan.due_date == dt.date(2027, 7, 9)
    assert loan.items.get().accessories.count() == 1
    response = client.post(
        reverse("devices:loan-sign", args=[loan.pk]), {"borrower_signed": "on", "signed_on": today}
    )
    loan.refresh_from_db()
    assert loan.status == "prepared"  # guardian signature missing
    client.post(
        reverse("devices:loan-sign", args=[loan.pk]),
        {"borrower_signed": "on", "guardian_signed": "on", "signed_on": today},
    )
    client.post(reverse("devices:loan-handout", args=[loan.pk]))
    loan.refresh_from_db()
    assert loan.status == "handed_out"
    item = loan.items.get()
    response = client.post(
        reverse("devices:loan-return", args=[loan.pk]),
        {
            "returned_on": today,
            f"return_{item.pk}": "on",
            f"condition_{item.pk}": "good",
            f"accessories_{item.pk}": [str(a.pk) for a in item.accessories.all()],
        },
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == "returned"


def test_foreign_device_number_in_loan_form_is_unknown(world, client_for):
    DeviceFactory(school=world.other_school, inventory_number="BETA-1")
    client = client_for(world.user("board_admin"))
    response = client.post(
        reverse("devices:loan-create"),
        {
            "school": world.school.pk,
            "device_codes": "BETA-1",
            "borrower_kind": "teacher",
            "borrower_name": "X",
            "staff_reference": "P1",
            "school_year": "2026/27",
            "start_date": "2026-11-24",
            "due_rule": "last_school_day",
            "condition_at_handover": "good",
        },
    )
    assert (
        "Unknown Inventarnummer" in response.content.decode()
        or "Unbekannte Inventarnummer" in response.content.decode()
    )
    assert not Loan.objects.exists()


def test_delivery_page_registers_batch(world, client_for):
    client = client_for(world.user("board_staff"))
    serials = "\n".join(f"IPAD{i:04d}" for i in range(25))
    response = client.post(
        reverse("devices:delivery-create"),
        {
            "school": world.school.pk,
            "category": "tablet",
            "delivered_on": "2026-11-20",
            "serials": serials,
            "inventory_prefix": "HZ-",
            "first_number": 1,
            "status": "delivered",
        },
    )
    assert response.status_code == 302
    assert Device.objects.filter(school=world.school).count() == 25
    response = client.post(
        reverse("devices:delivery-create"),
        {
            "school": world.school.pk,
            "category": "tablet",
            "delivered_on": "2026-11-20",
            "serials": "IPAD0001\nNEU",
            "inventory_prefix": "NEU-",
            "first_number": 1,
            "status": "delivered",
        },
    )
    assert response.status_code == 200 and "IPAD0001" in response.content.decode()
    assert Device.objects.count() == 25


def test_transition_page_and_school_staff_limits(world, client_for):
    device = DeviceFactory(school=world.school)
    staff = client_for(world.user("school_staff"))
    staff.post(
        reverse("devices:device-transition", args=[device.pk]),
        {"to_status": "retired", "reason": "alt und langsam"},
    )
    device.refresh_from_db()
    assert device.status == "in_stock"
    staff.post(
        reverse("devices:device-transition", args=[device.pk]),
        {"to_status": "in_use", "room": world.room.pk},
    )
    device.refresh_from_db()
    assert device.status == "in_use"


def test_privacy_page_for_board_admins_only(world, client_for):
    make_loan(world)
    url = reverse("devices:privacy")
    for actor in ("board_staff", "school_staff", "reviewer", "consultant"):
        assert client_for(world.user(actor)).get(url).status_code == 403
    PrivacyLog.objects.create(school_board=world.other_board, action="export", detail="FOREIGN-LOG")
    client = client_for(world.user("board_admin"))
    assert "FOREIGN-LOG" not in client.get(url).content.decode()
    response = client.post(
        url, {"name": "Mia Musterkind", "action": "export_json", "confirm": "on"}
    )
    assert response.status_code == 200 and response.json()["loans"][0]["class"] == "7b"
    response = client.post(url, {"name": "Mia Musterkind", "action": "export_csv", "confirm": "on"})
    assert "Mia Musterkind" in response.content.decode("utf-8-sig")
    response = client.post(url, {"name": "Mia Musterkind", "action": "erase", "confirm": "on"})
    assert "still running" in response.content.decode() or "laufen" in response.content.decode()
    assert PrivacyLog.objects.filter(school_board=world.board).count() == 2


# --- API ------------------------------------------------------------------------------------


def test_api_loan_flow_and_foreign_ids(world, api_client_for):
    today = timezone.localdate().isoformat()
    api = api_client_for(world.user("school_staff"))
    device = DeviceFactory(school=world.school)
    foreign = DeviceFactory(school=world.other_school)
    payload = {
        "school": world.school.pk,
        "devices": [foreign.pk],
        "borrower_kind": "teacher",
        "borrower_name": "Frau Lehrerin",
        "staff_reference": "P-1",
        "school_year": "2026/27",
        "start_date": today,
        "due_rule": "last_school_day",
    }
    response = api.post(reverse("loan-list"), payload, format="json")
    assert response.status_code == 400 and "devices" in response.json()["errors"]
    payload["devices"] = [device.pk]
    response = api.post(reverse("loan-list"), payload, format="json")
    assert response.status_code == 201, response.json()
    loan_id = response.json()["id"]
    response = api.post(reverse("loan-list"), payload, format="json")
    assert response.status_code == 400 and "bereits ausgeliehen" in str(response.json())
    assert (
        api.post(
            reverse("loan-sign", args=[loan_id]), {"borrower_signed": True}, format="json"
        ).status_code
        == 200
    )
    assert (
        api.post(reverse("loan-hand-out", args=[loan_id]), format="json").json()["status"]
        == "handed_out"
    )
    response = api.post(
        reverse("return-list"),
        {
            "loan": loan_id,
            "returned_on": today,
            "items": [{"device": device.pk, "condition": "good"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api.post(
        reverse("return-list"),
        {"loan": loan_id, "returned_on": today, "items": [{"device": device.pk}]},
        format="json",
    )
    assert response.status_code == 400


def test_api_transition_and_bad_jump(world, api_client_for):
    api = api_client_for(world.user("board_staff"))
    device = DeviceFactory(school=world.school, status="ordered")
    response = api.post(
        reverse("device-transition", args=[device.pk]), {"to_status": "in_use"}, format="json"
    )
    assert response.status_code == 400 and "to_status" in response.json()["errors"]
    response = api.post(
        reverse("device-transition", args=[device.pk]),
        {"to_status": "delivered", "reason": "Lieferschein 4711"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "delivered"
    log = api.get(reverse("device-status-log", args=[device.pk])).json()
    assert log[0]["reason"] == "Lieferschein 4711"
    other = DeviceFactory(school=world.other_school)
    assert (
        api.post(
            reverse("device-transition", args=[other.pk]), {"to_status": "in_repair"}, format="json"
        ).status_code
        == 404
    )


def test_api_device_create_ignores_board_in_body_and_refuses_foreign_school(world, api_client_for):
    api = api_client_for(world.user("board_admin"))
    response = api.post(
        reverse("device-list"),
        {
            "inventory_number": "API-1",
            "category": "tablet",
            "school": world.other_school.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "school" in response.json()["errors"]
    response = api.post(
        reverse("device-list"),
        {
            "inventory_number": "API-1",
            "category": "tablet",
            "school": world.school.pk,
            "school_board": world.other_board.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    assert Device.objects.get(inventory_number="API-1").school_board == world.board
    response = api.post(
        reverse("device-list"),
        {"inventory_number": "API-1", "category": "tablet", "school": world.school.pk},
        format="json",
    )
    assert response.status_code == 400 and "inventory_number" in response.json()["errors"]


def test_openapi_schema_documents_device_endpoints(world, client_for):
    schema = client_for(world.user("board_admin")).get(reverse("api-schema")).content.decode()
    for path in (
        "/api/v1/devices/",
        "/api/v1/loans/{id}/hand-out/",
        "/api/v1/returns/",
        "/api/v1/defect-reports/",
        "/api/v1/stocktakes/{id}/scan/",
        "/api/v1/device-models/",
        "/api/v1/accessories/",
    ):
        assert path in schema, path


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["devices:device-list", "device-list"])
def test_device_lists_constant_queries(url_name, world, client_for, api_client_for):
    user = world.user("board_admin")
    client = client_for(user) if ":" in url_name else api_client_for(user)

    def add_rows(n):
        for _ in range(n):
            AccessoryFactory(device=DeviceFactory(school=world.school, room=world.room))

    assert_constant_queries(lambda: client.get(reverse(url_name), {"status": "in_stock"}), add_rows)


@pytest.mark.parametrize(
    "url_name",
    [
        "devices:loan-list",
        "loan-list",
        "devices:defect-list",
        "defect-report-list",
        "devices:stocktake-list",
        "devices:delivery-list",
    ],
)
def test_other_lists_constant_queries(url_name, world, client_for, api_client_for):
    user = world.user("board_admin")
    client = client_for(user) if ":" in url_name else api_client_for(user)

    def add_rows(n):
        for _ in range(n):
            loan = make_loan(world, status="handed_out")
            device = loan.items.get().device
            services.defect_report_create(
                actor=user, device=device, data={"kind": "defect", "description": "x"}
            )
            services.stocktake_start(actor=user, school=world.school)
            services.delivery_register(
                actor=user,
                board=world.board,
                school=world.school,
                lines=[("", "")],
                delivered_on=dt.date(2026, 1, 1),
                category="tablet",
                inventory_prefix=f"Q{LoanItem.objects.count()}-",
            )

    assert_constant_queries(lambda: client.get(reverse(url_name)), add_rows)


def test_documents_constant_queries(world, client_for):
    client = client_for(world.user("board_admin"))
    loan = make_loan(world, devices=[DeviceFactory(school=world.school)])
    delivery = services.delivery_register(
        actor=world.user("board_admin"),
        board=world.board,
        school=world.school,
        lines=[("S0", "")],
        delivered_on=dt.date(2026, 1, 1),
        category="tablet",
        inventory_prefix="D-",
    )

    def add_rows(n):
        for _ in range(n):
            device = DeviceFactory(school=world.school, delivery=delivery)
            AccessoryFactory(device=device)
            item = LoanItem.objects.create(loan=loan, device=device, school_board=world.board)
            item.accessories.set(device.accessories.all())

    for url in (
        reverse("devices:loan-contract", args=[loan.pk]),
        reverse("devices:delivery-protocol", args=[delivery.pk]),
        reverse("devices:delivery-labels", args=[delivery.pk]),
    ):
        LoanItem.objects.exclude(pk=loan.items.first().pk).delete()
        Device.objects.filter(delivery=delivery).exclude(serial_number="S0").delete()
        assert_constant_queries(lambda url=url: client.get(url), add_rows, small=1, large=3)
