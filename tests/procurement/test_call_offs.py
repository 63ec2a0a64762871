"""Point 2: call-offs (Abruf) — contract and price valid on the order date, the plan
tolerance, the procurement route, and the status table."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.workflow import history_of
from procurement import services
from procurement.models import CallOff, CallOffLine, ItemPrice, PriceList
from tests.procurement.factories import ORDER_DAY, approved_line, call_off

pytestmark = pytest.mark.django_db


def _order(world, k, *, quantity=10, line=None, day=ORDER_DAY, reason="", item=None, acting=None):
    user = world.user("board_admin")
    from tests.scoping import acting as _acting

    with _acting(user) as access:
        return services.call_off_create(
            actor=user,
            access=access,
            board=world.board,
            data={
                "contract": k.contract,
                "school": world.school,
                "cost_line": line,
                "order_date": day,
                "over_plan_reason": reason,
                "lines": [{"item": item or k.ipad, "quantity": quantity}],
            },
        )


def test_price_comes_from_the_version_valid_on_the_order_date(world, k):
    newer = PriceList.objects.create(contract=k.contract, number=2, valid_from=dt.date(2026, 3, 3))
    ItemPrice.objects.create(
        price_list=newer, item=k.ipad, price_net=Decimal("380.00"), vat_rate=Decimal("19")
    )
    before = _order(world, k, day=dt.date(2026, 3, 2))
    after = _order(world, k, day=dt.date(2026, 3, 3))
    assert before.lines.get().unit_price_net == Decimal("400.00")
    assert after.lines.get().unit_price_net == Decimal("380.00")
    assert after.lines.get().price.price_list == newer
    assert before.cooperative == world.cooperative
    assert before.number == "AB-2026-0001" and after.number == "AB-2026-0002"


@pytest.mark.parametrize(
    ("day", "ok"),
    [(dt.date(2027, 12, 31), True), (dt.date(2028, 1, 1), False), (dt.date(2023, 12, 31), False)],
)
def test_contract_must_be_valid_on_the_order_date(world, k, day, ok):
    if ok:
        assert _order(world, k, day=day).pk
        return
    with pytest.raises(ValidationError) as err:
        _order(world, k, day=day)
    assert "contract" in err.value.message_dict
    assert not CallOff.objects.exists()


def test_a_board_outside_the_cooperative_cannot_call_off(world, k):
    user = world.user("other_board_admin")
    from tests.scoping import acting

    with acting(user) as access, pytest.raises(ValidationError) as err:
        services.call_off_create(
            actor=user,
            access=access,
            board=world.other_board,
            data={
                "contract": k.contract,
                "school": world.other_school,
                "order_date": ORDER_DAY,
                "lines": [{"item": k.ipad, "quantity": 1}],
            },
        )
    assert "not a member" in str(err.value)


@pytest.mark.parametrize(("quantity", "ok"), [(9, False), (10, True), (11, True)])
def test_minimum_quantity_of_the_price_list(world, k, quantity, ok):
    if ok:
        assert _order(world, k, item=k.pen, quantity=quantity).pk
    else:
        with pytest.raises(ValidationError, match="minimum quantity"):
            _order(world, k, item=k.pen, quantity=quantity)


# approved: 10 iPads at 400 net = 4,760.00 gross; tolerance 20 % -> 12 pieces, 5,712.00
@pytest.mark.parametrize(("quantity", "ok"), [(11, True), (12, True), (13, False)])
def test_order_above_the_approved_line_beyond_the_tolerance_needs_a_reason(world, k, quantity, ok):
    line = approved_line(world.board, world.school)
    if ok:
        assert _order(world, k, line=line, quantity=quantity).pk
        return
    with pytest.raises(ValidationError) as err:
        _order(world, k, line=line, quantity=quantity)
    message = err.value.message_dict["over_plan_reason"][0]
    assert "12" in message and "13" in message
    assert not CallOff.objects.exists()
    with_reason = _order(world, k, line=line, quantity=quantity, reason="Zwei Klassen mehr")
    assert with_reason.over_plan_reason == "Zwei Klassen mehr"


def test_tolerance_counts_earlier_call_offs_of_the_line(world, k):
    line = approved_line(world.board, world.school)
    first = _order(world, k, line=line, quantity=8)
    user = world.user("board_admin")
    from tests.scoping import acting

    with acting(user) as access:
        services.call_off_step(actor=user, access=access, call_off=first, to="submitted")
    assert _order(world, k, line=line, quantity=4).pk  # 12: at the limit
    with pytest.raises(ValidationError):
        _order(world, k, line=line, quantity=5)  # 8 + 5 = 13 > 12


def test_amount_limit_at_the_cent(world, k):
    # approved gross 4,760.00 → limit 5,712.00; 12 × 476.00 = 5,712.00 passes
    line = approved_line(world.board, world.school, quantity=Decimal("100"))
    line.approved_amount = Decimal("4760.00")
    line.save()
    assert _order(world, k, line=line, quantity=12).pk
    line.approved_amount = Decimal("4759.99")  # limit 5,711.99 → one cent too much
    line.save()
    with pytest.raises(ValidationError, match="5,711.99"):
        _order(world, k, line=line, quantity=12)


def test_only_approved_lines_of_the_board(world, k):
    line = approved_line(world.board, world.school)
    line.approved_amount = None
    line.save()
    with pytest.raises(ValidationError, match="approved"):
        _order(world, k, line=line)
    foreign = approved_line(world.other_board, world.other_school)
    with pytest.raises(ValidationError, match="another Schulträger"):
        _order(world, k, line=foreign)


def test_item_eligibility_per_programme(world, k):
    from tests.funding.factories import ProgrammeFactory

    line = approved_line(world.board, world.school)
    other = ProgrammeFactory(code="dp2", name="DigitalPakt 2.0", land=world.land)
    k.ipad.programmes.add(other)
    with pytest.raises(ValidationError, match="not eligible"):
        _order(world, k, line=line)
    k.ipad.programmes.add(line.application.programme)
    assert _order(world, k, line=line).pk


def _free(world, *, route, net, supplier="Elektro Müller"):
    user = world.user("board_admin")
    from tests.scoping import acting

    with acting(user) as access:
        return services.call_off_create(
            actor=user,
            access=access,
            board=world.board,
            data={
                "school": world.school,
                "order_date": ORDER_DAY,
                "route": route,
                "supplier_name": supplier,
                "lines": [{"description": "Switch", "quantity": 1, "unit_price_net": net}],
            },
        )


# direct award up to 10,000.00 net (rule-set default)
@pytest.mark.parametrize(
    ("net", "ok"),
    [(Decimal("9999.99"), True), (Decimal("10000.00"), True), (Decimal("10000.01"), False)],
)
def test_purchase_outside_the_catalogue_is_checked_against_the_thresholds(world, net, ok):
    if ok:
        purchase = _free(world, route="direct", net=net)
        assert purchase.route == "direct" and purchase.cooperative is None
        return
    with pytest.raises(ValidationError) as err:
        _free(world, route="direct", net=net)
    assert "direct awards" in err.value.message_dict["route"][0]


def test_restricted_tender_up_to_its_limit(world):
    assert _free(world, route="restricted", net=Decimal("220999.99")).pk
    with pytest.raises(ValidationError):
        _free(world, route="restricted", net=Decimal("221000.00"))


def test_outside_the_catalogue_needs_a_supplier(world):
    with pytest.raises(ValidationError) as err:
        _free(world, route="direct", net=Decimal("10"), supplier="")
    assert "supplier_name" in err.value.message_dict


def test_status_table_and_cancel_with_reason(world, k):
    c = _order(world, k)
    user = world.user("board_admin")
    from tests.scoping import acting

    with acting(user) as access:
        services.call_off_step(actor=user, access=access, call_off=c, to="submitted")
        with pytest.raises(ValidationError):  # bundling is the cooperative's step
            services.call_off_step(actor=user, access=access, call_off=c, to="bundled")
        with pytest.raises(ValidationError) as err:
            services.call_off_step(actor=user, access=access, call_off=c, to="cancelled")
        assert "reason" in err.value.message_dict
        services.call_off_step(
            actor=user, access=access, call_off=c, to="cancelled", reason="Doppelt bestellt"
        )
    c.refresh_from_db()
    assert c.status == "cancelled"
    log = list(history_of(c).order_by("created_at", "id"))
    assert [e.to_status for e in log] == ["draft", "submitted", "cancelled"]
    assert log[-1].reason == "Doppelt bestellt"


def test_school_staff_and_cooperative_cannot_submit(world, k, as_coop):
    c = call_off(world.board, world.school, k)
    for name in ("school_staff", "cooperative_staff"):
        with as_coop(world.user(name)) as access, pytest.raises(PermissionDenied):
            services.call_off_step(
                actor=world.user(name), access=access, call_off=c, to="submitted"
            )


def test_direct_order_only_outside_the_catalogue(world, k):
    framework = call_off(world.board, world.school, k)
    free = _free(world, route="direct", net=Decimal("100"))
    user = world.user("board_admin")
    from tests.scoping import acting

    with acting(user) as access:
        with pytest.raises(PermissionDenied):
            services.call_off_step(actor=user, access=access, call_off=framework, to="ordered")
        services.call_off_step(actor=user, access=access, call_off=free, to="ordered")
    assert CallOff.objects.get(pk=free.pk).status == "ordered"
    assert CallOffLine.objects.filter(call_off=free).count() == 1
