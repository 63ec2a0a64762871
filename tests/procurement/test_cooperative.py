"""Point 1: the cooperative, its staff's scope, contracts and the price-list import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.tenancy import access_for
from devices.models import Loan
from funding.models import CatalogueItem
from procurement import services
from procurement.models import CallOff, ContractItem, ItemPrice, PriceList
from schools.access import member_board_ids
from schools.models import CooperativeMember, Membership
from tests.procurement.factories import call_off

pytestmark = pytest.mark.django_db


def test_staff_sees_members_call_offs_only(world, k, as_coop):
    own = call_off(world.board, world.school, k)
    foreign = call_off(world.other_board, world.other_school, k)
    with as_coop(world.user("cooperative_staff")) as access:
        visible = set(access.restrict(CallOff.objects.all()).values_list("pk", flat=True))
        assert visible == {own.pk}
        assert access.can_view(own) and not access.can_view(foreign)
        assert not access.can_edit(own)


def test_staff_never_sees_loans_even_in_the_wider_scope(world, as_coop):
    from tests.devices.isolation_cases import make_loan_case

    make_loan_case(world, "own", "PUPIL-NAME")
    with as_coop(world.user("cooperative_staff")) as access:
        assert access.restrict(Loan.objects.all()).count() == 0


def test_staff_scope_outside_procurement_pages_has_no_member_boards(world):
    access = access_for(world.user("cooperative_staff"))
    assert access.board_ids == frozenset()
    assert access.cooperative_board_ids == {world.board.pk}


@pytest.mark.parametrize(
    ("joined", "left", "member"),
    [
        (dt.date(2026, 3, 2), None, True),  # joined that very day
        (dt.date(2026, 3, 3), None, False),  # joins the day after
        (dt.date(2020, 1, 1), dt.date(2026, 3, 2), True),  # leaves that day
        (dt.date(2020, 1, 1), dt.date(2026, 3, 1), False),  # left the day before
    ],
)
def test_membership_is_dated(world, joined, left, member):
    CooperativeMember.objects.all().delete()
    CooperativeMember.objects.create(
        cooperative=world.cooperative, school_board=world.board, joined_on=joined, left_on=left
    )
    found = member_board_ids({world.cooperative.pk}, dt.date(2026, 3, 2))
    assert (world.board.pk in found) is member
    assert services.is_member(world.cooperative.pk, world.board.pk, dt.date(2026, 3, 2)) is member


def test_leaving_before_joining_is_refused(world):
    m = CooperativeMember(
        cooperative=world.cooperative,
        school_board=world.other_board,
        joined_on=dt.date(2026, 1, 2),
        left_on=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        m.full_clean()


def test_cooperative_staff_role_needs_the_cooperative(world):
    m = Membership(user=world.user("no_membership"), role="cooperative_staff")
    with pytest.raises(ValidationError):
        m.full_clean()


def test_only_staff_create_contracts(world, k, as_coop):
    data = {
        "supplier": k.supplier,
        "number": "RV-2",
        "title": "Displays",
        "valid_from": dt.date(2026, 1, 1),
        "valid_until": dt.date(2025, 12, 31),
    }
    with as_coop(world.user("board_admin")) as access, pytest.raises(PermissionDenied):
        services.contract_create(
            actor=world.user("board_admin"),
            access=access,
            cooperative=world.cooperative,
            data=data,
        )
    staff = world.user("cooperative_staff")
    with as_coop(staff) as access:
        with pytest.raises(ValidationError) as err:
            services.contract_create(
                actor=staff, access=access, cooperative=world.cooperative, data=data
            )
        assert "valid_until" in err.value.message_dict
        data["valid_until"] = dt.date(2026, 1, 1)  # at the start: valid for one day
        contract = services.contract_create(
            actor=staff, access=access, cooperative=world.cooperative, data=data
        )
    assert contract.is_valid_on(dt.date(2026, 1, 1))
    assert not contract.is_valid_on(dt.date(2026, 1, 2))


HEADER = (
    "Artikelnummer;Bezeichnung;Los;Förderkategorie;Gerätekategorie;Nettopreis;USt-Satz;"
    "Lieferzeit (Tage);Mindestmenge;gültig ab;gültig bis\n"
)


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


GOOD = (
    "IPAD-10;iPad 10,9 Zoll;1;mobile;Tablet;389,00;19;14;1;01.04.2026;31.12.2026",
    "DISP-75;Display 75 Zoll;2;Display and interaction devices;Display;1.890,00;19;30;1;"
    "01.04.2026;31.12.2026",
)


def test_price_list_import_writes_a_version_and_the_warenkorb(world, k, as_coop):
    staff = world.user("cooperative_staff")
    with as_coop(staff) as access:
        version = services.price_list_import(
            actor=staff, access=access, contract=k.contract, name="preise.csv", data=_csv(*GOOD)
        )
    assert version.number == 2
    assert (version.valid_from, version.valid_until) == (dt.date(2026, 4, 1), dt.date(2026, 12, 31))
    price = ItemPrice.objects.get(price_list=version, item__item_number="DISP-75")
    assert price.price_net == Decimal("1890.00") and price.delivery_days == 30
    display = ContractItem.objects.get(contract=k.contract, item_number="DISP-75")
    assert display.category == "display" and display.lot.number == "2"
    assert display.device_category == "display"
    entry = CatalogueItem.objects.get(contract_reference=k.contract.number, item_number="DISP-75")
    assert display.warenkorb_item == entry and entry.unit_price_net == Decimal("1890.00")
    # the newest version valid on a day gives the price
    assert services.price_in_force(k.ipad, dt.date(2026, 3, 31)).price_net == Decimal("400.00")
    assert services.price_in_force(k.ipad, dt.date(2026, 4, 1)).price_net == Decimal("389.00")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "X-1;Kabel;1;lan;;-5,00;19;3;1;01.04.2026;31.12.2026",
            "Row 3, Nettopreis: The net price -€5.00 is negative.",
        ),
        (
            "IPAD-10;doppelt;1;mobile;;10,00;19;3;1;01.04.2026;31.12.2026",
            "Row 3, Artikelnummer: the item number IPAD-10 is already in row 2",
        ),
        (
            "X-1;Kabel;1;lan;;5,00;19;3;1;01.04.2026;31.03.2026",
            "Row 3, gültig bis: The validity ends (31.03.2026) before it starts (01.04.2026).",
        ),
        (
            "X-1;Kabel;1;Kaffeemaschinen;;5,00;19;3;1;01.04.2026;31.12.2026",
            "Row 3, Förderkategorie: Unknown funding category “Kaffeemaschinen”",
        ),
    ],
)
def test_bad_price_rows_name_row_and_column_and_write_nothing(world, k, as_coop, row, message):
    staff = world.user("cooperative_staff")
    before = (
        PriceList.objects.count(),
        ItemPrice.objects.count(),
        ContractItem.objects.count(),
        CatalogueItem.objects.count(),
    )
    with as_coop(staff) as access, pytest.raises(ValidationError) as err:
        services.price_list_import(
            actor=staff,
            access=access,
            contract=k.contract,
            name="p.csv",
            data=_csv(GOOD[0], row),
        )
    assert any(m.startswith(message) for m in err.value.message_dict["file"]), (
        err.value.message_dict
    )
    after = (
        PriceList.objects.count(),
        ItemPrice.objects.count(),
        ContractItem.objects.count(),
        CatalogueItem.objects.count(),
    )
    assert after == before


def test_price_list_preview_lists_rows_and_errors(world, k):
    plan = services.price_list_preview(name="p.csv", data=_csv(GOOD[0], GOOD[1]))
    assert plan.ok and len(plan.rows) == 2
    plan = services.price_list_preview(name="p.csv", data=b"Bezeichnung;Nettopreis\nx;1\n")
    assert not plan.ok
    assert "The column “Artikelnummer” is missing." in plan.errors


def test_price_list_from_xlsx(world, k, as_coop):
    from core.spreadsheets import write_xlsx

    headers = HEADER.strip().split(";")
    rows = [r.split(";") for r in GOOD]
    data = write_xlsx(headers, rows)
    staff = world.user("cooperative_staff")
    with as_coop(staff) as access:
        version = services.price_list_import(
            actor=staff, access=access, contract=k.contract, name="p.xlsx", data=data
        )
    assert version.prices.count() == 2
