"""Procurement API serializers: explicit fields; related ids through the user's scope."""

from __future__ import annotations

from rest_framework import serializers

from core.api import ScopedRelatedField
from funding.models import CostLine
from schools.models import School

from ..models import (
    CallOff,
    CallOffLine,
    ContractItem,
    DeliveryNote,
    FrameworkContract,
    ItemPrice,
    JointOrder,
    SupplierInvoice,
    SupplierInvoiceLine,
)


class ItemPriceSerializer(serializers.ModelSerializer):
    valid_from = serializers.DateField(source="price_list.valid_from", read_only=True)
    valid_until = serializers.DateField(
        source="price_list.valid_until", read_only=True, allow_null=True
    )

    class Meta:
        model = ItemPrice
        fields = [
            "id",
            "price_list",
            "valid_from",
            "valid_until",
            "price_net",
            "vat_rate",
            "delivery_days",
            "min_quantity",
        ]


class ContractItemSerializer(serializers.ModelSerializer):
    prices = ItemPriceSerializer(many=True, read_only=True)

    class Meta:
        model = ContractItem
        fields = ["id", "item_number", "name", "lot", "category", "device_category", "prices"]


class ContractSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    items = ContractItemSerializer(many=True, read_only=True)

    class Meta:
        model = FrameworkContract
        fields = [
            "id",
            "cooperative",
            "supplier",
            "supplier_name",
            "number",
            "title",
            "valid_from",
            "valid_until",
            "items",
        ]


class CallOffLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallOffLine
        fields = [
            "id",
            "item",
            "description",
            "quantity",
            "unit_price_net",
            "vat_rate",
            "delivered_quantity",
        ]
        read_only_fields = ["description", "unit_price_net", "vat_rate", "delivered_quantity"]


class CallOffLineInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ContractItem.objects.all(), required=False)
    description = serializers.CharField(required=False, max_length=300)
    quantity = serializers.IntegerField(min_value=1)
    unit_price_net = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


class CallOffSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.none())
    cost_line = ScopedRelatedField(
        queryset=CostLine.objects.none(), required=False, allow_null=True
    )
    contract = serializers.PrimaryKeyRelatedField(
        queryset=FrameworkContract.objects.all(), required=False, allow_null=True
    )
    lines = CallOffLineSerializer(many=True, read_only=True)
    new_lines = CallOffLineInputSerializer(many=True, write_only=True)

    class Meta:
        model = CallOff
        fields = [
            "id",
            "number",
            "school_board",
            "cooperative",
            "contract",
            "school",
            "cost_line",
            "order_date",
            "route",
            "supplier_name",
            "over_plan_reason",
            "status",
            "joint_order",
            "lines",
            "new_lines",
            "version",
        ]
        read_only_fields = [
            "number",
            "school_board",
            "cooperative",
            "status",
            "joint_order",
            "version",
        ]


class StepSerializer(serializers.Serializer):
    to = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DeliveryNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryNote
        fields = ["id", "school_board", "call_off", "number", "delivered_on", "received_by"]


class DeliveryRowSerializer(serializers.Serializer):
    item_number = serializers.CharField(max_length=50)
    serial = serializers.CharField(max_length=100)
    mac = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    mdm_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    school_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )


class DeliveryInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    delivered_on = serializers.DateField()
    rows = DeliveryRowSerializer(many=True)


class InvoiceLineSerializer(serializers.ModelSerializer):
    order_line = ScopedRelatedField(queryset=CallOffLine.objects.none())

    class Meta:
        model = SupplierInvoiceLine
        fields = ["id", "order_line", "quantity", "unit_price_net", "vat_rate"]


class SupplierInvoiceSerializer(serializers.ModelSerializer):
    lines = InvoiceLineSerializer(many=True)

    class Meta:
        model = SupplierInvoice
        fields = [
            "id",
            "school_board",
            "supplier",
            "number",
            "date",
            "status",
            "differences",
            "difference_reason",
            "payout",
            "lines",
            "version",
        ]
        read_only_fields = [
            "school_board",
            "status",
            "differences",
            "difference_reason",
            "payout",
            "version",
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class JointOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = JointOrder
        fields = [
            "id",
            "number",
            "contract",
            "lot",
            "status",
            "sent_on",
            "confirmation_reference",
            "confirmed_on",
            "expected_on",
        ]


class OverviewRowSerializer(serializers.Serializer):
    cost_line = serializers.IntegerField(source="cost_line.pk")
    approved = serializers.DecimalField(max_digits=14, decimal_places=2)
    ordered = serializers.DecimalField(max_digits=14, decimal_places=2)
    delivered = serializers.DecimalField(max_digits=14, decimal_places=2)
    invoiced = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    open_quantity = serializers.IntegerField()
