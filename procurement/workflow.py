"""The call-off's status table (Abruf): draft → submitted → bundled → ordered →
partly delivered → delivered → closed; cancellation with a reason."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import workflow as engine

from . import permissions as p
from .choices import CallOffStatus as S
from .choices import InvoiceStatus, JointOrderStatus
from .models import CallOff, JointOrder, SupplierInvoice

_CANCEL = {"reason": engine.REQUIRED, "action": "cancel"}

CALL_OFF = engine.register(
    engine.Workflow(
        name="procurement.call_off",
        model=CallOff,
        choices=S,
        transitions=[
            engine.Transition(S.DRAFT, S.SUBMITTED, p.is_board_editor, action="submit"),
            engine.Transition(S.SUBMITTED, S.DRAFT, p.is_board_editor, action="withdraw"),
            engine.Transition(
                S.SUBMITTED, S.BUNDLED, p.is_cooperative_staff_for, action="bundle", via="bundle"
            ),
            engine.Transition(
                S.BUNDLED, S.ORDERED, p.is_cooperative_staff_for, action="order", via="bundle"
            ),
            engine.Transition(
                S.DRAFT, S.ORDERED, p.may_order_outside_catalogue, action="order_direct"
            ),
            engine.Transition(
                S.ORDERED, S.PARTLY_DELIVERED, p.is_board_editor, action="deliver", via="delivery"
            ),
            engine.Transition(
                S.ORDERED, S.DELIVERED, p.is_board_editor, action="deliver", via="delivery"
            ),
            engine.Transition(
                S.PARTLY_DELIVERED,
                S.DELIVERED,
                p.is_board_editor,
                action="deliver",
                via="delivery",
            ),
            engine.Transition(S.DELIVERED, S.CLOSED, p.is_board_editor, action="close"),
            engine.Transition(S.DRAFT, S.CANCELLED, p.is_board_editor, **_CANCEL),
            engine.Transition(S.SUBMITTED, S.CANCELLED, p.is_board_editor, **_CANCEL),
            engine.Transition(S.BUNDLED, S.CANCELLED, p.board_or_cooperative, **_CANCEL),
            engine.Transition(S.ORDERED, S.CANCELLED, p.board_or_cooperative, **_CANCEL),
        ],
        action_labels={
            "submit": _("submitted"),
            "withdraw": _("withdrawn"),
            "bundle": _("bundled"),
            "order": _("ordered"),
            "order_direct": _("ordered directly"),
            "deliver": _("delivered"),
            "close": _("closed"),
            "cancel": _("cancelled"),
        },
        guards={
            "editable": {S.DRAFT},
            "bundleable": {S.SUBMITTED},
            "deliverable": {S.ORDERED, S.PARTLY_DELIVERED},
            "invoiceable": {S.ORDERED, S.PARTLY_DELIVERED, S.DELIVERED, S.CLOSED},
            "counts": {
                S.SUBMITTED,
                S.BUNDLED,
                S.ORDERED,
                S.PARTLY_DELIVERED,
                S.DELIVERED,
                S.CLOSED,
            },
        },
        refusal_field=None,
    )
)


def _staff_of_cooperative(access, obj) -> bool:
    return p.is_staff_of(access, obj.cooperative_id)


J = JointOrderStatus
JOINT_ORDER = engine.register(
    engine.Workflow(
        name="procurement.joint_order",
        model=JointOrder,
        choices=J,
        transitions=[
            engine.Transition(J.DRAFT, J.SENT, _staff_of_cooperative, action="send"),
            engine.Transition(J.SENT, J.CONFIRMED, _staff_of_cooperative, action="confirm"),
        ],
        action_labels={"send": _("sent"), "confirm": _("confirmed")},
        guards={"sendable": {J.DRAFT}, "sent": {J.SENT, J.CONFIRMED}},
        refusal_field=None,
    )
)

I = InvoiceStatus  # noqa: E741
INVOICE = engine.register(
    engine.Workflow(
        name="procurement.invoice",
        model=SupplierInvoice,
        choices=I,
        transitions=[
            engine.Transition(
                I.OPEN,
                I.ACCEPTED,
                p.is_board_editor,
                **{"reason": engine.REQUIRED, "action": "accept"},
            ),
            engine.Transition(I.MATCHED, I.BOOKED, p.is_board_editor, action="book", via="payout"),
            engine.Transition(I.ACCEPTED, I.BOOKED, p.is_board_editor, action="book", via="payout"),
        ],
        action_labels={"accept": _("accepted with differences"), "book": _("booked")},
        guards={"payable": {I.MATCHED, I.ACCEPTED}, "open": {I.OPEN}},
        refusal_field=None,
    )
)
