"""Pages and API of procurement: status codes by actor, query counts, API writes."""

import pytest
from django.urls import reverse

from procurement.models import CallOff
from tests.procurement.factories import ORDER_DAY, approved_line, call_off
from tests.querycount import assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("actor", ["board_admin", "cooperative_staff"])
@pytest.mark.parametrize(
    "url",
    [
        "procurement:call-off-list",
        "procurement:invoice-list",
        "procurement-calloff-list",
        "procurement-invoice-list",
    ],
)
def test_lists_have_constant_queries(world, k, client_for, api_client_for, actor, url):
    user = world.user(actor)
    client = api_client_for(user) if url.startswith("procurement-") else client_for(user)

    def fetch():
        response = client.get(reverse(url))
        assert response.status_code == 200

    def add_rows(n):
        from procurement.models import SupplierInvoice, SupplierInvoiceLine

        for _ in range(n):
            c = call_off(world.board, world.school, k, status="ordered")
            invoice = SupplierInvoice.objects.create(
                school_board=world.board, supplier=k.supplier, number=f"RE-{c.pk}", date=ORDER_DAY
            )
            SupplierInvoiceLine.objects.create(
                school_board=world.board,
                invoice=invoice,
                order_line=c.lines.get(),
                quantity=1,
                unit_price_net=400,
                vat_rate=19,
            )

    assert_constant_queries(fetch, add_rows)


def test_pages_open_for_their_actors(world, k, client_for):
    admin = client_for(world.user("board_admin"))
    staff = client_for(world.user("cooperative_staff"))
    other = client_for(world.user("other_board_admin"))
    coop_url = reverse("procurement:cooperative-detail", args=[world.cooperative.pk])
    assert staff.get(coop_url).status_code == 200
    assert admin.get(coop_url).status_code == 404
    for name in (
        "procurement:call-off-create",
        "procurement:overview",
        "procurement:contract-list",
    ):
        assert admin.get(reverse(name)).status_code == 200
    contract_url = reverse("procurement:contract-detail", args=[k.contract.pk])
    assert admin.get(contract_url).status_code == 200  # a member reads the catalogue
    assert other.get(contract_url).status_code == 404  # not a member
    import_url = reverse("procurement:price-list-import", args=[k.contract.pk])
    assert staff.get(import_url).status_code == 200
    assert admin.get(import_url).status_code == 404


def test_joint_order_documents_only_for_the_cooperative(world, k, client_for, as_coop):
    from procurement import services

    call_off(world.board, world.school, k, status="submitted")
    staff_user = world.user("cooperative_staff")
    with as_coop(staff_user) as access:
        [order] = services.bundle(
            actor=staff_user, access=access, cooperative=world.cooperative, on=ORDER_DAY
        )
    staff = client_for(staff_user)
    admin = client_for(world.user("board_admin"))
    for name in ("joint-order-detail", "joint-order-pdf", "joint-order-csv"):
        url = reverse(f"procurement:{name}", args=[order.pk])
        assert staff.get(url).status_code == 200, name
        assert admin.get(url).status_code == 404, name
    response = staff.get(reverse("procurement:joint-order-csv", args=[order.pk]))
    assert b"IPAD-10" in response.content


def test_api_call_off_create_and_submit(world, k, api_client_for):
    line = approved_line(world.board, world.school)
    api = api_client_for(world.user("board_admin"))
    payload = {
        "contract": k.contract.pk,
        "school": world.school.pk,
        "cost_line": line.pk,
        "order_date": "2026-03-02",
        "new_lines": [{"item": k.ipad.pk, "quantity": 13}],
    }
    response = api.post(reverse("procurement-calloff-list"), payload, format="json")
    assert response.status_code == 400
    assert "over_plan_reason" in response.json()["errors"] or "over_plan_reason" in str(
        response.json()
    )
    assert not CallOff.objects.exists()
    payload["new_lines"][0]["quantity"] = 12
    response = api.post(reverse("procurement-calloff-list"), payload, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["lines"][0]["unit_price_net"] == "400.00"
    response = api.post(
        reverse("procurement-calloff-step", args=[pk]), {"to": "submitted"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_api_foreign_school_is_not_found(world, k, api_client_for):
    api = api_client_for(world.user("board_admin"))
    payload = {
        "contract": k.contract.pk,
        "school": world.other_school.pk,
        "order_date": "2026-03-02",
        "new_lines": [{"item": k.ipad.pk, "quantity": 1}],
    }
    response = api.post(reverse("procurement-calloff-list"), payload, format="json")
    assert response.status_code == 400
    assert not CallOff.objects.exists()


def test_api_overview_constant_queries(world, k, api_client_for):
    api = api_client_for(world.user("board_admin"))

    def fetch():
        assert api.get(reverse("procurement-calloff-overview")).status_code == 200

    def add_rows(n):
        for _ in range(n):
            line = approved_line(world.board, world.school)
            call_off(world.board, world.school, k, status="ordered", cost_line=line)

    assert_constant_queries(fetch, add_rows)
    assert count_queries(fetch) < 20
