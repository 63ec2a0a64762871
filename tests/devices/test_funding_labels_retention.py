"""Funding link (cost line), big label sheets as a job, retention after the pupil left."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Job
from core.pdf import pdf_page_count, pdf_text
from devices import services as devices_services
from devices import views
from devices.models import Device, Loan, PrivacyLog
from tests.devices.factories import DeviceFactory, make_loan
from tests.factories import SchoolFactory, user_with_role
from tests.funding.factories import ApplicationFactory, CostLineFactory, ProgrammeFactory
from tests.querycount import assert_constant_queries
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
# The code under test runs in its actor's real tenancy scope, as behind a view.
services = as_actor(devices_services)
# Retention runs over all boards, unscoped, exactly as devices/jobs.py and the command call it.
unscoped_system_job = devices_services.anonymise_expired_loans
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def lines(world):
    """A cost line of board A (tablets) and one of board B."""
    programme = ProgrammeFactory(land=world.land)
    app_a = ApplicationFactory(
        school_board=world.board, programme=programme, number="FA-2026-0007", title="Tablets Alpha"
    )
    app_b = ApplicationFactory(
        school_board=world.other_board,
        programme=programme,
        number="FA-2026-0099",
        title="Beta WLAN",
    )
    own = CostLineFactory(
        application=app_a,
        school=world.school,
        position=2,
        category="mobile",
        description="Tablet 10 Zoll",
    )
    foreign = CostLineFactory(
        application=app_b, school=world.other_school, position=1, description="Access Point Beta"
    )
    return own, foreign


def _delivery(world, n=5, prefix="HZ-"):
    return services.delivery_register(
        actor=world.user("board_admin"),
        board=world.board,
        school=world.school,
        lines=[(f"{prefix}S{i:04d}", "") for i in range(n)],
        delivered_on=dt.date(2026, 9, 1),
        category="tablet",
        inventory_prefix=prefix,
    )


# --- 1. funding link ---------------------------------------------------------------------------


def test_device_update_links_own_board_cost_line(world, lines):
    own, _foreign = lines
    device = DeviceFactory(school=world.school)
    services.device_update(actor=world.user("board_admin"), device=device, data={"cost_line": own})
    device.refresh_from_db()
    assert device.cost_line == own
    assert device.history.first().cost_line_id == own.pk


def test_device_refuses_foreign_board_cost_line(world, lines):
    _own, foreign = lines
    device = DeviceFactory(school=world.school)
    version = device.version
    with pytest.raises(ValidationError) as exc:
        services.device_update(
            actor=world.user("board_admin"), device=device, data={"cost_line": foreign}
        )
    assert "cost_line" in exc.value.message_dict
    device.refresh_from_db()
    assert device.cost_line_id is None and device.version == version


def test_bulk_assign_delivery_with_history(world, lines):
    own, _foreign = lines
    delivery = _delivery(world, n=5)
    admin = world.user("board_admin")
    count = services.devices_assign_cost_line(
        actor=admin, board=world.board, devices=delivery.devices.all(), cost_line=own
    )
    assert count == 5
    assert set(Device.objects.filter(delivery=delivery).values_list("cost_line", flat=True)) == {
        own.pk
    }
    history = Device.history.filter(delivery_id=delivery.pk, cost_line_id=own.pk)
    assert history.count() == 5
    assert {h.history_user_id for h in history} == {admin.pk}
    assert all("FA-2026-0007" in h.history_change_reason for h in history)
    # again: nothing changes, no new history
    assert (
        services.devices_assign_cost_line(
            actor=admin, board=world.board, devices=delivery.devices.all(), cost_line=own
        )
        == 0
    )
    assert Device.history.filter(delivery_id=delivery.pk, cost_line_id=own.pk).count() == 5
    # removing the link
    assert (
        services.devices_assign_cost_line(
            actor=admin, board=world.board, devices=delivery.devices.all(), cost_line=None
        )
        == 5
    )
    assert not Device.objects.filter(delivery=delivery, cost_line__isnull=False).exists()


def test_bulk_assign_refuses_foreign_line_and_foreign_devices(world, lines):
    own, foreign = lines
    delivery = _delivery(world, n=3)
    admin = world.user("board_admin")
    with pytest.raises(ValidationError) as exc:
        services.devices_assign_cost_line(
            actor=admin, board=world.board, devices=delivery.devices.all(), cost_line=foreign
        )
    assert "cost_line" in exc.value.message_dict
    foreign_device = DeviceFactory(school=world.other_school)
    with pytest.raises(ValidationError) as exc:
        services.devices_assign_cost_line(
            actor=admin,
            board=world.board,
            devices=list(delivery.devices.all()) + [foreign_device],
            cost_line=own,
        )
    # refused; in the actor's real scope the other board's device stays invisible, so its
    # inventory number is not revealed either
    assert "devices" in exc.value.message_dict
    assert foreign_device.inventory_number not in str(exc.value)
    assert not Device.objects.filter(cost_line__isnull=False).exists()
    assert not Device.history.filter(cost_line_id__isnull=False).exists()


def test_bulk_assign_limit(world, lines, monkeypatch):
    own, _ = lines
    delivery = _delivery(world, n=4)
    monkeypatch.setattr(devices_services, "MAX_COST_LINE_BATCH", 4)
    admin = world.user("board_admin")
    assert (
        services.devices_assign_cost_line(
            actor=admin, board=world.board, devices=delivery.devices.all(), cost_line=own
        )
        == 4
    )
    monkeypatch.setattr(devices_services, "MAX_COST_LINE_BATCH", 3)
    with pytest.raises(ValidationError, match="3"):
        services.devices_assign_cost_line(
            actor=admin, board=world.board, devices=delivery.devices.all(), cost_line=None
        )
    assert Device.objects.filter(cost_line=own).count() == 4


def test_device_form_offers_own_lines_with_application_and_refuses_foreign(
    world, lines, client_for
):
    own, foreign = lines
    device = DeviceFactory(school=world.school)
    # a user who administers both boards sees both boards' lines elsewhere, but the form
    # offers only the device's board
    both = user_with_role("board_admin", world.board)
    from schools.models import Membership

    Membership.objects.create(user=both, role="board_admin", school_board=world.other_board)
    client = client_for(both)
    url = reverse("devices:device-update", args=[device.pk])
    page = client.get(url).content.decode()
    assert "FA-2026-0007 Tablets Alpha – Pos. 2: Tablet 10 Zoll" in page
    assert "Access Point Beta" not in page
    data = {
        "inventory_number": device.inventory_number,
        "serial_number": device.serial_number,
        "category": "tablet",
        "school": world.school.pk,
        "cost_line": foreign.pk,
        "price_net": "336.13",
        "price_gross": "400.00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cost_line" in response.context["form"].errors
    device.refresh_from_db()
    assert device.cost_line_id is None
    response = client.post(url, {**data, "cost_line": own.pk})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.cost_line == own
    page = client.get(reverse("devices:device-detail", args=[device.pk])).content.decode()
    assert "FA-2026-0007" in page and "Pos. 2: Tablet 10 Zoll" in page


def test_device_page_without_link(world, client_for):
    device = DeviceFactory(school=world.school)
    page = (
        client_for(world.user("board_staff"))
        .get(reverse("devices:device-detail", args=[device.pk]))
        .content.decode()
    )
    assert "Noch keiner Position des Kosten- und Zeitplans zugeordnet" in page


def test_bulk_page_for_filtered_list(world, lines, client_for):
    own, foreign = lines
    tablets = [DeviceFactory(school=world.school, category="tablet") for _ in range(3)]
    other_school = SchoolFactory(school_board=world.board)
    DeviceFactory(school=other_school, category="tablet")
    DeviceFactory(school=world.school, category="notebook")
    client = client_for(world.user("board_staff"))
    url = reverse("devices:device-cost-line") + f"?school={world.school.pk}&category=tablet"
    page = client.get(url)
    assert page.status_code == 200
    assert "3 Geräte ausgewählt" in page.content.decode()
    # a foreign board's line: field error, nothing changed
    response = client.post(url, {"cost_line": foreign.pk})
    assert response.status_code == 200 and "cost_line" in response.context["form"].errors
    assert not Device.objects.filter(cost_line__isnull=False).exists()
    response = client.post(url, {"cost_line": own.pk})
    assert response.status_code == 302
    assert set(Device.objects.filter(cost_line=own)) == set(tablets)


def test_bulk_page_for_delivery_and_permissions(world, lines, client_for):
    own, _ = lines
    delivery = _delivery(world, n=4)
    url = reverse("devices:device-cost-line") + f"?delivery={delivery.pk}"
    assert client_for(world.user("other_board_admin")).get(url).status_code == 404
    assert (
        client_for(world.user("other_board_admin")).post(url, {"cost_line": own.pk}).status_code
        == 404
    )
    assert client_for(world.user("reviewer")).post(url, {"cost_line": own.pk}).status_code == 403
    assert (
        client_for(world.user("school_staff")).post(url, {"cost_line": own.pk}).status_code == 403
    )
    assert not Device.objects.filter(cost_line__isnull=False).exists()
    client = client_for(world.user("board_admin"))
    page = client.get(reverse("devices:delivery-detail", args=[delivery.pk])).content.decode()
    assert url.replace("&", "&amp;") in page or url in page
    assert client.post(url, {"cost_line": own.pk}).status_code == 302
    assert Device.objects.filter(delivery=delivery, cost_line=own).count() == 4
    # remove again
    assert client.post(url, {"remove": "on"}).status_code == 302
    assert not Device.objects.filter(cost_line__isnull=False).exists()


def test_api_cost_line_field_and_bulk_action(world, lines, api_client_for):
    own, foreign = lines
    device = DeviceFactory(school=world.school)
    api = api_client_for(world.user("board_admin"))
    detail = f"/api/v1/devices/{device.pk}/"
    response = api.patch(detail, {"cost_line": foreign.pk}, format="json")
    assert response.status_code == 400 and "cost_line" in response.json()["errors"]
    device.refresh_from_db()
    assert device.cost_line_id is None
    response = api.patch(detail, {"cost_line": own.pk}, format="json")
    assert response.status_code == 200, response.content
    assert (
        response.json()["cost_line_label"] == "FA-2026-0007 Tablets Alpha – Pos. 2: Tablet 10 Zoll"
    )
    delivery = _delivery(world, n=3)
    ids = list(delivery.devices.values_list("pk", flat=True))
    foreign_device = DeviceFactory(school=world.other_school)
    bulk = "/api/v1/devices/assign-cost-line/"
    response = api.post(
        bulk, {"cost_line": own.pk, "devices": ids + [foreign_device.pk]}, format="json"
    )
    assert response.status_code == 400 and str(foreign_device.pk) in str(response.json())
    response = api.post(bulk, {"cost_line": foreign.pk, "delivery": delivery.pk}, format="json")
    assert response.status_code == 400
    assert not Device.objects.filter(delivery=delivery, cost_line__isnull=False).exists()
    response = api.post(bulk, {"cost_line": own.pk, "delivery": delivery.pk}, format="json")
    assert response.status_code == 200 and response.json() == {"changed": 3, "selected": 3}
    response = api.post(bulk, {"cost_line": None, "devices": ids[:1]}, format="json")
    assert response.json() == {"changed": 1, "selected": 1}
    # the other board's admin cannot name board A's delivery
    response = api_client_for(world.user("other_board_admin")).post(
        bulk, {"cost_line": None, "delivery": delivery.pk}, format="json"
    )
    assert response.status_code == 400
    assert Device.objects.filter(delivery=delivery, cost_line=own).count() == 2


def test_api_list_with_cost_lines_constant_queries(world, lines, api_client_for):
    own, _ = lines
    api = api_client_for(world.user("board_admin"))

    def add_rows(n):
        for _ in range(n):
            application = ApplicationFactory(
                school_board=world.board, programme=own.application.programme
            )
            line = CostLineFactory(application=application, school=world.school)
            DeviceFactory(school=world.school, cost_line=line)

    assert_constant_queries(lambda: api.get("/api/v1/devices/"), add_rows, small=1, large=4)


# --- 2. labels ----------------------------------------------------------------------------------


def test_small_label_sheet_inline(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "INLINE_LABELS", 5)
    for _ in range(5):
        DeviceFactory(school=world.school)
    response = client_for(world.user("board_staff")).get(
        reverse("devices:device-labels") + f"?school={world.school.pk}"
    )
    assert response["Content-Type"] == "application/pdf"
    assert not Job.objects.exists()


def test_big_label_sheet_runs_as_job(world, client_for, run_jobs, monkeypatch):
    monkeypatch.setattr(views, "INLINE_LABELS", 5)
    devices = [DeviceFactory(school=world.school) for _ in range(30)]
    DeviceFactory(school=world.other_school, inventory_number="BETA-1")
    client = client_for(world.user("board_staff"))
    url = reverse("devices:device-labels") + f"?school={world.school.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "30 Etiketten" in page.content.decode()
    assert not Job.objects.exists()
    with run_jobs():
        response = client.post(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job-detail", args=[job.pk]
    )
    assert job.status == "succeeded" and job.result == {"labels": 30}
    assert job.progress_done == job.progress_total == 60
    assert job.owner == world.user("board_staff") and job.school_board == world.board
    progress = client.get(response["Location"]).content.decode()
    assert reverse("core:job-result", args=[job.pk]) in progress
    download = client.get(reverse("core:job-result", args=[job.pk]))
    pdf = b"".join(download.streaming_content)
    assert pdf_page_count(pdf) == 2
    text = pdf_text(pdf)
    assert devices[0].inventory_number in text and devices[-1].inventory_number in text
    assert "BETA-1" not in text
    # another user cannot fetch the result
    assert (
        client_for(world.user("board_admin"))
        .get(reverse("core:job-result", args=[job.pk]))
        .status_code
        == 404
    )


def test_label_limits(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "INLINE_LABELS", 2)
    monkeypatch.setattr(views, "MAX_LABELS", 3)
    for _ in range(4):
        DeviceFactory(school=world.school)
    client = client_for(world.user("board_admin"))
    url = reverse("devices:device-labels")
    response = client.post(url, follow=True)
    assert "Höchstens 3 Etiketten" in response.content.decode()
    assert not Job.objects.exists()
    # at the limit: the confirmation page for a job; at the inline limit: the PDF at once
    device_ids = list(Device.objects.order_by("pk").values_list("pk", flat=True))
    Device.objects.filter(pk=device_ids[-1]).delete()
    assert client.get(url)["Content-Type"] != "application/pdf"  # 3 > 2: confirmation page
    Device.objects.filter(pk=device_ids[-2]).delete()
    assert client.get(url)["Content-Type"] == "application/pdf"  # 2 = inline limit


def test_delivery_labels_as_job(world, client_for, run_jobs, monkeypatch):
    monkeypatch.setattr(views, "INLINE_LABELS", 3)
    delivery = _delivery(world, n=6, prefix="LB-")
    client = client_for(world.user("board_admin"))
    url = reverse("devices:delivery-labels", args=[delivery.pk])
    assert client.get(url)["Content-Type"].startswith("text/html")
    assert client_for(world.user("other_board_admin")).post(url).status_code == 404
    with run_jobs():
        client.post(url)
    job = Job.objects.get()
    assert (
        job.result == {"labels": 6} and job.result_name == f"etiketten-lieferung-{delivery.pk}.pdf"
    )


# --- 3. retention: the pupil has left -----------------------------------------------------------


def _returned_loan(world, *, returned_on, left_on=None, school_year="2026/27", kind="pupil"):
    data = {"school_year": school_year}
    if kind == "teacher":
        data.update(
            borrower_kind="teacher",
            borrower_name="Herr Lehrer",
            staff_reference="P-1",
            guardian_name="",
            guardian_contact="",
        )
    loan = make_loan(world, status="handed_out", data=data)
    Loan.objects.filter(pk=loan.pk).update(
        status="returned", returned_on=returned_on, pupil_left_on=left_on
    )
    return loan


@pytest.mark.parametrize(
    "returned_on,left_on,anonymised",
    [
        # returned long ago, the pupil left: the later date counts (6 months = 24.05.2026)
        (dt.date(2025, 1, 10), dt.date(2026, 5, 23), True),  # above the threshold
        (dt.date(2025, 1, 10), dt.date(2026, 5, 24), True),  # exactly 6 months
        (dt.date(2025, 1, 10), dt.date(2026, 5, 25), False),  # one day short
        # left long ago, returned later: the return counts
        (dt.date(2026, 5, 24), dt.date(2025, 1, 10), True),
        (dt.date(2026, 5, 25), dt.date(2025, 1, 10), False),
    ],
)
def test_retention_counts_from_later_of_return_and_leaving(
    world, returned_on, left_on, anonymised, settings
):
    settings.PAKTWERK = {**settings.PAKTWERK, "LOAN_RETENTION_MONTHS": 6}
    loan = _returned_loan(world, returned_on=returned_on, left_on=left_on)
    assert (unscoped_system_job(today=TODAY) == 1) is anonymised
    loan.refresh_from_db()
    assert (loan.borrower_name == "anonymisiert") is anonymised
    names = set(Loan.history.filter(id=loan.pk).values_list("guardian_name", flat=True))
    assert ("Maria Musterkind" in names) is (not anonymised)


@pytest.mark.parametrize(
    "school_year,returned_on,anonymised",
    [
        ("2025/26", dt.date(2026, 5, 24), True),  # year ended 03.07.2026, returned 6 months ago
        ("2025/26", dt.date(2026, 5, 25), False),  # year ended, one day short
        ("2026/27", dt.date(2025, 1, 10), False),  # year still running, pupil has not left
    ],
)
def test_without_leaving_date_the_school_year_must_have_ended(
    world, school_year, returned_on, anonymised
):
    loan = _returned_loan(world, returned_on=returned_on, school_year=school_year)
    assert (unscoped_system_job(today=TODAY, months=6) == 1) is anonymised
    loan.refresh_from_db()
    assert (loan.anonymised_at is not None) is anonymised


def test_teacher_loans_count_from_the_return(world):
    loan = _returned_loan(world, returned_on=dt.date(2026, 5, 24), kind="teacher")
    assert unscoped_system_job(today=TODAY, months=6) == 1
    loan.refresh_from_db()
    assert loan.borrower_name == "anonymisiert" and loan.staff_reference == ""


@pytest.mark.parametrize("months,anonymised", [(5, True), (6, True), (7, False)])
def test_configurable_months(world, months, anonymised):
    _returned_loan(world, returned_on=dt.date(2025, 1, 1), left_on=dt.date(2026, 5, 24))
    assert (unscoped_system_job(today=TODAY, months=months) == 1) is anonymised
    assert PrivacyLog.objects.filter(action="retention").exists() is anonymised


def test_open_claim_blocks_even_after_leaving(world):
    loan = make_loan(world, status="handed_out")
    device = loan.items.get().device
    services.loan_return(
        actor=world.user("board_admin"),
        loan=loan,
        returned_on=TODAY,
        items={device.pk: services.ReturnItem(condition="damaged", damage_notes="Display")},
    )
    Loan.objects.filter(pk=loan.pk).update(
        returned_on=dt.date(2025, 1, 1), pupil_left_on=dt.date(2025, 1, 1)
    )
    assert unscoped_system_job(today=TODAY, months=6) == 0


def test_record_pupil_left_ends_running_loan(world):
    loan = make_loan(world, status="handed_out")
    assert loan.due_date == dt.date(2027, 7, 9)
    admin = world.user("school_staff")
    loan = services.loan_record_pupil_left(
        actor=admin, loan=loan, left_on=dt.date(2026, 11, 20), note="Umzug nach Halle"
    )
    loan.refresh_from_db()
    assert loan.pupil_left_on == dt.date(2026, 11, 20)
    assert loan.due_date == dt.date(2026, 11, 20) and loan.due_rule == "fixed"
    assert loan.is_overdue(TODAY)
    assert "Umzug nach Halle" in loan.history.first().history_change_reason
    device = loan.items.get().device
    services.loan_return(
        actor=admin,
        loan=loan,
        returned_on=dt.date(2026, 11, 23),
        items={device.pk: services.ReturnItem()},
    )
    loan.refresh_from_db()
    assert services.retention_due_on(loan, today=TODAY, months=6) == dt.date(2027, 5, 23)
    assert unscoped_system_job(today=dt.date(2027, 5, 22), months=6) == 0
    assert unscoped_system_job(today=dt.date(2027, 5, 23), months=6) == 1


@pytest.mark.parametrize(
    "left_on,field_error",
    [
        (dt.date(2026, 11, 25), "Zukunft"),  # tomorrow
        (dt.date(2026, 8, 31), "Beginn"),  # the day before the loan started
    ],
)
def test_record_pupil_left_bad_dates(world, left_on, field_error):
    loan = make_loan(world, status="handed_out")
    with pytest.raises(ValidationError) as exc:
        services.loan_record_pupil_left(actor=world.user("board_admin"), loan=loan, left_on=left_on)
    assert field_error in str(exc.value)
    loan.refresh_from_db()
    assert loan.pupil_left_on is None and loan.due_date == dt.date(2027, 7, 9)


def test_record_pupil_left_boundaries_and_teacher(world):
    loan = make_loan(world, status="handed_out")
    # on the first day of the loan and today: both accepted
    services.loan_record_pupil_left(
        actor=world.user("board_admin"), loan=loan, left_on=dt.date(2026, 9, 1)
    )
    services.loan_record_pupil_left(actor=world.user("board_admin"), loan=loan, left_on=TODAY)
    loan.refresh_from_db()
    assert loan.pupil_left_on == TODAY and loan.due_date == dt.date(2026, 9, 1)
    teacher = make_loan(
        world,
        data={
            "borrower_kind": "teacher",
            "borrower_name": "Herr L",
            "staff_reference": "P-2",
            "guardian_name": "",
            "guardian_contact": "",
        },
    )
    with pytest.raises(ValidationError):
        services.loan_record_pupil_left(
            actor=world.user("board_admin"), loan=teacher, left_on=TODAY
        )


def test_pupil_left_page_and_api(world, client_for, api_client_for):
    loan = make_loan(world, status="handed_out")
    client = client_for(world.user("school_staff"))
    detail = reverse("devices:loan-detail", args=[loan.pk])
    assert "Schüler/in hat die Schule verlassen" in client.get(detail).content.decode()
    url = reverse("devices:loan-pupil-left", args=[loan.pk])
    assert (
        client_for(world.user("other_board_admin")).post(url, {"left_on": "2026-11-20"}).status_code
        == 404
    )
    assert (
        client_for(world.user("reviewer")).post(url, {"left_on": "2026-11-20"}).status_code == 404
    )
    response = client.post(url, {"left_on": "2026-12-20"})
    loan.refresh_from_db()
    assert response.status_code == 302 and loan.pupil_left_on is None
    client.post(url, {"left_on": "2026-11-20"})
    loan.refresh_from_db()
    assert loan.pupil_left_on == dt.date(2026, 11, 20)
    api = api_client_for(world.user("board_admin"))
    response = api.post(
        f"/api/v1/loans/{loan.pk}/pupil-left/", {"left_on": "2026-11-30"}, format="json"
    )
    assert response.status_code == 400 and "left_on" in response.json()["errors"]
    response = api.post(
        f"/api/v1/loans/{loan.pk}/pupil-left/", {"left_on": "2026-11-21"}, format="json"
    )
    assert response.status_code == 200 and response.json()["pupil_left_on"] == "2026-11-21"
    assert (
        api_client_for(world.user("other_board_admin"))
        .post(f"/api/v1/loans/{loan.pk}/pupil-left/", {"left_on": "2026-11-21"}, format="json")
        .status_code
        == 404
    )


def test_loan_page_shows_retention_date(world, client_for):
    loan = _returned_loan(world, returned_on=dt.date(2026, 10, 1), left_on=dt.date(2026, 10, 5))
    page = (
        client_for(world.user("board_admin"))
        .get(reverse("devices:loan-detail", args=[loan.pk]))
        .content.decode()
    )
    assert "05.04.2027" in page
    still = _returned_loan(world, returned_on=dt.date(2026, 10, 1))
    page = (
        client_for(world.user("board_admin"))
        .get(reverse("devices:loan-detail", args=[still.pk]))
        .content.decode()
    )
    assert "bis die Schülerin oder der Schüler die Schule verlassen hat" in page


def test_money_untouched_by_funding_link(world, lines):
    own, _ = lines
    device = DeviceFactory(school=world.school, price_gross=Decimal("400.00"))
    services.devices_assign_cost_line(
        actor=world.user("board_admin"), board=world.board, devices=[device], cost_line=own
    )
    device.refresh_from_db()
    assert device.price_gross == Decimal("400.00") and device.cost_line == own
